/**
 * Patterns: the kinds of line the applied query matches (templates, variables as chips),
 * each with its count, trend, level mix, first and last sighting and sources; patterns
 * first seen in the range are marked NEW. Click a row to see its records in Explore;
 * Alt- or Shift-click to exclude it here. The compare panel sits on the right.
 */
import { memo, useEffect, useRef, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Pattern } from '../../shared/protocol';
import { patternsActions, selectTruncated, usePatternsStore } from '../stores/patterns';
import { useQueryStore } from '../stores/query';
import { useCompareStore } from '../stores/compare';
import { useViewStore } from '../stores/view';
import { changePatternSort, openPattern, setCompareOpen } from '../api/session';
import { dominantLevel, latestSeen, PATTERN_SORTS, type PatternSort } from '../lib/patterns';
import { basename, formatCount, formatTook } from '../lib/format';
import { formatLocal, formatWhen, rangeLabel } from '../lib/time';
import { isTypingTarget, listMoveDelta } from '../lib/keys';
import { moveSelection } from '../stores/selection';
import { ExampleLine, LevelLegend, LevelMixBar, Sparkline, TemplateText } from './PatternBits';
import { ComparePanel } from './ComparePanel';
import { CopyButton } from './CopyButton';
import { ChevronIcon, CompareIcon, MinusCircleIcon, PlusCircleIcon } from './icons';

export const PATTERN_ROW_HEIGHT = 34;
const FOOTER_HEIGHT = 36;

export function PatternsView() {
  const compareOpen = useCompareStore((s) => s.open);
  usePatternKeys();
  return (
    <div className={`patterns-view${compareOpen ? ' with-compare' : ''}`} data-testid="patterns-view">
      <main className="patterns-main">
        <PatternsToolbar />
        <PatternList />
      </main>
      {compareOpen && <ComparePanel />}
    </div>
  );
}

function PatternsToolbar() {
  const data = usePatternsStore((s) => s.data);
  const loading = usePatternsStore((s) => s.loading);
  const sort = usePatternsStore((s) => s.sort);
  const truncated = usePatternsStore(selectTruncated);
  const applied = useQueryStore((s) => s.applied);
  const compareOpen = useCompareStore((s) => s.open);
  const shown = data?.patterns.length ?? null;
  const newCount = data?.patterns.reduce((n, p) => n + (p.newInRange ? 1 : 0), 0) ?? 0;

  return (
    <div className="resultsbar patterns-toolbar">
      <span className="total" data-testid="patterns-total" data-total={data?.total ?? ''} data-shown={shown ?? ''}>
        {shown === null ? '—' : formatCount(shown)}{' '}
        <span className="dim">
          {shown === 1 ? 'pattern' : 'patterns'}
          {truncated && data ? ` of ${formatCount(data.total)}` : ''}
        </span>
      </span>
      {newCount > 0 && (
        <span className="pill pill-new" title="First seen in this time range">
          {formatCount(newCount)} new
        </span>
      )}
      {data && <span className="dim small">in {formatTook(data.tookMs)}</span>}
      {loading && <span className="spinner" aria-label="Loading" />}
      <span className="dim small ellipsis patterns-scope" title={applied.query || 'everything'}>
        {applied.query ? <code>{applied.query}</code> : 'all records'} · {rangeLabel(applied.range)}
      </span>
      <span className="spacer" />
      <span className="dim small">Sort</span>
      <div className="btn-group" role="radiogroup" aria-label="Sort patterns">
        {PATTERN_SORTS.map((s) => (
          <button
            key={s.key}
            type="button"
            role="radio"
            aria-checked={sort === s.key}
            className={`btn btn-sm${sort === s.key ? ' active' : ''}`}
            data-testid={`pattern-sort-${s.key}`}
            title={s.title}
            onClick={() => changePatternSort(s.key)}
          >
            {s.label}
          </button>
        ))}
      </div>
      <button
        type="button"
        className={`btn btn-sm${compareOpen ? ' active' : ''}`}
        data-testid="compare-open"
        aria-expanded={compareOpen}
        title="Compare two time ranges or two sources (c)"
        onClick={() => setCompareOpen(!compareOpen)}
      >
        <CompareIcon />
        Compare
      </button>
    </div>
  );
}

const SORT_COLUMN: Record<PatternSort, string> = { count: 'count', new: 'count', first: 'first', last: 'last' };

function PatternList() {
  const data = usePatternsStore((s) => s.data);
  const loading = usePatternsStore((s) => s.loading);
  const error = usePatternsStore((s) => s.error);
  const resetKey = usePatternsStore((s) => s.resetKey);
  const selectedId = usePatternsStore((s) => s.selectedId);
  const expandedId = usePatternsStore((s) => s.expandedId);
  const sort = usePatternsStore((s) => s.sort);
  const queryError = useQueryStore((s) => s.runError);
  const scroller = useRef<HTMLDivElement>(null);
  const patterns = data?.patterns ?? NONE;

  const virtualizer = useVirtualizer({
    count: patterns.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (patterns[i]?.id === expandedId ? 190 : PATTERN_ROW_HEIGHT),
    overscan: 12,
    getItemKey: (i) => patterns[i]?.id ?? i,
    useFlushSync: false,
  });

  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [resetKey, sort]);

  useEffect(() => {
    if (selectedId === null) return;
    const i = usePatternsStore.getState().data?.patterns.findIndex((p) => p.id === selectedId) ?? -1;
    if (i >= 0) virtualizer.scrollToIndex(i, { align: 'auto' });
  }, [selectedId, virtualizer]);

  // Dates are written against the data's own latest time (so an old log shows times, not years).
  const now = latestSeen(patterns) ?? Date.now();
  const sortCol = SORT_COLUMN[sort];
  const empty = patterns.length === 0 && !loading;

  return (
    <div className="ptable" role="grid" aria-rowcount={patterns.length} aria-busy={loading || undefined}>
      <div className="ptable-head prow-grid" role="row">
        <span />
        <span className={`pcol-count${sortCol === 'count' ? ' sorted' : ''}`} role="columnheader">
          Count
        </span>
        <span role="columnheader">Trend</span>
        <span className="pcol-levels" role="columnheader">
          Levels
        </span>
        <span role="columnheader">Pattern</span>
        <span className="pcol-src" role="columnheader">
          Sources
        </span>
        <span className={`pcol-when pcol-first${sortCol === 'first' ? ' sorted' : ''}`} role="columnheader">
          First seen
        </span>
        <span className={`pcol-when${sortCol === 'last' ? ' sorted' : ''}`} role="columnheader">
          Last seen
        </span>
        <span />
      </div>
      <div className="ptable-body" ref={scroller} data-testid="pattern-list">
        {loading && <div className="loading-bar" aria-hidden="true" />}
        {empty ? (
          <div className="table-empty" data-testid="patterns-empty">
            {queryError ? (
              <>
                <strong>The query has an error.</strong>
                <span>Fix it in the search bar and press Enter.</span>
              </>
            ) : error ? (
              <>
                <strong>Could not list patterns</strong>
                <span className="error-text" data-testid="patterns-error">
                  {error}
                </span>
              </>
            ) : data ? (
              <>
                <strong>No patterns here</strong>
                <span>
                  Nothing the query matches in this time range has a pattern. Try a wider range or a simpler query.
                </span>
              </>
            ) : null}
          </div>
        ) : (
          <div className="ptable-canvas" style={{ height: virtualizer.getTotalSize() + FOOTER_HEIGHT }}>
            {virtualizer.getVirtualItems().map((vi) => {
              const p = patterns[vi.index]!;
              return (
                <PatternRow
                  key={p.id}
                  pattern={p}
                  index={vi.index}
                  top={vi.start}
                  measure={virtualizer.measureElement}
                  selected={p.id === selectedId}
                  expanded={p.id === expandedId}
                  start={data!.start}
                  bucketMs={data!.bucketMs}
                  now={now}
                />
              );
            })}
            <div className="logtable-foot" style={{ transform: `translateY(${virtualizer.getTotalSize()}px)` }}>
              {error ? (
                <span className="error-text">{error}</span>
              ) : data && data.total > patterns.length ? (
                <span className="dim">
                  Showing the top {formatCount(patterns.length)} of {formatCount(data.total)} patterns (
                  {SORT_NOUN[sort]}) — narrow the query to see others.
                </span>
              ) : patterns.length > 0 ? (
                <span className="dim">All {plural(patterns.length)}</span>
              ) : null}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

const NONE: Pattern[] = [];
const SORT_NOUN: Record<PatternSort, string> = {
  count: 'by count',
  new: 'new first, then by count',
  first: 'by first seen',
  last: 'by last seen',
};
const plural = (n: number) => `${formatCount(n)} ${n === 1 ? 'pattern' : 'patterns'}`;

function onRowClick(e: MouseEvent, id: number) {
  // Selecting text in a row is not a click on it.
  if (window.getSelection()?.toString()) return;
  openPattern(id, { negate: e.altKey || e.shiftKey });
}

const PatternRow = memo(function PatternRow({
  pattern: p,
  index,
  top,
  measure,
  selected,
  expanded,
  start,
  bucketMs,
  now,
}: {
  pattern: Pattern;
  index: number;
  top: number;
  measure: (el: HTMLElement | null) => void;
  selected: boolean;
  expanded: boolean;
  start: number;
  bucketMs: number;
  now: number;
}) {
  const lvl = dominantLevel(p.levels);
  const more = p.sources.length - 1;
  return (
    <div
      ref={measure}
      data-index={index}
      className={`prow lvl-${lvl}${index % 2 ? ' alt' : ''}${selected ? ' selected' : ''}${expanded ? ' expanded' : ''}${p.newInRange ? ' is-new' : ''}`}
      role="row"
      aria-selected={selected}
      aria-expanded={expanded}
      data-testid="pattern-row"
      data-id={p.id}
      data-count={p.count}
      data-new={p.newInRange || undefined}
      style={{ transform: `translateY(${top}px)` }}
    >
      <div
        className="prow-main prow-grid"
        onClick={(e) => onRowClick(e, p.id)}
        title={`${p.example}\n\nClick: show these records · Alt/Shift-click: exclude this pattern`}
      >
        <span className="col-stripe" />
        <span className="pcol-count" role="gridcell">
          {formatCount(p.count)}
        </span>
        <span className="pcol-trend" role="gridcell">
          <Sparkline trend={p.trend} start={start} bucketMs={bucketMs} />
        </span>
        <span className="pcol-levels" role="gridcell">
          <LevelMixBar levels={p.levels} />
        </span>
        <span className="pcol-tpl mono" role="gridcell">
          {p.newInRange && (
            <span className="pill pill-new" data-testid="pattern-new-badge" title="First seen in this time range">
              NEW
            </span>
          )}
          <TemplateText template={p.template} example={p.example} />
        </span>
        <span className="pcol-src" role="gridcell" title={p.sources.join('\n')}>
          {p.sources.length === 0 ? (
            <span className="dim">—</span>
          ) : (
            <>
              <span className="ellipsis">{basename(p.sources[0]!)}</span>
              {more > 0 && <span className="pill pill-muted">+{more}</span>}
            </>
          )}
        </span>
        <span className="pcol-when pcol-first" role="gridcell" title={formatLocal(p.firstSeen)}>
          {formatWhen(p.firstSeen, now)}
        </span>
        <span className="pcol-when" role="gridcell" title={formatLocal(p.lastSeen)}>
          {formatWhen(p.lastSeen, now)}
        </span>
        <span className="pcol-actions" role="gridcell" onClick={(e) => e.stopPropagation()}>
          <span className="prow-hover-actions">
            <button
              type="button"
              className="icon-btn"
              title="Show these records in Explore"
              data-testid="pattern-include"
              onClick={() => openPattern(p.id)}
            >
              <PlusCircleIcon />
            </button>
            <button
              type="button"
              className="icon-btn"
              title="Exclude this pattern (-pattern)"
              data-testid="pattern-exclude"
              onClick={() => openPattern(p.id, { negate: true })}
            >
              <MinusCircleIcon />
            </button>
          </span>
          <button
            type="button"
            className={`icon-btn prow-expand${expanded ? ' open' : ''}`}
            title={expanded ? 'Hide the example (Space)' : 'Show an example and details (Space)'}
            aria-expanded={expanded}
            data-testid="pattern-expand"
            onClick={() => patternsActions.toggleExpanded(p.id)}
          >
            <ChevronIcon />
          </button>
        </span>
      </div>
      {expanded && <PatternDetail pattern={p} />}
    </div>
  );
});

function PatternDetail({ pattern: p }: { pattern: Pattern }) {
  return (
    <div className="prow-detail" data-testid="pattern-detail">
      <div className="section-head">
        <h3>Example</h3>
        <CopyButton text={() => p.example} label="Example" testId="copy-example" />
      </div>
      <pre className="code prow-example" data-testid="pattern-example">
        <ExampleLine template={p.template} example={p.example} />
      </pre>
      <div className="prow-facts">
        <span className="dim">Levels</span>
        <LevelLegend levels={p.levels} />
      </div>
      <div className="prow-facts">
        <span>
          <span className="dim">First seen </span>
          {formatLocal(p.firstSeen, false)}
        </span>
        <span>
          <span className="dim">Last seen </span>
          {formatLocal(p.lastSeen, false)}
        </span>
        <span className="mono dim" title="Type this in the search bar to find these records">
          pattern:{p.id}
        </span>
      </div>
      {p.sources.length > 0 && (
        <div className="prow-facts">
          <span className="dim">Sources</span>
          <span className="prow-sources">
            {p.sources.map((s) => (
              <span key={s} className="pill pill-muted" title={s}>
                {basename(s)}
              </span>
            ))}
          </span>
        </div>
      )}
      <div className="prow-detail-actions">
        <button type="button" className="btn btn-primary btn-sm" onClick={() => openPattern(p.id)}>
          <PlusCircleIcon /> Show records
        </button>
        <button type="button" className="btn btn-sm" onClick={() => openPattern(p.id, { negate: true })}>
          <MinusCircleIcon /> Exclude
        </button>
        <CopyButton text={() => p.template} label="Template" testId="copy-template" />
      </div>
    </div>
  );
}

/**
 * Patterns view keys: j/k (arrows) move, Enter shows the records, Shift+Enter excludes,
 * Space opens the row up, Esc closes it, c toggles the compare panel.
 */
function usePatternKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (useViewStore.getState().view !== 'patterns') return;
      const s = usePatternsStore.getState();
      const ids = s.data?.patterns.map((p) => p.id) ?? [];
      const delta = listMoveDelta(e.key, 20);
      if (!delta)
        switch (e.key) {
          case 'Enter':
            if (s.selectedId === null || (e.target as HTMLElement | null)?.tagName === 'BUTTON') return;
            e.preventDefault();
            openPattern(s.selectedId, { negate: e.shiftKey });
            return;
          case ' ':
            if (s.selectedId === null || (e.target as HTMLElement | null)?.tagName === 'BUTTON') return;
            e.preventDefault();
            patternsActions.toggleExpanded(s.selectedId);
            return;
          case 'Escape':
            if (s.expandedId !== null) {
              e.preventDefault();
              patternsActions.collapse();
            }
            return;
          case 'c':
            e.preventDefault();
            setCompareOpen(!useCompareStore.getState().open);
            return;
          default:
            return;
        }
      const next = moveSelection(ids, s.selectedId, delta);
      if (next === null) return;
      e.preventDefault();
      patternsActions.select(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
