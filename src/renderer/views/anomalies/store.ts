/**
 * The Anomalies view's state (and the Explore histogram's overlay, which shows the same
 * windows): the anomaly windows of the applied range, narrowed to the applied query's
 * patterns; the records per category per bucket; which kinds are hidden. Each load has
 * a generation and answers from older loads are dropped.
 */
import { create } from 'zustand';
import type { AnomalyWindow, CategoryHistogram, EventData, Pattern } from '../../../shared/protocol';
import type { AnomalyKind } from '../../lib/categories';
import type { RangeSpec } from '../../lib/time';

export interface WindowsRequest {
  query: string;
  from: number | null;
  to: number | null;
}

export interface AnomaliesState {
  gen: number;
  request: WindowsRequest | null;
  windows: AnomalyWindow[];
  bucketMs: number;
  /** The range the engine judged (open ends closed by the data): what "learn from this range" uses. */
  judged: { from: number; to: number } | null;
  loading: boolean;
  error: string | null;
  /** The query narrowed the windows to the patterns it matches (how many of all). */
  narrowed: { kept: number; all: number } | null;
  hidden: AnomalyKind[];
  /**
   * A window's records were opened: judge that range at the bucket width the window was
   * found at, so the histogram shades the same window (a narrower range would otherwise
   * get finer buckets and be judged afresh).
   */
  bucketHint: { range: RangeSpec; bucketMs: number } | null;
  /** "Learn from this range": the job's last progress (or end), and why it was refused. */
  refit: EventData<'anomalyRefitProgressed'> | null;
  refitStarting: boolean;
  refitError: string | null;
  /** Patterns by their records the per-record model calls anomalous (`anomalous:true`), most first. */
  scoredGen: number;
  scored: Pattern[] | null;
  scoredError: string | null;
  catGen: number;
  categories: CategoryHistogram | null;
  categoriesLoading: boolean;
  categoriesError: string | null;
}

const initial = {
  gen: 0,
  request: null,
  windows: [],
  bucketMs: 0,
  judged: null,
  refit: null,
  refitStarting: false,
  refitError: null,
  loading: false,
  error: null,
  narrowed: null,
  hidden: [],
  bucketHint: null,
  scoredGen: 0,
  scored: null,
  scoredError: null,
  catGen: 0,
  categories: null,
  categoriesLoading: false,
  categoriesError: null,
} satisfies AnomaliesState;

export const useAnomaliesStore = create<AnomaliesState>()(() => ({ ...initial }));

export const anomaliesActions = {
  start(gen: number, request: WindowsRequest) {
    useAnomaliesStore.setState({ gen, request, loading: true, error: null });
  },
  receive(
    gen: number,
    windows: AnomalyWindow[],
    bucketMs: number,
    narrowed: AnomaliesState['narrowed'],
    judged: AnomaliesState['judged'] = null,
  ) {
    if (useAnomaliesStore.getState().gen !== gen) return;
    useAnomaliesStore.setState({ windows, bucketMs, narrowed, judged, loading: false, error: null });
  },
  refitStarting() {
    useAnomaliesStore.setState({ refitStarting: true, refitError: null });
  },
  /** The engine took the job: running until its events say otherwise. */
  refitStarted(jobId: string) {
    useAnomaliesStore.setState({
      refitStarting: false,
      refit: { jobId, state: 'running', phase: 'starting', fraction: 0, message: null, scheduled: false },
    });
  },
  refitRefused(message: string) {
    useAnomaliesStore.setState({ refitStarting: false, refitError: message });
  },
  /** An event about a refit: ours, or a scheduled one (shown only while none of ours is). */
  refitProgress(p: EventData<'anomalyRefitProgressed'>) {
    const cur = useAnomaliesStore.getState().refit;
    if (cur && cur.jobId !== p.jobId && cur.state === 'running' && !cur.scheduled) return;
    useAnomaliesStore.setState({ refit: p });
  },
  dismissRefit() {
    useAnomaliesStore.setState({ refit: null, refitError: null });
  },
  /** The last windows stay on screen (marked by the error) unless `clear`. */
  fail(gen: number, error: string | null, clear = false) {
    if (useAnomaliesStore.getState().gen !== gen) return;
    useAnomaliesStore.setState({ loading: false, error, ...(clear ? { windows: [], narrowed: null } : {}) });
  },
  toggleKind(kind: AnomalyKind) {
    useAnomaliesStore.setState((s) => ({
      hidden: s.hidden.includes(kind) ? s.hidden.filter((k) => k !== kind) : [...s.hidden, kind],
    }));
  },
  setBucketHint(hint: AnomaliesState['bucketHint']) {
    useAnomaliesStore.setState({ bucketHint: hint });
  },
  startScored(gen: number) {
    useAnomaliesStore.setState({ scoredGen: gen, scoredError: null });
  },
  receiveScored(gen: number, patterns: Pattern[] | null, error: string | null = null) {
    if (useAnomaliesStore.getState().scoredGen !== gen) return;
    useAnomaliesStore.setState({ scored: patterns, scoredError: error });
  },
  startCategories(gen: number) {
    useAnomaliesStore.setState({ catGen: gen, categoriesLoading: true, categoriesError: null });
  },
  receiveCategories(gen: number, data: CategoryHistogram) {
    if (useAnomaliesStore.getState().catGen !== gen) return;
    useAnomaliesStore.setState({ categories: data, categoriesLoading: false, categoriesError: null });
  },
  failCategories(gen: number, error: string | null, clear = false) {
    if (useAnomaliesStore.getState().catGen !== gen) return;
    useAnomaliesStore.setState({ categoriesLoading: false, categoriesError: error, ...(clear ? { categories: null } : {}) });
  },
  reset() {
    useAnomaliesStore.setState({ ...initial });
  },
};
