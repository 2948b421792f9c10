import { resolve } from 'node:path';
import { mineFiles } from '../engine/patterns/mine-files';
import { UsageError, type Io } from './commands';

export interface PatternsArgs {
  ndjson: boolean;
  /** Patterns shown in the summary (the rest are counted). */
  top: number;
}

/** Lines of output handed to `io.out` at once: millions of lines, one write each, would crawl. */
const LINES_PER_WRITE = 2000;

/**
 * `logscope patterns [--ndjson] FILE...`: the files mined as import would mine them, stored
 * nowhere. With --ndjson, one object per input line, `{"line", "template", "pattern"}`
 * (and `"file"` first when more than one file is given), with the templates and ids as
 * they are at the end of the run; else patterns by count. Exit code 1 when a file could
 * not be read (the others are still mined).
 */
export async function patternsCommand(paths: string[], a: PatternsArgs, io: Io): Promise<number> {
  if (!paths.length) throw new UsageError('patterns needs at least one file');
  const run = await mineFiles(paths.map((p) => resolve(p)));
  let failed = 0;
  for (const f of run.files) {
    for (const w of f.warnings) io.err(`logscope: ${f.path}: warning: ${w}`);
    if (f.error) {
      failed++;
      io.err(`logscope: ${f.path}: ${f.error}`);
    }
  }
  if (a.ndjson) {
    const withFile = paths.length > 1 || run.files.length > 1;
    const texts = new Map<number, string>();
    const text = (live: number): string => {
      let t = texts.get(live);
      if (t === undefined) texts.set(live, (t = JSON.stringify(run.template(live))));
      return t;
    };
    for (const f of run.files) {
      const prefix = withFile ? `{"file":${JSON.stringify(f.path)},"line":` : '{"line":';
      let out: string[] = [];
      for (let i = 0; i < f.ids.length; i++) {
        const id = f.ids[i]!;
        const live = id === 0 ? 0 : run.live(id);
        out.push(
          live === 0 ? `${prefix}${i + 1},"template":null,"pattern":null}` : `${prefix}${i + 1},"template":${text(live)},"pattern":${live}}`,
        );
        if (out.length >= LINES_PER_WRITE) {
          io.out(out.join('\n'));
          out = [];
        }
      }
      if (out.length) io.out(out.join('\n'));
    }
    return failed ? 1 : 0;
  }
  const summary = run.summary();
  const lines = run.files.reduce((n, f) => n + f.lines, 0);
  const records = run.files.reduce((n, f) => n + f.records, 0);
  const stats = run.miner.stats();
  io.out(
    `${summary.length} patterns in ${records} records (${lines} lines) of ${run.files.length} file(s)` +
      (stats.evicted ? `; ${stats.evicted} shapes evicted at the cap of ${stats.cap}` : ''),
  );
  if (summary.length) {
    const countWidth = Math.max(5, String(summary[0]!.count).length);
    const idWidth = Math.max(2, ...summary.map((p) => String(p.id).length));
    io.out(`${'count'.padStart(countWidth)}  ${'id'.padStart(idWidth)}  template`);
    for (const p of summary.slice(0, a.top)) {
      io.out(`${String(p.count).padStart(countWidth)}  ${String(p.id).padStart(idWidth)}  ${oneLine(p.template)}`);
      io.out(`${' '.repeat(countWidth + idWidth + 4)}e.g. ${oneLine(p.example)}`);
    }
    if (summary.length > a.top) {
      const rest = summary.slice(a.top);
      io.out(`… ${rest.length} more patterns with ${rest.reduce((n, p) => n + p.count, 0)} records (--top N shows more)`);
    }
  }
  return failed ? 1 : 0;
}

/** A multi-line message (a stack trace) as one line of the table, cut to a screenful. */
function oneLine(s: string): string {
  const flat = s.replace(/\r?\n/g, ' ⏎ ');
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
