/**
 * Live-tail latency: from a record reaching the HTTP receiver to it arriving at a live-tail
 * subscriber, at a steady rate, through a real headless engine in its own process.
 *
 *   npm run build && npx tsx bench/live-tail.ts [--rate 10000] [--seconds 10] [--batch 100]
 *                                                [--query 'level:error'] [--warmup 2]
 *
 * The sender POSTs NDJSON batches of `--batch` records to the receiver's /ingest every
 * batch/rate seconds; each record carries its sequence number. A WebSocket client
 * subscribed with `tailStart` notes when each arrives. Latency = arrival − the moment its
 * batch was handed to the socket, both on this process's monotonic clock. The first
 * `--warmup` seconds are left out. With a query, only matching records (every 10th is an
 * error) are tailed, as in the UI; without one, all of them.
 *
 * What it covers: receiver parse, pattern mining, the writer's commit, the tail's query
 * over the committed id range, its ≤100 ms batching, JSON over the WebSocket. Not the
 * browser's render (one frame, ~16 ms).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

interface Options {
  rate: number;
  seconds: number;
  batch: number;
  query: string;
  warmup: number;
  /** 0: no subscriber (the receiver's commit latency alone). */
  tail: number;
}

function options(argv: string[]): Options {
  const o: Options = { rate: 10_000, seconds: 10, batch: 100, query: '', warmup: 2, tail: 1 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!.replace(/^--/, '');
    const v = argv[++i];
    if (v === undefined) throw new Error(`--${k} needs a value`);
    if (k === 'query') o.query = v;
    else if (k in o) (o as unknown as Record<string, number>)[k] = Number(v);
    else throw new Error(`unknown option --${k}`);
  }
  return o;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const data = mkdtempSync(join(tmpdir(), 'logscope-live-bench-'));
  const httpPort = await freePort();
  const serve = spawn(
    process.execPath,
    [
      'bin/logscope.js',
      'serve',
      '--data',
      data,
      '--port',
      '0',
      '--http-port',
      String(httpPort),
      '--syslog-udp-port',
      '0',
      '--syslog-tcp-port',
      '0',
      '--gelf-udp-port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    serve.stdout!.on('data', (d) => {
      out += d;
      if (/LogScope is serving/.test(out)) resolve();
    });
    serve.once('exit', (c) => reject(new Error(`serve exited with ${c}`)));
  });
  const info = JSON.parse(readFileSync(join(data, 'engine.json'), 'utf8')) as { port: number; token: string };

  const ws = new WebSocket(`ws://127.0.0.1:${info.port}/ws?token=${info.token}`);
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const sentAt = new Float64Array(o.rate * (o.seconds + 5));
  /** When the receiver answered for the record's batch: it answers once the batch is committed. */
  const ackAt = new Float64Array(o.rate * (o.seconds + 5));
  const latencies: number[] = [];
  /** Arrival − commit answer: the tail's own share (its batching, query and the WebSocket). */
  const afterCommit: number[] = [];
  let tailed = 0;
  let dropped = 0;
  let tailId: string | null = null;
  const started = performance.now();
  ws.on('message', (d) => {
    const msg = JSON.parse(String(d)) as {
      t: string;
      id?: number;
      result?: { tailId: string };
      event?: string;
      data?: { tailId: string; records: Array<{ message: string }>; dropped: number };
    };
    if (msg.t === 'res' && msg.id === 1) tailId = msg.result!.tailId;
    if (msg.event !== 'tailRecords' || msg.data!.tailId !== tailId) return;
    const now = performance.now();
    dropped += msg.data!.dropped;
    for (const r of msg.data!.records) {
      tailed++;
      const seq = Number(/ seq=(\d+)/.exec(r.message)?.[1]);
      const t0 = sentAt[seq];
      if (t0 && t0 - started >= o.warmup * 1000) {
        latencies.push(now - t0);
        if (ackAt[seq]) afterCommit.push(now - ackAt[seq]!);
      }
    }
  });
  if (o.tail) {
    ws.send(JSON.stringify({ t: 'req', id: 1, method: 'tailStart', params: { query: o.query } }));
    while (!tailId) await new Promise((r) => setTimeout(r, 5));
  }

  // The sender: a batch every batch/rate seconds, on schedule (a late tick sends at once).
  const total = o.rate * o.seconds;
  const everyMs = (o.batch * 1000) / o.rate;
  let seq = 0;
  let failed = 0;
  /** How long the receiver took to answer (it answers once the batch is committed). */
  const acks: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  for (let n = 0; seq < total; n++) {
    const due = t0 + n * everyMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const lines: string[] = [];
    const now = performance.now();
    const first = seq;
    const iso = new Date().toISOString();
    for (let i = 0; i < o.batch && seq < total; i++, seq++) {
      sentAt[seq] = now;
      const level = seq % 10 === 0 ? 'error' : 'info';
      lines.push(`{"time":"${iso}","level":"${level}","msg":"bench event seq=${seq} user=${seq % 1000}"}`);
    }
    const p = fetch(`http://127.0.0.1:${httpPort}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: lines.join('\n') + '\n',
    }).then(
      async (res) => {
        const at = performance.now();
        if (res.status !== 200) failed += lines.length;
        else {
          ackAt.fill(at, first, first + lines.length);
          if (now - started >= o.warmup * 1000) acks.push(at - now);
        }
        await res.arrayBuffer();
      },
      () => void (failed += lines.length),
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  const sendSeconds = (performance.now() - t0) / 1000;
  await Promise.all(inFlight);
  const expected = !o.tail ? 0 : o.query ? Math.ceil(total / 10) : total;
  const deadline = performance.now() + 10_000;
  while (tailed + dropped < expected - failed && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));

  latencies.sort((a, b) => a - b);
  const f = (x: number) => `${x.toFixed(0)} ms`;
  console.log(
    `live tail at ${o.rate} events/s for ${o.seconds} s (${o.batch} per request, query ${o.query ? `"${o.query}"` : 'none'}):`,
  );
  console.log(
    `  sent ${total} in ${sendSeconds.toFixed(2)} s (${(total / sendSeconds).toFixed(0)}/s), refused ${failed}`,
  );
  console.log(`  tailed ${tailed} of ${expected} expected, dropped by the tail ${dropped}`);
  console.log(
    `  latency over ${latencies.length} records after ${o.warmup} s warm-up: p50 ${f(percentile(latencies, 50))}, ` +
      `p90 ${f(percentile(latencies, 90))}, p99 ${f(percentile(latencies, 99))}, max ${f(latencies.at(-1) ?? NaN)}`,
  );
  acks.sort((a, b) => a - b);
  afterCommit.sort((a, b) => a - b);
  console.log(`  receiver answered (committed) in: p50 ${f(percentile(acks, 50))}, p99 ${f(percentile(acks, 99))}`);
  console.log(
    `  tail's own share (arrival − commit answer, where the tail record came after it): ` +
      `p50 ${f(percentile(afterCommit, 50))}, p99 ${f(percentile(afterCommit, 99))}`,
  );
  ws.close();
  serve.kill('SIGTERM');
  await new Promise((r) => serve.once('exit', r));
  rmSync(data, { recursive: true, force: true });
  const p99 = percentile(latencies, 99);
  console.log(p99 <= 250 ? '  target p99 ≤ 250 ms: met' : '  target p99 ≤ 250 ms: NOT met');
  process.exitCode = p99 <= 250 ? 0 : 1;
}

main().catch((err) => {
  console.error(`live-tail bench: ${(err as Error).message}`);
  process.exit(2);
});
