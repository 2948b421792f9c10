import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FeatureState, N_FEATURES } from './features';
import { fitAnomalyModel, type AnomalyCard, type FitOptions, type TrainedOn } from './fit';
import { generateLogs } from './generate';
import { writeModelFiles } from './model';

/** Records as columns: what a refit reads from the store and hands to its worker. */
export interface RecordColumns {
  /** Event time, ms. */
  ts: Float64Array;
  /** Template id, -1 for none. */
  pattern: Int32Array;
  /** Level code 0..7. */
  level: Uint8Array;
  /** The params column as stored (a JSON array of strings), already parsed, or null. */
  params: (string | readonly string[] | null)[];
}

/**
 * Feature rows for records, computed in time order (ties in the given order) from a fresh
 * bounded state. `onProgress` gets a fraction now and then.
 */
export function featuresFromColumns(c: RecordColumns, onProgress?: (fraction: number) => void): Float32Array {
  const n = c.ts.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (c.ts[i]! < c.ts[i - 1]!) sorted = false;
  if (!sorted) order.sort((a, b) => c.ts[a]! - c.ts[b]! || a - b);
  const state = new FeatureState();
  const rows = new Float32Array(n * N_FEATURES);
  const step = Math.max(1, Math.floor(n / 20));
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const pattern = c.pattern[i]!;
    state.next({ ts: c.ts[i]!, pattern: pattern < 0 ? null : pattern, level: c.level[i]!, params: parseParams(c.params[i]) }, rows, k * N_FEATURES);
    if (onProgress && k % step === 0) onProgress(k / n);
  }
  return rows;
}

/** The params column: a JSON array of strings; anything else counts as no parameters. */
export function parseParams(v: string | readonly string[] | null | undefined): readonly string[] | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') return v;
  if (!v.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? parsed.map(String) : null;
  } catch {
    return null;
  }
}

export interface TrainAnomalyOptions extends Pick<FitOptions, 'trees' | 'sampleSize' | 'contamination'> {
  /** Folder for anomaly.onnx and anomaly.json; default: the repository's models/. */
  outDir?: string;
  seed?: number;
  /** Days of generated logs to fit on. */
  days?: number;
  log?: (line: string) => void;
}

export interface TrainAnomalyResult {
  file: string;
  card: AnomalyCard;
  bytes: number;
}

/**
 * The shipped default model (`npm run train`): fitted on generated logs without incidents
 * (src/engine/ml/anomaly/generate.ts), so a fresh install scores records before it has
 * learnt the user's own baseline. Deterministic: the same seed and days give the same
 * anomaly.onnx bytes.
 */
export function trainAnomalyModel(opts: TrainAnomalyOptions = {}): TrainAnomalyResult {
  const seed = opts.seed ?? 7;
  const days = opts.days ?? 4;
  const outDir = opts.outDir ?? join(dirname(fileURLToPath(import.meta.url)), '../../../../models');
  const log = opts.log ?? (() => {});
  const logs = generateLogs(seed, days, { incidents: false });
  log(`anomaly: ${logs.records.length} generated records over ${days} days (seed ${seed})`);
  const columns: RecordColumns = {
    ts: Float64Array.from(logs.records, (r) => r.ts),
    pattern: Int32Array.from(logs.records, (r) => r.pattern),
    level: Uint8Array.from(logs.records, (r) => r.level),
    params: logs.records.map((r) => r.params),
  };
  const rows = featuresFromColumns(columns);
  const trainedOn: TrainedOn = {
    kind: 'generated',
    from: logs.start,
    to: logs.end,
    records: logs.records.length,
    patterns: logs.templates.size,
    sources: [...new Set(logs.records.map((r) => r.source))],
    description: `generateLogs(seed ${seed}, ${days} days, no incidents): four services with a daily rhythm`,
  };
  const fitted = fitAnomalyModel(rows, trainedOn, { seed, trees: opts.trees, sampleSize: opts.sampleSize, contamination: opts.contamination });
  writeModelFiles(outDir, fitted.onnx, fitted.card);
  const file = join(outDir, 'anomaly.onnx');
  log(`anomaly: wrote ${file} (${fitted.onnx.length} bytes), threshold ${fitted.card.threshold.toFixed(3)}`);
  return { file, card: fitted.card, bytes: fitted.onnx.length };
}

/**
 * The hook `npm run train` (src/engine/ml/train/cli.ts) calls after the category and
 * severity models: the anomaly model into the same models folder, with the same seed.
 */
export function train(o: { modelsDir: string; dataDir?: string; seed: number }): void {
  trainAnomalyModel({ outDir: o.modelsDir, seed: o.seed, log: (line) => console.log(line) });
}
