import { describe, expect, it } from 'vitest';
import type { CategoryHistogram, Histogram } from '../../shared/protocol';
import { categoryOption, categorySeries } from './categoryOption';
import { anomalyAreas, histogramOption, windowsAt } from './histogramOption';
import { CATEGORY_COLORS, KIND_COLORS } from '../lib/categories';

const cats: CategoryHistogram = {
  start: 0,
  bucketMs: 1000,
  series: [
    { category: null, counts: [1, 0, 0] },
    { category: 'security', counts: [0, 2, 0] },
    { category: 'network', counts: [0, 0, 0] },
  ],
  total: 3,
  tookMs: 1,
};

describe('category mix chart', () => {
  it('stacks one series per category with records, taxonomy order, unclassified last', () => {
    expect(categorySeries(cats).map((s) => [s.key, s.total])).toEqual([
      ['security', 2],
      ['none', 1],
    ]);
    const opt = categoryOption(cats, 'dark') as { series: { id: string; stack: string; itemStyle: { color: string }; data: [number, number][] }[] };
    expect(opt.series.map((s) => s.id)).toEqual(['security', 'none']);
    expect(opt.series.every((s) => s.stack === 'total')).toBe(true);
    expect(opt.series[0]!.itemStyle.color).toBe(CATEGORY_COLORS.security);
    // Bars sit in the middle of their buckets.
    expect(opt.series[0]!.data[1]).toEqual([1500, 2]);
  });
});

describe('anomaly windows over the histogram', () => {
  const h: Histogram = { start: 0, bucketMs: 1000, series: [{ level: 'info', counts: [1, 1, 1, 1] }], total: 4, tookMs: 1 };
  const base = { pattern: 1, template: 't', source: 's', count: 5, expected: 1, score: 0.9 };
  const windows = [
    { ...base, kind: 'spike' as const, start: 1000, end: 2000 },
    { ...base, kind: 'drop' as const, start: 3500, end: 9000 },
    { ...base, kind: 'new' as const, start: 10_000, end: 11_000 },
  ];
  it('shades the windows in range, clipped to it, coloured by kind', () => {
    const areas = anomalyAreas(h, windows);
    expect(areas.map(([a, b]) => [a!.xAxis, b!.xAxis, a!.itemStyle!.color])).toEqual([
      [1000, 2000, KIND_COLORS.spike],
      [3500, 4000, KIND_COLORS.drop],
    ]);
    const opt = histogramOption(h, 'light', windows) as { series: { id: string; markArea?: unknown }[] };
    expect(opt.series.map((s) => s.id)).toEqual(['info', 'anomalies']);
    expect((histogramOption(h, 'light') as { series: unknown[] }).series).toHaveLength(1);
  });
  it('finds the windows at a moment', () => {
    expect(windowsAt(windows, 1500).map((w) => w.kind)).toEqual(['spike']);
    expect(windowsAt(windows, 2000)).toEqual([]);
    expect(windowsAt(windows, 2200, 500).map((w) => w.kind)).toEqual(['spike']);
  });
});
