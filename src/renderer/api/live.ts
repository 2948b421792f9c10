/**
 * Live tail for Explore: subscribes to the engine's tail with the applied query and puts
 * matching records on top of the table as they are stored; pause holds them, resume
 * lets them in. While live, the histogram follows "now" (refreshed as data arrives,
 * at most every 2 s) and the table is not re-searched on every commit.
 *
 * Gaps and repeats: the tail starts before the table's query runs again, so a record
 * committed in between arrives both ways and is shown once (rows are keyed by id);
 * batches that arrive while the first page is still loading wait for it.
 */
import type { EngineClient } from '../../shared/client';
import type { EventData, LogRow } from '../../shared/protocol';
import { useQueryStore } from '../stores/query';
import { resultsActions, useResultsStore } from '../stores/results';
import { histogramActions, useHistogramStore } from '../stores/histogram';
import { facetsActions, useFacetsStore, FACET_FIELDS } from '../stores/facets';
import { liveActions, MAX_LIVE_ROWS, RateMeter, useLiveStore } from '../stores/live';
import { notices } from '../stores/notices';
import { RELATIVE_PRESETS, resolveRange } from '../lib/time';
import { describeError } from './errors';

export interface LiveTail {
  setOn(on: boolean): Promise<void>;
  setPaused(paused: boolean): void;
  /** The pipe (re)opened: a tail that was on is subscribed again (the old one died with the pipe). */
  onOpen(): void;
  /** New data was stored: while live, only the histogram catches up. True when handled. */
  onDataChanged(): boolean;
  stop(): void;
}

const HISTOGRAM_EVERY_MS = 2_000;
/** Facets are four group-bys over every match: less often. */
const FACETS_EVERY = 3;
/** Live follows a moving window: turning it on from a fixed range switches to this one. */
const LIVE_RANGE = { kind: 'relative', key: RELATIVE_PRESETS[0].key } as const;

export function createLiveTail(client: EngineClient, opts: { now?: () => number; buckets?: number } = {}): LiveTail {
  const now = opts.now ?? Date.now;
  const buckets = opts.buckets ?? 120;
  const meter = new RateMeter();
  let tailId: string | null = null;
  /** Bumped on every start/stop: answers for an older subscription are ignored. */
  let epoch = 0;
  let startedAt = 0;
  let pending: LogRow[] = [];
  let pendingDropped = 0;
  let lastHistogram = Number.NEGATIVE_INFINITY;
  let histogramRuns = 0;
  let histogramTimer: ReturnType<typeof setTimeout> | null = null;
  let rateTimer: ReturnType<typeof setInterval> | null = null;

  const unsubs: Array<() => void> = [];
  unsubs.push(client.subscribe('tailRecords', onBatch));

  // The first page landed: what arrived meanwhile goes on top of it.
  unsubs.push(
    useResultsStore.subscribe((s, prev) => {
      if (prev.loading && !s.loading && (pending.length || pendingDropped)) flushPending();
    }),
  );

  // The query text changed while live: follow it. A fixed range (a brush on the
  // histogram) means looking at the past: live goes off.
  unsubs.push(
    useQueryStore.subscribe((s, prev) => {
      if (!useLiveStore.getState().on || s.applied === prev.applied) return;
      if (s.applied.range.kind === 'absolute') {
        void setOn(false);
        notices.info('Live is off', 'A fixed time range was chosen.');
        return;
      }
      if (s.applied.query !== prev.applied.query) void subscribe(false);
    }),
  );

  function onBatch(b: EventData<'tailRecords'>): void {
    if (b.tailId !== tailId) return;
    const t = now();
    meter.add(b.records.length + b.dropped, t);
    liveActions.counted(b.records.length, b.dropped, meter.rate(t, startedAt));
    if (useLiveStore.getState().paused) return liveActions.hold(b.records, b.dropped);
    // Newest first for the table.
    const rows = b.records.slice().reverse();
    if (useResultsStore.getState().loading) {
      pending = rows.concat(pending).slice(0, MAX_LIVE_ROWS);
      pendingDropped += b.dropped;
      return;
    }
    resultsActions.prependLive(rows, b.dropped, MAX_LIVE_ROWS);
  }

  function flushPending(): void {
    const rows = pending;
    const dropped = pendingDropped;
    pending = [];
    pendingDropped = 0;
    resultsActions.prependLive(rows, dropped, MAX_LIVE_ROWS);
  }

  /** (Re)subscribe with the applied query; `rerun`: run the table's query again afterwards. */
  async function subscribe(rerun: boolean): Promise<void> {
    const my = ++epoch;
    const old = tailId;
    tailId = null;
    pending = [];
    pendingDropped = 0;
    if (old) void client.api.tailStop({ tailId: old }).catch(() => {});
    const { applied } = useQueryStore.getState();
    try {
      const res = await client.api.tailStart({ query: applied.query });
      if (my !== epoch) {
        void client.api.tailStop({ tailId: res.tailId }).catch(() => {});
        return;
      }
      tailId = res.tailId;
      liveActions.started();
    } catch (e) {
      if (my !== epoch) return;
      const d = describeError(e);
      stopTimers();
      const message = d.message ?? 'the engine is not reachable';
      liveActions.failed(d.query ? `the query has an error: ${message}` : message);
      if (!d.query) notices.error('Live tail could not start', message);
      return;
    }
    if (rerun) {
      // The same query again (the draft in the bar is left as it is).
      const q = useQueryStore.getState();
      useQueryStore.setState({ applied: { ...q.applied, rev: q.applied.rev + 1 } });
    }
  }

  async function setOn(on: boolean): Promise<void> {
    const state = useLiveStore.getState();
    if (on === state.on) return;
    if (!on) {
      epoch++;
      const old = tailId;
      tailId = null;
      pending = [];
      pendingDropped = 0;
      stopTimers();
      liveActions.stopped();
      if (old) await client.api.tailStop({ tailId: old }).catch(() => {});
      return;
    }
    liveActions.starting();
    meter.reset();
    startedAt = now();
    rateTimer = setInterval(() => liveActions.rate(meter.rate(now(), startedAt)), 1000);
    const q = useQueryStore.getState();
    // Live looks at what arrives now: a fixed range moves to the last 15 minutes.
    if (q.applied.range.kind === 'absolute') {
      await subscribe(false);
      q.setRange(LIVE_RANGE);
      return;
    }
    await subscribe(true);
  }

  function setPaused(paused: boolean): void {
    const s = useLiveStore.getState();
    if (!s.on || s.paused === paused) return;
    liveActions.setPaused(paused);
    if (!paused) {
      const held = liveActions.takeHeld();
      if (held.length) resultsActions.prependLive(held, 0, MAX_LIVE_ROWS);
    }
  }

  /** The histogram over the applied range as of now, at most every HISTOGRAM_EVERY_MS. */
  function followHistogram(): void {
    if (histogramTimer) return;
    const wait = Math.max(0, lastHistogram + HISTOGRAM_EVERY_MS - now());
    histogramTimer = setTimeout(() => {
      histogramTimer = null;
      lastHistogram = now();
      const { applied } = useQueryStore.getState();
      const range = resolveRange(applied.range, now());
      const params = { query: applied.query, from: range.from, to: range.to };
      const gen = useHistogramStore.getState().gen;
      void client.api.histogram({ ...params, buckets }).then(
        // Only if no run started meanwhile (its own answer is the one to show).
        (res) => histogramActions.receive(gen, res),
        () => {},
      );
      if (histogramRuns++ % FACETS_EVERY !== 0) return;
      const facetsGen = useFacetsStore.getState().gen;
      void client.api.facets({ ...params, fields: [...FACET_FIELDS], limit: 10 }).then(
        (res) => facetsActions.receive(facetsGen, res.facets),
        () => {},
      );
    }, wait);
  }

  function stopTimers(): void {
    if (histogramTimer) clearTimeout(histogramTimer);
    if (rateTimer) clearInterval(rateTimer);
    histogramTimer = null;
    rateTimer = null;
  }

  return {
    setOn,
    setPaused,
    onOpen() {
      if (useLiveStore.getState().on) void subscribe(false);
    },
    onDataChanged() {
      const s = useLiveStore.getState();
      if (!s.on || s.status === 'error') return false;
      if (!s.paused) followHistogram();
      return true;
    },
    stop() {
      stopTimers();
      for (const u of unsubs) u();
    },
  };
}
