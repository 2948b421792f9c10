/**
 * The HTTP receiver under load (issue #3):
 *  (a) NDJSON batches of 1,000 events over keep-alive connections: events/s stored with
 *      durable acks (a 200 only after the commit), beside the ceiling of a bare Node http
 *      server that only JSON.parses the same batches;
 *  (b) one event per request: requests/s and p99 latency, beside the same bare server.
 *
 *   npx tsx bench/http.ts                          # 10 s a figure, engine store and no-DB sink
 *   npx tsx bench/http.ts --seconds 3 --only batch # a quick check
 *
 * Options: --seconds N (10), --only batch|single, --batch N (1000 events a request),
 * --batch-connections N (4), --single-connections N (64), --no-duckdb, --no-peer.
 *
 * The load comes from a worker thread (so the client does not share the server's event
 * loop): raw sockets, one request in flight per connection, the next sent when the answer
 * arrives (closed loop), every latency kept. Sinks:
 * - "engine store": src/engine/engine.ts's store through its live sink (pattern miner +
 *   group-commit writer) in a temp data folder — the figure the issue judges;
 * - "no-DB sink": the writer's per-record work short of DuckDB, committed on the next tick
 *   (what the receiver costs on its own).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { createHttpReceiver } from '../src/ingest/sources/http/receiver';
import { engineSink, workSink, type BenchSink } from './sinks';
import { mulberry32 } from './prng';

interface Options {
  seconds: number;
  only: 'batch' | 'single' | null;
  batch: number;
  batchConnections: number;
  singleConnections: number;
  duckdb: boolean;
  peer: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { seconds: 10, only: null, batch: 1000, batchConnections: 4, singleConnections: 64, duckdb: true, peer: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--seconds') o.seconds = Number(next());
    else if (a === '--only') o.only = next() as Options['only'];
    else if (a === '--batch') o.batch = Number(next());
    else if (a === '--batch-connections') o.batchConnections = Number(next());
    else if (a === '--single-connections') o.singleConnections = Number(next());
    else if (a === '--no-duckdb') o.duckdb = false;
    else if (a === '--no-peer') o.peer = false;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------
// Events


const SERVICES = ['api', 'billing', 'auth', 'search', 'worker'];
const LEVELS = ['info', 'info', 'info', 'info', 'debug', 'warn', 'error'];
const SHAPES: Array<(r: () => number) => Record<string, unknown>> = [
  (r) => ({ msg: `GET /api/users/${Math.floor(r() * 1e5)} 200`, method: 'GET', status: 200, duration_ms: Math.round(r() * 3000) / 10 }),
  (r) => ({ msg: `db query took ${Math.floor(r() * 900)} ms`, db: { table: 'orders', rows: Math.floor(r() * 500) } }),
  (r) => ({ msg: `job ${Math.floor(r() * 1e6).toString(16)} finished`, queue: 'default', attempts: 1 + Math.floor(r() * 3) }),
  (r) => ({ msg: `cache miss for key user:${Math.floor(r() * 1e5)}`, cache: 'redis' }),
  (r) => ({ msg: 'payment failed', error: { type: 'CardDeclined', code: `E${Math.floor(r() * 90 + 10)}` }, order: Math.floor(r() * 1e6) }),
];

/** One event as a line: ~170 bytes of the shapes a service logs. */
function eventLine(r: () => number, t: number): string {
  const shape = SHAPES[Math.floor(r() * SHAPES.length)]!(r);
  return JSON.stringify({
    time: new Date(t).toISOString(),
    level: LEVELS[Math.floor(r() * LEVELS.length)],
    service: SERVICES[Math.floor(r() * SERVICES.length)],
    host: `web-${1 + Math.floor(r() * 8)}`,
    ...shape,
  });
}

function ndjsonBatches(count: number, size: number): Buffer[] {
  const r = mulberry32(42);
  let t = Date.UTC(2024, 2, 10);
  const out: Buffer[] = [];
  for (let b = 0; b < count; b++) {
    const lines: string[] = [];
    for (let i = 0; i < size; i++) lines.push(eventLine(r, (t += 7)));
    out.push(Buffer.from(lines.join('\n') + '\n'));
  }
  return out;
}

function singleEvents(count: number): Buffer[] {
  const r = mulberry32(7);
  let t = Date.UTC(2024, 2, 10);
  return Array.from({ length: count }, () => Buffer.from(eventLine(r, (t += 7))));
}

function requestBytes(port: number, path: string, type: string, body: Buffer): Buffer {
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

// ---------------------------------------------------------------------------------------
// Load generator (a worker thread; plain JS so it needs no loader)

const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { port, requests, connections, warmMs, measureMs } = workerData;
const bufs = requests.map((b) => Buffer.from(b));
const t0 = performance.now();
const startAt = t0 + warmMs;
const endAt = startAt + measureMs;
const lat = [];
const statuses = {};
let ok = 0, next = 0, open = 0;
function connection() {
  open++;
  const sock = net.connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let sentAt = 0;
  let need = -1, headerLen = 0, status = 0;
  const send = () => {
    if (performance.now() >= endAt) { sock.end(); return; }
    sentAt = performance.now();
    sock.write(bufs[next++ % bufs.length]);
  };
  sock.on('connect', send);
  sock.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (true) {
      if (need < 0) {
        const end = buf.indexOf('\\r\\n\\r\\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        status = Number(head.slice(9, 12));
        const m = /content-length: *(\\d+)/i.exec(head);
        headerLen = end + 4;
        need = m ? Number(m[1]) : 0;
      }
      if (buf.length < headerLen + need) return;
      buf = buf.subarray(headerLen + need);
      need = -1;
      const now = performance.now();
      if (sentAt >= startAt && now <= endAt) {
        statuses[status] = (statuses[status] || 0) + 1;
        if (status >= 200 && status < 300) { ok++; lat.push(now - sentAt); }
      }
      if (status === 429 || status === 503) setTimeout(send, 5); else send();
    }
  });
  sock.on('error', (e) => { statuses[e.code] = (statuses[e.code] || 0) + 1; });
  sock.on('close', () => { if (--open === 0) done(); });
}
function done() {
  parentPort.postMessage({ ok, statuses, latencies: Float64Array.from(lat), seconds: measureMs / 1000 });
}
for (let i = 0; i < connections; i++) connection();
`;

interface LoadResult {
  ok: number;
  statuses: Record<string, number>;
  latencies: Float64Array;
  seconds: number;
}

function load(port: number, requests: Buffer[], connections: number, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(CLIENT, {
      eval: true,
      workerData: { port, requests: requests.map((b) => new Uint8Array(b)), connections, warmMs: 1000, measureMs: seconds * 1000 },
    });
    w.once('message', (m: LoadResult) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

function percentile(xs: Float64Array, p: number): number {
  if (!xs.length) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

// ---------------------------------------------------------------------------------------
// Servers

/** The ceiling: node:http reading the body and JSON.parsing each line, nothing else. */
async function bareServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let n = 0;
      for (const line of text.split('\n')) if (line) n += JSON.parse(line) ? 1 : 0;
      const body = `{"stored":${n}}`;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** The writer's per-record work short of DuckDB; commits on the next tick. */
async function withReceiver<T>(target: BenchSink, fn: (port: number) => Promise<T>): Promise<T> {
  const receiver = createHttpReceiver({ port: 0, defaultZone: 'UTC' }, target.sink);
  await receiver.start();
  try {
    return await fn(receiver.port);
  } finally {
    await receiver.stop();
  }
}

// ---------------------------------------------------------------------------------------

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const statusText = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  console.log(`command: npx tsx bench/http.ts ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const targets: Array<() => Promise<BenchSink | string>> = [];
  if (o.duckdb) targets.push(() => engineSink('http'));
  targets.push(async () => workSink());

  if (o.only !== 'single') {
    const batches = ndjsonBatches(16, o.batch);
    const avg = batches.reduce((s, b) => s + b.length, 0) / batches.length;
    console.log(`\n(a) NDJSON batches of ${fmt(o.batch)} events (${fmt(avg / 1024, 1)} KiB, ${fmt(avg / o.batch)} B/event), ${o.batchConnections} keep-alive connections, ${o.seconds} s after 1 s warm-up`);
    let peer = NaN;
    if (o.peer) {
      const bare = await bareServer();
      const reqs = batches.map((b) => requestBytes(bare.port, '/ingest', 'application/x-ndjson', b));
      const res = await load(bare.port, reqs, o.batchConnections, o.seconds);
      await bare.close();
      peer = (res.ok * o.batch) / res.seconds;
      console.log(`  peer: bare node:http + JSON.parse per line   ${fmt(peer).padStart(10)} events/s  (${statusText(res.statuses)})`);
    }
    for (const make of targets) {
      const t = await make();
      if (typeof t === 'string') {
        console.log(`  engine store: skipped — ${t}`);
        continue;
      }
      try {
        const before = await t.stored();
        const res = await withReceiver(t, (port) => load(port, batches.map((b) => requestBytes(port, '/ingest', 'application/x-ndjson', b)), o.batchConnections, o.seconds));
        const rate = (res.ok * o.batch) / res.seconds;
        const total = (await t.stored()) - before;
        console.log(
          `  receiver → ${t.label.padEnd(32)} ${fmt(rate).padStart(10)} events/s stored, acked after commit` +
            `${o.peer ? `  ratio ${(rate / peer).toFixed(2)} of bare` : ''}  p99 ${fmt(percentile(res.latencies, 99), 1)} ms  (${statusText(res.statuses)}; ${fmt(total)} rows in all)` +
            (t.label === 'engine store' ? `  target ≥ 300,000 ${rate >= 300_000 ? 'met' : 'NOT met'}` : ''),
        );
      } finally {
        await t.close();
      }
    }
  }

  if (o.only !== 'batch') {
    const events = singleEvents(256);
    const avg = events.reduce((s, b) => s + b.length, 0) / events.length;
    console.log(`\n(b) one event per request (${fmt(avg)} B JSON), ${o.singleConnections} keep-alive connections, ${o.seconds} s after 1 s warm-up`);
    let peer = NaN;
    if (o.peer) {
      const bare = await bareServer();
      const res = await load(bare.port, events.map((b) => requestBytes(bare.port, '/ingest', 'application/json', b)), o.singleConnections, o.seconds);
      await bare.close();
      peer = res.ok / res.seconds;
      console.log(`  peer: bare node:http + JSON.parse   ${fmt(peer).padStart(10)} req/s  p99 ${fmt(percentile(res.latencies, 99), 1)} ms`);
    }
    for (const make of targets) {
      const t = await make();
      if (typeof t === 'string') {
        console.log(`  engine store: skipped — ${t}`);
        continue;
      }
      try {
        const res = await withReceiver(t, (port) => load(port, events.map((b) => requestBytes(port, '/ingest', 'application/json', b)), o.singleConnections, o.seconds));
        const rate = res.ok / res.seconds;
        const p99 = percentile(res.latencies, 99);
        console.log(
          `  receiver → ${t.label.padEnd(24)} ${fmt(rate).padStart(10)} req/s  p50 ${fmt(percentile(res.latencies, 50), 1)} ms  p99 ${fmt(p99, 1)} ms` +
            `${o.peer ? `  ratio ${(rate / peer).toFixed(2)} of bare` : ''}  (${statusText(res.statuses)})` +
            (t.label === 'engine store' ? `  target ≥ 20,000 req/s, p99 ≤ 25 ms ${rate >= 20_000 && p99 <= 25 ? 'met' : 'NOT met'}` : ''),
        );
      } finally {
        await t.close();
      }
    }
  }
}

await main();
