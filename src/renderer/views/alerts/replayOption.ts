/** The replay chart: the rule's value per step, with the stretches it would have fired shaded. Pure. */
import type { Theme } from '../../stores/theme';
import type { ChartOption } from '../../charts/echarts';
import { CHART_COLORS } from '../../charts/histogramOption';
import { formatCompact } from '../../lib/format';
import { formatLocal } from '../../lib/time';

export interface ReplaySeries {
  start: number;
  stepMs: number;
  values: number[];
  firing: boolean[];
}

/** Contiguous firing steps as [from, to) in epoch ms. */
export function firingStretches(s: ReplaySeries): [number, number][] {
  const out: [number, number][] = [];
  let open: number | null = null;
  for (let i = 0; i <= s.firing.length; i++) {
    const on = s.firing[i] === true;
    if (on && open === null) open = i;
    if (!on && open !== null) {
      out.push([s.start + open * s.stepMs, s.start + i * s.stepMs]);
      open = null;
    }
  }
  return out;
}

const FIRE = { dark: 'rgba(242,73,92,0.22)', light: 'rgba(224,47,68,0.16)' };
const LINE = { dark: '#6e9fff', light: '#3d71d9' };
const BOUND = { dark: '#f2b705', light: '#b58a00' };

export function replayOption(s: ReplaySeries, theme: Theme, bound: number | null): ChartOption {
  const c = CHART_COLORS[theme];
  const data = s.values.map((v, i) => [s.start + i * s.stepMs + s.stepMs / 2, v]);
  return {
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 48, right: 30, top: 12, bottom: 28 }, // right: room for the bound's label
    tooltip: {
      trigger: 'axis',
      backgroundColor: c.tooltipBg,
      borderColor: c.tooltipBorder,
      textStyle: { color: c.text },
      formatter: (params: unknown) => {
        const p = (params as { value: [number, number]; dataIndex: number }[])[0];
        if (!p) return '';
        const firing = s.firing[p.dataIndex] ? ' · <b>would fire</b>' : '';
        return `${formatLocal(p.value[0] - s.stepMs / 2, false)}<br/>value ${formatCompact(p.value[1])}${firing}`;
      },
    },
    xAxis: {
      type: 'time',
      axisLine: { lineStyle: { color: c.axis } },
      axisLabel: { color: c.text, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: c.text, formatter: (v: number) => formatCompact(v) },
      splitLine: { lineStyle: { color: c.split } },
    },
    series: [
      {
        type: 'line',
        name: 'value',
        data,
        showSymbol: false,
        step: 'middle',
        lineStyle: { color: LINE[theme], width: 1.5 },
        itemStyle: { color: LINE[theme] },
        markArea: {
          silent: true,
          itemStyle: { color: FIRE[theme] },
          data: firingStretches(s).map(([a, b]) => [{ xAxis: a }, { xAxis: b }]),
        },
        ...(bound === null
          ? {}
          : {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: BOUND[theme], type: 'dashed' },
                label: { color: c.text, formatter: formatCompact(bound) },
                data: [{ yAxis: bound }],
              },
            }),
      },
    ],
  } as ChartOption;
}
