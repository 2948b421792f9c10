import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineError, type EngineApi } from '../../shared/client';
import type { Histogram, LogRow, Result } from '../../shared/protocol';
import { createRunner } from './runner';
import { useQueryStore } from '../stores/query';
import { resultsActions, useResultsStore } from '../stores/results';
import { useHistogramStore } from '../stores/histogram';
import { useFacetsStore } from '../stores/facets';
import { useDetailStore } from '../stores/detail';
import { useConnectionStore } from '../stores/connection';
import { ALL_TIME } from '../lib/time';

const NOW = 1_700_000_000_000;
const row = (id: number): LogRow => ({
  id,
  ts: NOW - id * 1000,
  level: 'info',
  source: '/a.log',
  host: null,
  app: null,
  message: `m${id}`,
  format: 'raw',
  line: id,
  parseError: null,
});
const hist: Histogram = { start: 0, bucketMs: 1000, series: [{ level: 'info', counts: [1, 2] }], total: 3, tookMs: 1 };

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function fakeApi(over: Partial<Record<keyof EngineApi, (p: never) => Promise<unknown>>> = {}) {
  const api = {
    search: vi.fn(async (p: { cursor?: unknown; limit?: number }): Promise<Result<'search'>> => {
      if (p.cursor) return { rows: [row(3), row(4)], total: null, nextCursor: null, tookMs: 1 };
      return { rows: [row(1), row(2)], total: 4, nextCursor: { ts: NOW - 2000, id: 2 }, tookMs: 5 };
    }),
    histogram: vi.fn(async () => hist),
    facets: vi.fn(async () => ({
      facets: [{ field: 'level', values: [{ value: 'info', count: 4 }], others: 0 }],
      tookMs: 1,
    })),
    record: vi.fn(async (p: { id: number }) => ({ ...row(p.id), ingestTs: NOW, fields: { a: 1 } })),
    context: vi.fn(async (p: { id: number }) => ({ rows: [row(p.id - 1), row(p.id), row(p.id + 1)] })),
    parseQuery: vi.fn(async (p: { query: string }) => ({
      error: p.query.includes('(') ? { message: 'Missing )', start: p.query.length, end: p.query.length } : null,
    })),
    health: vi.fn(async () => ({ version: '1', dataDir: '/d', records: 4, startedAt: 0, mode: 'headless' as const })),
  };
  Object.assign(api, over);
  return api as typeof api & EngineApi;
}

beforeEach(() => {
  useQueryStore.setState({
    draft: '',
    applied: { query: '', range: ALL_TIME, rev: 0 },
    syntaxError: null,
    runError: null,
  });
  resultsActions.reset();
  useHistogramStore.setState({ gen: 0, data: null, loading: false, error: null });
  useFacetsStore.setState({ gen: 0, facets: [], loading: false, error: null });
  useDetailStore.setState({ id: null, record: null, context: [], loading: false, error: null });
});

describe('runner.run', () => {
  it('runs search, histogram and facets with the resolved range', async () => {
    const api = fakeApi();
    useQueryStore.setState({ applied: { query: 'level:info', range: { kind: 'relative', key: '1h' }, rev: 1 } });
    await createRunner(api, { now: () => NOW, buckets: 50 }).run();
    const params = { query: 'level:info', from: NOW - 3_600_000, to: NOW };
    expect(api.search).toHaveBeenCalledWith({ ...params, limit: 200, count: true });
    expect(api.histogram).toHaveBeenCalledWith({ ...params, buckets: 50 });
    expect(api.facets).toHaveBeenCalledWith({ ...params, fields: ['level', 'source', 'host', 'app'], limit: 10 });
    expect(useResultsStore.getState()).toMatchObject({ total: 4, loading: false, params });
    expect(useResultsStore.getState().rows.map((r) => r.id)).toEqual([1, 2]);
    expect(useHistogramStore.getState().data).toEqual(hist);
    expect(useFacetsStore.getState().facets[0]!.field).toBe('level');
  });

  it('keeps only the newest run’s answers', async () => {
    const slow = deferred<Result<'search'>>();
    let calls = 0;
    const api = fakeApi({
      search: (() =>
        ++calls === 1
          ? slow.promise
          : Promise.resolve({ rows: [row(9)], total: 1, nextCursor: null, tookMs: 1 })) as never,
    });
    const runner = createRunner(api, { now: () => NOW });
    const first = runner.run();
    await runner.run();
    slow.resolve({ rows: [row(1)], total: 100, nextCursor: null, tookMs: 1 });
    await first;
    expect(useResultsStore.getState().rows.map((r) => r.id)).toEqual([9]);
    expect(useResultsStore.getState().total).toBe(1);
  });

  it('starts the secondary queries only once the first page is in, and not for a replaced run', async () => {
    const pages = [deferred<Result<'search'>>(), deferred<Result<'search'>>(), deferred<Result<'search'>>()];
    let calls = 0;
    const api = fakeApi({ search: (() => pages[calls++]!.promise) as never });
    const runner = createRunner(api, { now: () => NOW });
    const done = { rows: [row(1)], total: 1, nextCursor: null, tookMs: 1 };

    const after = vi.fn();
    const run = runner.run(false, after);
    await Promise.resolve();
    expect(after).not.toHaveBeenCalled();
    pages[0]!.resolve(done);
    await run;
    expect(after).toHaveBeenCalledTimes(1);

    const later = vi.fn();
    const replaced = runner.run(false, later);
    const newer = runner.run();
    pages[1]!.resolve(done);
    pages[2]!.resolve(done);
    await Promise.all([replaced, newer]);
    expect(later).not.toHaveBeenCalled();
  });

  it('puts a query error under the bar, at its position', async () => {
    const api = fakeApi({
      search: (async () => {
        throw new EngineError({
          code: 'query',
          message: 'Unknown field',
          query: { message: 'Unknown field "nope"', start: 0, end: 4 },
        });
      }) as never,
    });
    useQueryStore.setState({ draft: 'nope:1', applied: { query: 'nope:1', range: ALL_TIME, rev: 1 } });
    useResultsStore.setState({ rows: [row(1)], total: 1 });
    await createRunner(api).run();
    expect(useQueryStore.getState().runError).toEqual({
      message: 'Unknown field "nope"',
      start: 0,
      end: 4,
      query: 'nope:1',
    });
    // The old rows are not this query's: they go.
    expect(useResultsStore.getState()).toMatchObject({ loading: false, error: 'Unknown field', rows: [], total: null });
  });

  it('stays quiet when the pipe dropped (the banner says it)', async () => {
    const api = fakeApi({
      search: (async () => {
        throw new EngineError({ code: 'unavailable', message: 'gone' });
      }) as never,
    });
    useResultsStore.setState({ rows: [row(1)] });
    await createRunner(api).run();
    // Stale rows stay on screen until the engine is back.
    expect(useResultsStore.getState()).toMatchObject({ loading: false, error: null });
    expect(useResultsStore.getState().rows).toHaveLength(1);
  });

  it('re-reads as many rows as are loaded on a refresh', async () => {
    const api = fakeApi();
    const runner = createRunner(api, { pageSize: 2 });
    useResultsStore.setState({ rows: [1, 2, 3, 4, 5].map(row) });
    await runner.run(true);
    expect(api.search.mock.calls[0]![0]).toMatchObject({ limit: 5, count: true });
  });
});

describe('runner.loadMore', () => {
  it('fetches the next page by cursor without a count and appends it', async () => {
    const api = fakeApi();
    const runner = createRunner(api, { now: () => NOW });
    await runner.run();
    await runner.loadMore();
    expect(api.search).toHaveBeenLastCalledWith({
      query: '',
      from: null,
      to: null,
      cursor: { ts: NOW - 2000, id: 2 },
      count: false,
      limit: 400,
    });
    expect(useResultsStore.getState().rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    await runner.loadMore(); // no cursor left: nothing to do
    expect(api.search).toHaveBeenCalledTimes(2);
  });

  it('drops a page that belongs to a run since replaced', async () => {
    const page = deferred<Result<'search'>>();
    const api = fakeApi();
    const runner = createRunner(api);
    await runner.run();
    api.search.mockImplementationOnce(() => page.promise);
    const more = runner.loadMore();
    await runner.run();
    page.resolve({ rows: [row(77)], total: null, nextCursor: null, tookMs: 1 });
    await more;
    expect(useResultsStore.getState().rows.map((r) => r.id)).toEqual([1, 2]);
  });
});

describe('runner.validate', () => {
  it('sets a syntax error only while the bar still holds that text', async () => {
    const api = fakeApi();
    const runner = createRunner(api);
    useQueryStore.setState({ draft: 'a (' });
    await runner.validate('a (');
    expect(useQueryStore.getState().syntaxError).toEqual({ message: 'Missing )', start: 3, end: 3, query: 'a (' });
    useQueryStore.setState({ draft: 'a ( b' });
    await runner.validate('a (');
    expect(useQueryStore.getState().syntaxError?.query).toBe('a (');
    useQueryStore.setState({ draft: 'ok' });
    await runner.validate('ok');
    expect(useQueryStore.getState().syntaxError).toBeNull();
  });
  it('clears without asking for an empty bar', async () => {
    const api = fakeApi();
    useQueryStore.setState({ syntaxError: { query: 'x', message: 'm', start: 0, end: 1 } });
    await createRunner(api).validate('  ');
    expect(api.parseQuery).not.toHaveBeenCalled();
    expect(useQueryStore.getState().syntaxError).toBeNull();
  });
});

describe('runner.loadDetail / refreshHealth', () => {
  it('loads the record with its context', async () => {
    const api = fakeApi();
    await createRunner(api, { contextLines: 5 }).loadDetail(7);
    expect(api.context).toHaveBeenCalledWith({ id: 7, before: 5, after: 5 });
    const d = useDetailStore.getState();
    expect(d.record?.fields).toEqual({ a: 1 });
    expect(d.context.map((r) => r.id)).toEqual([6, 7, 8]);
    expect(d.loading).toBe(false);
  });
  it('says so when the record is gone', async () => {
    const api = fakeApi({ record: (async () => null) as never });
    await createRunner(api).loadDetail(7);
    expect(useDetailStore.getState().error).toContain('no longer');
  });
  it('still shows the record when context fails', async () => {
    const api = fakeApi({
      context: (async () => {
        throw new Error('x');
      }) as never,
    });
    await createRunner(api).loadDetail(7);
    expect(useDetailStore.getState()).toMatchObject({ error: null, context: [] });
    expect(useDetailStore.getState().record?.id).toBe(7);
  });
  it('stores health', async () => {
    await createRunner(fakeApi()).refreshHealth();
    expect(useConnectionStore.getState().health?.records).toBe(4);
  });
});
