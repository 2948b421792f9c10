import { describe, expect, it } from 'vitest';
import { hashSeed, mulberry32, Rng, weighted } from './prng';

describe('mulberry32', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const sa = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(sa);
    expect(Array.from({ length: 1000 }, c)).not.toEqual(sa);
  });

  it('is pinned: the first values for seed 1 never change (files stay byte-identical)', () => {
    const r = mulberry32(1);
    expect([r(), r(), r()].map((x) => x.toFixed(10))).toEqual(['0.6270739406', '0.0027357212', '0.5274470400']);
  });

  it('stays in [0, 1) with a mean near 0.5', () => {
    const r = mulberry32(7);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.01);
  });
});

describe('hashSeed', () => {
  it('is stable and spreads near strings apart', () => {
    expect(hashSeed('42:access')).toBe(hashSeed('42:access'));
    expect(hashSeed('42:access')).not.toBe(hashSeed('43:access'));
  });
});

describe('Rng', () => {
  it('draws from a weighted table in proportion', () => {
    const r = new Rng(5);
    const t = weighted([
      ['a', 80],
      ['b', 15],
      ['c', 5],
    ] as const);
    const n = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 100_000; i++) n[r.draw(t)]++;
    expect(n.a / 1000).toBeCloseTo(80, -0.5);
    expect(n.b / 1000).toBeCloseTo(15, -0.5);
    expect(n.c / 1000).toBeCloseTo(5, -0.5);
  });

  it('keeps range() inside its bounds, both ends reached', () => {
    const r = new Rng('x');
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(r.range(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('makes hex strings of the asked length', () => {
    expect(new Rng(1).hex(12)).toMatch(/^[0-9a-f]{12}$/);
  });
});
