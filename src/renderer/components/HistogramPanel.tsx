/**
 * Counts over time, stacked by level, with the anomaly windows of the range shaded behind
 * (coloured by kind). Drag across it to zoom to that span (an absolute range); click a
 * bar to zoom to its bucket, or a shaded window to open its records.
 */
import { useCallback, useMemo, useRef } from 'react';
import { useHistogramStore } from '../stores/histogram';
import { useThemeStore } from '../stores/theme';
import { useQueryStore } from '../stores/query';
import { useResultsStore } from '../stores/results';
import { EChart, type ChartEventHandler } from '../charts/EChart';
import type { ChartInstance } from '../charts/echarts';
import { histogramOption, windowsAt } from '../charts/histogramOption';
import { rangeFromBrush } from '../lib/time';
import { useAnomaliesStore } from '../views/anomalies/store';
import { openRecords } from '../views/anomalies/api';
import { windowTarget } from '../views/anomalies/windows';

/** Arm the brush so a plain drag selects (no toolbox button to press first). */
function armBrush(chart: ChartInstance) {
  chart.dispatchAction({
    type: 'takeGlobalCursor',
    key: 'brush',
    brushOption: { brushType: 'lineX', brushMode: 'single' },
  });
}

export function HistogramPanel() {
  const data = useHistogramStore((s) => s.data);
  const loading = useHistogramStore((s) => s.loading);
  const error = useHistogramStore((s) => s.error);
  const theme = useThemeStore((s) => s.theme);
  const setRange = useQueryStore((s) => s.setRange);
  // The chart (and the ECharts chunk) waits for the table's first page: at start both
  // would compete for the page's one thread, and the rows are what a person looks for.
  const firstPageIn = useResultsStore((s) => s.firstPageIn);

  const windows = useAnomaliesStore((s) => s.windows);
  const windowsError = useAnomaliesStore((s) => s.error);
  const option = useMemo(() => (data ? histogramOption(data, theme, windows) : null), [data, theme, windows]);
  const lastBrush = useRef(0);

  const onBrushEnd = useCallback<ChartEventHandler>(
    (params: { areas?: { coordRange?: [number, number] }[] }, chart) => {
      const r = params.areas?.[0]?.coordRange;
      chart.dispatchAction({ type: 'brush', areas: [] });
      if (!r || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || r[0] === r[1]) return;
      lastBrush.current = Date.now();
      setRange(rangeFromBrush(r[0], r[1]));
    },
    [setRange],
  );
  const events = useMemo(() => ({ brushEnd: onBrushEnd }), [onBrushEnd]);

  // A click (not a drag) on a bucket that has records zooms to that bucket. The brush
  // cursor swallows series clicks, so listen on the canvas and map the pixel to time.
  const onInit = useCallback(
    (chart: ChartInstance) => {
      const zr = chart.getZr();
      const onZrClick = (e: { offsetX: number; offsetY: number }) => {
        const h = useHistogramStore.getState().data;
        if (!h || Date.now() - lastBrush.current < 400) return;
        if (!chart.containPixel({ gridIndex: 0 }, [e.offsetX, e.offsetY])) return;
        const x = (chart.convertFromPixel({ gridIndex: 0 }, [e.offsetX, e.offsetY]) as number[])[0]!;
        const i = Math.floor((x - h.start) / h.bucketMs);
        // Inside an anomaly window: its records, the strongest window first.
        const hit = windowsAt(useAnomaliesStore.getState().windows, x).sort((a, b) => b.score - a.score)[0];
        if (hit) return openRecords(windowTarget(hit));
        if (i < 0 || !h.series.some((s) => (s.counts[i] ?? 0) > 0)) return;
        const from = h.start + i * h.bucketMs;
        setRange(rangeFromBrush(from, from + h.bucketMs));
      };
      zr.on('click', onZrClick);
      return () => zr.off('click', onZrClick);
    },
    [setRange],
  );

  return (
    <div
      className="histogram-panel"
      data-testid="histogram"
      data-total={data?.total ?? ''}
      data-anomaly-windows={windows.length}
      data-loading={loading || undefined}
    >
      {option && firstPageIn && (
        <EChart
          className="histogram-chart"
          option={option}
          theme={theme}
          events={events}
          afterSetOption={armBrush}
          onInit={onInit}
        />
      )}
      {data && data.total === 0 && !loading && <div className="histogram-note">No records in this time range</div>}
      {!data && error && <div className="histogram-note error-text">{error}</div>}
      {data && windowsError && (
        <div className="histogram-windows-error error-text" data-testid="histogram-windows-error" title={windowsError}>
          Anomaly windows could not be shown: {windowsError}
        </div>
      )}
      {loading && <div className="loading-bar" aria-hidden="true" />}
    </div>
  );
}
