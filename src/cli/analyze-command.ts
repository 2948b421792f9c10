import { resolve } from 'node:path';
import { analyzeFiles } from '../engine/ml/analyze';
import { defaultModelsDir } from '../engine/ml/models-dir';
import { UsageError, type Io } from './commands';

export interface AnalyzeArgs {
  ndjson: boolean;
  modelsDir?: string;
}

const LINES_PER_WRITE = 2000;

/**
 * `logscope analyze [--ndjson] FILE...`: format detection, patterns and the models over
 * files, stored nowhere. With --ndjson one object per record:
 * `{"line", "pattern", "template", "level", "severity", "severity_inferred", "category",
 * "confidence", "anomaly", "anomalous"}` (`"file"` first when several files are given;
 * anomaly fields null until an anomaly scorer is wired in); else a summary by category and
 * by severity. Exit code 1 when a file could not be read.
 */
export async function analyzeCommand(paths: string[], a: AnalyzeArgs, io: Io): Promise<number> {
  if (!paths.length) throw new UsageError('analyze needs at least one file');
  const run = await analyzeFiles(
    paths.map((p) => resolve(p)),
    { modelsDir: a.modelsDir ? resolve(a.modelsDir) : defaultModelsDir() },
  );
  let failed = 0;
  for (const f of run.files) {
    for (const w of f.warnings) io.err(`logscope: ${f.path}: warning: ${w}`);
    if (f.error) {
      failed++;
      io.err(`logscope: ${f.path}: ${f.error}`);
    }
  }
  for (const m of run.models) if (m.state !== 'ready') io.err(`logscope: model ${m.name} ${m.state}: ${m.reason}`);
  if (a.ndjson) {
    const withFile = paths.length > 1;
    let out: string[] = [];
    for (const r of run.records()) {
      out.push(
        JSON.stringify({
          ...(withFile ? { file: r.file } : {}),
          line: r.line,
          pattern: r.pattern,
          template: r.template,
          level: r.level,
          severity: r.severity,
          severity_inferred: r.severityInferred,
          category: r.category,
          confidence: r.confidence === null ? null : Math.round(r.confidence * 1000) / 1000,
          anomaly: null,
          anomalous: null,
        }),
      );
      if (out.length >= LINES_PER_WRITE) {
        io.out(out.join('\n'));
        out = [];
      }
    }
    if (out.length) io.out(out.join('\n'));
    return failed ? 1 : 0;
  }
  const byCategory = new Map<string, { records: number; patterns: Set<number> }>();
  const bySeverity = new Map<string, { records: number; inferred: number }>();
  let total = 0;
  for (const r of run.records()) {
    total++;
    const c = byCategory.get(r.category ?? '(none)') ?? { records: 0, patterns: new Set<number>() };
    c.records++;
    c.patterns.add(r.pattern);
    byCategory.set(r.category ?? '(none)', c);
    const s = bySeverity.get(r.severity ?? '(none)') ?? { records: 0, inferred: 0 };
    s.records++;
    if (r.severityInferred) s.inferred++;
    bySeverity.set(r.severity ?? '(none)', s);
  }
  const pct = (n: number) => (total ? ((100 * n) / total).toFixed(1) : '0.0').padStart(5) + '%';
  io.out(`${total} records in ${run.files.length} file(s)`);
  io.out('');
  io.out('category       records      share  patterns');
  for (const [name, c] of [...byCategory].sort((a, b) => b[1].records - a[1].records)) {
    io.out(`${name.padEnd(14)} ${String(c.records).padStart(8)}  ${pct(c.records)}  ${String(c.patterns.size).padStart(8)}`);
  }
  io.out('');
  io.out('severity       records      share  inferred');
  const order = ['fatal', 'error', 'warn', 'notice', 'info', 'debug', 'trace', '(none)'];
  for (const [name, s] of [...bySeverity].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))) {
    io.out(`${name.padEnd(14)} ${String(s.records).padStart(8)}  ${pct(s.records)}  ${String(s.inferred).padStart(8)}`);
  }
  return failed ? 1 : 0;
}
