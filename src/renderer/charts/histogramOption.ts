/** The histogram's ECharts option: stacked bars by level on a local-time axis. Pure. */
import type { AnomalyWindow, Histogram } from '../../shared/protocol';
import { LEVEL_COLORS, LEVEL_LABELS, LEVEL_ORDER, levelKey } from '../lib/levels';
import { KIND_COLORS, KIND_LABELS } from '../lib/categories';
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

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What every counts-over-time chart shares: a local-time x axis over [min, max], counts up the y axis. */
export function countsOverTime(min: number, max: number, theme: Theme) {
  const c = CHART_COLORS[theme];
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily: 'inherit' },
    xAxis: {
      type: 'time' as const,
      min,
      max,
      axisLine: { lineStyle: { color: c.axis } },
      axisTick: { show: false },
      axisLabel: { color: c.text, fontSize: 11, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value' as const,
      minInterval: 1,
      splitNumber: 3,
      axisLabel: { color: c.text, fontSize: 11, formatter: (v: number) => formatCompact(v) },
      splitLine: { lineStyle: { color: c.split } },
    },
  };
}

/** The tooltip every counts-over-time chart shares (each adds its own formatter). */
export function axisTooltip(theme: Theme) {
  const c = CHART_COLORS[theme];
  return {
    trigger: 'axis' as const,
    axisPointer: { type: 'shadow' as const },
    backgroundColor: c.tooltipBg,
    borderColor: c.tooltipBorder,
    textStyle: { color: theme === 'dark' ? '#d8d9da' : '#24292e', fontSize: 12 },
    confine: true,
  };
}

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

/** The windows that overlap the histogram's span, as markArea pairs coloured by kind. */
export function anomalyAreas(h: Histogram, windows: readonly AnomalyWindow[]) {
  const end = h.start + Math.max(1, bucketCount(h)) * h.bucketMs;
  return windows
    .filter((w) => w.end > h.start && w.start < end)
    .map((w) => [
      {
        xAxis: Math.max(w.start, h.start),
        name: KIND_LABELS[w.kind],
        itemStyle: { color: KIND_COLORS[w.kind], opacity: 0.16, borderColor: KIND_COLORS[w.kind], borderWidth: 1, borderType: 'dashed' as const },
      },
      { xAxis: Math.min(w.end, end) },
    ]);
}

/** The windows a moment falls in (for the tooltip and for clicks). */
export function windowsAt(windows: readonly AnomalyWindow[], t: number, slack = 0): AnomalyWindow[] {
  return windows.filter((w) => t >= w.start - slack && t < w.end + slack);
}

function windowLine(w: AnomalyWindow): string {
  const what = w.template ?? `source ${w.source}`;
  const text = what.length > 70 ? `${what.slice(0, 69)}…` : what;
  return `<div class="tt-row tt-anomaly"><span class="tt-dot" style="background:${KIND_COLORS[w.kind]}"></span><span class="tt-name">${KIND_LABELS[w.kind]}: ${escapeHtml(text)}</span><span class="tt-val">${Math.round(w.count).toLocaleString('en-US')} vs ~${Math.round(w.expected).toLocaleString('en-US')}</span></div>`;
}

export function histogramOption(h: Histogram, theme: Theme, windows: readonly AnomalyWindow[] = []): ChartOption {
  const c = CHART_COLORS[theme];
  const n = Math.max(1, bucketCount(h));
  const series = histogramSeries(h);
  const areas = anomalyAreas(h, windows);
  const option: ChartOption = {
    ...countsOverTime(h.start, h.start + n * h.bucketMs, theme),
    grid: { left: 44, right: 12, top: 10, bottom: 22 },
    tooltip: {
      ...axisTooltip(theme),
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
        const here = windowsAt(windows, start, h.bucketMs / 2).slice(0, 4);
        return (
          `<div class="tt-time">${formatLocal(start, false)} <span class="tt-dim">+${formatSpan(h.bucketMs)}</span></div>` +
          lines.join('') +
          `<div class="tt-row tt-total"><span class="tt-name">Total</span><span class="tt-val">${total.toLocaleString('en-US')}</span></div>` +
          (here.length ? `<div class="tt-sep"></div>${here.map(windowLine).join('')}<div class="tt-dim">Click to open its records</div>` : '')
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
  // The anomaly windows: shaded spans behind the bars, in a series of their own so they
  // come and go with the option (replaceMerge on series).
  if (areas.length) {
    (option.series as unknown[]).push({
      type: 'bar',
      id: 'anomalies',
      name: 'anomalies',
      data: [],
      silent: true,
      markArea: { silent: true, label: { show: false }, data: areas },
    });
  }
  return option;
}
