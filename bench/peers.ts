/**
 * The peers the figures are compared with: lnav (time until a file is searchable, count by
 * status) and grep (the scan limit), run as child processes with wall time and peak RSS.
 *
 * lnav 0.11.1 facts this module relies on (checked on the generated files):
 * - nginx combined → `access_log`; every line parsed, sc_status counts equal the generator's.
 * - RFC 3164 syslog → `syslog_log`, but only the lines *without* a `<PRI>` prefix: a file of
 *   `<PRI>` lines alone is not recognised at all (0 records), and in a mixed file each
 *   `<PRI>` line is folded into the record before it — which also makes lnav about 3×
 *   slower per byte than on the same lines without their `<PRI>`. So the syslog ratio is
 *   taken against lnav on a copy with the `<PRI>` prefixes removed (`withoutPri`), the
 *   syslog lnav does parse, and lnav on the mixed file is shown for information.
 * - log4j "%d [%t] %-5p %c - %m%n" → `java_log` (stack traces folded into their record).
 *   The "%d %-5p [%t] %c - %m%n" layout is only `generic_log` (no thread or class field).
 * - Our NDJSON → no built-in format (lnav's JSON formats want bunyan or journald fields), so
 *   no ratio. For information, lnav is also timed with a small user-defined JSON format,
 *   installed into its fresh HOME (table `bench_ndjson_log`).
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFormat } from './generate';

export const LNAV = process.env.LNAV_BIN ?? '/usr/bin/lnav';
export const GNU_TIME = '/usr/bin/time';

/** lnav's table for each format, or null where lnav does not parse the format. */
export const LNAV_TABLE: Record<BenchFormat, string | null> = {
  access: 'access_log',
  syslog: 'syslog_log',
  ndjson: null,
  log4j: 'java_log',
};

/** Table of the user-defined format below (information only: not a built-in format). */
export const LNAV_NDJSON_USER_TABLE = 'bench_ndjson_log';

const NDJSON_USER_FORMAT = {
  $schema: 'https://lnav.org/schemas/format-v1.schema.json',
  [LNAV_NDJSON_USER_TABLE]: {
    title: 'LogScope bench NDJSON',
    description: 'The NDJSON application logs of the LogScope benchmark (bench/generate.ts)',
    json: true,
    'timestamp-field': 'ts',
    'level-field': 'level',
    'body-field': 'msg',
    level: { error: 'error', warning: 'warn', info: 'info', debug: 'debug' },
    value: {
      service: { kind: 'string', identifier: true },
      host: { kind: 'string', identifier: true },
      method: { kind: 'string' },
      path: { kind: 'string' },
      status: { kind: 'integer' },
      latency_ms: { kind: 'integer' },
      trace_id: { kind: 'string', identifier: true },
    },
  },
};

export interface Timed {
  wallMs: number;
  /** Peak resident set of the process (GNU time's %M), KiB; null when not measured. */
  maxRssKiB: number | null;
  /**
   * User + system CPU time (GNU time's %U + %S), ms; null when not measured. Less disturbed
   * than wall time when other work shares the machine.
   */
  cpuMs: number | null;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** Shell-quoted command line, for printing what produced a figure. */
export function commandLine(cmd: string, args: readonly string[], env: Record<string, string> = {}): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  // Environment values are shown as given, so `HOME=$(mktemp -d)` reads as a shell would run it.
  return [...Object.entries(env).map(([k, v]) => `${k}=${v}`), q(cmd), ...args.map(q)].join(' ');
}

/**
 * Run a command to its end under GNU time (for peak RSS), timing the wall clock here.
 * Output is kept up to 4 MiB per stream.
 */
export function runTimed(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<Timed> {
  const useTime = existsSync(GNU_TIME);
  const dir = mkdtempSync(join(tmpdir(), 'logscope-bench-time-'));
  const out = join(dir, 'time.txt');
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%e %M %U %S', '-o', out, cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const cap = 4 * 1024 * 1024;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < cap) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < cap) stderr += d.toString();
    });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : null;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (timer) clearTimeout(timer);
      let maxRssKiB: number | null = null;
      let cpuMs: number | null = null;
      if (useTime) {
        try {
          // GNU time writes "Command exited with non-zero status N" first when it fails.
          const last = readFileSync(out, 'utf8').trim().split('\n').pop() ?? '';
          const [, rss, user, sys] = last.split(/\s+/).map(Number);
          if (Number.isFinite(rss)) maxRssKiB = rss!;
          if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user! + sys!) * 1000;
        } catch {
          // no time output: leave RSS unknown
        }
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ wallMs, maxRssKiB, cpuMs, code, stdout, stderr });
    });
  });
}

/** A throwaway HOME for lnav, so runs neither read nor leave any state. */
function freshLnavHome(withNdjsonFormat: boolean): string {
  const home = mkdtempSync(join(tmpdir(), 'logscope-bench-lnav-'));
  if (withNdjsonFormat) {
    const dir = join(home, '.lnav', 'formats', 'installed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${LNAV_NDJSON_USER_TABLE}.json`), JSON.stringify(NDJSON_USER_FORMAT, null, 2));
  }
  return home;
}

/** Parse lnav's plain-text result table: a header line, then rows of whitespace-separated cells. */
export function parseLnavTable(stdout: string): string[][] {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(1).map((l) => l.trim().split(/\s+/));
}

export interface LnavResult extends Timed {
  command: string;
  rows: string[][];
}

/** `lnav -n -c ';SQL' FILE` with a fresh HOME. */
export async function lnavSql(
  file: string,
  sql: string,
  options: { ndjsonUserFormat?: boolean } = {},
): Promise<LnavResult> {
  const home = freshLnavHome(options.ndjsonUserFormat ?? false);
  const args = ['-n', '-c', `;${sql}`, file];
  try {
    const t = await runTimed(LNAV, args, {
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
      timeoutMs: 600_000,
    });
    if (t.code !== 0) throw new Error(`lnav exited with ${t.code}: ${t.stderr.slice(0, 500)}`);
    return { ...t, command: commandLine('lnav', args, { HOME: '$(mktemp -d)' }), rows: parseLnavTable(t.stdout) };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export interface LnavCount extends LnavResult {
  table: string;
  count: number;
}

/** lnav's time to searchable: load the file, then count the rows of its table. */
export async function lnavTimeToSearchable(
  file: string,
  table: string,
  options: { ndjsonUserFormat?: boolean } = {},
): Promise<LnavCount> {
  const r = await lnavSql(file, `SELECT count(*) FROM ${table}`, options);
  const count = Number(r.rows[0]?.[0]);
  if (!Number.isFinite(count)) throw new Error(`lnav gave no count: ${r.stdout.slice(0, 200)}`);
  return { ...r, table, count };
}

export interface LnavStatus extends LnavResult {
  counts: Record<string, number>;
}

/** lnav's count by status on an access log (from a cold start: lnav keeps no index). */
export async function lnavCountByStatus(file: string): Promise<LnavStatus> {
  const r = await lnavSql(file, 'SELECT sc_status, count(*) FROM access_log GROUP BY sc_status');
  const counts: Record<string, number> = {};
  for (const [status, n] of r.rows) if (status !== undefined && n !== undefined) counts[status] = Number(n);
  return { ...r, counts };
}

export interface GrepCount extends Timed {
  command: string;
  count: number;
}

/** `grep -c -F TERM FILE` in the C locale: the time to scan the raw file once. */
export async function grepCount(file: string, term: string): Promise<GrepCount> {
  const args = ['-c', '-F', term, file];
  const t = await runTimed('grep', args, { env: { ...process.env, LC_ALL: 'C' } });
  if (t.code !== 0 && t.code !== 1) throw new Error(`grep exited with ${t.code}: ${t.stderr}`);
  return { ...t, command: commandLine('grep', args, { LC_ALL: 'C' }), count: Number(t.stdout.trim()) };
}

/**
 * A copy of a syslog file with every line's `<PRI>` prefix removed (as /var/log/syslog
 * has them): what lnav 0.11 parses. Cached beside the file, keyed by its size and mtime.
 */
export function withoutPri(file: string): { path: string; bytes: number; command: string } {
  const path = file.replace(/(\.\w+)?$/, '.nopri$1');
  const st = statSync(file);
  const key = `${st.size}:${st.mtimeMs}`;
  const metaPath = `${path}.meta.json`;
  const command = `sed -E 's/^<[0-9]+>//' ${file} > ${path}`;
  if (existsSync(path) && existsSync(metaPath)) {
    const m = JSON.parse(readFileSync(metaPath, 'utf8')) as { source: string; bytes: number };
    if (m.source === key && statSync(path).size === m.bytes) return { path, bytes: m.bytes, command };
  }
  const inFd = openSync(file, 'r');
  const tmp = `${path}.tmp`;
  const outFd = openSync(tmp, 'w');
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  let carry = '';
  let bytes = 0;
  const put = (text: string) => {
    const out = Buffer.from(text.replace(/^<\d{1,3}>/gm, ''), 'latin1');
    bytes += out.length;
    let off = 0;
    while (off < out.length) off += writeSync(outFd, out, off);
  };
  try {
    for (;;) {
      const n = readSync(inFd, buf, 0, buf.length, null);
      if (n === 0) break;
      const text = carry + buf.toString('latin1', 0, n);
      const cut = text.lastIndexOf('\n') + 1;
      put(text.slice(0, cut));
      carry = text.slice(cut);
    }
    if (carry) put(carry);
  } finally {
    closeSync(inFd);
    closeSync(outFd);
  }
  renameSync(tmp, path);
  writeFileSync(metaPath, JSON.stringify({ source: key, bytes }) + '\n');
  return { path, bytes, command };
}

/** lnav's version line, or null when lnav is not installed. */
export async function lnavVersion(): Promise<string | null> {
  if (!existsSync(LNAV)) return null;
  const t = await runTimed(LNAV, ['-V']);
  return t.stdout.trim() || null;
}
