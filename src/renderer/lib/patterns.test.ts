import { describe, expect, it } from 'vitest';
import type { Pattern } from '../../shared/protocol';
import {
  alignExample,
  barScale,
  dominantLevel,
  isTruncated,
  latestSeen,
  levelMix,
  ratioView,
  sharePercent,
  sideFor,
  sortPatterns,
  sparkline,
  tokenizeTemplate,
  variableCount,
} from './patterns';

const pat = (id: number, over: Partial<Pattern> = {}): Pattern => ({
  id,
  template: `t${id}`,
  count: 10,
  firstSeen: 1000,
  lastSeen: 2000,
  newInRange: false,
  levels: { info: 10 },
  trend: [1, 2, 3],
  example: `t${id}`,
  sources: ['/a.log'],
  ...over,
});

describe('tokenizeTemplate', () => {
  it('splits text and <*> variables, numbering the variables', () => {
    expect(tokenizeTemplate('GET <*> took <*> ms')).toEqual([
      { kind: 'text', text: 'GET ' },
      { kind: 'var', index: 0 },
      { kind: 'text', text: ' took ' },
      { kind: 'var', index: 1 },
      { kind: 'text', text: ' ms' },
    ]);
  });
  it('handles variables at the ends and side by side, and no variables', () => {
    expect(tokenizeTemplate('<*><*> x <*>')).toEqual([
      { kind: 'var', index: 0 },
      { kind: 'var', index: 1 },
      { kind: 'text', text: ' x ' },
      { kind: 'var', index: 2 },
    ]);
    expect(tokenizeTemplate('plain line')).toEqual([{ kind: 'text', text: 'plain line' }]);
    expect(tokenizeTemplate('')).toEqual([]);
    expect(variableCount('a <*> b <*>')).toBe(2);
  });
  it('keeps look-alikes as text', () => {
    expect(tokenizeTemplate('<html> <* > <**> <*')).toEqual([{ kind: 'text', text: '<html> <* > <**> <*' }]);
    expect(tokenizeTemplate('<<*>>')).toEqual([
      { kind: 'text', text: '<' },
      { kind: 'var', index: 0 },
      { kind: 'text', text: '>' },
    ]);
  });
});

describe('alignExample', () => {
  it('finds the values the variables took', () => {
    expect(alignExample('user <*> logged in from <*>', 'user bob logged in from 10.0.0.1')).toEqual([
      { kind: 'text', text: 'user ' },
      { kind: 'var', index: 0, text: 'bob' },
      { kind: 'text', text: ' logged in from ' },
      { kind: 'var', index: 1, text: '10.0.0.1' },
    ]);
  });
  it('anchors the last literal at the end', () => {
    const parts = alignExample('a <*> ms', 'a 5 ms and 7 ms');
    expect(parts?.[1]).toEqual({ kind: 'var', index: 0, text: '5 ms and 7' });
  });
  it('gives variables side by side what it can', () => {
    expect(alignExample('<*><*>!', 'xy!')).toEqual([
      { kind: 'var', index: 0, text: '' },
      { kind: 'var', index: 1, text: 'xy' },
      { kind: 'text', text: '!' },
    ]);
  });
  it('answers null when the line does not fit the template', () => {
    expect(alignExample('GET <*> ok', 'POST /x ok')).toBeNull();
    expect(alignExample('a <*> b', 'a x c')).toBeNull();
    expect(alignExample('exact', 'exact line')).toBeNull();
    expect(alignExample('x <*> y', 'x  y')).toEqual([
      { kind: 'text', text: 'x ' },
      { kind: 'var', index: 0, text: '' },
      { kind: 'text', text: ' y' },
    ]);
    expect(alignExample('x <*> y', 'x y')).toBeNull();
  });
});

describe('sortPatterns', () => {
  const list = [
    pat(1, { count: 5, firstSeen: 300, lastSeen: 900 }),
    pat(2, { count: 50, firstSeen: 100, lastSeen: 500 }),
    pat(3, { count: 5, firstSeen: 300, lastSeen: 950, newInRange: true }),
    pat(4, { count: 7, firstSeen: 200, lastSeen: 950, newInRange: true }),
  ];
  const ids = (l: Pattern[]) => l.map((p) => p.id);
  it('orders by count, first seen, last seen, all descending, ties by id', () => {
    expect(ids(sortPatterns(list, 'count'))).toEqual([2, 4, 1, 3]);
    expect(ids(sortPatterns(list, 'first'))).toEqual([1, 3, 4, 2]);
    expect(ids(sortPatterns(list, 'last'))).toEqual([3, 4, 1, 2]);
  });
  it('puts new patterns first, then by count', () => {
    expect(ids(sortPatterns(list, 'new'))).toEqual([4, 3, 2, 1]);
  });
  it('does not change its input', () => {
    const copy = [...list];
    sortPatterns(list, 'count');
    expect(list).toEqual(copy);
  });
  it('knows a list cut short', () => {
    expect(isTruncated(200, 1200)).toBe(true);
    expect(isTruncated(12, 12)).toBe(false);
  });
});

describe('levelMix', () => {
  it('keeps non-zero levels, most severe first, with shares', () => {
    expect(levelMix({ info: 6, error: 2, none: 2, debug: 0 })).toEqual([
      { key: 'error', count: 2, share: 0.2 },
      { key: 'info', count: 6, share: 0.6 },
      { key: 'none', count: 2, share: 0.2 },
    ]);
  });
  it('folds unknown keys into "none" and survives an empty map', () => {
    expect(levelMix({ weird: 1, none: 1 })).toEqual([{ key: 'none', count: 2, share: 1 }]);
    expect(levelMix({})).toEqual([]);
  });
  it('names the level most records have (ties: the more severe)', () => {
    expect(dominantLevel({ info: 90, fatal: 1 })).toBe('info');
    expect(dominantLevel({ info: 5, warn: 5 })).toBe('warn');
    expect(dominantLevel({})).toBe('none');
  });
});

describe('sparkline', () => {
  it('scales to the peak, bucket centres spread across the width', () => {
    const g = sparkline([0, 5, 10], 100, 20, 0);
    expect(g.max).toBe(10);
    expect(g.peak).toBe(2);
    expect(g.line).toBe('M0,20L50,10L100,0');
    expect(g.area).toBe('M0,20L50,10L100,0L100,20L0,20Z');
  });
  it('draws all-zero as a baseline and copes with one bucket or none', () => {
    expect(sparkline([0, 0], 10, 10, 0)).toMatchObject({ line: 'M0,10L10,10', max: 0, peak: -1 });
    expect(sparkline([4], 10, 10, 1).line).toBe('M1,1L9,1');
    expect(sparkline([], 10, 10)).toEqual({ line: '', area: '', max: 0, peak: -1 });
  });
});

describe('compare helpers', () => {
  it('writes ratios as a direction and a factor ≥ 1', () => {
    expect(ratioView(3.24)).toMatchObject({ dir: 'up', factor: '3.2×' });
    expect(ratioView(0.25)).toMatchObject({ dir: 'down', factor: '4×' });
    expect(ratioView(1.05)).toMatchObject({ dir: 'up', factor: '1.05×' });
    expect(ratioView(1)).toMatchObject({ dir: 'same', factor: '1×', magnitude: 0 });
    expect(ratioView(40)).toMatchObject({ factor: '40×' });
    expect(ratioView(1 / 1234)).toMatchObject({ dir: 'down', factor: '1,234×' });
    expect(ratioView(4)!.magnitude).toBeCloseTo(2);
    expect(ratioView(null)).toBeNull();
    expect(ratioView(0)).toBeNull();
    expect(ratioView(Infinity)).toBeNull();
  });
  it('scales bars to the largest value (at least 1)', () => {
    const s = barScale([2, 4, 1]);
    expect(s(4)).toBe(1);
    expect(s(1)).toBe(0.25);
    expect(s(0)).toBe(0);
    expect(barScale([0.5])(0.5)).toBe(0.5);
    expect(barScale([])(3)).toBe(1);
  });
  it('opens gone patterns on side A, the others on B', () => {
    expect(sideFor('gone')).toBe('a');
    expect(sideFor('added')).toBe('b');
    expect(sideFor('changed')).toBe('b');
  });
  it('writes shares', () => {
    expect(sharePercent(1, 3)).toBe('33%');
    expect(sharePercent(1, 40)).toBe('2.5%');
    expect(sharePercent(1, 800)).toBe('0.13%');
    expect(sharePercent(1, 1_000_000)).toBe('<0.01%');
    expect(sharePercent(0, 10)).toBe('0%');
    expect(sharePercent(5, 0)).toBe('0%');
  });
  it('finds the latest last-seen', () => {
    expect(latestSeen([{ lastSeen: 5 }, { lastSeen: 9 }])).toBe(9);
    expect(latestSeen([])).toBeNull();
  });
});
