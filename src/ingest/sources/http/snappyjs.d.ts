// snappyjs ships no types. Snappy block format (no framing), as Loki's push API uses it.
declare module 'snappyjs' {
  /** Throws 'Invalid Snappy bitstream', or when the declared length exceeds maxLength. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
  const snappy: { uncompress: typeof uncompress; compress: typeof compress };
  export default snappy;
}
