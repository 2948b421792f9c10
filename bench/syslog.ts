/**
 * Syslog receivers under load (issue #3): UDP loss at fixed rates for N seconds, ours and
 * rsyslog's at the same rates, and TCP messages/s stored.
 *
 *   npx tsx bench/syslog.ts                       # 30 s at 100k, 150k and 250k msgs/s; TCP; rsyslog
 *   npx tsx bench/syslog.ts --seconds 5           # a quick check
 *   npx tsx bench/syslog.ts --rates 100000 --no-duckdb --no-peer --only udp
 *
 * Options: --seconds N (30), --rates a,b,c (100000,150000,250000), --size BYTES (150, one
 * message), --tcp-count N (300000 × min(seconds, 10)), --only udp|tcp, --no-peer (skip
 * rsyslog), --no-duckdb (skip the stored-to-DuckDB figures), --no-work (skip the
 * receiver-only figures).
 *
 * The sender is bench/syslog-sender.c (built here with `cc -O2`): RFC 5424 messages with
 * structured data, UDP paced per millisecond with sendmmsg, TCP octet-counted as fast as
 * the receiver reads. Our receiver runs in this process:
 * - "receiver only": a sink that does the per-record work of the writer short of DuckDB
 *   (level code, JSON of the fields, text lengths) and commits on the next tick;
 * - "DuckDB": the engine's real store (src/engine/engine.ts) through its live sink
 *   (pattern miner + group-commit writer) in a temp data folder; the figure the issue asks for.
 * Loss = sent − stored, once the counters have settled. rsyslog runs with its own config
 * (imudp → omfile, the same receive buffer as ours was granted); its loss is sent − lines
 * in its file. Each side's CPU time per stored message is printed too: on a shared
 * 2-core machine loss mostly measures how much CPU the receiver was given, CPU time per
 * message how much it needs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSocket } from 'node:dgram';
import type { LiveSource, RecordSink } from '../src/ingest/sources/sink';
import { engineSink, workSink, type BenchSink } from './sinks';
import { createSyslogTcpReceiver, type SyslogTcpReceiver } from '../src/ingest/sources/syslog/tcp';
import { createSyslogUdpReceiver, type SyslogUdpReceiver } from '../src/ingest/sources/syslog/udp';

const ROOT = resolve(import.meta.dirname, '..');

interface Options {
  seconds: number;
  rates: number[];
  size: number;
  tcpCount: number;
  only: 'udp' | 'tcp' | null;
  peer: boolean;
  duckdb: boolean;
  work: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    seconds: 30,
    rates: [100_000, 150_000, 250_000],
    size: 150,
    tcpCount: 0,
    only: null,
    peer: true,
    duckdb: true,
    work: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--seconds') o.seconds = Number(next());
    else if (a === '--rates') o.rates = next().split(',').map(Number);
    else if (a === '--size') o.size = Number(next());
    else if (a === '--tcp-count') o.tcpCount = Number(next());
    else if (a === '--only') o.only = next() as 'udp' | 'tcp';
    else if (a === '--no-peer') o.peer = false;
    else if (a === '--no-duckdb') o.duckdb = false;
    else if (a === '--no-work') o.work = false;
    else throw new Error(`unknown option ${a} (see the top of bench/syslog.ts)`);
  }
  if (!(o.seconds > 0) || o.rates.some((r) => !(r > 0)) || !(o.size >= 100 && o.size <= 1400)) {
    throw new Error('--seconds and --rates must be positive, --size between 100 and 1400');
  }
  if (!o.tcpCount) o.tcpCount = 300_000 * Math.min(o.seconds, 10);
  return o;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (lost: number, sent: number) => `${((100 * lost) / Math.max(1, sent)).toFixed(3)} %`;

// ---------------------------------------------------------------------------------------
// The sender

function buildSender(): string {
  const src = join(ROOT, 'bench', 'syslog-sender.c');
  const bin = join(tmpdir(), 'logscope-syslog-sender');
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    execFileSync('cc', ['-O2', '-o', bin, src], { stdio: 'inherit' });
  }
  return bin;
}

function runSender(bin: string, args: string[]): Promise<{ sent: number; seconds: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const m = /sent (\d+) seconds ([\d.]+)/.exec(out);
      if (code !== 0 || !m) reject(new Error(`sender ${args.join(' ')} exited ${code}: ${out}`));
      else resolvePromise({ sent: Number(m[1]), seconds: Number(m[2]) });
    });
  });
}

/** Waits until `count()` reaches `target` or stops moving for `quietMs`. */
async function settle(count: () => number, target: number, quietMs = 1500, maxMs = 120_000): Promise<number> {
  let last = -1;
  let lastChange = Date.now();
  const start = Date.now();
  for (;;) {
    const c = count();
    if (c >= target) return c;
    if (c !== last) {
      last = c;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > quietMs || Date.now() - start > maxMs) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function until(cond: () => boolean, maxMs: number): Promise<void> {
  const start = Date.now();
  while (!cond() && Date.now() - start < maxMs) await new Promise((r) => setTimeout(r, 50));
}

// ---------------------------------------------------------------------------------------
// Sinks

/** The writer's per-record work short of DuckDB; commits on the next tick. */
// ---------------------------------------------------------------------------------------
// UDP

interface UdpRun {
  label: string;
  sent: number;
  stored: number;
  kernelDropped: number | null;
  bufferDropped: number;
  recvBuffer: number | null;
  /** CPU time (user + sys) of the receiving process over the run, in seconds: less disturbed by other work than loss. */
  cpuSeconds: number | null;
}

async function udpOurs(
  bin: string,
  o: Options,
  rate: number,
  sink: RecordSink,
  label: string,
  storedCount?: () => Promise<number>,
): Promise<UdpRun> {
  const r: SyslogUdpReceiver = createSyslogUdpReceiver({ port: 0, timeZone: 'UTC' }, sink);
  await r.start();
  const cpu0 = process.cpuUsage();
  try {
    const { sent } = await runSender(bin, [
      'udp',
      '127.0.0.1',
      String(r.port),
      String(rate),
      String(o.seconds),
      String(o.size),
    ]);
    // Done when every datagram the socket took is committed, refused or dropped by us (a
    // DuckDB commit can take seconds, so no "quiet for a while" rule here).
    await settle(() => r.status().received, sent, 1000);
    await until(() => {
      const s = r.status();
      return s.stored + s.rejected + s.detail.bufferDropped >= s.received;
    }, 600_000);
    const s = r.status();
    if (s.rejected) console.log(`  (${label}: the sink refused ${s.rejected} records: ${s.error})`);
    const stored = storedCount ? await storedCount() : s.stored;
    return {
      label,
      sent,
      stored,
      kernelDropped: s.detail.kernelDropped,
      bufferDropped: s.detail.bufferDropped,
      recvBuffer: s.detail.recvBufferGranted,
      cpuSeconds: cpuSeconds(process.cpuUsage(cpu0)),
    };
  } finally {
    await stop(r);
  }
}

async function udpRsyslog(bin: string, o: Options, rate: number, rcvbuf: number): Promise<UdpRun | string> {
  const dir = mkdtempSync(join(tmpdir(), 'logscope-bench-rsyslog-'));
  const port = await freeUdpPort();
  const out = join(dir, 'out.log');
  writeFileSync(
    join(dir, 'rsyslog.conf'),
    `global(workDirectory="${dir}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="${port}" rcvbufSize="${rcvbuf}")
if $hostname == "bench-host" then action(type="omfile" file="${out}" template="RSYSLOG_FileFormat")
`,
  );
  const child = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'pid')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = () => (existsSync(out) ? countLines(out) : 0);
  try {
    // Ready when a probe lands in the file.
    const probeStart = Date.now();
    while (lines() === 0) {
      if (child.exitCode !== null) return `rsyslogd exited: ${stderr.trim()}`;
      if (Date.now() - probeStart > 15_000) return `rsyslogd did not start: ${stderr.trim()}`;
      await runSender(bin, ['udp', '127.0.0.1', String(port), '1000', '0.001', String(o.size)]);
      await new Promise((r) => setTimeout(r, 200));
    }
    const before = lines();
    const cpu0 = processCpu(child.pid!);
    const { sent } = await runSender(bin, [
      'udp',
      '127.0.0.1',
      String(port),
      String(rate),
      String(o.seconds),
      String(o.size),
    ]);
    const got = (await settle(lines, before + sent)) - before;
    const cpu1 = processCpu(child.pid!);
    const cpu = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null;
    return {
      label: 'rsyslog imudp → omfile',
      sent,
      stored: got,
      kernelDropped: null,
      bufferDropped: 0,
      recvBuffer: rcvbuf,
      cpuSeconds: cpu,
    };
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** utime + stime of a process (all its threads), in seconds, from /proc; null elsewhere. */
function processCpu(pid: number): number | null {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

function countLines(path: string): number {
  const b = readFileSync(path);
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

// ---------------------------------------------------------------------------------------
// TCP

async function tcpOurs(
  bin: string,
  o: Options,
  sink: RecordSink,
  label: string,
): Promise<{ label: string; count: number; seconds: number; rate: number; cpuSeconds: number }> {
  const r: SyslogTcpReceiver = createSyslogTcpReceiver({ port: 0, timeZone: 'UTC' }, sink);
  await r.start();
  try {
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const sender = runSender(bin, ['tcp', '127.0.0.1', String(r.port), String(o.tcpCount), String(o.size)]);
    // The sender ends when we have read all it sent (it waits for our close); then every
    // message read must be committed.
    await sender;
    await until(() => r.status().stored + r.status().rejected >= r.status().received, 600_000);
    const stored = r.status().stored;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (stored !== o.tcpCount) throw new Error(`TCP: ${stored} of ${o.tcpCount} stored`);
    return { label, count: stored, seconds, rate: stored / seconds, cpuSeconds: cpuSeconds(process.cpuUsage(cpu0)) };
  } finally {
    await stop(r);
  }
}

async function stop(s: LiveSource): Promise<void> {
  await s.stop();
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const bin = buildSender();
  const rsyslogVersion = (() => {
    try {
      return /rsyslogd\s+(\S+)/.exec(execFileSync('rsyslogd', ['-v'], { encoding: 'utf8' }))?.[1] ?? '?';
    } catch {
      return null;
    }
  })();
  console.log(
    `LogScope syslog receivers — ${new Date().toISOString()}, node ${process.version}, load ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `sender: ${bin} (cc -O2 bench/syslog-sender.c); messages: RFC 5424 with structured data, ${o.size} bytes each`,
  );
  let rmemMax: string | null = null;
  try {
    rmemMax = readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim();
  } catch {
    /* not Linux */
  }
  console.log(`net.core.rmem_max = ${rmemMax ?? '?'} (the kernel caps SO_RCVBUF here; we ask for 32 MiB)\n`);

  let duck: BenchSink | string | null = null;
  const failures: string[] = [];

  if (o.only !== 'tcp') {
    for (const rate of o.rates) {
      const sent = rate * o.seconds;
      console.log(`UDP ${fmt(rate)} msgs/s × ${o.seconds} s (${fmt(sent)} messages, ${fmt(sent * o.size)} bytes)`);
      console.log(`  command: ${bin} udp 127.0.0.1 PORT ${rate} ${o.seconds} ${o.size}`);
      const runs: UdpRun[] = [];
      if (o.work) runs.push(await udpOurs(bin, o, rate, workSink().sink, 'ours, receiver only'));
      if (o.duckdb) {
        duck ??= await engineSink('syslog');
        if (typeof duck === 'string') console.log(`  ours, DuckDB: skipped (${duck})`);
        else {
          const before = await duck.stored();
          const d = duck;
          runs.push(
            await udpOurs(bin, o, rate, d.sink, 'ours, stored in DuckDB', async () => (await d.stored()) - before),
          );
        }
      }
      let peer: UdpRun | null = null;
      if (o.peer) {
        if (!rsyslogVersion) console.log('  rsyslog: not installed, skipped');
        else {
          const granted = runs[0]?.recvBuffer ?? 8 * 1024 * 1024;
          // Linux reports twice what was set: give rsyslog what we effectively got.
          const p = await udpRsyslog(bin, o, rate, Math.floor(granted / 2));
          if (typeof p === 'string') console.log(`  rsyslog: ${p}`);
          else {
            p.label = `rsyslog ${rsyslogVersion} imudp → omfile`;
            peer = p;
          }
        }
      }
      for (const r of [...runs, ...(peer ? [peer] : [])]) {
        const lost = r.sent - r.stored;
        const extra =
          r === peer
            ? `rcvbufSize ${fmt(r.recvBuffer ?? 0)}`
            : `kernel drops ${r.kernelDropped ?? '?'}, our buffer drops ${r.bufferDropped}, SO_RCVBUF granted ${fmt(r.recvBuffer ?? 0)}`;
        const cpu =
          r.cpuSeconds === null || !r.stored
            ? ''
            : `, CPU ${((1e6 * r.cpuSeconds) / r.stored).toFixed(2)} µs per stored message`;
        console.log(
          `  ${r.label.padEnd(32)} lost ${fmt(lost).padStart(10)} of ${fmt(r.sent)} (${pct(lost, r.sent)})   ${extra}${cpu}`,
        );
      }
      if (peer) {
        const peerLost = peer.sent - peer.stored;
        for (const r of runs) {
          const lost = r.sent - r.stored;
          const ratio =
            peerLost === 0
              ? lost === 0
                ? 'both lost nothing'
                : 'rsyslog lost nothing'
              : `our loss is ${(lost / peerLost).toFixed(2)} × rsyslog's`;
          console.log(`  ratio (${r.label}): ${ratio}`);
        }
      }
      if (rate <= 100_000) {
        for (const r of runs) {
          const ok = r.sent === r.stored;
          console.log(`  target: no loss at ${fmt(rate)} msgs/s (${r.label}) — ${ok ? 'PASS' : 'FAIL'}`);
          if (!ok) failures.push(`UDP ${rate}: ${r.label} lost ${r.sent - r.stored}`);
        }
      }
      console.log('');
    }
  }

  if (o.only !== 'udp') {
    console.log(`TCP, octet-counted, ${fmt(o.tcpCount)} messages of ${o.size} bytes over one connection`);
    console.log(`  command: ${bin} tcp 127.0.0.1 PORT ${o.tcpCount} ${o.size}`);
    const results = [];
    if (o.work) results.push(await tcpOurs(bin, o, workSink().sink, 'ours, receiver only'));
    if (o.duckdb) {
      duck ??= await engineSink('syslog');
      if (typeof duck === 'string') console.log(`  ours, DuckDB: skipped (${duck})`);
      else results.push(await tcpOurs(bin, o, duck.sink, 'ours, stored in DuckDB'));
    }
    for (const r of results) {
      const ok = r.rate >= 300_000;
      const perCpu = r.count / r.cpuSeconds;
      console.log(
        `  ${r.label.padEnd(32)} ${fmt(r.rate).padStart(10)} msgs/s stored (${fmt(r.count)} in ${r.seconds.toFixed(2)} s; ${fmt(perCpu)} per CPU-second of this process)   target ≥ 300,000 — ${ok ? 'PASS' : 'FAIL'}`,
      );
      if (!ok) failures.push(`TCP: ${r.label} ${fmt(r.rate)} msgs/s`);
    }
    console.log('');
  }
  if (duck && typeof duck !== 'string') await duck.close();
  if (failures.length) {
    console.log(`below target: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
