/**
 * The one ECharts wrapper: initialises the chart once (again only when the theme
 * changes, since ECharts themes are fixed at init), calls `setOption` when the option
 * changes, follows its box with a ResizeObserver, and disposes on unmount.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ChartInstance, ChartOption } from './echarts';
import type { Theme } from '../stores/theme';

// ECharts hands each event its own params shape; handlers narrow what they use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ChartEventHandler = (params: any, chart: ChartInstance) => void;

export interface EChartProps {
  option: ChartOption;
  theme: Theme;
  /** Event name → handler. The names are read at init; the handlers may change freely. */
  events?: Record<string, ChartEventHandler>;
  /** After each setOption (e.g. to re-arm a brush cursor). */
  afterSetOption?: (chart: ChartInstance) => void;
  /** After init, for what `events` cannot reach (e.g. zrender clicks); may return a cleanup. */
  onInit?: (chart: ChartInstance) => (() => void) | void;
  className?: string;
  'data-testid'?: string;
}

/**
 * ECharts is most of the bundle's bytes; loaded as its own chunk when the first chart
 * mounts, it does not delay the first rows of the table (the chart fills in a moment
 * later; Explore mounts its histogram once the first page is in).
 */
type EChartsModule = typeof import('./echarts');
let loaded: EChartsModule | null = null;
let loading: Promise<EChartsModule> | null = null;
const loadECharts = () => (loading ??= import('./echarts').then((m) => (loaded = m)));

export function EChart({ option, theme, events, afterSetOption, onInit, className, ...rest }: EChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ChartInstance | null>(null);
  const eventsRef = useRef(events);
  const afterRef = useRef(afterSetOption);
  const initRef = useRef(onInit);
  const [lib, setLib] = useState<EChartsModule | null>(loaded);
  useEffect(() => {
    if (!lib) void loadECharts().then(setLib);
  }, [lib]);
  useEffect(() => {
    eventsRef.current = events;
    afterRef.current = afterSetOption;
    initRef.current = onInit;
  });

  // Init (per theme), resize with the box, dispose.
  useLayoutEffect(() => {
    if (!lib) return;
    const el = box.current!;
    const chart = lib.echarts.init(el, theme === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    for (const name of Object.keys(eventsRef.current ?? {})) {
      chart.on(name, (params: unknown) => eventsRef.current?.[name]?.(params, chart));
    }
    let frame = 0;
    const ro = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => chart.resize());
    });
    ro.observe(el);
    const cleanup = initRef.current?.(chart);
    return () => {
      cleanup?.();
      cancelAnimationFrame(frame);
      ro.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, [theme, lib]);

  // New option: merge, replacing the series list so removed series go away.
  useLayoutEffect(() => {
    const chart = chartRef.current;
    if (!chart) return;
    // Drop a showing tooltip first: ECharts re-renders it against the old series indices
    // after the series list changes, and throws (getDataParams of undefined).
    chart.dispatchAction({ type: 'hideTip' });
    chart.dispatchAction({ type: 'updateAxisPointer', currTrigger: 'leave' });
    chart.setOption(option, { replaceMerge: ['series'] });
    afterRef.current?.(chart);
  }, [option, theme, lib]);

  return <div ref={box} className={className} data-testid={rest['data-testid']} />;
}
