import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineClient } from '../../shared/client';
import type { EventData, LogRow } from '../../shared/protocol';
import { createLiveTail, type LiveTail } from './live';
import { useQueryStore } from '../stores/query';
import { resultsActions, useResultsStore } from '../stores/results';
import { liveActions, MAX_LIVE_ROWS, RateMeter, useLiveStore } from '../stores/live';
import { ALL_TIME } from '../lib/time';

const row = (id: number): LogRow => ({
  id,
  ts: 1000 + id,
  level: 'error',
  source: 'http:ingest',
  host: null,
  app: null,
  message: `m${id}`,
  format: 'json',
  line: 0,
  parseError: null,
});

/** A client whose tail calls are recorded and whose events the test sends. */
function fakeClient() {
  const handlers = new Map<string, Set<(d: unknown) => void>>();
  let next = 1;
  const calls: Array<[string, unknown]> = [];
  let failNext: Error | null = null;
  const api = {
    tailStart: vi.fn(async (p: { query: string }) => {
      calls.push(['tailStart', p]);
      if (failNext) {
        const e = failNext;
        failNext = null;
        throw e;
      }
      return { tailId: `t${next++}` };
    }),
    tailStop: vi.fn(async (p: { tailId: string }) => {
      calls.push(['tailStop', p]);
      return { stopped: true };
    }),
    histogram: vi.fn(async () => ({ start: 0, bucketMs: 1, series: [], total: 0, tookMs: 1 })),
    facets: vi.fn(async () => ({ facets: [], tookMs: 1 })),
  };
  const client = {
    api,
    subscribe(event: string, h: (d: unknown) => void) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(h);
      return () => handlers.get(event)!.delete(h);
    },
    close() {},
  } as unknown as EngineClient;
  return {
    client,
    api,
    calls,
    failNextStart(e: Error) {
      failNext = e;
    },
    emit(data: EventData<'tailRecords'>) {
      for (const h of handlers.get('tailRecords') ?? []) h(data);
    },
  };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

let live: LiveTail | null = null;
beforeEach(() => {
  useQueryStore.setState({
    draft: 'level:error',
    applied: { query: 'level:error', range: ALL_TIME, rev: 1 },
    runError: null,
    syntaxError: null,
  });
  resultsActions.reset();
  useResultsStore.setState({ rows: [row(2), row(1)], total: 2, loading: false });
  liveActions.stopped();
});
afterEach(() => {
  live?.stop();
  live = null;
});

describe('live tail in Explore', () => {
  it('subscribes with the applied query, runs the table again, and puts batches on top, newest first, once each', async () => {
    const f = fakeClient();
    live = createLiveTail(f.client);
    const rev = useQueryStore.getState().applied.rev;
    await live.setOn(true);
    expect(f.calls).toEqual([['tailStart', { query: 'level:error' }]]);
    expect(useQueryStore.getState().applied.rev).toBe(rev + 1);
    expect(useLiveStore.getState()).toMatchObject({ on: true, status: 'live' });

    f.emit({ tailId: 't1', records: [row(2), row(3), row(4)], dropped: 0 });
    expect(useResultsStore.getState().rows.map((r) => r.id)).toEqual([4, 3, 2, 1]);
    expect(useResultsStore.getState().total).toBe(4);
    expect(useResultsStore.getState().prepended).toBe(2);
    // Another tail's batch is not ours.
    f.emit({ tailId: 'other', records: [row(9)], dropped: 0 });
    expect(useResultsStore.getState().rows).toHaveLength(4);
    expect(useLiveStore.getState().received).toBe(3);
  });

  it('holds batches that arrive while the first page loads, then puts them on top of it', async () => {
    const f = fakeClient();
    live = createLiveTail(f.client);
    await live.setOn(true);
    useResultsStore.setState({ loading: true });
    f.emit({ tailId: 't1', records: [row(5)], dropped: 0 });
    expect(useResultsStore.getState().rows.map((r) => r.id)).toEqual([2, 1]);
    useResultsStore.setState({ rows: [row(4), row(3)], total: 2, loading: false });
    expect(useResultsStore.getState().rows.map((r) => r.id)).toEqual([5, 4, 3]);
  });

  it('keeps at most MAX_LIVE_ROWS rows, and counts what the engine dropped in the total', async () => {
    const f = fakeClient();
    live = createLiveTail(f.client);
    await live.setOn(true);
    useResultsStore.setState({ nextCursor: { ts: 1, id: 1 } });
    const many = Array.from({ length: MAX_LIVE_ROWS + 5 }, (_, i) => row(100 + i));
    f.emit({ tailId: 't1', records: many, dropped: 7 });
    const s = useResultsStore.getState();
    expect(s.rows).toHaveLength(MAX_LIVE_ROWS);
    expect(s.rows[0]!.id).toBe(100 + MAX_LIVE_ROWS + 4);
    expect(s.nextCursor).toBeNull();
    expect(s.total).toBe(2 + MAX_LIVE_ROWS + 5 + 7);
    expect(useLiveStore.getState().dropped).toBe(7);
  });

  it('pause holds new rows and says how many; resume puts them on top', async () => {
    const f = fakeClient();
    live = createLiveTail(f.client);
    await live.setOn(true);
    live.setPaused(true);
    f.emit({ tailId: 't1', records: [row(3), row(4)], dropped: 0 });
    expect(useResultsStore.getState().rows.map((r) => r.id)).toEqual([2, 1]);
    expect(useLiveStore.getState().held.map((r) => r.id)).toEqual([4, 3]);
    live.setPaused(false);
    expect(useResultsStore.getState().rows.map((r) => r.id)).toEqual([4, 3, 2, 1]);
    expect(useLiveStore.getState().held).toEqual([]);
  });

  it('follows a new query (stops the old tail, starts one for the new text); a fixed range turns it off', async () => {
    const f = fakeClient();
    live = createLiveTail(f.client);
    await live.setOn(true);
    useQueryStore.getState().submit('status>=500');
    await flush();
    expect(f.calls.slice(1)).toEqual([
      ['tailStop', { tailId: 't1' }],
      ['tailStart', { query: 'status>=500' }],
    ]);
    useQueryStore.getState().setRange({ kind: 'absolute', from: 0, to: 10 });
    await flush();
    expect(useLiveStore.getState()).toMatchObject({ on: false, status: 'off' });
    expect(f.calls.at(-1)).toEqual(['tailStop', { tailId: 't2' }]);
  });

  it('turned on from a fixed range, it looks at the last 15 minutes', async () => {
    const f = fakeClient();
    live = createLiveTail(f.client);
    useQueryStore.setState({ applied: { query: '', range: { kind: 'absolute', from: 0, to: 10 }, rev: 3 } });
    await live.setOn(true);
    expect(useQueryStore.getState().applied.range).toEqual({ kind: 'relative', key: '15m' });
    expect(useLiveStore.getState().on).toBe(true);
  });

  it('subscribes again when the pipe reopens; a refused query leaves it off with the error', async () => {
    const f = fakeClient();
    live = createLiveTail(f.client);
    await live.setOn(true);
    live.onOpen();
    await flush();
    expect(f.api.tailStart).toHaveBeenCalledTimes(2);
    f.emit({ tailId: 't2', records: [row(7)], dropped: 0 });
    expect(useResultsStore.getState().rows[0]!.id).toBe(7);

    await live.setOn(false);
    f.failNextStart(new Error('unknown field "nope"'));
    await live.setOn(true);
    expect(useLiveStore.getState()).toMatchObject({ on: false, status: 'error', error: 'unknown field "nope"' });
  });

  it('while live, new data refreshes only the histogram (and now and then the facets)', async () => {
    const f = fakeClient();
    live = createLiveTail(f.client, { now: () => 0 });
    expect(live.onDataChanged()).toBe(false);
    await live.setOn(true);
    expect(live.onDataChanged()).toBe(true);
    await vi.waitFor(() => expect(f.api.histogram).toHaveBeenCalledTimes(1));
    expect(f.api.facets).toHaveBeenCalledTimes(1);
  });
});

describe('rate meter', () => {
  it('averages arrivals over its window', () => {
    const m = new RateMeter(5000);
    m.add(100, 1000);
    m.add(300, 2000);
    expect(m.rate(2000, 0)).toBe(200);
    expect(m.rate(9000, 0)).toBe(0);
  });
});
