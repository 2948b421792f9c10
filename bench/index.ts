/**
 * The benchmark harness (`npm run bench`): the figures of the foundation issue, each with
 * our number, the peer's, the ratio and the target, from the command lines printed with it.
 *
 *   npm run bench                         all figures, 1 GiB files, 3 runs each
 *   npm run bench -- --quick              64 MiB files
 *   npm run bench -- --only import --formats access,syslog --runs 5
 *   npm run bench -- --peers-only         lnav and grep only (no LogScope)
 *
 * Options: --size SIZE (1GiB), --quick (= --size 64MiB), --runs N (3), --seed N (42),
 * --only GROUPS (import,search,page,histogram,status,start), --formats LIST,
 * --peers-only, --no-peers, --keep (keep every run's database).
 *
 * Files are generated into bench/data/ (cached by size, seed and generator version);
 * results are written to bench/results/<UTC date>.json. Ratios are always "how many times
 * better ours is": throughput ours/peer, time peer/ours.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import {
  BENCH_DIR,
  COMMON_TERM,
  DATA_DIR,
  ensureGenerated,
  FORMATS,
  NEEDLE,
  type BenchFormat,
  type GeneratedFile,
} from './generate';
import { findCli, headlessStart, importWithCli, loadEngine, timedCall, type Cli, type EngineLike } from './ours';
import {
  grepCount,
  withoutPri,
  LNAV_NDJSON_USER_TABLE,
  LNAV_TABLE,
  lnavCountByStatus,
  lnavTimeToSearchable,
  lnavVersion,
} from './peers';
import { formatMs, formatRatio, formatSize, mbPerSec, parseSize, renderTable, summarize, type Summary } from './stats';

export const GROUPS = ['import', 'search', 'page', 'histogram', 'status', 'start'] as const;
type Group = (typeof GROUPS)[number];

interface Options {
  size: number;
  seed: number;
  runs: number;
  only: Set<Group>;
  formats: BenchFormat[];
  peers: boolean;
  ours: boolean;
  keep: boolean;
}

type Unit = 'MB/s' | 'ms' | 'MiB';

interface Target {
  /** What the target is about: our own number, or the ratio to the peer. */
  of: 'ours' | 'ratio';
  op: '>=' | '<=';
  value: number;
}

export interface Figure {
  id: string;
  title: string;
  data: string;
  unit: Unit;
  ours: Summary | null;
  peer: Summary | null;
  peerName: string | null;
  ratio: number | null;
  target: Target | null;
  pass: boolean | null;
  commands: { ours?: string; peer?: string };
  notes: string[];
  /** Extra numbers kept in the JSON: cold first calls, RSS of every run, checks. */
  extra: Record<string, unknown>;
}

const FORMAT_TITLE: Record<BenchFormat, string> = {
  access: 'nginx access',
  syslog: 'syslog 3164',
  ndjson: 'NDJSON',
  log4j: 'log4j',
};

function parseArgs(argv: string[]): Options {
  const o: Options = {
    size: 1024 ** 3,
    seed: 42,
    runs: 3,
    only: new Set(GROUPS),
    formats: [...FORMATS],
    peers: true,
    ours: true,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--size') o.size = parseSize(val());
    else if (a === '--quick') o.size = 64 * 1024 ** 2;
    else if (a === '--runs') o.runs = Math.max(1, Number(val()));
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--only') {
      const groups = val().split(',');
      for (const g of groups)
        if (!(GROUPS as readonly string[]).includes(g))
          throw new Error(`unknown group ${g} (use ${GROUPS.join(', ')})`);
      o.only = new Set(groups as Group[]);
    } else if (a === '--formats') {
      const fs = val().split(',');
      for (const f of fs)
        if (!(FORMATS as readonly string[]).includes(f))
          throw new Error(`unknown format ${f} (use ${FORMATS.join(', ')})`);
      o.formats = fs as BenchFormat[];
    } else if (a === '--peers-only') o.ours = false;
    else if (a === '--no-peers') o.peers = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        readFileSync(new URL(import.meta.url), 'utf8')
          .split('*/')[0]!
          .replace(/^\/\*\*?|^ \* ?/gm, ''),
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

function figure(partial: Partial<Figure> & Pick<Figure, 'id' | 'title' | 'data' | 'unit'>): Figure {
  return {
    ours: null,
    peer: null,
    peerName: null,
    ratio: null,
    target: null,
    pass: null,
    commands: {},
    notes: [],
    extra: {},
    ...partial,
  };
}

/** Fill ratio and pass from ours, peer and target. */
function judge(f: Figure, better: 'higher' | 'lower'): Figure {
  if (f.ours && f.peer && f.peer.median > 0 && f.ours.median > 0) {
    f.ratio = better === 'higher' ? f.ours.median / f.peer.median : f.peer.median / f.ours.median;
  }
  if (f.target) {
    const v = f.target.of === 'ratio' ? f.ratio : f.ours ? (f.unit === 'MiB' ? f.ours.max : f.ours.median) : null;
    if (v !== null) f.pass = f.target.op === '>=' ? v >= f.target.value : v <= f.target.value;
  }
  return f;
}

function describeFile(g: GeneratedFile): string {
  return `${basename(g.path)} (${(g.meta.bytes / 1e6).toFixed(0)} MB, ${(g.meta.records / 1e6).toFixed(2)} M records)`;
}

/**
 * CPU time beside wall time: on a busy machine wall time grows with the queue for the CPU,
 * CPU time much less (a one-thread process's CPU time is about its wall time when idle).
 */
function cpuNote(who: string, bytes: number | null, runs: Array<{ wallMs: number; cpuMs: number | null }>): string {
  const cpu = runs.map((r) => r.cpuMs).filter((x): x is number => x !== null);
  if (!cpu.length) return `${who}: no CPU time measured`;
  const m = summarize(cpu).median;
  const wall = summarize(runs.map((r) => r.wallMs)).median;
  const rate = bytes ? `, ${mbPerSec(bytes, m).toFixed(0)} MB per CPU-second` : '';
  return `${who}: CPU (user+sys) ${formatMs(m)} median vs wall ${formatMs(wall)}${rate}`;
}

async function repeat<T>(runs: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn(i));
  return out;
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

const dbRoot = join(DATA_DIR, 'db');
const queryDbDir = (o: Options) => join(dbRoot, `access-${formatSize(o.size)}-s${o.seed}`);

// ---------------------------------------------------------------------------------------
// Import figures

async function importFigures(o: Options, cli: Cli | null, files: GeneratedFile[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const g of files) {
    const table = LNAV_TABLE[g.format];
    const f = figure({
      id: `import.${g.format}`,
      title: `import ${FORMAT_TITLE[g.format]} → searchable`,
      data: describeFile(g),
      unit: 'MB/s',
      target: table ? { of: 'ratio', op: '>=', value: 1 } : null,
    });
    const mem = figure({
      id: `import.${g.format}.rss`,
      title: `  peak memory (${g.format})`,
      data: basename(g.path),
      unit: 'MiB',
      target: { of: 'ours', op: '<=', value: 512 },
    });

    if (o.peers && table) {
      // Syslog: the ratio is against lnav on the same lines without <PRI> (see peers.ts).
      const peerFile =
        g.format === 'syslog' ? withoutPri(g.path) : { path: g.path, bytes: g.meta.bytes, command: null };
      log(`lnav on ${basename(peerFile.path)} (${o.runs} runs)`);
      const runs = await repeat(o.runs, () => lnavTimeToSearchable(peerFile.path, table));
      f.peer = summarize(runs.map((r) => mbPerSec(peerFile.bytes, r.wallMs)));
      f.peerName = `lnav ${table}`;
      f.commands.peer = peerFile.command ? `${peerFile.command}; ${runs[0]!.command}` : runs[0]!.command;
      f.extra.peerSeconds = runs.map((r) => r.wallMs / 1000);
      f.extra.peerCpuSeconds = runs.map((r) => (r.cpuMs ?? NaN) / 1000);
      f.extra.peerRecords = runs[0]!.count;
      f.extra.peerBytes = peerFile.bytes;
      f.notes.push(cpuNote('lnav', peerFile.bytes, runs));
      if (runs[0]!.count !== g.meta.records)
        f.notes.push(`lnav's ${table} has ${runs[0]!.count} records of the ${g.meta.records} there are`);
      if (peerFile.command) {
        f.notes.push(
          `lnav read ${basename(peerFile.path)}: the same lines without <PRI>, ${peerFile.bytes} bytes (lnav 0.11 parses no <PRI> line)`,
        );
      }
      mem.peer = summarize(runs.map((r) => (r.maxRssKiB ?? NaN) / 1024));
      mem.peerName = 'lnav';
    } else if (!table) {
    } else if (!table) {
      f.notes.push('lnav has no built-in format for this NDJSON: no ratio (see import.ndjson.lnav-user-format)');
    }

    if (o.ours && cli) {
      const kept = queryDbDir(o);
      mkdirSync(dbRoot, { recursive: true });
      const ourRuns: Array<{ ms: number; rss: number | null; cpuMs: number | null }> = [];
      let lastDir = '';
      try {
        for (let i = 0; i < o.runs; i++) {
          const dir = join(dbRoot, `run-${g.format}-${formatSize(o.size)}-${i}`);
          rmSync(dir, { recursive: true, force: true });
          log(`logscope import ${basename(g.path)} (run ${i + 1}/${o.runs})`);
          const r = await importWithCli(cli, g.path, dir);
          f.commands.ours = r.command.replace(dir, 'DIR');
          ourRuns.push({ ms: r.wallMs, rss: r.maxRssKiB, cpuMs: r.cpuMs });
          if (lastDir && !o.keep) rmSync(lastDir, { recursive: true, force: true });
          lastDir = dir;
        }
        f.ours = summarize(ourRuns.map((r) => mbPerSec(g.meta.bytes, r.ms)));
        f.extra.oursSeconds = ourRuns.map((r) => r.ms / 1000);
        f.extra.oursCpuSeconds = ourRuns.map((r) => (r.cpuMs ?? NaN) / 1000);
        f.notes.push(
          cpuNote(
            'ours',
            g.meta.bytes,
            ourRuns.map((r) => ({ wallMs: r.ms, cpuMs: r.cpuMs })),
          ),
        );
        mem.ours = summarize(ourRuns.map((r) => (r.rss ?? NaN) / 1024));
        mem.commands.ours = '/usr/bin/time -f %M (peak RSS of the import process)';
        const check = await checkRecords(lastDir, g.meta.records);
        if (check) f.notes.push(check);
        if (g.format === 'access') {
          rmSync(kept, { recursive: true, force: true });
          renameSync(lastDir, kept);
          writeFileSync(join(kept, 'bench-import.json'), JSON.stringify({ file: g.path, meta: g.meta }, null, 2));
        } else if (!o.keep) rmSync(lastDir, { recursive: true, force: true });
      } catch (e) {
        f.notes.push(`our import failed: ${(e as Error).message}`);
      }
      if (cli.note) f.notes.push(cli.note);
    } else if (o.ours) {
      f.notes.push('no CLI yet (bin/logscope.js)');
    }
    figures.push(judge(f, 'higher'), judge(mem, 'lower'));

    if (o.peers && g.format === 'syslog') {
      log(`lnav on the mixed file ${basename(g.path)} (${o.runs} runs)`);
      const info = figure({
        id: 'import.syslog.lnav-mixed-pri',
        title: '  (info) vs lnav on the <PRI> mix',
        data: basename(g.path),
        unit: 'MB/s',
      });
      const runs = await repeat(o.runs, () => lnavTimeToSearchable(g.path, 'syslog_log'));
      info.peer = summarize(runs.map((r) => mbPerSec(g.meta.bytes, r.wallMs)));
      info.peerName = 'lnav syslog_log';
      info.ours = f.ours;
      info.commands.peer = runs[0]!.command;
      info.extra.peerRecords = runs[0]!.count;
      info.extra.peerCpuSeconds = runs.map((r) => (r.cpuMs ?? NaN) / 1000);
      info.notes.push(cpuNote('lnav', g.meta.bytes, runs));
      info.notes.push(
        `lnav parsed ${runs[0]!.count} of ${g.meta.records} records: each <PRI> line folds into the record before it`,
      );
      figures.push(judge(info, 'higher'));
    }

    if (o.peers && g.format === 'ndjson') {
      log(`lnav with a user JSON format on ${basename(g.path)} (${o.runs} runs)`);
      const info = figure({
        id: 'import.ndjson.lnav-user-format',
        title: '  (info) vs lnav + user JSON format',
        data: basename(g.path),
        unit: 'MB/s',
      });
      const runs = await repeat(o.runs, () =>
        lnavTimeToSearchable(g.path, LNAV_NDJSON_USER_TABLE, { ndjsonUserFormat: true }),
      );
      info.peer = summarize(runs.map((r) => mbPerSec(g.meta.bytes, r.wallMs)));
      info.peerName = `lnav ${LNAV_NDJSON_USER_TABLE}`;
      info.ours = f.ours;
      info.commands.peer = `${runs[0]!.command}  (format file: bench/peers.ts NDJSON_USER_FORMAT in $HOME/.lnav/formats/installed/)`;
      info.extra.peerRecords = runs[0]!.count;
      info.notes.push(cpuNote('lnav', g.meta.bytes, runs));
      info.extra.peerRssMiB = runs.map((r) => (r.maxRssKiB ?? NaN) / 1024);
      info.notes.push('not a target: lnav does not know this format by itself');
      figures.push(judge(info, 'higher'));
    }
  }
  return figures;
}

/** After an import, does the engine see every record? Returns a note when it does not. */
async function checkRecords(dataDir: string, expected: number): Promise<string | null> {
  const opened = await loadEngine(dataDir);
  if ('error' in opened) return `records not checked: ${opened.error}`;
  try {
    const h = await opened.engine.call('health', {});
    return h.records === expected ? null : `the engine holds ${h.records} records of the ${expected} in the file`;
  } catch (e) {
    return `records not checked: ${(e as Error).message}`;
  } finally {
    await opened.engine.close?.();
  }
}

// ---------------------------------------------------------------------------------------
// Query figures on the imported access log

interface QueryContext {
  engine: EngineLike | null;
  error: string | null;
}

async function openQueryDb(o: Options, cli: Cli | null, access: GeneratedFile): Promise<QueryContext> {
  const dir = queryDbDir(o);
  const marker = join(dir, 'bench-import.json');
  let fresh = false;
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as { file: string; meta: { bytes: number; version: number } };
    fresh = m.file === access.path && m.meta.bytes === access.meta.bytes && m.meta.version === access.meta.version;
  }
  if (!fresh) {
    if (!cli) return { engine: null, error: 'no CLI yet to import the access log with' };
    log(`importing ${basename(access.path)} once for the query figures`);
    rmSync(dir, { recursive: true, force: true });
    try {
      await importWithCli(cli, access.path, dir);
    } catch (e) {
      return { engine: null, error: (e as Error).message };
    }
    writeFileSync(marker, JSON.stringify({ file: access.path, meta: access.meta }, null, 2));
  }
  const opened = await loadEngine(dir);
  return 'error' in opened ? { engine: null, error: opened.error } : { engine: opened.engine, error: null };
}

async function timeEngine<T>(
  runs: number,
  fn: () => Promise<{ ms: number; result: T }>,
): Promise<{ summary: Summary; coldMs: number; result: T }> {
  const cold = await fn();
  const times: number[] = [];
  let result = cold.result;
  for (let i = 0; i < runs; i++) {
    const r = await fn();
    times.push(r.ms);
    result = r.result;
  }
  return { summary: summarize(times), coldMs: cold.ms, result };
}

async function queryFigures(o: Options, cli: Cli | null, access: GeneratedFile): Promise<Figure[]> {
  const figures: Figure[] = [];
  const data = describeFile(access);
  const meta = access.meta;
  const ctx: QueryContext = o.ours ? await openQueryDb(o, cli, access) : { engine: null, error: null };
  const engine = ctx.engine;
  const missing = (f: Figure) => {
    if (o.ours && !engine) f.notes.push(ctx.error ?? 'engine not available yet');
  };

  try {
    if (o.only.has('search')) {
      const f = figure({
        id: 'search.rare',
        title: 'rare substring, with total count',
        data,
        unit: 'ms',
        target: { of: 'ours', op: '<=', value: 400 },
      });
      const params = { query: NEEDLE, limit: 200, count: true };
      f.commands.ours = `engine.call('search', ${JSON.stringify(params)})`;
      if (engine) {
        log('search: rare substring');
        const t = await timeEngine(o.runs, () => timedCall(engine, 'search', params));
        f.ours = t.summary;
        f.extra.coldMs = t.coldMs;
        f.extra.total = t.result.total;
        if (t.result.total !== meta.needle.count)
          f.notes.push(`total ${t.result.total}, expected ${meta.needle.count}`);
        f.notes.push(`first call (cold) ${formatMs(t.coldMs)}`);
      } else missing(f);
      if (o.peers) {
        log(`grep -c on ${basename(access.path)} (${o.runs} runs)`);
        const runs = await repeat(o.runs, () => grepCount(access.path, NEEDLE));
        f.peer = summarize(runs.map((r) => r.wallMs));
        f.peerName = 'grep -c';
        f.commands.peer = runs[0]!.command;
        f.extra.grepCount = runs[0]!.count;
        f.notes.push(cpuNote('grep', null, runs));
        if (runs[0]!.count !== meta.needle.count)
          f.notes.push(`grep counted ${runs[0]!.count}, expected ${meta.needle.count}`);
      }
      figures.push(judge(f, 'lower'));
    }

    if (o.only.has('page')) {
      const term = COMMON_TERM.access;
      const f = figure({
        id: 'search.common.first-page',
        title: `first page, newest "${term}"`,
        data,
        unit: 'ms',
        target: { of: 'ours', op: '<=', value: 100 },
      });
      const params = { query: term, limit: 200, count: false };
      f.commands.ours = `engine.call('search', ${JSON.stringify(params)})`;
      f.notes.push(`${meta.common.count} records contain "${term}"`);
      if (engine) {
        log('search: first page of a common term');
        const t = await timeEngine(o.runs, () => timedCall(engine, 'search', params));
        f.ours = t.summary;
        f.extra.coldMs = t.coldMs;
        const rows = t.result.rows;
        const sorted = rows.every((r, i) => i === 0 || rows[i - 1]!.ts >= r.ts);
        if (rows.length !== 200) f.notes.push(`${rows.length} rows, expected 200`);
        if (!sorted) f.notes.push('rows are not newest first');
        if (rows[0] && rows[0].ts < Date.parse(meta.lastTs) - 3_600_000)
          f.notes.push('first row is not among the newest');
        f.notes.push(`first call (cold) ${formatMs(t.coldMs)}`);
      } else missing(f);
      figures.push(judge(f, 'lower'));
    }

    if (o.only.has('histogram')) {
      const f = figure({
        id: 'histogram.all',
        title: 'histogram, whole range',
        data,
        unit: 'ms',
        target: { of: 'ours', op: '<=', value: 150 },
      });
      const params = { query: '', buckets: 120 };
      f.commands.ours = `engine.call('histogram', ${JSON.stringify(params)})`;
      if (engine) {
        log('histogram');
        const t = await timeEngine(o.runs, () => timedCall(engine, 'histogram', params));
        f.ours = t.summary;
        f.extra.coldMs = t.coldMs;
        if (t.result.total !== meta.records) f.notes.push(`total ${t.result.total}, expected ${meta.records}`);
        f.notes.push(`first call (cold) ${formatMs(t.coldMs)}`);
      } else missing(f);
      figures.push(judge(f, 'lower'));
    }

    if (o.only.has('status')) {
      const f = figure({
        id: 'facets.status',
        title: 'count by status',
        data,
        unit: 'ms',
        target: { of: 'ours', op: '<=', value: 100 },
      });
      const params = { query: '', fields: ['status'], limit: 100 };
      f.commands.ours = `engine.call('facets', ${JSON.stringify(params)})`;
      const expected = meta.counts.status ?? {};
      if (engine) {
        log('facets: count by status');
        const t = await timeEngine(o.runs, () => timedCall(engine, 'facets', params));
        f.ours = t.summary;
        f.extra.coldMs = t.coldMs;
        const got: Record<string, number> = {};
        for (const v of t.result.facets[0]?.values ?? []) got[String(v.value)] = v.count;
        const wrong = Object.keys({ ...expected, ...got }).filter((k) => got[k] !== expected[k]);
        if (wrong.length) f.notes.push(`status counts differ from the generator's for ${wrong.join(', ')}`);
        f.notes.push(`first call (cold) ${formatMs(t.coldMs)}`);
      } else missing(f);
      if (o.peers) {
        log(`lnav count by status (${o.runs} runs)`);
        const runs = await repeat(o.runs, () => lnavCountByStatus(access.path));
        f.peer = summarize(runs.map((r) => r.wallMs));
        f.peerName = 'lnav (load + GROUP BY)';
        f.commands.peer = runs[0]!.command;
        f.notes.push(cpuNote('lnav', null, runs));
        const wrong = Object.keys({ ...expected, ...runs[0]!.counts }).filter(
          (k) => runs[0]!.counts[k] !== expected[k],
        );
        if (wrong.length) f.notes.push(`lnav's status counts differ for ${wrong.join(', ')}`);
      }
      figures.push(judge(f, 'lower'));
    }
  } finally {
    await engine?.close?.();
  }

  if (o.only.has('start')) {
    const f = figure({
      id: 'start.headless',
      title: 'headless start → rows shown',
      data,
      unit: 'ms',
      target: { of: 'ours', op: '<=', value: 1000 },
    });
    f.commands.ours = `${cli?.display ?? 'node bin/logscope.js'} serve --data DIR --port 0; Chromium opens the URL; until [data-testid="log-row"] is visible`;
    if (o.ours && cli && existsSync(join(queryDbDir(o), 'bench-import.json'))) {
      log(`headless start (${o.runs} runs)`);
      const r = await headlessStart(cli, queryDbDir(o), o.runs);
      if ('error' in r) f.notes.push(`not measured: ${r.error}`);
      else {
        f.ours = summarize(r.map((x) => x.ms));
        f.extra.listeningMs = r.map((x) => x.listeningMs);
        f.extra.pageLoadedMs = r.map((x) => x.pageLoadedMs);
        f.notes.push(`serve printed its URL after ${formatMs(summarize(r.map((x) => x.listeningMs)).median)} (median)`);
        f.notes.push(`the page's DOMContentLoaded after ${formatMs(summarize(r.map((x) => x.pageLoadedMs)).median)} (median)`);
      }
      if (cli.note) f.notes.push(cli.note);
    } else if (o.ours) f.notes.push('not measured: no CLI or no imported access log yet');
    figures.push(judge(f, 'lower'));
  }
  return figures;
}

// ---------------------------------------------------------------------------------------
// Output

function fmt(s: Summary | null, unit: Unit): string {
  if (!s || !Number.isFinite(s.median)) return '—';
  const v = (x: number) => (unit === 'ms' ? formatMs(x) : `${x.toFixed(unit === 'MiB' ? 0 : 1)} ${unit}`);
  if (unit === 'MiB') return `${v(s.max)} max`;
  return s.runs.length > 1 ? `${v(s.median)} ±${(s.spread * 50).toFixed(0)}%` : v(s.median);
}

function targetText(t: Target | null, unit: Unit): string {
  if (!t) return '—';
  const op = t.op === '>=' ? '≥' : '≤';
  if (t.of === 'ratio') return `ratio ${op} ${t.value}`;
  return unit === 'ms' ? `${op} ${formatMs(t.value)}` : `${op} ${t.value} ${unit}`;
}

function report(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.title,
    fmt(f.ours, f.unit),
    f.peer ? `${fmt(f.peer, f.unit)}` : '—',
    formatRatio(f.ratio),
    targetText(f.target, f.unit),
    f.pass === null ? (f.target ? 'n/a' : '') : f.pass ? 'PASS' : 'FAIL',
    f.data,
  ]);
  const table = renderTable(['figure', 'ours', 'peer', 'ratio', 'target', 'result', 'data'], rows);
  const details = figures
    .map((f) => {
      const lines = [`${f.id}: ${f.title.trim()}`];
      if (f.commands.ours) lines.push(`  ours: ${f.commands.ours}`);
      if (f.commands.peer) lines.push(`  peer: ${f.peerName}: ${f.commands.peer}`);
      for (const s of [
        ['ours', f.ours],
        ['peer', f.peer],
      ] as const) {
        if (s[1] && s[1].runs.length > 1) {
          const runs = s[1].runs.map((x) => (f.unit === 'ms' ? formatMs(x) : x.toFixed(1))).join(', ');
          lines.push(`  ${s[0]} runs: ${runs} ${f.unit === 'ms' ? '' : f.unit}`.trimEnd());
        }
      }
      for (const n of f.notes) lines.push(`  note: ${n}`);
      return lines.join('\n');
    })
    .join('\n');
  return `${table}\n\n± is half the spread (max − min) around the median.\n\n${details}`;
}

function machine(lnav: string | null): Record<string, unknown> {
  const tryRun = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')[0]!
        .trim();
    } catch {
      return null;
    }
  };
  return {
    cpus: cpus().length,
    loadAvgAtEnd: loadavg(),
    cpuModel: cpus()[0]?.model ?? null,
    memGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    lnav,
    grep: tryRun('grep', ['--version']),
    git: tryRun('git', ['-C', BENCH_DIR, 'rev-parse', '--short', 'HEAD']),
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const loadAtStart = loadavg()[0]!;
  if (loadAtStart > cpus().length / 4) {
    log(
      `load average ${loadAtStart.toFixed(2)} on ${cpus().length} cores: other work is running, figures will be slower and noisier`,
    );
  }
  const cli = o.ours ? findCli() : null;
  const lnav = o.peers ? await lnavVersion() : null;
  if (o.peers && !lnav) {
    log('lnav not found: peer figures are skipped');
    o.peers = false;
  }
  if (o.ours && !cli) log('no CLI yet (bin/logscope.js / src/cli/run.ts): our figures are skipped');

  const needsQueries = ['search', 'page', 'histogram', 'status', 'start'].some((g) => o.only.has(g as Group));
  const formats = o.only.has('import') ? o.formats : needsQueries ? (['access'] as BenchFormat[]) : [];
  if (needsQueries && !formats.includes('access')) formats.unshift('access');
  const files: GeneratedFile[] = [];
  for (const format of formats) {
    log(`file: ${format} ${formatSize(o.size)} seed ${o.seed}`);
    const g = ensureGenerated(format, { size: o.size, seed: o.seed });
    log(g.cached ? `  cached ${g.path}` : `  generated ${g.path} in ${g.meta.seconds.toFixed(1)} s`);
    files.push(g);
  }

  const figures: Figure[] = [];
  if (o.only.has('import'))
    figures.push(
      ...(await importFigures(
        o,
        cli,
        files.filter((f) => o.formats.includes(f.format)),
      )),
    );
  const access = files.find((f) => f.format === 'access');
  if (needsQueries && access) figures.push(...(await queryFigures(o, cli, access)));

  const text = report(figures);
  console.log(
    `\nLogScope benchmark: ${formatSize(o.size)} files, seed ${o.seed}, ${o.runs} run(s) per figure${lnav ? `, peer ${lnav}` : ''}\n`,
  );
  console.log(text);

  const resultsDir = join(BENCH_DIR, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const stamp = started
    .toISOString()
    .replace(/[:]/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const out = join(resultsDir, `${stamp}.json`);
  writeFileSync(
    out,
    JSON.stringify(
      {
        started: started.toISOString(),
        seconds: (Date.now() - started.getTime()) / 1000,
        argv: process.argv.slice(2),
        options: { ...o, only: [...o.only] },
        machine: { ...machine(lnav), loadAvgAtStart: loadAtStart },
        files: files.map((g) => ({ path: g.path, ...g.meta })),
        figures,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nresults: ${out}`);
  if (figures.some((f) => f.pass === false)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(2);
});
