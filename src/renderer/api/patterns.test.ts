import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineError, type EngineApi } from '../../shared/client';
import type { Result } from '../../shared/protocol';
import { createPatternsRunner } from './patterns';
import { useQueryStore } from '../stores/query';
import { usePatternsStore } from '../stores/patterns';
import { useCompareStore } from '../stores/compare';
import { useSourcesStore } from '../stores/sources';
import { ALL_TIME } from '../lib/time';

const NOW = 1_700_000_000_000;
const list: Result<'patterns'> = {
  patterns: [
    {
      id: 4,
      template: 'a <*>',
      count: 3,
      firstSeen: 1,
      lastSeen: 2,
      newInRange: false,
      levels: { info: 3 },
      trend: [1, 2],
      example: 'a 1',
      sources: ['/x'],
    },
  ],
  total: 1,
  bucketMs: 1000,
  start: NOW - 3_600_000,
  tookMs: 2,
};

function fakeApi(over: Partial<Record<keyof EngineApi, (p: never) => Promise<unknown>>> = {}) {
  const api = {
    patterns: vi.fn(async () => list),
    patternsCompare: vi.fn(async () => ({ added: [], gone: [], changed: [], totalA: 1, totalB: 2, tookMs: 1 })),
    sources: vi.fn(async () => ({ sources: [] })),
  };
  Object.assign(api, over);
  return api as typeof api & EngineApi;
}

beforeEach(() => {
  useQueryStore.setState({
    draft: '',
    applied: { query: 'level:error', range: { kind: 'relative', key: '1h' }, rev: 1 },
    syntaxError: null,
    runError: null,
  });
  usePatternsStore.setState({ gen: 0, sort: 'new', data: null, loading: false, error: null });
  useCompareStore.setState({ gen: 0, result: null, request: null, error: null, loading: false });
  useSourcesStore.setState({ sources: [], loaded: false, loading: false, error: null });
});

describe('patterns runner', () => {
  it('lists patterns of the applied query in the resolved range, in the chosen order', async () => {
    const api = fakeApi();
    await createPatternsRunner(api, { now: () => NOW, limit: 100, buckets: 20 }).run();
    expect(api.patterns).toHaveBeenCalledWith({
      query: 'level:error',
      from: NOW - 3_600_000,
      to: NOW,
      sort: 'new',
      limit: 100,
      buckets: 20,
    });
    expect(usePatternsStore.getState()).toMatchObject({ loading: false, data: { total: 1 } });
  });

  it('puts a query error under the bar and empties the list', async () => {
    usePatternsStore.setState({ data: list });
    const api = fakeApi({
      patterns: async () => {
        throw new EngineError({
          code: 'query',
          message: 'Unknown field',
          query: { message: 'Unknown field', start: 0, end: 5 },
        });
      },
    });
    await createPatternsRunner(api).run();
    expect(useQueryStore.getState().runError).toMatchObject({ query: 'level:error', start: 0 });
    expect(usePatternsStore.getState()).toMatchObject({ data: null, error: null });
  });

  it('says what failed otherwise (an engine without patterns), keeping what was shown', async () => {
    usePatternsStore.setState({ data: list });
    const api = fakeApi({
      patterns: async () => {
        throw new EngineError({ code: 'bad_request', message: 'Unknown method "patterns"' });
      },
    });
    await createPatternsRunner(api).run();
    expect(usePatternsStore.getState()).toMatchObject({ error: 'Unknown method "patterns"', data: list });
    expect(useQueryStore.getState().runError).toBeNull();
  });

  it('compares the two sides for the applied query', async () => {
    const a = { from: 1, to: 2, source: null };
    const b = { from: 2, to: 3, source: '/x' };
    useCompareStore.setState({ a, b });
    const api = fakeApi();
    await createPatternsRunner(api, { compareLimit: 10 }).compare();
    expect(api.patternsCompare).toHaveBeenCalledWith({ query: 'level:error', a, b, limit: 10 });
    expect(useCompareStore.getState()).toMatchObject({ loading: false, request: { a, b }, result: { totalB: 2 } });
  });

  it('shows a failed comparison, and a lost engine as such', async () => {
    const api = fakeApi({
      patternsCompare: async () => {
        throw new EngineError({ code: 'internal', message: 'boom' });
      },
    });
    await createPatternsRunner(api).compare();
    expect(useCompareStore.getState().error).toBe('boom');
    const gone = fakeApi({
      patternsCompare: async () => {
        throw new EngineError({ code: 'unavailable', message: 'closed' });
      },
    });
    await createPatternsRunner(gone).compare();
    expect(useCompareStore.getState().error).toBe('The engine is not reachable.');
  });

  it('loads sources, or says why not', async () => {
    await createPatternsRunner(fakeApi()).loadSources();
    expect(useSourcesStore.getState()).toMatchObject({ loaded: true, loading: false });
    useSourcesStore.setState({ loaded: false });
    const api = fakeApi({
      sources: async () => {
        throw new Error('nope');
      },
    });
    await createPatternsRunner(api).loadSources();
    expect(useSourcesStore.getState()).toMatchObject({ loaded: false, error: 'nope' });
  });
});

describe('ALL_TIME', () => {
  it('sends open ends', async () => {
    useQueryStore.setState({ applied: { query: '', range: ALL_TIME, rev: 2 } });
    const api = fakeApi();
    await createPatternsRunner(api).run();
    expect(api.patterns).toHaveBeenCalledWith(expect.objectContaining({ from: null, to: null }));
  });
});
