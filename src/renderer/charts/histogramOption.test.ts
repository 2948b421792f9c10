import { describe, expect, it } from 'vitest';
import type { Histogram } from '../../shared/protocol';
import { histogramOption, histogramSeries } from './histogramOption';
import { LEVEL_COLORS } from '../lib/levels';

const h: Histogram = {
  start: 1000,
  bucketMs: 100,
  series: [
    { level: 'error', counts: [0, 2, 1] },
    { level: 'info', counts: [5, 0, 3] },
    { level: 'debug', counts: [0, 0, 0] },
    { level: null, counts: [1, 0, 0] },
  ],
  total: 12,
  tookMs: 1,
};

describe('histogramSeries', () => {
  it('skips empty levels, stacks least severe first, and centres bars in buckets', () => {
    const s = histogramSeries(h);
    expect(s.map((x) => x.key)).toEqual(['none', 'info', 'error']);
    expect(s[1]!.data).toEqual([
      [1050, 5],
      [1150, 0],
      [1250, 3],
    ]);
  });
});

describe('histogramOption', () => {
  it('spans the buckets on a time axis and colours series by level', () => {
    const o = histogramOption(h, 'dark') as {
      xAxis: { type: string; min: number; max: number };
      series: { id: string; stack: string; itemStyle: { color: string } }[];
    };
    expect(o.xAxis).toMatchObject({ type: 'time', min: 1000, max: 1300 });
    expect(o.series.map((s) => s.id)).toEqual(['none', 'info', 'error']);
    expect(o.series.every((s) => s.stack === 'total')).toBe(true);
    expect(o.series[2]!.itemStyle.color).toBe(LEVEL_COLORS.error);
  });

  it('writes a tooltip with the bucket, non-zero levels (most severe first) and a total', () => {
    const o = histogramOption(h, 'light') as { tooltip: { formatter: (p: unknown) => string } };
    const html = o.tooltip.formatter([
      { seriesId: 'none', seriesName: 'NO LEVEL', value: [1050, 1] },
      { seriesId: 'info', seriesName: 'INFO', value: [1050, 5] },
      { seriesId: 'error', seriesName: '<b>ERROR</b>', value: [1050, 0] },
    ]);
    expect(html).toContain('INFO');
    expect(html).not.toContain('ERROR'); // zero: left out
    expect(html.indexOf('INFO')).toBeLessThan(html.indexOf('NO LEVEL'));
    expect(html).toContain('Total</span><span class="tt-val">6<');
    const escaped = o.tooltip.formatter([{ seriesId: 'error', seriesName: '<img>', value: [1050, 2] }]);
    expect(escaped).toContain('&#60;img&#62;');
  });
});
