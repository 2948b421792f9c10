/** Above the table: how many records match, how long it took, and what is loading. */
import { useResultsStore } from '../stores/results';
import { useQueryStore } from '../stores/query';
import { formatCount, formatTook } from '../lib/format';
import { rangeLabel } from '../lib/time';

export function ResultsBar() {
  const total = useResultsStore((s) => s.total);
  const tookMs = useResultsStore((s) => s.tookMs);
  const loading = useResultsStore((s) => s.loading);
  const loaded = useResultsStore((s) => s.rows.length);
  const applied = useQueryStore((s) => s.applied);
  return (
    <div className="resultsbar">
      <span className="total" data-testid="total-count" data-total={total ?? ''}>
        {total === null ? '—' : formatCount(total)} <span className="dim">{total === 1 ? 'record' : 'records'}</span>
      </span>
      {tookMs !== null && <span className="dim small">in {formatTook(tookMs)}</span>}
      {loading && <span className="spinner" aria-label="Loading" />}
      <span className="spacer" />
      <span className="dim small ellipsis" title={applied.query || 'everything'}>
        {applied.query ? <code>{applied.query}</code> : 'all records'} · {rangeLabel(applied.range)}
        {total !== null && loaded < total ? ` · ${formatCount(loaded)} loaded` : ''}
      </span>
    </div>
  );
}
