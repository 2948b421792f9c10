import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventData, ImportProgress, LiveKind, LogRow } from '../shared/protocol';
import { Engine } from '../engine/engine';
import { readEngineFile, removeEngineFile, writeEngineFile } from '../engine/host/engine-file';
import { startHttpHost } from '../engine/host/http-host';
import { isLoopbackAddress, loadOrCreateReceiverToken, receiverSpecs, type ReceiverPlan } from '../engine/live/receivers';
import { connectEngine, connectRemote } from './connect';
import { parseTimeArg } from './time-arg';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** `logscope import PATH...`: exit code 0 when every file was read, 1 otherwise. */
export async function importCommand(dataDir: string, paths: string[], io: Io): Promise<number> {
  if (!paths.length) throw new UsageError('import needs at least one file or folder');
  const engine = await connectEngine(dataDir, io.err);
  try {
    const started = performance.now();
    const { importId } = await engine.api.importStart({ paths: paths.map((p) => resolve(p)) });
    const final = await new Promise<ImportProgress>((done) => {
      let lastShown = 0;
      const stop = engine.subscribe('importProgressed', (p) => {
        if (p.importId !== importId) return;
        if (p.state !== 'running') {
          stop();
          return done(p);
        }
        if (process.stderr.isTTY && Date.now() - lastShown > 500 && p.bytesTotal > 0) {
          lastShown = Date.now();
          process.stderr.write(`\r${((100 * p.bytesRead) / p.bytesTotal).toFixed(0)}%  ${p.records} records  `);
        }
      });
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    const seconds = (performance.now() - started) / 1000;
    let failed = 0;
    for (const f of final.files) {
      const mbps = f.seconds > 0 ? f.bytes / 1e6 / f.seconds : 0;
      io.out(
        `${f.path}: ${f.format ?? '-'}, ${f.lines} lines, ${f.records} records, ${f.unparsed} unparsed, ` +
          `${f.seconds.toFixed(2)} s, ${mbps.toFixed(1)} MB/s`,
      );
      for (const w of f.warnings) io.out(`  warning: ${w}`);
      if (f.error) {
        failed++;
        io.err(`  error: ${f.path}: ${f.error}`);
      }
    }
    const mb = final.bytesTotal / 1e6;
    io.out(
      `imported ${final.records} records (${final.unparsed} unparsed) from ${final.files.length} file(s), ` +
        `${mb.toFixed(1)} MB in ${seconds.toFixed(2)} s (${(mb / seconds).toFixed(1)} MB/s)`,
    );
    if (final.state === 'failed') {
      io.err(`import failed: ${final.error}`);
      return 1;
    }
    return failed ? 1 : 0;
  } finally {
    await engine.close();
  }
}

export interface QueryArgs {
  query: string;
  from?: string;
  to?: string;
  limit: number;
  count: boolean;
  json: boolean;
}

/** `logscope query`: matching records newest first, or only their count. */
export async function queryCommand(dataDir: string, a: QueryArgs, io: Io): Promise<number> {
  const from = a.from ? parseTimeArg(a.from) : null;
  const to = a.to ? parseTimeArg(a.to) : null;
  const engine = await connectEngine(dataDir, io.err);
  try {
    if (a.count) {
      const r = await engine.api.search({ query: a.query, from, to, limit: 1, count: true });
      io.out(String(r.total));
      return 0;
    }
    let cursor = null;
    let left = a.limit;
    while (left > 0) {
      const page = await engine.api.search({ query: a.query, from, to, limit: Math.min(left, 5000), cursor, count: false });
      for (const row of page.rows) io.out(a.json ? JSON.stringify(row) : formatRow(row));
      left -= page.rows.length;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return 0;
  } finally {
    await engine.close();
  }
}

export function formatRow(r: LogRow): string {
  const level = (r.level ?? '-').toUpperCase().padEnd(6);
  const msg = r.parseError ? `${r.message}  [unparsed]` : r.message;
  return `${new Date(r.ts).toISOString()} ${level} ${r.source}:${r.line} ${msg}`;
}

export interface ServeArgs {
  host: string;
  port: number;
  token?: string;
  /** Receivers and followed files to start; none when absent. */
  receivers?: Omit<ReceiverPlan, 'token'> & { explicit?: ReadonlySet<string> };
}

const KIND_LABELS: Record<LiveKind, string> = {
  http: 'HTTP',
  'syslog-udp': 'syslog over UDP',
  'syslog-tcp': 'syslog over TCP',
  'gelf-udp': 'GELF over UDP',
  'gelf-tcp': 'GELF over TCP',
  follow: 'following',
};
const KIND_FLAGS: Partial<Record<LiveKind, string>> = {
  http: 'http-port',
  'syslog-udp': 'syslog-udp-port',
  'syslog-tcp': 'syslog-tcp-port',
  'gelf-udp': 'gelf-udp-port',
};

/**
 * `logscope serve`: the engine and the UI for a browser, and the receivers, until
 * SIGINT or SIGTERM. Stopping: receivers first (they stop accepting and commit what they
 * took), then the UI's connections, then the writer's last commit. The signal handlers go
 * in before anything starts, so a signal during start-up also ends in a clean stop (a
 * default handler would end the process with 143 and no flush); a second signal says it
 * is still stopping, a third quits at once.
 */
export async function serveCommand(dataDir: string, a: ServeArgs, io: Io): Promise<number> {
  const signals = catchSignals(io);
  try {
    // The UI's server listens while the database opens, so a browser can load the page
    // meanwhile (its calls wait for the engine). "LogScope is serving" says all is ready:
    // the engine, the receivers and the engine file that `logscope tail` finds.
    const opening = Engine.open({ dataDir, mode: 'headless' }).catch((err) => {
      throw new Error(`cannot open the data folder ${dataDir}: ${(err as Error).message}`);
    });
    let host: Awaited<ReturnType<typeof startHttpHost>> | null = null;
    let engine: Engine | null = null;
    try {
      if (!signals.received()) {
        host = await startHttpHost(opening, { host: a.host, port: a.port, uiDir: findUiDir(), token: a.token });
        if (a.host !== '127.0.0.1' && a.host !== 'localhost' && a.host !== '::1') {
          io.err(`warning: listening on ${a.host}: anyone who can reach it and has the token can read your logs`);
        }
        io.out(`open ${host.url}`);
      }
      engine = await opening;
      if (host && !signals.received()) {
        writeEngineFile(dataDir, { pid: process.pid, port: host.port, token: host.token, startedAt: Date.now() });
        if (a.receivers) await startReceivers(engine, dataDir, a.receivers, io);
        io.out(`LogScope is serving ${dataDir}`);
      }
      await signals.wait;
      io.err('stopping…');
      await engine.live.close();
    } finally {
      await host?.close();
      if (host && engine) removeEngineFile(dataDir);
      await (engine ?? (await opening.catch(() => null)))?.close();
    }
    return 0;
  } finally {
    signals.dispose();
  }
}

function catchSignals(io: Io): { wait: Promise<void>; received: () => boolean; dispose: () => void } {
  let count = 0;
  let done!: () => void;
  const wait = new Promise<void>((r) => (done = r));
  const on = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) return done();
    if (count === 2) return io.err('still stopping: committing what was received (signal once more to quit at once)');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    wait,
    received: () => count > 0,
    dispose: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/** Start what the flags ask for; a receiver that cannot start is a warning, not the end of serve. */
async function startReceivers(engine: Engine, dataDir: string, r: NonNullable<ServeArgs['receivers']>, io: Io): Promise<void> {
  let token: string | null = null;
  const specs = receiverSpecs({ ...r, token: null });
  if (!isLoopbackAddress(r.listen) && specs.some((s) => s.kind !== 'follow')) {
    const t = loadOrCreateReceiverToken(dataDir);
    token = t.token;
    io.err(`receivers listen on ${r.listen}: HTTP senders must present the token ${t.token}`);
    io.err(`  (as "Authorization: Bearer TOKEN"; it is kept in ${t.file}${t.created ? ', made just now' : ''})`);
    if (specs.some((s) => s.kind !== 'http' && s.kind !== 'follow')) {
      io.err('warning: syslog and GELF carry no credentials: anyone who can reach their ports can write records');
    }
  }
  const available = new Set(engine.live.available());
  for (const spec of receiverSpecs({ ...r, token })) {
    const label = KIND_LABELS[spec.kind];
    if (!available.has(spec.kind)) {
      const flag = KIND_FLAGS[spec.kind];
      if (spec.kind === 'follow') io.err(`warning: following files is not in this build; --follow ${String(spec.config?.paths)} ignored`);
      else if (flag && r.explicit?.has(flag)) io.err(`warning: ${label} is not in this build; --${flag} ignored`);
      continue;
    }
    try {
      const info = await engine.live.add(spec);
      if (info.state === 'failed') io.err(`warning: ${label} not started: ${info.error}`);
      else io.out(spec.kind === 'follow' ? `following ${info.address}` : `receiving ${label} on ${info.address}`);
    } catch (err) {
      io.err(`warning: ${label} not started: ${(err as Error).message}`);
    }
  }
}

export interface TailArgs {
  query: string;
  json: boolean;
}

/**
 * `logscope tail`: records that match, as they are stored, until interrupted. Only a
 * running engine stores records (it holds the database alone), so with none there is
 * nothing to tail: say so and exit 1.
 */
export async function tailCommand(dataDir: string, a: TailArgs, io: Io): Promise<number> {
  const info = readEngineFile(dataDir);
  if (!info) {
    io.err(`logscope: no LogScope engine is running on ${dataDir}; records arrive only through one (start \`logscope serve\` or the app)`);
    return 1;
  }
  let closed: ((why: string) => void) | null = null;
  const ended = new Promise<string>((r) => (closed = r));
  const client = await connectRemote(info, 3000, (why) => closed?.(why)).catch((err: Error) => {
    throw new Error(`the engine on ${dataDir} (pid ${info.pid}) does not answer: ${err.message}`);
  });
  // Batches may come before the answer that names the tail: hold them until then.
  let tailId: string | null = null;
  const early: Array<EventData<'tailRecords'>> = [];
  const print = (b: EventData<'tailRecords'>) => {
    if (b.dropped > 0) io.err(`… ${b.dropped} matching records skipped (the terminal fell behind)`);
    for (const row of b.records) io.out(a.json ? JSON.stringify(row) : formatRow(row));
  };
  client.subscribe('tailRecords', (b) => {
    if (tailId === null) early.push(b);
    else if (b.tailId === tailId) print(b);
  });
  const signals = catchSignals(io);
  try {
    tailId = (await client.api.tailStart({ query: a.query })).tailId;
    for (const b of early.splice(0)) if (b.tailId === tailId) print(b);
    io.err(`tailing ${a.query ? `"${a.query}"` : 'every record'} on ${dataDir}; Ctrl-C stops`);
    const why = await Promise.race([signals.wait.then(() => null), ended]);
    if (why !== null) {
      io.err(`logscope: the engine went away (${why})`);
      return 1;
    }
    await client.api.tailStop({ tailId }).catch(() => {});
    return 0;
  } finally {
    signals.dispose();
    client.close();
  }
}

/** The built UI, next to this bundle (out/cli → out/renderer) or from the source tree. */
export function findUiDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const c of [join(here, '../renderer'), join(here, '../../out/renderer')]) {
    if (existsSync(join(c, 'index.html'))) return c;
  }
  return null;
}

export class UsageError extends Error {}
