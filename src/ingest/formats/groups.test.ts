import { describe, expect, it } from 'vitest';
import { canonicalGroup, captureNames } from './groups';

describe('captureNames', () => {
  it('indexes named and unnamed groups, skipping look-arounds, escapes and classes', () => {
    const source = '(?<a>x)\\((y)[(?<no>)](?:z)(?=(?<b>\\d))\\d(?<=\\d)(?<!v)(?<c>[\\]]+)';
    const { names, unnamed } = captureNames(source);
    expect(names).toEqual(['a', null, 'b', 'c']);
    const m = new RegExp(unnamed).exec('x(y(z1]]')!;
    expect(m.groups).toBeUndefined();
    expect([m[1], m[2], m[3], m[4]]).toEqual(['x', 'y', '1', ']]']);
    // The unnamed pattern captures exactly what the named one does.
    const named = new RegExp(source).exec('x(y(z1]]')!;
    expect([named.groups!.a, named.groups!.b, named.groups!.c]).toEqual([m[1], m[3], m[4]]);
  });

  it('throws on a pattern that does not compile', () => {
    expect(() => captureNames('(?<a>')).toThrow(/Invalid regular expression/);
  });
});

describe('canonicalGroup', () => {
  it('strips a __<digits> suffix and nothing else', () => {
    expect(['ts__2', 'thread__10', 'a__b', '__2', 'x__2__3', 'plain'].map(canonicalGroup)).toEqual([
      'ts',
      'thread',
      'a__b',
      '__2',
      'x__2',
      'plain',
    ]);
  });
});
