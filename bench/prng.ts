/**
 * A small seeded PRNG (mulberry32) and the draws the generators need. Same seed, same
 * sequence, on every machine: the benchmark files are reproducible byte for byte.
 */

/** FNV-1a over a string: turns "42:access" into a 32-bit seed. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: 32 bits of state, passes the usual small-crush style checks, very fast. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A weighted table prepared once, drawn from many times. */
export interface Weighted<T> {
  values: T[];
  /** Cumulative weights, normalised so the last is 1. */
  cumulative: number[];
}

export function weighted<T>(entries: ReadonlyArray<readonly [T, number]>): Weighted<T> {
  if (entries.length === 0) throw new Error('weighted: no entries');
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  const cumulative = entries.map(([, w]) => (acc += w / total));
  cumulative[cumulative.length - 1] = 1;
  return { values: entries.map(([v]) => v), cumulative };
}

const HEX = '0123456789abcdef';

export class Rng {
  readonly next: () => number;

  constructor(seed: number | string) {
    this.next = mulberry32(typeof seed === 'string' ? hashSeed(seed) : seed);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Skewed towards the front of the list (a few hot items, a long tail). */
  pickSkewed<T>(items: readonly T[], power = 3): T {
    return items[Math.floor(Math.pow(this.next(), power) * items.length)]!;
  }

  draw<T>(table: Weighted<T>): T {
    const r = this.next();
    const c = table.cumulative;
    for (let i = 0; i < c.length; i++) if (r < c[i]!) return table.values[i]!;
    return table.values[c.length - 1]!;
  }

  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += HEX[Math.floor(this.next() * 16)];
    return s;
  }

  /** Exponential with the given mean: gaps between events of a Poisson process. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}
