/**
 * From training rows to a trained model, for each task. Shared by `npm run train`, the
 * evaluation folds and the tests, so what is evaluated is what ships.
 */
import { LEVELS } from '../../../shared/levels';
import { DEFAULT_FEATURES, featurize, type FeatureConfig, type Features } from '../features';
import { CATEGORIES } from '../labels';
import type { TrainRow } from './data';
import { DEFAULT_TRAIN, trainSoftmax, type Example, type LinearModel, type TrainOptions } from './softmax';

export type Task = 'category' | 'severity';

export const TASK_LABELS: Record<Task, readonly string[]> = { category: CATEGORIES, severity: LEVELS };

/** A person's correction counts as much as this many ordinary rows. */
const OVERRIDE_WEIGHT = 4;
/**
 * Severity: a Loghub template's level is what a real system wrote for it; a written line's
 * level is our judgement of what such a system would write. The observed ones count more.
 * 4 is what inner folds by template over the training templates chose (2–4 in each outer fold).
 */
const OBSERVED_LEVEL_WEIGHT = 4;

export interface TaskOptions {
  features: FeatureConfig;
  train: TrainOptions;
  /** Class balance: weights ∝ count^-power (0 none, 1 fully balanced); 0.75 keeps rare classes from swamping the rest. */
  balancePower: number;
  /**
   * Models trained from seeds seed, seed+100, … whose weights are averaged (one matrix, so the
   * graph is unchanged). One AdaGrad run's result depends on its visiting order enough to move
   * the evaluation by ±0.05; the average of five does not.
   */
  averageSeeds: number;
  /**
   * Severity: a Loghub template's weight also grows with 1 + ln(its lines), so a template
   * that is a third of a system's output counts more than one seen once (the figure is over
   * lines, and so is what a person sees in the histogram).
   */
  logLineWeight?: boolean;
}

export const DEFAULT_TASK_OPTIONS: TaskOptions = { features: DEFAULT_FEATURES, train: DEFAULT_TRAIN, balancePower: 0.75, averageSeeds: 5 };

/**
 * Each task's options. Severity trains longer and faster (15 epochs at 0.05 left it
 * underfit) and weighs templates by their lines: chosen by nested folds (inner folds by
 * template inside each outer fold's training templates), never on the outer test folds.
 */
export const TASK_OPTIONS: Record<Task, TaskOptions> = {
  category: DEFAULT_TASK_OPTIONS,
  severity: { ...DEFAULT_TASK_OPTIONS, train: { ...DEFAULT_TRAIN, epochs: 15, learningRate: 0.1 }, logLineWeight: true },
};

export function labelOf(row: TrainRow, task: Task): string | null {
  return task === 'category' ? row.category : row.severity;
}

/** Features are computed once per distinct text: folds reuse them. */
export class FeatureCache {
  private readonly map = new Map<string, Features>();
  constructor(readonly config: FeatureConfig = DEFAULT_FEATURES) {}
  get(text: string): Features {
    let f = this.map.get(text);
    if (!f) this.map.set(text, (f = featurize(text, this.config)));
    return f;
  }
}

export function examplesFor(rows: TrainRow[], task: Task, cache: FeatureCache, balancePower: number, logLineWeight = false): Example[] {
  const labels = TASK_LABELS[task];
  const labelled = rows.filter((r) => labelOf(r, task) !== null);
  const counts = new Map<string, number>();
  for (const r of labelled) counts.set(labelOf(r, task)!, (counts.get(labelOf(r, task)!) ?? 0) + 1);
  const mean = labelled.length / Math.max(1, counts.size);
  return labelled.map((r) => {
    const label = labelOf(r, task)!;
    const balance = Math.pow(mean / counts.get(label)!, balancePower);
    return {
      features: cache.get(r.text),
      label: labels.indexOf(label),
      weight: balance * (r.source === 'override' ? OVERRIDE_WEIGHT : r.source === 'loghub' && task === 'severity' ? OBSERVED_LEVEL_WEIGHT * (logLineWeight ? 1 + Math.log(Math.max(1, r.lines ?? 1)) : 1) : 1),
    };
  });
}

export function trainTask(rows: TrainRow[], task: Task, cache: FeatureCache, opts: TaskOptions = DEFAULT_TASK_OPTIONS): LinearModel {
  const examples = examplesFor(rows, task, cache, opts.balancePower, opts.logLineWeight ?? false);
  if (!examples.length) throw new Error(`no training rows with a ${task} label`);
  const runs = Math.max(1, opts.averageSeeds ?? 1);
  const model = trainSoftmax(examples, TASK_LABELS[task].length, cache.config.buckets, opts.train);
  if (runs === 1) return model;
  // Sum in float64, in a fixed order, so the average is the same bytes every time.
  const W = Float64Array.from(model.W);
  const b = Float64Array.from(model.b);
  for (let k = 1; k < runs; k++) {
    const m = trainSoftmax(examples, TASK_LABELS[task].length, cache.config.buckets, { ...opts.train, seed: opts.train.seed + 100 * k });
    for (let i = 0; i < W.length; i++) W[i]! += m.W[i]!;
    for (let i = 0; i < b.length; i++) b[i]! += m.b[i]!;
  }
  return { ...model, W: Float32Array.from(W, (v) => v / runs), b: Float32Array.from(b, (v) => v / runs) };
}

export function labelCounts(rows: TrainRow[], task: Task): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of TASK_LABELS[task]) out[l] = 0;
  for (const r of rows) {
    const l = labelOf(r, task);
    if (l) out[l]!++;
  }
  return out;
}

export type { TrainOptions };
