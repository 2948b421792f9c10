import { z } from 'zod';
import { FEATURES, N_FEATURES, type FeatureName } from './features';
import { fitForest, scoreRows, type Forest } from './isolation-forest';
import { forestToOnnx } from './onnx-forest';

/** What a model was fitted on: the model card says it, so a person can tell models apart. */
export const TrainedOnSchema = z.object({
  /** generated: the train script's synthetic logs; range: "learn from this range"; recent: the scheduled refit. */
  kind: z.enum(['generated', 'range', 'recent']),
  /** Time span of the records, ms since the epoch (null when unknown). */
  from: z.number().nullable(),
  to: z.number().nullable(),
  records: z.number().int(),
  patterns: z.number().int(),
  sources: z.array(z.string()).max(50),
  /** Free text: the generator's seed and days, or the data folder. */
  description: z.string(),
});
export type TrainedOn = z.infer<typeof TrainedOnSchema>;

const FeatureRange = z.tuple([z.number(), z.number()]);

export const AnomalyCardSchema = z.object({
  model: z.literal('anomaly'),
  format: z.literal(1),
  task: z.string(),
  createdAt: z.string(),
  file: z.string(),
  trainedOn: TrainedOnSchema,
  features: z.array(z.object({ name: z.enum(FEATURES), description: z.string() })),
  method: z.object({
    algorithm: z.literal('isolation-forest'),
    trees: z.number().int(),
    sampleSize: z.number().int(),
    seed: z.number().int(),
    contamination: z.number(),
  }),
  /** Score above which a record is `anomalous`. */
  threshold: z.number(),
  /** Per feature, the 0.5 % and 99.5 % quantiles of the training data: "outside its usual range". */
  typical: z.record(z.string(), FeatureRange),
  /** Per feature, the median of the training data: the reference for "which features pushed the score". */
  center: z.record(z.string(), z.number()),
  metrics: z.object({
    scoreQuantiles: z.object({ p50: z.number(), p90: z.number(), p99: z.number(), p999: z.number() }),
    anomalousShare: z.number(),
    fitSeconds: z.number(),
  }),
  rebuild: z.string(),
  /** sha256 of the model file, written beside it. */
  sha256: z.string().optional(),
});
export type AnomalyCard = z.infer<typeof AnomalyCardSchema>;

export const FEATURE_DESCRIPTIONS: Record<FeatureName, string> = {
  rarity: "log10 of (records seen / this pattern's records): rare patterns score high",
  age: 'log10 of seconds since the pattern was first seen: new patterns are 0',
  severity: 'effective severity as the level code (0 none, 1 trace … 7 fatal)',
  category_rarity: 'log10 of (categorised records / records of this category); 0 without a category',
  param_z: "largest |z-score| of a numeric parameter (log scale) against its pattern's position history",
  burst: "log2 of this pattern's records in the last minute against its rate over the last hour",
};

export interface FitOptions {
  seed?: number;
  trees?: number;
  sampleSize?: number;
  /** Share of training records expected to be anomalous: sets the decision threshold. */
  contamination?: number;
  /** Called with a fraction in [0, 1] while scoring the training data. */
  onProgress?: (fraction: number) => void;
}

export interface FittedModel {
  forest: Forest;
  onnx: Uint8Array;
  card: AnomalyCard;
}

/** The lowest threshold we accept: below 0.5 the forest calls ordinary points anomalous. */
const MIN_THRESHOLD = 0.55;
/** Scores for the threshold come from at most this many rows (a stride sample): quantiles need no more. */
const THRESHOLD_SAMPLE = 200_000;

/**
 * Fit the anomaly model on feature rows (row-major, N_FEATURES columns): the forest, its
 * decision threshold, each feature's typical range, the ONNX bytes and the model card.
 */
export function fitAnomalyModel(rows: Float32Array, trainedOn: TrainedOn, opts: FitOptions = {}): FittedModel {
  const started = performance.now();
  const n = rows.length / N_FEATURES;
  const seed = opts.seed ?? 7;
  const contamination = opts.contamination ?? 0.005;
  const forest = fitForest(rows, N_FEATURES, { trees: opts.trees ?? 100, sampleSize: opts.sampleSize ?? 256, seed });

  const stride = Math.max(1, Math.floor(n / THRESHOLD_SAMPLE));
  const m = Math.floor(n / stride);
  const sample = new Float32Array(m * N_FEATURES);
  for (let i = 0; i < m; i++) sample.set(rows.subarray(i * stride * N_FEATURES, (i * stride + 1) * N_FEATURES), i * N_FEATURES);
  opts.onProgress?.(0.2);
  const scores = Float64Array.from(scoreRows(forest, sample)).sort();
  opts.onProgress?.(0.8);
  const q = (p: number) => scores[Math.min(scores.length - 1, Math.floor(p * scores.length))]!;
  const threshold = Math.fround(Math.max(MIN_THRESHOLD, q(1 - contamination)));
  let above = 0;
  for (const s of scores) if (s > threshold) above++;

  const typical: Record<string, [number, number]> = {};
  const center: Record<string, number> = {};
  const column = new Float64Array(m);
  FEATURES.forEach((name, f) => {
    for (let i = 0; i < m; i++) column[i] = sample[i * N_FEATURES + f]!;
    column.sort();
    typical[name] = [column[Math.floor(0.005 * (m - 1))]!, column[Math.ceil(0.995 * (m - 1))]!];
    center[name] = column[Math.floor(0.5 * (m - 1))]!;
  });

  const onnx = forestToOnnx(forest, {
    featureNames: FEATURES,
    threshold,
    metadata: { trained_on: JSON.stringify(trainedOn), typical: JSON.stringify(typical) },
  });
  const card: AnomalyCard = {
    model: 'anomaly',
    format: 1,
    task: 'per-record anomaly score in [0, 1] and an anomalous decision, unsupervised',
    createdAt: new Date().toISOString(),
    file: 'anomaly.onnx',
    trainedOn,
    features: FEATURES.map((name) => ({ name, description: FEATURE_DESCRIPTIONS[name] })),
    method: { algorithm: 'isolation-forest', trees: forest.trees, sampleSize: forest.sampleSize, seed, contamination },
    threshold,
    typical,
    center,
    metrics: {
      scoreQuantiles: { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999) },
      anomalousShare: above / Math.max(1, scores.length),
      fitSeconds: (performance.now() - started) / 1000,
    },
    rebuild:
      trainedOn.kind === 'generated'
        ? 'npm run train (trainAnomalyModel in src/engine/ml/anomaly/train.ts)'
        : 'LogScope refits it from your data ("learn from this range", or the scheduled refit)',
  };
  opts.onProgress?.(1);
  return { forest, onnx, card };
}
