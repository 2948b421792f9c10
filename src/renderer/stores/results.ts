/**
 * The log table's rows for the applied query: newest first, paged by keyset cursor.
 * Bounded: at most MAX_ROWS are kept; past that, narrowing the query is the answer.
 */
import { create } from 'zustand';
import type { LogRow, Result } from '../../shared/protocol';

export const MAX_ROWS = 20_000;

export interface SearchParams {
  query: string;
  from: number | null;
  to: number | null;
}

type Cursor = NonNullable<Result<'search'>['nextCursor']>;

export interface ResultsState {
  /** Generation of the run these rows belong to (see the runner). */
  gen: number;
  params: SearchParams | null;
  rows: LogRow[];
  total: number | null;
  nextCursor: Cursor | null;
  tookMs: number | null;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  /** Bumped when a new query's first page replaces the rows: the table scrolls to the top. */
  resetKey: number;
  /** Bumped when live rows are put on top; `prepended` says how many, so a scrolled table keeps its place. */
  prependSeq: number;
  prepended: number;
  /** A first page has come (or failed) since the page loaded: what waits for the table, such as the histogram's chart, may start. */
  firstPageIn: boolean;
}

const initial = {
  gen: 0,
  params: null,
  rows: [] as LogRow[],
  total: null,
  nextCursor: null,
  tookMs: null,
  loading: false,
  loadingMore: false,
  error: null,
  resetKey: 0,
  prependSeq: 0,
  prepended: 0,
  firstPageIn: false,
} satisfies Partial<ResultsState>;

export const useResultsStore = create<ResultsState>()(() => ({ ...initial }));

export const resultsActions = {
  reset() {
    useResultsStore.setState({ ...initial });
  },
  /** A run starts. Rows stay on screen until its answer replaces them. */
  start(gen: number, params: SearchParams) {
    useResultsStore.setState({ gen, params, loading: true, loadingMore: false, error: null });
  },
  /** A run's first page arrived. `refresh` keeps the scroll position. */
  receive(gen: number, res: Result<'search'>, refresh: boolean) {
    const s = useResultsStore.getState();
    if (s.gen !== gen) return;
    const rows = res.rows.slice(0, MAX_ROWS);
    useResultsStore.setState({
      rows,
      total: res.total ?? s.total,
      nextCursor: rows.length < MAX_ROWS ? res.nextCursor : null,
      tookMs: res.tookMs,
      loading: false,
      error: null,
      resetKey: refresh ? s.resetKey : s.resetKey + 1,
      firstPageIn: true,
    });
  },
  beginMore(gen: number): boolean {
    const s = useResultsStore.getState();
    if (s.gen !== gen || s.loadingMore || s.loading || !s.nextCursor || s.rows.length >= MAX_ROWS) return false;
    useResultsStore.setState({ loadingMore: true });
    return true;
  },
  /** The next page arrived; rows already shown (same id) are not repeated. */
  append(gen: number, res: Result<'search'>) {
    const s = useResultsStore.getState();
    if (s.gen !== gen) return;
    const seen = new Set(s.rows.map((r) => r.id));
    const rows = s.rows.concat(res.rows.filter((r) => !seen.has(r.id))).slice(0, MAX_ROWS);
    useResultsStore.setState({
      rows,
      nextCursor: rows.length < MAX_ROWS ? res.nextCursor : null,
      loadingMore: false,
    });
  },
  /**
   * Live rows (newest first) go on top; rows already shown are not repeated. The table
   * keeps at most `max`: past it the oldest fall off the end, and paging stops there.
   */
  prependLive(rows: LogRow[], dropped: number, max: number) {
    const s = useResultsStore.getState();
    const seen = new Set(s.rows.map((r) => r.id));
    const fresh = rows.filter((r) => !seen.has(r.id));
    if (!fresh.length && !dropped) return;
    let next = fresh.concat(s.rows);
    let nextCursor = s.nextCursor;
    if (next.length > max) {
      next = next.slice(0, max);
      nextCursor = null;
    }
    useResultsStore.setState({
      rows: next,
      nextCursor,
      total: s.total === null ? null : s.total + fresh.length + dropped,
      prependSeq: s.prependSeq + 1,
      prepended: fresh.length,
    });
  },
  /** A run failed. `clear`: its rows are wrong, not merely stale (the query has an error). */
  fail(gen: number, error: string | null, clear = false) {
    const s = useResultsStore.getState();
    if (s.gen !== gen) return;
    useResultsStore.setState({
      loading: false,
      loadingMore: false,
      error,
      firstPageIn: true,
      ...(clear ? { rows: [], total: null, nextCursor: null, tookMs: null } : {}),
    });
  },
};

/** Rows were capped: there are more matches than the table keeps. */
export const selectCapped = (s: ResultsState) =>
  s.rows.length >= MAX_ROWS && (s.total === null || s.total > s.rows.length);
