/** The histogram's ECharts option: stacked bars by level on a local-time axis. Pure. */
import type { Histogram } from '../../shared/protocol';
import { LEVEL_COLORS, LEVEL_LABELS, LEVEL_ORDER, levelKey } from '../lib/levels';
import { formatCompact } from '../lib/format';
import { formatLocal, formatSpan } from '../lib/time';
import type { Theme } from '../stores/theme';
import type { ChartOption } from './echarts';

export const CHART_COLORS: Record<
  Theme,
  {
    text: string;
    axis: string;
    split: string;
    brush: string;
    brushBorder: string;
    tooltipBg: string;
    tooltipBorder: string;
  }
> = {
  dark: {
    text: '#9fa7b3',
    axis: '#3b4048',
    split: 'rgba(204,204,220,0.07)',
    brush: 'rgba(110,159,255,0.18)',
    brushBorder: '#6e9fff',
    tooltipBg: '#22252b',
    tooltipBorder: '#3b4048',
  },
  light: {
    text: '#5b6270',
    axis: '#d6d9de',
    split: 'rgba(36,41,46,0.07)',
    brush: 'rgba(61,113,217,0.14)',
    brushBorder: '#3d71d9',
    tooltipBg: '#ffffff',
    tooltipBorder: '#d6d9de',
  },
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One bar series per level that has any count, least severe at the bottom. */
export function histogramSeries(h: Histogram) {
  const byKey = new Map(h.series.map((s) => [levelKey(s.level), s.counts]));
  const out: { key: (typeof LEVEL_ORDER)[number]; data: [number, number][] }[] = [];
  for (const key of LEVEL_ORDER) {
    const counts = byKey.get(key);
    if (!counts || !counts.some((c) => c > 0)) continue;
    out.push({ key, data: counts.map((c, i) => [h.start + i * h.bucketMs + h.bucketMs / 2, c]) });
  }
  return out;
}

export function bucketCount(h: Histogram): number {
  return h.series.reduce((n, s) => Math.max(n, s.counts.length), 0);
}

export function histogramOption(h: Histogram, theme: Theme): ChartOption {
  const c = CHART_COLORS[theme];
  const n = Math.max(1, bucketCount(h));
  const series = histogramSeries(h);
  return {
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 44, right: 12, top: 10, bottom: 22 },
    textStyle: { fontFamily: 'inherit' },
    xAxis: {
      type: 'time',
      min: h.start,
      max: h.start + n * h.bucketMs,
      axisLine: { lineStyle: { color: c.axis } },
      axisTick: { show: false },
      axisLabel: { color: c.text, fontSize: 11, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      splitNumber: 3,
      axisLabel: { color: c.text, fontSize: 11, formatter: (v: number) => formatCompact(v) },
      splitLine: { lineStyle: { color: c.split } },
    },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      backgroundColor: c.tooltipBg,
      borderColor: c.tooltipBorder,
      textStyle: { color: theme === 'dark' ? '#d8d9da' : '#24292e', fontSize: 12 },
      confine: true,
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as {
          seriesId: string;
          seriesName: string;
          value: [number, number];
        }[];
        if (list.length === 0) return '';
        const mid = list[0]!.value[0];
        const start = mid - h.bucketMs / 2;
        let total = 0;
        const lines = list
          .filter((p) => p.value[1] > 0)
          .reverse()
          .map((p) => {
            total += p.value[1];
            return `<div class="tt-row"><span class="tt-dot" style="background:${LEVEL_COLORS[p.seriesId as keyof typeof LEVEL_COLORS] ?? LEVEL_COLORS.none}"></span><span class="tt-name">${escapeHtml(p.seriesName)}</span><span class="tt-val">${p.value[1].toLocaleString('en-US')}</span></div>`;
          });
        return (
          `<div class="tt-time">${formatLocal(start, false)} <span class="tt-dim">+${formatSpan(h.bucketMs)}</span></div>` +
          lines.join('') +
          `<div class="tt-row tt-total"><span class="tt-name">Total</span><span class="tt-val">${total.toLocaleString('en-US')}</span></div>`
        );
      },
    },
    brush: {
      xAxisIndex: 0,
      brushType: 'lineX',
      brushMode: 'single',
      transformable: false,
      throttleType: 'debounce',
      brushStyle: { color: c.brush, borderColor: c.brushBorder, borderWidth: 1 },
      outOfBrush: { colorAlpha: 0.35 },
    },
    series: series.map((s) => ({
      type: 'bar',
      id: s.key,
      name: LEVEL_LABELS[s.key] === '—' ? 'NO LEVEL' : LEVEL_LABELS[s.key],
      stack: 'total',
      data: s.data,
      barWidth: '85%',
      barMinHeight: 0,
      large: n > 600,
      itemStyle: { color: LEVEL_COLORS[s.key] },
      emphasis: { disabled: true },
    })),
  };
}
