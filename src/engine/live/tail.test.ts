import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { IngestRecord } from '../../ingest/record';
import type { RecordSink } from '../../ingest/sources/sink';
import type { EventData } from '../../shared/protocol';
import { Engine } from '../engine';
import { startHttpHost, type RunningHost } from '../host/http-host';
import { tempDir } from '../testing/fixtures';
import { createLiveSink } from './live-sink';
import { TailHub, type TailPeer } from './tail';

const engines: Engine[] = [];
const hosts: RunningHost[] = [];
const hubs: TailHub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) h.close();
  for (const h of hosts.splice(0)) await h.close();
  for (const e of engines.splice(0)) await e.close();
});

async function open(): Promise<{ engine: Engine; sink: RecordSink }> {
  const engine = await Engine.open({ dataDir: tempDir(), defaultZone: 'UTC' });
  engines.push(engine);
  return { engine, sink: createLiveSink(engine.writer, (r) => engine.patterns.mine(r)) };
}

function records(n: number, from = 0, level: 'info' | 'error' = 'info'): IngestRecord[] {
  return Array.from({ length: n }, (_, k) => ({
    ts: 1_714_557_600_000 + from + k,
    level,
    host: 'h1',
    app: 'api',
    message: `event ${from + k}`,
    fields: null,
    format: 'test',
    line: 0,
    parseError: null,
  }));
}

const SRC = { name: 'http:ingest', kind: 'http' as const, format: 'test' };

/** Collects batches; `until` resolves when the collected records satisfy a condition. */
function collector() {
  const batches: Array<EventData<'tailRecords'>> = [];
  let waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  const check = () => (waiters = waiters.filter((w) => (w.test() ? (w.resolve(), false) : true)));
  return {
    batches,
    add(b: EventData<'tailRecords'>) {
      batches.push(b);
      check();
    },
    messages: () => batches.flatMap((b) => b.records.map((r) => r.message)),
    until(test: () => boolean, what: string, ms = 10_000): Promise<void> {
      if (test()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`timed out waiting for ${what}; got ${JSON.stringify(batches.map((b) => b.records.length))}`),
            ),
          ms,
        );
        waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}

describe('live tail', () => {
  it('sends the records committed after tailStart that match the query, oldest first, and only those', async () => {
    const { engine, sink } = await open();
    await sink.write(SRC, records(5, 0, 'error')); // before: not in the tail
    const got = collector();
    engine.on('tailRecords', (b) => got.add(b));
    const { tailId } = await engine.call('tailStart', { query: 'level:error -"event 12"' });
    await sink.write(SRC, records(10, 10, 'info'));
    await sink.write(SRC, records(4, 10, 'error'));
    await got.until(() => got.messages().length >= 3, '3 matching records');
    expect(got.messages()).toEqual(['event 10', 'event 11', 'event 13']);
    expect(got.batches.every((b) => b.tailId === tailId && b.dropped === 0)).toBe(true);
    expect(got.batches[0]!.records[0]).toMatchObject({ level: 'error', source: 'http:ingest', host: 'h1', app: 'api' });

    expect(await engine.call('tailStop', { tailId })).toEqual({ stopped: true });
    expect(await engine.call('tailStop', { tailId })).toEqual({ stopped: false });
    expect(engine.tail.size).toBe(0);
  });

  it('refuses a query with an error, pointing at it', async () => {
    const { engine } = await open();
    await expect(engine.call('tailStart', { query: 'level:error AND (' })).rejects.toMatchObject({
      info: { code: 'query' },
    });
    expect(engine.tail.size).toBe(0);
  });

  it('batches the commits of one interval into one event', async () => {
    const { engine, sink } = await open();
    const hub = await TailHub.open(engine.store, engine.explorer, { intervalMs: 1000 });
    hubs.push(hub);
    const got = collector();
    await hub.start('', { deliver: (b) => got.add(b), backlog: () => 0 });
    await sink.write(SRC, records(1, 0));
    hub.noteCommit();
    await got.until(() => got.batches.length === 1, 'the first batch');
    // Three commits, well inside the next interval: one event.
    for (let i = 1; i <= 3; i++) {
      await sink.write(SRC, records(2, i * 10));
      hub.noteCommit();
    }
    await got.until(() => got.messages().length === 7, 'all 7 records');
    expect(got.batches.map((b) => b.records.length)).toEqual([1, 6]);
  });

  it('keeps the newest rows for a subscriber that falls behind, and counts what it dropped', async () => {
    const { engine, sink } = await open();
    const hub = await TailHub.open(engine.store, engine.explorer, {
      intervalMs: 10,
      maxBuffer: 50,
      maxBacklogBytes: 1000,
    });
    hubs.push(hub);
    const got = collector();
    let backlog = 1_000_000; // the pipe is backed up
    const peer: TailPeer = { deliver: (b) => got.add(b), backlog: () => backlog };
    const id = await hub.start('level:error', peer);
    for (let i = 0; i < 4; i++) {
      await sink.write(SRC, [...records(30, i * 100, 'error'), ...records(30, i * 100 + 50, 'info')]);
      hub.noteCommit();
    }
    // Every commit looked at, the matches held.
    await vi.waitFor(() => expect(hub.stats(id)).toEqual({ held: 50, dropped: 70, behind: 0 }), { timeout: 10_000 });
    expect(got.batches).toEqual([]);
    backlog = 0; // it caught up: the hub, still holding rows, tries again by itself
    await got.until(() => got.batches.length > 0, 'the held batch');
    expect(got.batches).toHaveLength(1);
    expect(got.batches[0]!.dropped).toBe(120 - 50);
    expect(got.batches[0]!.records).toHaveLength(50);
    expect(got.messages().at(-1)).toBe('event 329');
    // Oldest first, and the newest 50 of the 120 matches.
    expect(got.messages()[0]).toBe('event 210');
  });

  it('a subscriber that keeps up gets every match of a large commit, oldest first, in bounded batches', async () => {
    const { engine, sink } = await open();
    const hub = await TailHub.open(engine.store, engine.explorer, { intervalMs: 10, maxBuffer: 20, maxBatch: 20 });
    hubs.push(hub);
    const got = collector();
    await hub.start('', { deliver: (b) => got.add(b), backlog: () => 0 });
    await sink.write(SRC, records(75, 0));
    hub.noteCommit();
    await got.until(() => got.messages().length === 75, 'all 75');
    expect(got.batches.map((b) => b.records.length)).toEqual([20, 20, 20, 15]);
    expect(got.batches.every((b) => b.dropped === 0)).toBe(true);
    expect(got.messages()).toEqual(Array.from({ length: 75 }, (_, i) => `event ${i}`));
  });

  it('over the WebSocket: batches go only to the connection that subscribed, and end with it', async () => {
    const { engine, sink } = await open();
    const host = await startHttpHost(engine, { port: 0, token: 'tok' });
    hosts.push(host);
    const connect = () =>
      new Promise<{
        ws: WebSocket;
        msgs: Array<{ t: string; event?: string; data?: EventData<'tailRecords'>; id?: number; result?: unknown }>;
      }>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=tok`);
        const msgs: Array<{ t: string; event?: string; id?: number }> = [];
        ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
        ws.once('open', () => resolve({ ws, msgs }));
        ws.once('error', reject);
      });
    const a = await connect();
    const b = await connect();
    a.ws.send(JSON.stringify({ t: 'req', id: 1, method: 'tailStart', params: { query: 'event' } }));
    const until = async (test: () => boolean, what: string) => {
      const end = Date.now() + 10_000;
      while (!test()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await until(() => a.msgs.some((m) => m.t === 'res' && m.id === 1), 'tailStart answer');
    await sink.write(SRC, records(3, 0));
    await until(() => a.msgs.some((m) => m.event === 'tailRecords'), 'a tail batch on A');
    const batch = a.msgs.find((m) => m.event === 'tailRecords')!.data!;
    expect(batch.records.map((r) => r.message)).toEqual(['event 0', 'event 1', 'event 2']);
    // B sees the broadcast events (dataChanged) but never A's tail.
    await until(() => b.msgs.some((m) => m.event === 'dataChanged'), 'dataChanged on B');
    expect(b.msgs.some((m) => m.event === 'tailRecords')).toBe(false);
    // B cannot stop A's tail.
    b.ws.send(JSON.stringify({ t: 'req', id: 2, method: 'tailStop', params: { tailId: batch.tailId } }));
    await until(() => b.msgs.some((m) => m.id === 2), 'tailStop answer');
    expect(b.msgs.find((m) => m.id === 2)!.result).toEqual({ stopped: false });
    expect(engine.tail.size).toBe(1);
    a.ws.close();
    await until(() => engine.tail.size === 0, 'the subscription to end with its connection');
    b.ws.close();
  });
});
