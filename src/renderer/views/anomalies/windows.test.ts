import { describe, expect, it } from 'vitest';
import type { AnomalyWindow } from '../../../shared/protocol';
import { countVsExpected, patternTarget, unusualPatterns, visibleWindows, windowTarget, windowsForQuery } from './windows';

const H = 3_600_000;
function win(p: Partial<AnomalyWindow>): AnomalyWindow {
  return { start: 10 * H, end: 11 * H, kind: 'spike', pattern: 1, template: 'a <*>', source: '/logs/api.log', count: 50, expected: 2, score: 0.9, ...p };
}

describe('windowTarget', () => {
  it("opens a pattern's window as pattern:ID over its span and as much again either side", () => {
    expect(windowTarget(win({ pattern: 7 }))).toEqual({ query: 'pattern:7', range: { kind: 'absolute', from: 9 * H, to: 12 * H } });
  });
  it('opens a source-wide window by source, quoted', () => {
    expect(windowTarget(win({ pattern: null, template: null, kind: 'spike', source: 'C:\\logs\\"x".log' })).query).toBe(
      'source:"C:\\\\logs\\\\\\"x\\".log"',
    );
  });
  it('opens a drop with the span before it: the last records before the silence', () => {
    expect(windowTarget(win({ kind: 'drop', pattern: null, start: 10 * H, end: 12 * H })).range).toEqual({ kind: 'absolute', from: 8 * H, to: 14 * H });
  });
});

describe('unusualPatterns', () => {
  it('groups windows by pattern, strongest first, summing counts and widening the span', () => {
    const list = unusualPatterns([
      win({ pattern: 1, score: 0.6, start: 1 * H, end: 2 * H, count: 10, expected: 1 }),
      win({ pattern: 2, score: 0.95, kind: 'new', source: '/logs/worker.log' }),
      win({ pattern: 1, score: 0.7, start: 5 * H, end: 6 * H, kind: 'outlier', count: 5, expected: 4 }),
      win({ pattern: null, template: null, kind: 'drop', score: 1 }),
    ]);
    expect(list.map((u) => u.pattern)).toEqual([2, 1]);
    expect(list[1]).toMatchObject({ windows: 2, score: 0.7, count: 15, expected: 5, start: 1 * H, end: 6 * H, kinds: ['spike', 'outlier'] });
  });
  it('breaks score ties by the number of windows, and keeps the limit', () => {
    const list = unusualPatterns([win({ pattern: 3 }), win({ pattern: 4 }), win({ pattern: 4, start: 0 })], 1);
    expect(list.map((u) => u.pattern)).toEqual([4]);
  });
});

describe('patternTarget', () => {
  it("opens a pattern's records over its windows' span, padded", () => {
    expect(patternTarget({ pattern: 3, start: 2 * H, end: 3 * H })).toEqual({ query: 'pattern:3', range: { kind: 'absolute', from: 1 * H, to: 4 * H } });
  });
});

describe('windowsForQuery', () => {
  const ws = [win({ pattern: 1 }), win({ pattern: 2 }), win({ pattern: null, source: '/logs/api.log' }), win({ pattern: null, source: '/logs/db.log' })];
  it('keeps everything without a query', () => {
    expect(windowsForQuery(ws, null)).toHaveLength(4);
  });
  it("keeps the query's patterns and the source-wide windows of their sources", () => {
    const kept = windowsForQuery(ws, { ids: new Set([2]), sources: new Set(['/logs/api.log']) });
    expect(kept.map((w) => w.pattern ?? w.source)).toEqual([2, '/logs/api.log']);
  });
});

describe('visibleWindows and countVsExpected', () => {
  it('hides kinds and puts the newest first', () => {
    const shown = visibleWindows([win({ start: 1, kind: 'spike' }), win({ start: 3, kind: 'new' }), win({ start: 2, kind: 'drop' })], new Set(['drop']));
    expect(shown.map((w) => w.kind)).toEqual(['new', 'spike']);
  });
  it('writes the count against the expectation', () => {
    expect(countVsExpected({ count: 1234, expected: 40.4 })).toBe('1,234 vs ~40');
    expect(countVsExpected({ count: 0, expected: 2.5 })).toBe('0 vs ~2.5');
    expect(countVsExpected({ count: 3, expected: 0 })).toBe('3 vs ~0');
  });
});
