import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportProgress, LogRow } from '../shared/protocol';
import { Engine } from '../engine/engine';
import { removeEngineFile, writeEngineFile } from '../engine/host/engine-file';
import { startHttpHost } from '../engine/host/http-host';
import { connectEngine } from './connect';
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
}

/** `logscope serve`: the engine and the UI for a browser, until interrupted. */
export async function serveCommand(dataDir: string, a: ServeArgs, io: Io): Promise<number> {
  const engine = await Engine.open({ dataDir, mode: 'headless' }).catch((err) => {
    throw new Error(`cannot open the data folder ${dataDir}: ${(err as Error).message}`);
  });
  const host = await startHttpHost(engine, { host: a.host, port: a.port, uiDir: findUiDir(), token: a.token });
  writeEngineFile(dataDir, { pid: process.pid, port: host.port, token: host.token, startedAt: Date.now() });
  if (a.host !== '127.0.0.1' && a.host !== 'localhost' && a.host !== '::1') {
    io.err(`warning: listening on ${a.host}: anyone who can reach it and has the token can read your logs`);
  }
  io.out(`LogScope is serving ${dataDir}`);
  io.out(`open ${host.url}`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.err('stopping…');
  await host.close();
  removeEngineFile(dataDir);
  await engine.close();
  return 0;
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
