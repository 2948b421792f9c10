/**
 * The message skip index: for each block of GRAM_BLOCK_ROWS consecutive ids, one bit per
 * hashed trigram of the messages' case-folded text (a Bloom filter with one hash). A
 * substring search needs every trigram of its needle in a block, so a block whose bits lack
 * one cannot hold a match and is not read. A rare needle's 16 trigrams each pass a block
 * with a chance of about a third, all of them almost never: of 2,853 blocks (the 1 GiB
 * access log) only those holding the needle are scanned.
 *
 * Exact, never a false negative, because the fold is the one DuckDB's lower() does at the
 * ASCII level: A–Z lower-case, U+0130 (İ) lowers to `i` and U+212A (Kelvin sign) to `k`
 * (checked against DuckDB for every code point in message-grams.test.ts), and no other
 * character lowers to ASCII. Every other non-ASCII character breaks the trigrams around
 * it: a needle's trigrams that hold one are simply not looked up. The case-sensitive search
 * of a caseless needle (sql.ts's messageContains) is covered too: text containing a needle
 * contains its fold.
 *
 * Layout: bit i of a block is byte i >> 3, bit 7 - (i & 7), as DuckDB's BIT type reads a
 * BLOB cast to it (get_bit(bits, i)).
 */
import type { ListElement } from './store';

export const GRAM_BLOCK_ROWS = 2048;
export const GRAM_BITS = 32768;
const GRAM_BYTES = GRAM_BITS / 8;
const SHIFT = 32 - Math.log2(GRAM_BITS);

/** The block an id belongs to. */
export const gramBlock = (id: number): number => Math.floor(id / GRAM_BLOCK_ROWS);

/** A character code as folded for the index: 0–127, or -1 where trigrams break. */
function fold(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c === 0x130) return 105; // İ → i
  if (c === 0x212a) return 107; // Kelvin sign → k
  return -1;
}

/** The bit of a trigram of folded codes (multiplicative hashing of its 21 bits). */
function gramBit(a: number, b: number, c: number): number {
  return Math.imul((a << 14) | (b << 7) | c, 0x9e3779b1) >>> SHIFT;
}

/** One block's bits, filled message by message. */
export class GramBloom {
  readonly bits = new Uint8Array(GRAM_BYTES);

  add(text: string): void {
    const bits = this.bits;
    let a = -1;
    let b = -1;
    for (let i = 0; i < text.length; i++) {
      const c = fold(text.charCodeAt(i));
      if (c >= 0 && a >= 0 && b >= 0) {
        const bit = gramBit(a, b, c);
        bits[bit >>> 3]! |= 0x80 >>> (bit & 7);
      }
      a = b;
      b = c;
    }
  }
}

/** The statement storing blocks' entries (block, bits), with its parameters for bindLists. */
export function gramEntries(entries: ReadonlyArray<readonly [number, Uint8Array]>): {
  sql: string;
  lists: Array<[ListElement, Array<number | Uint8Array>]>;
} {
  return {
    sql: 'INSERT INTO message_grams SELECT unnest($1::BIGINT[]), unnest($2::BLOB[])::BIT ON CONFLICT DO NOTHING',
    lists: [
      ['BIGINT', entries.map(([block]) => block)],
      ['BLOB', entries.map(([, bits]) => bits)],
    ],
  };
}

/** The bits every block holding `needle` (ignoring case) has set; empty when it has no trigram to look up. */
export function needleBits(needle: string): number[] {
  const out = new Set<number>();
  let a = -1;
  let b = -1;
  for (let i = 0; i < needle.length; i++) {
    const c = fold(needle.charCodeAt(i));
    if (c >= 0 && a >= 0 && b >= 0) out.add(gramBit(a, b, c));
    a = b;
    b = c;
  }
  return [...out].sort((x, y) => x - y);
}
