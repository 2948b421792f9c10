import { pathToFileURL } from 'node:url';
import { FeatureState, N_FEATURES } from './features';
import { fitAnomalyModel } from './fit';
import { generateLogs, type GeneratedLogs, type Incident } from './generate';
import { scoreRows } from './isolation-forest';
import { detectWindows, type AnomalyWindow, type BucketRow } from './windows';

/**
 * How well the anomaly windows find injected incidents in generated logs: each incident is
 * found (a matching window starts within two buckets of it), late, or missed; every window
 * that matches no incident is a false alarm. A naive baseline ("count > 3× the series' mean
 * so far") is scored the same way beside it.
 *
 *   npx tsx src/engine/ml/anomaly/eval.ts [--seeds 1,2,3] [--days 6]
 */

export const EVAL_BUCKET_MS = 10 * 60_000;
/** Days of data the per-record model is fitted on before scoring (the first refit). */
const FIT_DAYS = 2;

export interface DetectorResult {
  found: number;
  late: number;
  missed: number;
  falseAlarms: number;
  falseAlarmsPerDay: number;
  /** Per incident: found / late / missed and the delay in buckets. */
  incidents: { kind: string; outcome: 'found' | 'late' | 'missed'; delayBuckets: number | null }[];
}

export interface EvalRow {
  seed: number;
  days: number;
  records: number;
  incidents: number;
  ours: DetectorResult;
  baseline: DetectorResult;
  /** found ≤ 2 buckets for every incident and ≤ 1 false alarm a day. */
  meetsTarget: boolean;
}

/** One row of the evaluation table: generate, score per record, bucket, detect, match. */
export function evaluateAnomalyWindows(seed: number, days = 6): EvalRow {
  const logs = generateLogs(seed, days);
  const rows = bucketRowsWithScores(logs, seed);
  const ours = detectWindows(rows, { bucketMs: EVAL_BUCKET_MS, templates: logs.templates, dataStart: logs.start, completeUntil: logs.end });
  const naive = thresholdBaseline(rows, EVAL_BUCKET_MS);
  const o = match(ours, logs);
  const b = match(naive, logs);
  return {
    seed,
    days,
    records: logs.records.length,
    incidents: logs.incidents.length,
    ours: o,
    baseline: b,
    meetsTarget: o.found === logs.incidents.length && o.falseAlarmsPerDay <= 1,
  };
}

/**
 * Features for every record in time order, a forest fitted on the first FIT_DAYS days, every
 * record scored, then counts and score sums per (bucket, pattern, source): the rows the
 * engine's GROUP BY gives (with sum(anomaly) once the store keeps per-record scores).
 */
export function bucketRowsWithScores(logs: GeneratedLogs, seed: number): BucketRow[] {
  const state = new FeatureState();
  const n = logs.records.length;
  const features = new Float32Array(n * N_FEATURES);
  let fitRows = 0;
  const fitUntil = logs.start + FIT_DAYS * 86_400_000;
  logs.records.forEach((r, i) => {
    state.next({ ts: r.ts, pattern: r.pattern, level: r.level, params: r.params }, features, i * N_FEATURES);
    if (r.ts < fitUntil) fitRows = i + 1;
  });
  const model = fitAnomalyModel(features.subarray(0, fitRows * N_FEATURES), {
    kind: 'generated', from: logs.start, to: fitUntil, records: fitRows, patterns: logs.templates.size, sources: [], description: `eval seed ${seed}`,
  }, { seed });
  const scores = scoreRows(model.forest, features);
  const byKey = new Map<string, BucketRow>();
  logs.records.forEach((r, i) => {
    const bucket = Math.floor(r.ts / EVAL_BUCKET_MS) * EVAL_BUCKET_MS;
    const key = `${bucket}:${r.pattern}:${r.source}`;
    let row = byKey.get(key);
    if (!row) byKey.set(key, (row = { bucket, pattern: r.pattern, source: r.source, count: 0, scoreSum: 0 }));
    row.count++;
    row.scoreSum! += scores[i]!;
  });
  return [...byKey.values()];
}

/** The naive detector: a bucket with more than 3× the series' mean count so far is a spike. */
export function thresholdBaseline(rows: readonly BucketRow[], bucketMs: number): AnomalyWindow[] {
  const series = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const key = `${r.pattern}\u0000${r.source}`;
    let m = series.get(key);
    if (!m) series.set(key, (m = new Map()));
    m.set(r.bucket, (m.get(r.bucket) ?? 0) + r.count);
  }
  const out: AnomalyWindow[] = [];
  for (const [key, m] of series) {
    const [pattern, source] = key.split('\u0000') as [string, string];
    const buckets = [...m.keys()].sort((a, b) => a - b);
    const first = buckets[0]!;
    const last = buckets[buckets.length - 1]!;
    let sum = 0;
    let seen = 0;
    let open: AnomalyWindow | null = null;
    for (let b = first; b <= last; b += bucketMs) {
      const c = m.get(b) ?? 0;
      const mean = seen ? sum / seen : 0;
      if (seen >= 6 && c > 3 * mean) {
        if (open && open.end >= b) open.end = b + bucketMs;
        else out.push((open = { start: b, end: b + bucketMs, kind: 'spike', pattern: Number(pattern), template: null, source, count: c, expected: mean, score: 1 }));
      }
      sum += c;
      seen++;
    }
  }
  return out;
}

/** Does this window speak about this incident (same place, overlapping its time)? */
function matches(w: AnomalyWindow, inc: Incident, slackMs: number): boolean {
  if (w.source !== inc.source) return false;
  if (inc.pattern !== null && w.pattern !== inc.pattern) return false;
  return w.start < inc.end + slackMs && w.end > inc.start;
}

export function match(windows: readonly AnomalyWindow[], logs: GeneratedLogs): DetectorResult {
  const slack = 2 * EVAL_BUCKET_MS;
  const used = new Set<AnomalyWindow>();
  const incidents = logs.incidents.map((inc) => {
    const hits = windows.filter((w) => matches(w, inc, slack));
    hits.forEach((w) => used.add(w));
    if (!hits.length) return { kind: inc.kind, outcome: 'missed' as const, delayBuckets: null };
    const startBucket = Math.floor(inc.start / EVAL_BUCKET_MS) * EVAL_BUCKET_MS;
    const delay = Math.max(0, Math.round((Math.min(...hits.map((w) => w.start)) - startBucket) / EVAL_BUCKET_MS));
    return { kind: inc.kind, outcome: delay <= 2 ? ('found' as const) : ('late' as const), delayBuckets: delay };
  });
  const falseAlarms = windows.filter((w) => !used.has(w)).length;
  return {
    found: incidents.filter((i) => i.outcome === 'found').length,
    late: incidents.filter((i) => i.outcome === 'late').length,
    missed: incidents.filter((i) => i.outcome === 'missed').length,
    falseAlarms,
    falseAlarmsPerDay: falseAlarms / logs.days,
    incidents,
  };
}

/** The table as text: one line per seed, ours beside the baseline. */
export function formatEvalTable(rows: readonly EvalRow[]): string {
  const head = 'seed  days  records  incidents | ours: found late missed  FA/day | baseline (count > 3× mean): found late missed  FA/day | target';
  const lines = rows.map((r) =>
    [
      String(r.seed).padStart(4),
      String(r.days).padStart(5),
      String(r.records).padStart(8),
      String(r.incidents).padStart(10),
      ` |       ${String(r.ours.found).padStart(5)} ${String(r.ours.late).padStart(4)} ${String(r.ours.missed).padStart(6)} ${r.ours.falseAlarmsPerDay.toFixed(2).padStart(7)}`,
      ` |                              ${String(r.baseline.found).padStart(5)} ${String(r.baseline.late).padStart(4)} ${String(r.baseline.missed).padStart(6)} ${r.baseline.falseAlarmsPerDay.toFixed(2).padStart(7)}`,
      ` | ${r.meetsTarget ? 'met' : 'NOT MET'}`,
    ].join(''),
  );
  const details = rows.map(
    (r) => `seed ${r.seed}: ` + r.ours.incidents.map((i) => `${i.kind} ${i.outcome}${i.delayBuckets === null ? '' : ` (+${i.delayBuckets})`}`).join(', '),
  );
  return [head, ...lines, '', 'ours, per incident (delay in 10-minute buckets):', ...details].join('\n');
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seeds = (argValue('--seeds') ?? '1,2,3,4,5').split(',').map(Number);
  const days = Number(argValue('--days') ?? 6);
  const rows = seeds.map((s) => evaluateAnomalyWindows(s, days));
  console.log(formatEvalTable(rows));
  process.exitCode = rows.every((r) => r.meetsTarget) ? 0 : 1;
}
