/**
 * Chunked GELF over UDP: a message too big for one datagram comes as up to 128 chunks,
 * each `1e 0f` + 8-byte message id + sequence number + sequence count + a piece of the
 * payload. Pieces are held until every one of a message has arrived; the set is bounded
 * (messages pending, bytes pending) and expires after 5 s, as Graylog does. Sets that
 * expire or are pushed out by the bounds are counted: those messages are lost.
 */

export const CHUNK_MAGIC_0 = 0x1e;
export const CHUNK_MAGIC_1 = 0x0f;
export const CHUNK_HEADER = 12;
export const MAX_CHUNKS = 128;

export interface ChunkLimits {
  /** Messages whose chunks are being gathered at once. */
  maxPending: number;
  /** Bytes of chunks held at once. */
  maxPendingBytes: number;
  /** A message whose chunks have not all arrived within this is dropped. */
  expiryMs: number;
}

interface Pending {
  parts: Array<Buffer | undefined>;
  got: number;
  bytes: number;
  first: number;
}

export function isChunk(buf: Buffer, start: number, end: number): boolean {
  return end - start >= 2 && buf[start] === CHUNK_MAGIC_0 && buf[start + 1] === CHUNK_MAGIC_1;
}

export class ChunkAssembler {
  private readonly pending = new Map<string, Pending>();
  private pendingBytes = 0;
  /** Sets dropped because their last chunk did not come within expiryMs. */
  expired = 0;
  /** Sets dropped to stay within maxPending / maxPendingBytes (the oldest first). */
  evicted = 0;
  /** Chunks that made no sense (count 0 or over 128, sequence past the count, count changed). */
  invalid = 0;
  /** Chunks that came twice (ignored). */
  duplicates = 0;

  constructor(private readonly limits: ChunkLimits) {}

  /**
   * Adds the chunk at buf[start, end). Returns the whole payload when this chunk
   * completes its message, else null. `invalidReason` is set when the chunk was refused.
   */
  add(buf: Buffer, start: number, end: number, now: number): Buffer | null {
    this.expire(now);
    if (end - start < CHUNK_HEADER) {
      this.invalid++;
      return null;
    }
    const seq = buf[start + 10]!;
    const count = buf[start + 11]!;
    if (count === 0 || count > MAX_CHUNKS || seq >= count) {
      this.invalid++;
      return null;
    }
    const piece = buf.subarray(start + CHUNK_HEADER, end);
    if (count === 1) return Buffer.from(piece);
    const id = buf.toString('latin1', start + 2, start + 10);
    let p = this.pending.get(id);
    if (!p) {
      p = { parts: new Array<Buffer | undefined>(count), got: 0, bytes: 0, first: now };
      this.pending.set(id, p);
    } else if (p.parts.length !== count) {
      this.invalid++;
      return null;
    }
    if (p.parts[seq]) {
      this.duplicates++;
      return null;
    }
    // Copied: the chunk's buffer is a chunk of many datagrams that goes back to the socket thread.
    p.parts[seq] = Buffer.from(piece);
    p.got++;
    p.bytes += piece.length;
    this.pendingBytes += piece.length;
    if (p.got === count) {
      this.pending.delete(id);
      this.pendingBytes -= p.bytes;
      return Buffer.concat(p.parts as Buffer[], p.bytes);
    }
    this.bound(id);
    return null;
  }

  /** Drops sets older than expiryMs; returns how many it dropped now. */
  expire(now: number): number {
    let n = 0;
    for (const [id, p] of this.pending) {
      // Map order is arrival order of each set's first chunk: stop at the first young one.
      if (now - p.first < this.limits.expiryMs) break;
      this.drop(id, p);
      n++;
    }
    this.expired += n;
    return n;
  }

  get pendingMessages(): number {
    return this.pending.size;
  }

  get heldBytes(): number {
    return this.pendingBytes;
  }

  private bound(keep: string): void {
    for (const [id, p] of this.pending) {
      if (this.pending.size <= this.limits.maxPending && this.pendingBytes <= this.limits.maxPendingBytes) return;
      if (id === keep && this.pending.size === 1) return;
      this.drop(id, p);
      this.evicted++;
    }
  }

  private drop(id: string, p: Pending): void {
    this.pending.delete(id);
    this.pendingBytes -= p.bytes;
  }
}
