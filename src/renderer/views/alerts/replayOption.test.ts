import { describe, expect, it } from 'vitest';
import { firingStretches, replayOption } from './replayOption';

describe('replay chart', () => {
  const s = { start: 1000, stepMs: 10, values: [1, 5, 6, 1, 7, 7], firing: [false, true, true, false, true, true] };

  it('shades each run of firing steps once, open at the end up to the last step', () => {
    expect(firingStretches(s)).toEqual([
      [1010, 1030],
      [1040, 1060],
    ]);
    expect(firingStretches({ ...s, firing: s.firing.map(() => false) })).toEqual([]);
  });

  it('puts the value at each step\'s middle, the stretches as mark areas and the bound as a line', () => {
    const opt = replayOption(s, 'dark', 4) as { series: { data: number[][]; markArea: { data: unknown[] }; markLine?: { data: { yAxis: number }[] } }[] };
    const series = opt.series[0]!;
    expect(series.data[0]).toEqual([1005, 1]);
    expect(series.markArea.data).toHaveLength(2);
    expect(series.markLine?.data[0]?.yAxis).toBe(4);
    const noBound = replayOption(s, 'light', null) as { series: { markLine?: unknown }[] };
    expect(noBound.series[0]!.markLine).toBeUndefined();
  });
});
