import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LiveSource, LiveSourceStatus, RecordSink } from '../../ingest/sources/sink';
import { MemorySink, waitUntil } from '../../ingest/sources/testing/memory-sink';
import { sendTcp, sendUdp } from '../../ingest/sources/syslog/testing';
import type { IngestRecord } from '../../ingest/record';
import type { LiveSourceInfo } from '../../shared/protocol';
import { LiveManager, LiveSourceError, parseAddress } from './manager';
import { builtinFactories, defineFactory, type FactoryRegistry } from './registry';

/** A source that writes `count` records when it starts, and counts them as a receiver would. */
class CountingSource implements LiveSource {
  state: LiveSourceStatus['state'] = 'stopped';
  stored = 0;
  stops = 0;
  constructor(
    readonly name: string,
    private readonly count: number,
    private readonly sink: RecordSink,
    private readonly failWith: string | null,
  ) {}
  async start(): Promise<void> {
    if (this.failWith) {
      this.state = 'failed';
      throw Object.assign(new Error(this.failWith), { code: this.failWith });
    }
    this.state = 'running';
    const records: IngestRecord[] = Array.from({ length: this.count }, (_, i) => ({
      ts: 1_700_000_000_000 + i,
      level: 'info',
      host: null,
      app: null,
      message: `record ${i}`,
      fields: { offset: i },
      format: 'test',
      line: 0,
      parseError: null,
    }));
    await this.sink.write({ name: this.name, kind: 'http', format: 'test' }, records);
    this.stored += records.length;
  }
  async stop(): Promise<void> {
    this.stops++;
    this.state = 'stopped';
  }
  status(): LiveSourceStatus & { detail: { lagBytes: number } } {
    return {
      name: this.name,
      kind: 'http',
      address: `test://127.0.0.1:${4000 + this.count}`,
      state: this.state,
      error: null,
      received: this.stored,
      stored: this.stored,
      rejected: 0,
      dropped: 0,
      detail: { lagBytes: 7 },
    };
  }
}

const built: CountingSource[] = [];
const testFactories: FactoryRegistry = new Map([
  [
    'http',
    defineFactory({
      kind: 'http',
      configSchema: z.strictObject({
        count: z.number().int().min(0).default(3),
        fail: z.string().nullable().default(null),
        name: z.string().default('counting'),
      }),
      idFor: (c) => `counting-${c.name}`,
      place: (c) => ({
        address: `test://127.0.0.1:${4000 + c.count}`,
        host: '127.0.0.1',
        port: 4000 + c.count,
        token: null,
      }),
      create: (c, sink) => {
        const s = new CountingSource(c.name, c.count, sink, c.fail);
        built.push(s);
        return s;
      },
    }),
  ],
]);

const managers: LiveManager[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.close();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  built.length = 0;
});

function manager(sink: RecordSink, factories?: FactoryRegistry, onChange?: (s: LiveSourceInfo[]) => void): LiveManager {
  const m = new LiveManager(sink, { factories, onChange, context: { log: () => {} } });
  managers.push(m);
  return m;
}

describe('live source manager', () => {
  it('starts a source from its spec, which writes into the sink; lists it with its counters and detail', async () => {
    const sink = new MemorySink();
    const changes: LiveSourceInfo[][] = [];
    const m = manager(sink, testFactories, (s) => changes.push(s));
    const info = await m.add({ kind: 'http', config: { count: 5 } });
    expect(info).toMatchObject({
      id: 'counting-counting',
      state: 'running',
      enabled: true,
      stored: 5,
      host: '127.0.0.1',
      port: 4005,
    });
    expect(info.detail).toEqual({ lagBytes: 7 });
    expect(sink.records.map((r) => r.message)).toEqual(['record 0', 'record 1', 'record 2', 'record 3', 'record 4']);
    expect(m.list()).toHaveLength(1);
    expect(m.summary()).toMatchObject({ running: 1, failed: 0, stored: 5 });
    expect(changes.at(-1)?.[0]?.state).toBe('running');
  });

  it('refuses an unknown kind and a bad config, naming the field', async () => {
    const m = manager(new MemorySink(), testFactories);
    await expect(m.add({ kind: 'follow', config: { path: '/x' } })).rejects.toThrow(
      /"follow" is not in this build \(available: http\)/,
    );
    await expect(m.add({ kind: 'http', config: { count: -1 } })).rejects.toThrow(/http source config: count:/);
    await expect(m.add({ kind: 'http', config: { bogus: 1 } })).rejects.toBeInstanceOf(LiveSourceError);
    expect(m.list()).toEqual([]);
  });

  it('turns a source off (kept, counters kept) and on again (built afresh); removes it', async () => {
    const sink = new MemorySink();
    const m = manager(sink, testFactories);
    const { id } = await m.add({ kind: 'http', config: { count: 2 } });
    const off = await m.setEnabled(id, false);
    expect(off).toMatchObject({ enabled: false, state: 'stopped', stored: 2, rate: 0 });
    expect(built[0]!.stops).toBe(1);
    const on = await m.setEnabled(id, true);
    expect(on).toMatchObject({ enabled: true, state: 'running' });
    expect(built).toHaveLength(2);
    expect(sink.records).toHaveLength(4);
    expect(await m.remove(id)).toBe(true);
    expect(built[1]!.stops).toBe(1);
    expect(await m.remove(id)).toBe(false);
    await expect(m.setEnabled(id, true)).rejects.toThrow(/no live source/);
  });

  it('keeps a source that failed to start in the list, failed, with a clear error', async () => {
    const m = manager(new MemorySink(), testFactories);
    const info = await m.add({ kind: 'http', config: { fail: 'EADDRINUSE', name: 'busy' } });
    expect(info).toMatchObject({
      state: 'failed',
      enabled: true,
      error: 'test://127.0.0.1:4003 is already in use by another program',
    });
    expect(m.summary().failed).toBe(1);
    expect(built[0]!.stops).toBe(1);
  });

  it('replaces a source added again under the same id, and toggles serially', async () => {
    const m = manager(new MemorySink(), testFactories);
    await m.add({ kind: 'http', config: { count: 1 } });
    await m.add({ kind: 'http', config: { count: 4 } });
    expect(m.list()).toHaveLength(1);
    expect(built[0]!.stops).toBe(1);
    const id = m.list()[0]!.id;
    // Pressed twice quickly: one ends on, one off, never two running at once.
    await Promise.all([m.setEnabled(id, false), m.setEnabled(id, true), m.setEnabled(id, false)]);
    expect(m.get(id)).toMatchObject({ enabled: false, state: 'stopped' });
    expect(built.filter((s) => s.state === 'running')).toHaveLength(0);
  });

  it('close() stops every source', async () => {
    const m = manager(new MemorySink(), testFactories);
    await m.add({ kind: 'http', config: { name: 'a' } });
    await m.add({ kind: 'http', config: { name: 'b' } });
    await m.close();
    expect(built.map((s) => s.stops)).toEqual([1, 1]);
    await expect(m.add({ kind: 'http', config: { name: 'c' } })).rejects.toThrow(/stopping/);
  });

  it('runs the real syslog receivers from the built-in registry on ephemeral ports', async () => {
    const sink = new MemorySink();
    const m = manager(sink, builtinFactories);
    expect(m.available()).toEqual(expect.arrayContaining(['http', 'syslog-udp', 'syslog-tcp']));
    const udp = await m.add({ kind: 'syslog-udp', config: { port: 0, flushMs: 5 } });
    const tcp = await m.add({ kind: 'syslog-tcp', config: { port: 0, flushMs: 5 } });
    expect(udp).toMatchObject({ id: 'syslog-udp', state: 'running', host: '127.0.0.1' });
    expect(udp.port).toBeGreaterThan(0);
    expect(tcp.address).toBe(`tcp://127.0.0.1:${tcp.port}`);
    await sendUdp(udp.port!, ['<14>1 2024-05-01T10:00:00Z h app - - - over udp']);
    await sendTcp(tcp.port!, '<14>1 2024-05-01T10:00:00Z h app - - - over tcp\n');
    await sink.waitFor(2);
    expect(sink.records.map((r) => r.message).sort()).toEqual(['over tcp', 'over udp']);
    await waitUntil(() => m.get('syslog-udp')!.stored === 1 && m.get('syslog-tcp')!.stored === 1, 'counters');
  });

  it('reports a port already taken as a failed receiver, not a crash', async () => {
    const busy = createServer();
    servers.push(busy);
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    const m = manager(new MemorySink(), builtinFactories);
    const info = await m.add({ kind: 'syslog-tcp', config: { port } });
    expect(info.state).toBe('failed');
    expect(info.error).toBe(`tcp://127.0.0.1:${port} is already in use by another program`);
  });

  it('parses listen addresses, IPv6 too', () => {
    expect(parseAddress('udp://127.0.0.1:5514')).toEqual({ host: '127.0.0.1', port: 5514 });
    expect(parseAddress('http://[::1]:9880')).toEqual({ host: '::1', port: 9880 });
    expect(parseAddress('/var/log/app.log')).toBeNull();
  });
});
