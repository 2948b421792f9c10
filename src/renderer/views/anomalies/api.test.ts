import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineError, type EngineApi } from '../../../shared/client';
import type { AnomalyWindow, Result } from '../../../shared/protocol';
import { useQueryStore } from '../../stores/query';
import { useViewStore } from '../../stores/view';
import { useNoticesStore } from '../../stores/notices';
import { ALL_TIME } from '../../lib/time';
import { anomalousQuery, bindAnomalies, bindRefitEvents, loadScoredPatterns, cancelRefit, correctPattern, loadCategories, loadWindows, markAnomaly, openRecords, startRefit } from './api';
import { anomaliesActions, useAnomaliesStore } from './store';

const base = { start: 0, end: 1, template: 't', count: 9, expected: 1, score: 0.9 };
const windows: AnomalyWindow[] = [
  { ...base, kind: 'spike', pattern: 1, source: '/a.log' },
  { ...base, kind: 'new', pattern: 2, source: '/b.log' },
  { ...base, kind: 'drop', pattern: null, template: null, source: '/a.log' },
  { ...base, kind: 'drop', pattern: null, template: null, source: '/b.log' },
];

function api(over: Partial<Record<keyof EngineApi, (p: never) => Promise<unknown>>> = {}) {
  const a = {
    anomalies: vi.fn(async () => ({ windows, bucketMs: 600_000, from: 0, to: 1, tookMs: 1 })),
    patterns: vi.fn(async () => ({
      patterns: [{ id: 1, sources: ['/a.log'] }],
      total: 1,
      bucketMs: 1,
      start: 0,
      tookMs: 1,
    })),
    categoryHistogram: vi.fn(async () => ({ start: 0, bucketMs: 1000, series: [], total: 0, tookMs: 1 }) satisfies Result<'categoryHistogram'>),
    patternOverride: vi.fn(async () => ({ id: 1, class: null })),
    anomalyOverride: vi.fn(async () => ({ templateId: null, recordId: 3, verdict: 'normal', updated: 1 })),
    anomalyRefit: vi.fn(async () => ({ jobId: 'j1' })),
    anomalyRefitCancel: vi.fn(async () => ({ cancelled: true })),
  };
  Object.assign(a, over);
  return a as typeof a & EngineApi;
}

const failure = (code: 'query' | 'internal', message: string) => new EngineError({ code, message, ...(code === 'query' ? { query: { message, start: 0, end: 1 } } : {}) });

beforeEach(() => {
  anomaliesActions.reset();
  useNoticesStore.setState({ notices: [] });
  useQueryStore.setState({ draft: '', applied: { query: '', range: ALL_TIME, rev: 1 }, syntaxError: null, runError: null });
});

describe('anomalies api', () => {
  it('loads every window of the range without a query, and asks for no patterns', async () => {
    const a = api();
    bindAnomalies(a, () => {});
    await loadWindows();
    expect(a.anomalies).toHaveBeenCalledWith(expect.objectContaining({ from: null, to: null }));
    expect(a.patterns).not.toHaveBeenCalled();
    expect(useAnomaliesStore.getState()).toMatchObject({ windows, bucketMs: 600_000, narrowed: null, loading: false });
  });

  it("narrows to the query's patterns and their sources' source-wide windows", async () => {
    useQueryStore.setState({ applied: { query: 'level:error', range: ALL_TIME, rev: 2 } });
    const a = api();
    bindAnomalies(a, () => {});
    await loadWindows();
    expect(a.patterns).toHaveBeenCalledWith(expect.objectContaining({ query: 'level:error' }));
    const s = useAnomaliesStore.getState();
    expect(s.windows.map((w) => `${w.kind}:${w.pattern ?? w.source}`)).toEqual(['spike:1', 'drop:/a.log']);
    expect(s.narrowed).toEqual({ kept: 2, all: 4 });
  });

  it('shows a failure where the windows would be; a query error is left to the bar', async () => {
    bindAnomalies(api({ anomalies: async () => Promise.reject(failure('internal', 'disk full')) }), () => {});
    await loadWindows();
    expect(useAnomaliesStore.getState().error).toBe('disk full');
    useQueryStore.setState({ applied: { query: 'bad(', range: ALL_TIME, rev: 3 } });
    bindAnomalies(api({ patterns: async () => Promise.reject(failure('query', 'unclosed (')) }), () => {});
    await loadWindows();
    expect(useAnomaliesStore.getState()).toMatchObject({ error: null, windows: [] });
    bindAnomalies(api({ categoryHistogram: async () => Promise.reject(failure('internal', 'no table')) }), () => {});
    await loadCategories();
    expect(useAnomaliesStore.getState().categoriesError).toBe('no table');
  });

  it('saves a correction, re-reads the views, and says so; a refusal is shown too', async () => {
    const corrected = vi.fn();
    const a = api();
    bindAnomalies(a, corrected);
    expect(await correctPattern(7, 'storage', null)).toBe(true);
    expect(a.patternOverride).toHaveBeenCalledWith({ id: 7, category: 'storage', severity: null });
    expect(corrected).toHaveBeenCalledTimes(1);
    expect(useNoticesStore.getState().notices.map((n) => n.kind)).toEqual(['info']);

    bindAnomalies(api({ patternOverride: async () => Promise.reject(failure('internal', 'no pattern 7')) }), corrected);
    expect(await correctPattern(7, 'storage', null)).toBe(false);
    expect(corrected).toHaveBeenCalledTimes(1);
    expect(useNoticesStore.getState().notices.at(-1)).toMatchObject({ kind: 'error', detail: 'no pattern 7' });
  });

  it('opens records in Explore with their query and range in one run', () => {
    useViewStore.getState().setView('anomalies');
    const rev = useQueryStore.getState().applied.rev;
    openRecords({ query: 'pattern:5', range: { kind: 'absolute', from: 1, to: 2 } });
    expect(useViewStore.getState().view).toBe('explore');
    expect(useQueryStore.getState().applied).toEqual({ query: 'pattern:5', range: { kind: 'absolute', from: 1, to: 2 }, rev: rev + 1 });
  });

  it("judges a window's range at the bucket width it was found at, and only that range", async () => {
    const a = api();
    bindAnomalies(a, () => {});
    await loadWindows();
    const range = { kind: 'absolute' as const, from: 1_000_000, to: 9_000_000 };
    openRecords({ query: 'pattern:1', range });
    await loadWindows();
    expect(a.anomalies).toHaveBeenLastCalledWith(expect.objectContaining({ from: 1_000_000, to: 9_000_000, bucketMs: 600_000 }));
    useQueryStore.getState().setRange({ kind: 'absolute', from: 2_000_000, to: 9_000_000 });
    await loadWindows();
    expect(a.anomalies).toHaveBeenLastCalledWith(expect.objectContaining({ bucketMs: null }));
  });

  it('marks a record or a pattern, re-reads the views, and shows a refusal', async () => {
    const corrected = vi.fn();
    const a = api();
    bindAnomalies(a, corrected);
    expect(await markAnomaly({ recordId: 3 }, 'normal')).toBe(true);
    expect(a.anomalyOverride).toHaveBeenCalledWith({ recordId: 3, verdict: 'normal' });
    expect(corrected).toHaveBeenCalledTimes(1);
    bindAnomalies(api({ anomalyOverride: async () => Promise.reject(new EngineError({ code: 'not_found', message: 'no pattern 9' })) }), corrected);
    expect(await markAnomaly({ templateId: 9 }, 'anomalous')).toBe(false);
    expect(useNoticesStore.getState().notices.at(-1)).toMatchObject({ kind: 'error', detail: 'no pattern 9' });
  });

  it('learns from the judged range when the range is open, shows a refusal, and cancels its job', async () => {
    // Nothing stored (the engine could not close the open range): nothing to learn from.
    bindAnomalies(api({ anomalies: async () => Promise.reject(new EngineError({ code: 'internal', message: 'empty' })) }), () => {});
    await startRefit();
    expect(useAnomaliesStore.getState().refitError).toMatch(/no range to learn from/);
    const a = api();
    bindAnomalies(a, () => {});
    await startRefit(); // all time: closed by the engine's answer, 0..1
    expect(a.anomalies).toHaveBeenCalled();
    expect(a.anomalyRefit).toHaveBeenCalledWith({ from: 0, to: 1 });
    expect(useAnomaliesStore.getState().refit).toMatchObject({ jobId: 'j1', state: 'running' });
    await cancelRefit();
    expect(a.anomalyRefitCancel).toHaveBeenCalledWith({ jobId: 'j1' });

    anomaliesActions.dismissRefit();
    bindAnomalies(api({ anomalyRefit: async () => Promise.reject(new EngineError({ code: 'bad_request', message: 'not enough records to learn from: 12' })) }), () => {});
    await startRefit();
    expect(useAnomaliesStore.getState()).toMatchObject({ refit: null, refitError: 'not enough records to learn from: 12' });
  });

  it("tells the person when a refit they started ends, and re-reads the views when it is in", () => {
    const corrected = vi.fn();
    bindAnomalies(api(), corrected);
    let handler: ((p: never) => void) | null = null;
    bindRefitEvents({ subscribe: ((_: string, h: (p: never) => void) => ((handler = h), () => {})) as never });
    anomaliesActions.refitStarted('j1');
    handler!({ jobId: 'j1', state: 'done', phase: 'swap', fraction: 1, message: 'fitted on 5,000 records', scheduled: false } as never);
    expect(corrected).toHaveBeenCalledTimes(1);
    expect(useNoticesStore.getState().notices.at(-1)).toMatchObject({ kind: 'info', detail: 'fitted on 5,000 records' });
    handler!({ jobId: 'j2', state: 'failed', phase: 'fit', fraction: 0.3, message: 'worker stopped', scheduled: false } as never);
    expect(useNoticesStore.getState().notices.at(-1)).toMatchObject({ kind: 'error', detail: 'worker stopped' });
  });

  it('asks for the anomalous records of the query, keeping an OR query whole', async () => {
    expect(anomalousQuery('')).toBe('anomalous:true');
    expect(anomalousQuery('level:error')).toBe('level:error anomalous:true');
    expect(anomalousQuery('a OR b')).toBe('(a OR b) anomalous:true');
    const a = api();
    bindAnomalies(a, () => {});
    await loadScoredPatterns();
    expect(a.patterns).toHaveBeenCalledWith(expect.objectContaining({ query: 'anomalous:true', sort: 'count' }));
    expect(useAnomaliesStore.getState().scored).toHaveLength(1);
    bindAnomalies(api({ patterns: async () => Promise.reject(new EngineError({ code: 'internal', message: 'busy' })) }), () => {});
    await loadScoredPatterns();
    expect(useAnomaliesStore.getState()).toMatchObject({ scored: null, scoredError: 'busy' });
  });
});
