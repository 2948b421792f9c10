/** The category mix over time: stacked bars per category on a local-time axis. Pure. */
import type { CategoryHistogram } from '../../shared/protocol';
import { CATEGORY_COLORS, CATEGORY_ORDER, categoryKey } from '../lib/categories';
import { formatLocal, formatSpan } from '../lib/time';
import type { Theme } from '../stores/theme';
import type { ChartOption } from './echarts';
import { axisTooltip, CHART_COLORS, countsOverTime, escapeHtml } from './histogramOption';

export type CategorySeriesKey = (typeof CATEGORY_ORDER)[number];

/** One series per category with any count, in the taxonomy's order ('none' last). */
export function categorySeries(h: CategoryHistogram) {
  const byKey = new Map(h.series.map((s) => [categoryKey(s.category), s.counts]));
  const out: { key: CategorySeriesKey; data: [number, number][]; total: number }[] = [];
  for (const key of CATEGORY_ORDER) {
    const counts = byKey.get(key);
    const total = counts ? counts.reduce((a, b) => a + b, 0) : 0;
    if (!counts || total === 0) continue;
    out.push({ key, total, data: counts.map((c, i) => [h.start + i * h.bucketMs + h.bucketMs / 2, c]) });
  }
  return out;
}

export function categoryLabel(key: CategorySeriesKey): string {
  return key === 'none' ? 'not classified' : key;
}

export function categoryOption(h: CategoryHistogram, theme: Theme): ChartOption {
  const c = CHART_COLORS[theme];
  const n = Math.max(1, h.series.reduce((m, s) => Math.max(m, s.counts.length), 0));
  const series = categorySeries(h);
  return {
    ...countsOverTime(h.start, h.start + n * h.bucketMs, theme),
    grid: { left: 44, right: 12, top: 34, bottom: 22 },
    legend: {
      top: 0,
      left: 0,
      type: 'scroll',
      itemWidth: 10,
      itemHeight: 10,
      textStyle: { color: c.text, fontSize: 11 },
      pageTextStyle: { color: c.text },
      data: series.map((s) => categoryLabel(s.key)),
    },
    tooltip: {
      ...axisTooltip(theme),
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as { seriesId: string; seriesName: string; value: [number, number] }[];
        if (list.length === 0) return '';
        const start = list[0]!.value[0] - h.bucketMs / 2;
        const rows = list
          .filter((p) => p.value[1] > 0)
          .reverse()
          .map(
            (p) =>
              `<div class="tt-row"><span class="tt-dot" style="background:${CATEGORY_COLORS[p.seriesId as CategorySeriesKey] ?? CATEGORY_COLORS.none}"></span><span class="tt-name">${escapeHtml(p.seriesName)}</span><span class="tt-val">${p.value[1].toLocaleString('en-US')}</span></div>`,
          );
        return `<div class="tt-time">${formatLocal(start, false)} <span class="tt-dim">+${formatSpan(h.bucketMs)}</span></div>${rows.join('')}`;
      },
    },
    series: series.map((s) => ({
      type: 'bar',
      id: s.key,
      name: categoryLabel(s.key),
      stack: 'total',
      data: s.data,
      barWidth: '85%',
      large: n > 600,
      itemStyle: { color: CATEGORY_COLORS[s.key] },
      emphasis: { focus: 'series' },
    })),
  };
}
