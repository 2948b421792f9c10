import { gzipSync, deflateSync, deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestRecord } from '../../record';
import type { RecordSink, SinkSource } from '../sink';
import { MemorySink } from '../testing/memory-sink';
import { WriteCoalescer } from './coalesce';
import { DEFAULT_HTTP_PORT, HttpReceiverConfigError, parseHttpReceiverConfig } from './config';
import { createHttpReceiver } from './receiver';
import { post, rawExchange, send, startReceiver, type Running } from './testing';

let running: Running[] = [];
async function start(...args: Parameters<typeof startReceiver>): Promise<Running> {
  const r = await startReceiver(...args);
  running.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
});

const EVENT = '{"time":"2024-01-02T13:04:05.123Z","level":"info","msg":"hello"}';

/** A sink whose commits wait until released: what a 2xx may and may not wait for. */
class GatedSink implements RecordSink {
  readonly inner = new MemorySink();
  private gate: Promise<void>;
  private open!: () => void;
  private arrived!: () => void;
  readonly writeStarted: Promise<void>;
  constructor() {
    this.gate = new Promise((r) => (this.open = r));
    this.writeStarted = new Promise((r) => (this.arrived = r));
  }
  get full() {
    return false;
  }
  whenSpace() {
    return Promise.resolve();
  }
  async write(source: SinkSource, records: IngestRecord[]): Promise<void> {
    this.arrived();
    await this.gate;
    await this.inner.write(source, records);
  }
  release() {
    this.open();
  }
}

describe('config', () => {
  it('has documented defaults: 127.0.0.1:9880, 16 MiB bodies', () => {
    const c = parseHttpReceiverConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: DEFAULT_HTTP_PORT, maxBodyBytes: 16 << 20 });
    expect(DEFAULT_HTTP_PORT).toBe(9880);
  });

  it('refuses a non-loopback address without a token, and bad values, saying where', () => {
    expect(() => parseHttpReceiverConfig({ host: '0.0.0.0' })).toThrow(HttpReceiverConfigError);
    expect(() => parseHttpReceiverConfig({ host: '0.0.0.0' })).toThrow(/token: listening on 0\.0\.0\.0 \(not loopback\) needs a token/);
    expect(() => parseHttpReceiverConfig({ host: '0.0.0.0', token: 'x'.repeat(32) })).not.toThrow();
    expect(() => parseHttpReceiverConfig({ port: 70000 })).toThrow(/port:/);
    expect(() => parseHttpReceiverConfig({ token: 'short' })).toThrow(/token: a token must be at least 16/);
    expect(() => parseHttpReceiverConfig({ colour: 'red' })).toThrow(/colour/);
    expect(() => createHttpReceiver({ host: '192.168.1.10' }, new MemorySink())).toThrow(/needs a token/);
  });
});

describe('accepted means durable', () => {
  it('answers 200 only after the sink has committed the records', async () => {
    const sink = new GatedSink();
    const r = await start({}, {}, sink as unknown as MemorySink);
    let answered = false;
    const reply = post(r.port, '/ingest', EVENT, 'application/json').then((x) => {
      answered = true;
      return x;
    });
    await sink.writeStarted;
    // Another request's full round trip while the commit is held: the first is still unanswered.
    expect((await send(r.port, { method: 'GET', path: '/health' })).status).toBe(200);
    expect(answered).toBe(false);
    expect(sink.inner.records).toHaveLength(0);
    sink.release();
    const res = await reply;
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ stored: 1 });
    expect(sink.inner.records).toHaveLength(1);
  });

  it('answers 503 with Retry-After when the store refuses the records, and counts them as dropped', async () => {
    const r = await start({ retryAfterSeconds: 7 });
    r.sink.failNext(new Error('disk full'));
    const res = await post(r.port, '/ingest', EVENT, 'application/json');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json().error).toMatch(/store could not take the records: disk full/);
    expect(r.receiver.status()).toMatchObject({ received: 1, stored: 0, dropped: 1 });
  });

  it('stop() lets a request in progress commit and be answered, then closes', async () => {
    const sink = new GatedSink();
    const r = await startReceiver({}, {}, sink as unknown as MemorySink);
    const reply = post(r.port, '/ingest', EVENT, 'application/json');
    await sink.writeStarted;
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    await new Promise((res) => setImmediate(res));
    expect(stopped).toBe(false);
    sink.release();
    expect((await reply).status).toBe(200);
    await stopping;
    expect(r.receiver.status().state).toBe('stopped');
    await expect(send(r.port, { method: 'GET', path: '/health' })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('back-pressure', () => {
  it('answers 429 with Retry-After while the store is full, without reading the body', async () => {
    const r = await start({ retryAfterSeconds: 3 });
    r.sink.setFull(true);
    const big = Buffer.alloc(1 << 20, 'x');
    for (const [path, type] of [
      ['/ingest', 'application/json'],
      ['/v1/logs', 'application/x-protobuf'],
      ['/loki/api/v1/push', 'application/json'],
      ['/_bulk', 'application/x-ndjson'],
    ] as const) {
      const res = await post(r.port, path, big, type);
      expect(res.status, path).toBe(429);
      expect(res.headers['retry-after']).toBe('3');
    }
    expect(r.receiver.metrics.of('ingest')).toMatchObject({ bytes: 0, received: 0, throttled: 1 });
    r.sink.setFull(false);
    expect((await post(r.port, '/ingest', EVENT, 'application/json')).status).toBe(200);
  });

  it('answers 503 when bodies in memory would pass maxInflightBytes', async () => {
    const r = await start({ maxInflightBytes: 4096, maxBodyBytes: 1 << 20 });
    const res = await post(r.port, '/ingest', Buffer.alloc(8192, 'x'), 'text/plain');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
  });
});

describe('bodies', () => {
  it('refuses a Content-Length over maxBodyBytes with 413 before reading, and closes', async () => {
    const r = await start({ maxBodyBytes: 2048 });
    const res = await post(r.port, '/ingest', Buffer.alloc(4096, 'x'), 'text/plain');
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(res.json().error).toMatch(/Content-Length 4096 is larger than the 2048 bytes .*maxBodyBytes/);
    expect(r.receiver.metrics.of('ingest').bytes).toBe(0);
  });

  it('stops reading a chunked body at maxBodyBytes: 413', async () => {
    const r = await start({ maxBodyBytes: 2048 });
    const chunk = 'x'.repeat(1000);
    const head = 'POST /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n';
    const body = `${(1000).toString(16)}\r\n${chunk}\r\n`.repeat(5) + '0\r\n\r\n';
    const out = await rawExchange(r.port, head + body);
    expect(out).toMatch(/^HTTP\/1\.1 413 /);
    expect(out).toMatch(/the body is larger than the 2048 bytes/);
    expect(r.sink.records).toHaveLength(0);
  });

  it('reads gzip, deflate (zlib and raw) and undeclared gzip bodies', async () => {
    const r = await start();
    const cases: Array<[Buffer, Record<string, string>]> = [
      [gzipSync(EVENT), { 'Content-Encoding': 'gzip' }],
      [deflateSync(EVENT), { 'Content-Encoding': 'deflate' }],
      [deflateRawSync(EVENT), { 'Content-Encoding': 'deflate' }],
      [gzipSync(EVENT), {}],
    ];
    for (const [body, headers] of cases) {
      const res = await post(r.port, '/ingest', body, 'application/json', headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
    }
    expect(r.sink.records.map((x) => x.message)).toEqual(['hello', 'hello', 'hello', 'hello']);
  });

  it('says when a body lies about its encoding, is cut short, or inflates past the limit', async () => {
    const r = await start({ maxBodyBytes: 64 * 1024 });
    const lie = await post(r.port, '/ingest', EVENT, 'application/json', { 'Content-Encoding': 'gzip' });
    expect(lie.status).toBe(400);
    expect(lie.json().error).toMatch(/Content-Encoding is gzip, but the body does not start with the gzip magic bytes \(it starts with 7b 22 74 69/);
    const gz = gzipSync(EVENT.repeat(20));
    const cut = await post(r.port, '/ingest', gz.subarray(0, gz.length - 12), 'application/json', { 'Content-Encoding': 'gzip' });
    expect(cut.status).toBe(400);
    expect(cut.json().error).toMatch(/gzip body is cut short/);
    const bomb = await post(r.port, '/ingest', gzipSync(Buffer.alloc(10 << 20)), 'application/json', { 'Content-Encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    expect(bomb.json().error).toMatch(/decompressed, is larger than the 65536 bytes/);
    for (const enc of ['br', 'zstd']) {
      const res = await post(r.port, '/ingest', EVENT, 'application/json', { 'Content-Encoding': enc });
      expect(res.status).toBe(415);
      expect(res.json().error).toMatch(new RegExp(`Content-Encoding "${enc}" is not supported; use one of gzip, deflate`));
    }
    expect(r.sink.records).toHaveLength(0);
  });

  it('says when a body is shorter than its Content-Length (the sender closed early)', async () => {
    const r = await start();
    const out = await rawExchange(
      r.port,
      `POST /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n${EVENT}`,
      { endAfterWrite: true },
    );
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    expect(out).toMatch(/the body is shorter than its Content-Length/);
    expect(r.sink.records).toHaveLength(0);
  });

  it('says when a body is longer than its Content-Length, after answering the request it cut', async () => {
    const r = await start();
    const out = await rawExchange(r.port, `POST /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n${EVENT}\r\n`);
    const [first, second] = out.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 400 [\s\S]*line 1: cut short/);
    expect(second).toMatch(/^HTTP\/1\.1 400 [\s\S]*its body was longer than its Content-Length/);
  });

  it('answers 415 with what it accepts', async () => {
    const r = await start();
    const res = await post(r.port, '/ingest', '<log/>', 'application/xml');
    expect(res.status).toBe(415);
    expect(res.headers.accept).toMatch(/application\/json/);
    expect(res.json().error).toMatch(/Content-Type application\/xml is not accepted here; send one of application\/json, application\/x-ndjson/);
  });
});

describe('security', () => {
  it('refuses browser requests from other origins (403), form and text/plain included, and sends no CORS headers', async () => {
    const r = await start();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json']) {
      const res = await post(r.port, '/ingest', 'msg=hi', type, { Origin: 'https://evil.example' });
      expect(res.status).toBe(403);
      expect(res.json().error).toMatch(/browser request from origin https:\/\/evil\.example/);
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control'))).toEqual([]);
    }
    const pre = await send(r.port, { method: 'OPTIONS', path: '/ingest', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(pre.status).toBe(403);
    expect(Object.keys(pre.headers).filter((h) => h.startsWith('access-control'))).toEqual([]);
    // A page without Origin (a no-cors GET) is known by Sec-Fetch-Site.
    const nocors = await send(r.port, { method: 'GET', path: '/health', headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(nocors.status).toBe(403);
    const rebinding = await post(r.port, '/ingest', EVENT, 'text/plain', { 'Sec-Fetch-Site': 'same-origin' });
    expect(rebinding.status).toBe(403);
    // Typing the URL in the address bar is fine.
    expect((await send(r.port, { method: 'GET', path: '/health', headers: { 'Sec-Fetch-Site': 'none' } })).status).toBe(200);
    expect(r.sink.records).toHaveLength(0);
  });

  it('takes requests from a configured origin', async () => {
    const r = await start({ allowedOrigins: ['http://localhost:5173'] });
    expect((await post(r.port, '/ingest', EVENT, 'application/json', { Origin: 'http://localhost:5173' })).status).toBe(200);
  });

  it('with a token, refuses requests without it (401) and takes Bearer, X-LogScope-Token and basic auth', async () => {
    const token = 'tok-0123456789abcdef';
    const r = await start({ token });
    const none = await post(r.port, '/ingest', EVENT, 'application/json');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/Bearer/);
    expect((await post(r.port, '/ingest', EVENT, 'application/json', { Authorization: 'Bearer wrong-0123456789abc' })).status).toBe(401);
    expect((await send(r.port, { method: 'GET', path: '/metrics' })).status).toBe(401);
    const ways: Array<Record<string, string>> = [
      { Authorization: `Bearer ${token}` },
      { 'X-LogScope-Token': token },
      { Authorization: `Basic ${Buffer.from(`elastic:${token}`).toString('base64')}` },
    ];
    for (const headers of ways) {
      expect((await post(r.port, '/ingest', EVENT, 'application/json', headers)).status).toBe(200);
    }
    expect(r.sink.records).toHaveLength(3);
  });
});

describe('routes, /health and /metrics', () => {
  it('404 lists the endpoints; 405 names the method', async () => {
    const r = await start();
    const nf = await send(r.port, { method: 'POST', path: '/logs' });
    expect(nf.status).toBe(404);
    expect(nf.json().error).toMatch(/POST \/ingest, POST \/v1\/logs/);
    const get = await send(r.port, { method: 'GET', path: '/ingest' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('shows counters per endpoint and the engine’s figures', async () => {
    const r = await start({}, { engineFigures: () => ({ queueDepth: 7, queueCapacity: 60000, lastCommitMs: 12.5, committedRows: 1234, commits: 9 }) });
    await post(r.port, '/ingest', `${EVENT}\n${EVENT}\n{"broken`, 'application/x-ndjson');
    r.sink.setFull(true);
    await post(r.port, '/ingest', EVENT, 'application/json');
    r.sink.setFull(false);
    const h = (await send(r.port, { method: 'GET', path: '/health' })).json<{
      status: string;
      receiver: Record<string, unknown>;
      endpoints: Record<string, Record<string, unknown>>;
      engine: Record<string, number>;
    }>();
    expect(h.status).toBe('ok');
    expect(h.receiver).toMatchObject({ name: 'http', kind: 'http', state: 'running', received: 3, stored: 2, rejected: 1, dropped: 0 });
    expect(h.receiver.address).toBe(`http://127.0.0.1:${r.port}`);
    expect(h.endpoints.ingest).toMatchObject({ received: 3, stored: 2, rejected: 1, throttled: 1, requests: { '400': 1, '429': 1 } });
    expect(h.engine).toEqual({ queueDepth: 7, queueCapacity: 60000, lastCommitMs: 12.5, committedRows: 1234, commits: 9 });
    const m = await send(r.port, { method: 'GET', path: '/metrics' });
    expect(m.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = m.text.split('\n');
    for (const line of [
      'logscope_received_records_total{source="http",endpoint="ingest"} 3',
      'logscope_stored_records_total{source="http",endpoint="ingest"} 2',
      'logscope_rejected_records_total{source="http",endpoint="ingest"} 1',
      'logscope_dropped_records_total{source="http",endpoint="ingest"} 0',
      'logscope_throttled_requests_total{source="http",endpoint="ingest"} 1',
      'logscope_http_requests_total{source="http",endpoint="ingest",code="429"} 1',
      'logscope_stored_records_total{source="http",endpoint="otlp"} 0',
      'logscope_queue_depth_rows 7',
      'logscope_commit_latency_seconds 0.0125',
      'logscope_committed_rows_total 1234',
      '# TYPE logscope_committed_rows_total counter',
    ]) {
      expect(lines).toContain(line);
    }
  });
});

describe('WriteCoalescer', () => {
  it('turns writes of one turn into one sink write per source, each resolving at its commit', async () => {
    const sink = new MemorySink();
    const c = new WriteCoalescer(sink);
    const a: SinkSource = { name: 'http:ingest', kind: 'http', format: 'json' };
    const b: SinkSource = { name: 'http:otlp', kind: 'http', format: 'otlp' };
    const rec = (m: string): IngestRecord => ({ ts: 1, level: null, host: null, app: null, message: m, fields: null, format: 'json', line: 1, parseError: null });
    const first = [rec('1')];
    const done = [c.write(a, first), c.write(a, [rec('2')]), c.write(b, [rec('3')]), c.write(a, [rec('4')])];
    await Promise.all(done);
    expect(sink.writes).toBe(2);
    expect(sink.records.map((r) => `${r.source.name}:${r.message}`)).toEqual(['http:ingest:1', 'http:ingest:2', 'http:ingest:4', 'http:otlp:3']);
    expect(first).toHaveLength(1); // the caller's array is not appended to
    sink.failNext(new Error('nope'));
    const failing = [c.write(a, [rec('5')]), c.write(a, [rec('6')])];
    for (const f of failing) await expect(f).rejects.toThrow('nope');
  });
});
