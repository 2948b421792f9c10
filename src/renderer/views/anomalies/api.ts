/**
 * The Anomalies view over the protocol: the windows of the applied range (narrowed to the
 * applied query's patterns), the category mix, opening a window's records in Explore, and
 * a person's corrections. Errors go to the stores (shown where the data would be) or to a
 * notice; nothing is only logged.
 */
import type { EngineApi, EngineClient } from '../../../shared/client';
import type { AnomalyVerdict } from '../../../shared/protocol';
import type { Category } from '../../../shared/categories';
import type { Level } from '../../../shared/levels';
import { describeError, isQueryError } from '../../api/errors';
import { notices } from '../../stores/notices';
import { useQueryStore } from '../../stores/query';
import { useViewStore } from '../../stores/view';
import { resolveRange, sameRange } from '../../lib/time';
import { anomaliesActions, useAnomaliesStore } from './store';
import { windowsForQuery, type RecordsTarget } from './windows';

let api: EngineApi | null = null;
/** After a correction: the session re-reads what the views show. */
let onCorrected: () => void = () => {};
let gen = 0;
let catGen = 0;
let scoredGen = 0;

/** Wire the view to a session's api; returns the unbind. */
export function bindAnomalies(a: EngineApi, corrected: () => void): () => void {
  api = a;
  onCorrected = corrected;
  return () => {
    if (api === a) {
      api = null;
      onCorrected = () => {};
    }
  };
}

/** Follow refits' progress (ours and scheduled ones); a finished one re-reads the views. */
export function bindRefitEvents(client: Pick<EngineClient, 'subscribe'>): () => void {
  return client.subscribe('anomalyRefitProgressed', (p) => {
    anomaliesActions.refitProgress(p);
    if (p.scheduled) return;
    if (p.state === 'done') {
      notices.info('The anomaly model learned from the range', p.message ?? undefined);
      onCorrected();
    } else if (p.state === 'failed') notices.error('Learning from the range failed', p.message ?? undefined);
  });
}

function appliedParams(now = Date.now()) {
  const { applied } = useQueryStore.getState();
  const range = resolveRange(applied.range, now);
  return { query: applied.query, from: range.from, to: range.to };
}

/** The windows of the applied range; for a query, only those of the patterns it matches. */
export async function loadWindows(): Promise<void> {
  if (!api) return;
  const my = ++gen;
  const params = appliedParams();
  const hint = useAnomaliesStore.getState().bucketHint;
  const bucketMs = hint && sameRange(hint.range, useQueryStore.getState().applied.range) ? hint.bucketMs : null;
  anomaliesActions.start(my, params);
  try {
    const res = await api.anomalies({ from: params.from, to: params.to, bucketMs, limit: 2000 });
    let matched: { ids: Set<number>; sources: Set<string> } | null = null;
    if (params.query !== '') {
      const pats = await api.patterns({ ...params, limit: 1000, buckets: 1 });
      matched = { ids: new Set(pats.patterns.map((p) => p.id)), sources: new Set(pats.patterns.flatMap((p) => p.sources)) };
    }
    const windows = windowsForQuery(res.windows, matched);
    anomaliesActions.receive(
      my,
      windows,
      res.bucketMs,
      matched ? { kept: windows.length, all: res.windows.length } : null,
      { from: res.from, to: res.to },
    );
  } catch (e) {
    // A query error is shown under the bar by the view that ran the search.
    anomaliesActions.fail(my, isQueryError(e) ? null : (describeError(e).message ?? 'The engine is not reachable.'), isQueryError(e));
  }
}

/** Records per category per bucket, for the applied query and range. */
export async function loadCategories(buckets = 90): Promise<void> {
  if (!api) return;
  const my = ++catGen;
  anomaliesActions.startCategories(my);
  try {
    anomaliesActions.receiveCategories(my, await api.categoryHistogram({ ...appliedParams(), buckets }));
  } catch (e) {
    anomaliesActions.failCategories(my, isQueryError(e) ? null : (describeError(e).message ?? 'The engine is not reachable.'), isQueryError(e));
  }
}

/** The query text that keeps the applied query's records the anomaly model calls anomalous. */
export function anomalousQuery(query: string): string {
  const q = query.trim();
  if (q === '') return 'anomalous:true';
  return /(^|[\s)])OR(?=[\s(]|$)/.test(q) ? `(${q}) anomalous:true` : `${q} anomalous:true`;
}

/** Patterns of the applied query and range by how many of their records are anomalous. */
export async function loadScoredPatterns(limit = 30): Promise<void> {
  if (!api) return;
  const my = ++scoredGen;
  anomaliesActions.startScored(my);
  const params = appliedParams();
  try {
    const res = await api.patterns({ ...params, query: anomalousQuery(params.query), sort: 'count', limit, buckets: 24 });
    anomaliesActions.receiveScored(my, res.patterns);
  } catch (e) {
    anomaliesActions.receiveScored(my, null, isQueryError(e) ? null : (describeError(e).message ?? 'The engine is not reachable.'));
  }
}

/** Everything the Anomalies view shows. */
export function loadAnomaliesView(): void {
  void loadWindows();
  void loadCategories();
  void loadScoredPatterns();
}

/**
 * Show a window's (or a pattern's) records in Explore: its query and its time range, one
 * run. From a window, that range is judged at the window's bucket width (`bucketHint`).
 */
export function openRecords(target: RecordsTarget, fromWindow = true): void {
  const bucketMs = useAnomaliesStore.getState().bucketMs;
  anomaliesActions.setBucketHint(fromWindow && bucketMs >= 60_000 ? { range: target.range, bucketMs } : null);
  useViewStore.getState().setView('explore');
  useQueryStore.getState().submit(target.query, target.range);
}

/**
 * Correct a pattern's category and/or severity (null: the model's answer). The engine
 * applies it to stored records at once; the views re-read what they show.
 */
export async function correctPattern(id: number, category: Category | null, severity: Level | null): Promise<boolean> {
  if (!api) return false;
  try {
    await api.patternOverride({ id, category, severity });
    onCorrected();
    notices.info('Correction saved', `Pattern ${id}: ${category ?? "the model's category"}, ${severity ?? "the model's severity"}.`);
    return true;
  } catch (e) {
    notices.error('The correction was not saved', describeError(e).message ?? 'The engine is not reachable.');
    return false;
  }
}

/**
 * A person's verdict on a record or on its whole pattern (null clears it). Stored rows
 * change at once and the next refit learns from it.
 */
export async function markAnomaly(
  target: { recordId: number } | { templateId: number },
  verdict: AnomalyVerdict | null,
): Promise<boolean> {
  if (!api) return false;
  try {
    const res = await api.anomalyOverride({ ...target, verdict });
    onCorrected();
    const what = 'recordId' in target ? 'This record' : `Pattern ${target.templateId}`;
    notices.info(
      verdict ? `${what} is marked ${verdict}` : `${what}: verdict cleared`,
      `${res.updated.toLocaleString('en-US')} stored records changed.`,
    );
    return true;
  } catch (e) {
    notices.error('The verdict was not saved', describeError(e).message ?? 'The engine is not reachable.');
    return false;
  }
}

/** "Learn from this range": the range the view judged (open ends closed by the data). */
export async function startRefit(): Promise<void> {
  if (!api) return;
  const range = resolveRange(useQueryStore.getState().applied.range, Date.now());
  // An open end is closed by the data, as the engine judged it for this very range (the
  // windows on screen may still be those of the range before).
  if (range.from === null || range.to === null) await loadWindows();
  const judged = useAnomaliesStore.getState().judged;
  const from = range.from ?? judged?.from ?? null;
  const to = range.to ?? judged?.to ?? null;
  if (from === null || to === null) {
    anomaliesActions.refitRefused('There is no range to learn from yet: no records are stored.');
    return;
  }
  anomaliesActions.refitStarting();
  try {
    anomaliesActions.refitStarted((await api.anomalyRefit({ from, to })).jobId);
  } catch (e) {
    // Refused (too few records, another refit running): the engine says why.
    anomaliesActions.refitRefused(describeError(e).message ?? 'The engine is not reachable.');
  }
}

export async function cancelRefit(): Promise<void> {
  const job = useAnomaliesStore.getState().refit;
  if (!api || !job || job.state !== 'running') return;
  try {
    await api.anomalyRefitCancel({ jobId: job.jobId });
  } catch (e) {
    notices.error('The refit could not be cancelled', describeError(e).message ?? 'The engine is not reachable.');
  }
}
