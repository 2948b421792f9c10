/**
 * The log table: newest first, virtualised, more pages fetched by keyset cursor as it
 * scrolls. Selection by click or j/k (arrows); Enter opens details.
 */
import { memo, useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogRow } from '../../shared/protocol';
import { useResultsStore, selectCapped, MAX_ROWS } from '../stores/results';
import { useSelectionStore } from '../stores/selection';
import { useQueryStore } from '../stores/query';
import { loadMore } from '../api/session';
import { basename, formatCount } from '../lib/format';
import { formatLocal } from '../lib/time';
import { levelKey } from '../lib/levels';
import { AnomalyScore, CategoryChip, SeverityBadge } from './Classification';

export const ROW_HEIGHT = 24;
const FOOTER_HEIGHT = 36;
/** Start fetching the next page this many rows before the end. */
const PREFETCH_ROWS = 80;

export function LogTable() {
  const rows = useResultsStore((s) => s.rows);
  const hasMore = useResultsStore((s) => s.nextCursor !== null);
  const loadingMore = useResultsStore((s) => s.loadingMore);
  const loading = useResultsStore((s) => s.loading);
  const error = useResultsStore((s) => s.error);
  const resetKey = useResultsStore((s) => s.resetKey);
  const prependSeq = useResultsStore((s) => s.prependSeq);
  const capped = useResultsStore(selectCapped);
  const selectedId = useSelectionStore((s) => s.selectedId);
  const select = useSelectionStore((s) => s.select);
  const queryError = useQueryStore((s) => s.runError);
  const scroller = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    getItemKey: (i) => rows[i]?.id ?? i,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && lastIndex >= 0 && lastIndex >= rows.length - PREFETCH_ROWS) loadMore();
  }, [lastIndex, rows.length, hasMore]);

  // A new query's rows: back to the top.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [resetKey]);

  // Live rows went on top: a table scrolled down keeps showing the same rows; one at the
  // top stays at the top and shows the new ones.
  useEffect(() => {
    const el = scroller.current;
    const added = useResultsStore.getState().prepended;
    if (el && prependSeq > 0 && added > 0 && el.scrollTop > 0) el.scrollTop += added * ROW_HEIGHT;
  }, [prependSeq]);

  // Keep the selected row in view when it moves by keyboard.
  useEffect(() => {
    if (selectedId === null) return;
    const i = useResultsStore.getState().rows.findIndex((r) => r.id === selectedId);
    if (i >= 0) virtualizer.scrollToIndex(i, { align: 'auto' });
  }, [selectedId, virtualizer]);

  const empty = rows.length === 0 && !loading;

  return (
    <div className="logtable" role="grid" aria-rowcount={rows.length} aria-busy={loading || undefined}>
      <div className="logtable-head" role="row">
        <span className="col-stripe" />
        <span className="col-time" role="columnheader">
          Time
        </span>
        <span className="col-level" role="columnheader" title="The record's level, or the one the model inferred (~)">
          Severity
        </span>
        <span className="col-cat" role="columnheader">
          Category
        </span>
        <span className="col-anom" role="columnheader" title="Anomaly score (0–1) from the per-record model; red when the model calls it anomalous">
          Score
        </span>
        <span className="col-source" role="columnheader">
          Source
        </span>
        <span className="col-msg" role="columnheader">
          Message
        </span>
      </div>
      <div className="logtable-body" ref={scroller} data-testid="log-table">
        {empty ? (
          <div className="table-empty">
            {queryError ? (
              <>
                <strong>The query has an error.</strong>
                <span>Fix it in the search bar and press Enter.</span>
              </>
            ) : error ? (
              <>
                <strong>Search failed</strong>
                <span className="error-text">{error}</span>
              </>
            ) : (
              <>
                <strong>No records match</strong>
                <span>Try a wider time range or a simpler query.</span>
              </>
            )}
          </div>
        ) : (
          <div className="logtable-canvas" style={{ height: virtualizer.getTotalSize() + FOOTER_HEIGHT }}>
            {items.map((vi) => {
              const row = rows[vi.index]!;
              return (
                <Row
                  key={row.id}
                  row={row}
                  top={vi.start}
                  alt={vi.index % 2 === 1}
                  selected={row.id === selectedId}
                  onSelect={select}
                />
              );
            })}
            <div className="logtable-foot" style={{ transform: `translateY(${virtualizer.getTotalSize()}px)` }}>
              {loadingMore || (hasMore && rows.length > 0) ? (
                <span className="dim">Loading more…</span>
              ) : capped ? (
                <span className="dim">
                  Showing the first {formatCount(MAX_ROWS)} records — narrow the query or the time range to see others.
                </span>
              ) : error ? (
                <span className="error-text">{error}</span>
              ) : rows.length > 0 ? (
                <span className="dim">End of results</span>
              ) : null}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

const Row = memo(function Row({
  row,
  top,
  alt,
  selected,
  onSelect,
}: {
  row: LogRow;
  top: number;
  alt: boolean;
  selected: boolean;
  onSelect: (id: number, open?: boolean) => void;
}) {
  const lvl = levelKey(row.level ?? row.severity);
  return (
    <div
      className={`logrow lvl-${lvl}${alt ? ' alt' : ''}${selected ? ' selected' : ''}${row.parseError ? ' unparsed' : ''}`}
      role="row"
      aria-selected={selected}
      data-testid="log-row"
      data-id={row.id}
      data-level={levelKey(row.level)}
      data-severity={levelKey(row.severity)}
      data-category={row.category ?? ''}
      data-anomalous={row.anomalous ?? ''}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onSelect(row.id, true)}
    >
      <span className="col-stripe" />
      <span className="col-time mono" role="gridcell">
        {formatLocal(row.ts)}
      </span>
      <span className="col-level" role="gridcell">
        <SeverityBadge level={row.level} severity={row.severity ?? null} inferred={row.severityInferred ?? false} />
      </span>
      <span className="col-cat" role="gridcell">
        <CategoryChip category={row.category ?? null} />
      </span>
      <span className="col-anom" role="gridcell">
        <AnomalyScore score={row.anomaly ?? null} anomalous={row.anomalous ?? null} />
      </span>
      <span className="col-source" role="gridcell" title={row.line > 0 ? `${row.source}:${row.line}` : row.source}>
        {basename(row.source)}
      </span>
      <span
        className="col-msg mono"
        role="gridcell"
        title={row.parseError ? `Not parsed: ${row.parseError}` : undefined}
      >
        {row.parseError && <span className="unparsed-tag">unparsed</span>}
        {row.message}
      </span>
    </div>
  );
});
