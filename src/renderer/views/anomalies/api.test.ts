import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineError, type EngineApi } from '../../../shared/client';
import type { AnomalyWindow, Result } from '../../../shared/protocol';
import { useQueryStore } from '../../stores/query';
import { useViewStore } from '../../stores/view';
import { useNoticesStore } from '../../stores/notices';
import { ALL_TIME } from '../../lib/time';
import { bindAnomalies, correctPattern, loadCategories, loadWindows, openRecords } from './api';
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
});
