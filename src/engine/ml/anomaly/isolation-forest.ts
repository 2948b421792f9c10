import { Rng } from './rng';

/**
 * An isolation forest (Liu, Ting & Zhou, 2008): random trees that split a random feature at
 * a random value until each point stands alone. Unusual points are isolated in few splits,
 * so a short average path means "anomalous". Unsupervised: it learns only what the data
 * usually looks like.
 *
 * Everything is float32 where the ONNX graph is float32 (inputs, thresholds, leaf values),
 * and a split sends `x < threshold` left exactly as ONNX's BRANCH_LT does, so this
 * implementation and the exported TreeEnsembleRegressor take the same path for every input.
 */

export interface ForestOptions {
  trees?: number;
  /** Points per tree (ψ); 256 in the paper, which found more does not help. */
  sampleSize?: number;
  seed?: number | string;
}

export interface Forest {
  nFeatures: number;
  trees: number;
  sampleSize: number;
  /** Node arrays, every tree after the other; `treeStart[t]` is tree t's root. */
  treeStart: Int32Array;
  /** Feature index of a split node; -1 for a leaf. */
  feature: Int32Array;
  threshold: Float32Array;
  /** Children as node indices into the flat arrays. */
  left: Int32Array;
  right: Int32Array;
  /** A leaf's path length: its depth plus c(size) for the points it still holds. */
  value: Float32Array;
}

const EULER = 0.5772156649015329;

/** Average path length of an unsuccessful search in a binary search tree of n points. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n;
}

/**
 * Fit a forest on `rows` (n × nFeatures, row-major). Deterministic: the same rows and seed
 * give the same forest. Non-finite values must have been guarded before (features.ts).
 */
export function fitForest(rows: Float32Array, nFeatures: number, opts: ForestOptions = {}): Forest {
  const n = Math.floor(rows.length / nFeatures);
  if (n < 2) throw new Error(`an isolation forest needs at least 2 points, got ${n}`);
  const trees = opts.trees ?? 100;
  const sampleSize = Math.min(opts.sampleSize ?? 256, n);
  const maxDepth = Math.ceil(Math.log2(sampleSize));
  const rng = new Rng(opts.seed ?? 1);

  const b = new ForestBuilder(nFeatures);
  const treeStart = new Int32Array(trees);
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const sample = new Int32Array(sampleSize);
  for (let t = 0; t < trees; t++) {
    // A sample without replacement: a partial Fisher–Yates over the index array.
    for (let i = 0; i < sampleSize; i++) {
      const j = i + rng.int(n - i);
      const tmp = all[i]!;
      all[i] = all[j]!;
      all[j] = tmp;
      sample[i] = all[i]!;
    }
    treeStart[t] = b.build(rows, sample.slice(), 0, sampleSize, 0, maxDepth, rng);
  }
  return { nFeatures, trees, sampleSize, treeStart, ...b.finish() };
}

class ForestBuilder {
  private feature: number[] = [];
  private threshold: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private value: number[] = [];
  private readonly lo: Float32Array;
  private readonly hi: Float32Array;

  constructor(private readonly nFeatures: number) {
    this.lo = new Float32Array(nFeatures);
    this.hi = new Float32Array(nFeatures);
  }

  /** Build the subtree over idx[from, to) and return its node index. */
  build(rows: Float32Array, idx: Int32Array, from: number, to: number, depth: number, maxDepth: number, rng: Rng): number {
    const node = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(0);
    this.right.push(0);
    this.value.push(0);
    const size = to - from;
    const f = size > 1 && depth < maxDepth ? this.pickFeature(rows, idx, from, to, rng) : -1;
    if (f < 0) {
      this.value[node] = Math.fround(depth + averagePathLength(size));
      return node;
    }
    const lo = this.lo[f]!;
    const hi = this.hi[f]!;
    let thr = Math.fround(lo + rng.next() * (hi - lo));
    // Both sides must keep a point: x < thr holds lo, x >= thr holds hi.
    if (thr <= lo) thr = nextFloat32Up(lo);
    // Partition idx[from, to) in place: values below thr first.
    let i = from;
    let j = to - 1;
    while (i <= j) {
      if (rows[idx[i]! * this.nFeatures + f]! < thr) i++;
      else {
        const tmp = idx[i]!;
        idx[i] = idx[j]!;
        idx[j] = tmp;
        j--;
      }
    }
    this.feature[node] = f;
    this.threshold[node] = thr;
    this.left[node] = this.build(rows, idx, from, i, depth + 1, maxDepth, rng);
    this.right[node] = this.build(rows, idx, i, to, depth + 1, maxDepth, rng);
    return node;
  }

  /** A random feature among those not constant on these points; -1 when all are. */
  private pickFeature(rows: Float32Array, idx: Int32Array, from: number, to: number, rng: Rng): number {
    const F = this.nFeatures;
    this.lo.fill(Infinity);
    this.hi.fill(-Infinity);
    for (let k = from; k < to; k++) {
      const base = idx[k]! * F;
      for (let f = 0; f < F; f++) {
        const v = rows[base + f]!;
        if (v < this.lo[f]!) this.lo[f] = v;
        if (v > this.hi[f]!) this.hi[f] = v;
      }
    }
    let candidates = 0;
    for (let f = 0; f < F; f++) if (this.hi[f]! > this.lo[f]!) candidates++;
    if (!candidates) return -1;
    let k = rng.int(candidates);
    for (let f = 0; f < F; f++) if (this.hi[f]! > this.lo[f]! && k-- === 0) return f;
    return -1;
  }

  finish(): Omit<Forest, 'nFeatures' | 'trees' | 'sampleSize' | 'treeStart'> {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float32Array.from(this.value),
    };
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The next float32 above a finite float32 value. */
function nextFloat32Up(x: number): number {
  if (x === 0) return 1.401298464324817e-45;
  f32[0] = x;
  if (x > 0) u32[0]! += 1;
  else u32[0]! -= 1;
  return f32[0]!;
}

/** The leaf a float32 point reaches in one tree. */
function leafOf(forest: Forest, x: Float32Array, offset: number, tree: number): number {
  let node = forest.treeStart[tree]!;
  let f = forest.feature[node]!;
  while (f >= 0) {
    node = x[offset + f]! < forest.threshold[node]! ? forest.left[node]! : forest.right[node]!;
    f = forest.feature[node]!;
  }
  return node;
}

/** Path lengths summed over the trees, one per row: what the ONNX TreeEnsembleRegressor outputs. */
export function pathSums(forest: Forest, rows: Float32Array): Float64Array {
  const F = forest.nFeatures;
  const n = Math.floor(rows.length / F);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < forest.trees; t++) s += forest.value[leafOf(forest, rows, i * F, t)]!;
    out[i] = s;
  }
  return out;
}

/** The standard isolation-forest score from a summed path length: 2^(−E[h]/c(ψ)), in (0, 1]. */
export function scoreFromPathSum(forest: Pick<Forest, 'trees' | 'sampleSize'>, pathSum: number): number {
  return Math.pow(2, -pathSum / (forest.trees * averagePathLength(forest.sampleSize)));
}

/** Scores in (0, 1] per row; near 1 is anomalous, below 0.5 is ordinary. */
export function scoreRows(forest: Forest, rows: Float32Array): Float64Array {
  const sums = pathSums(forest, rows);
  for (let i = 0; i < sums.length; i++) sums[i] = scoreFromPathSum(forest, sums[i]!);
  return sums;
}

/**
 * Which features pushed this point's score up: for each feature, how much longer the
 * average path gets when that one value is replaced by a typical one (`reference`, e.g.
 * the training medians). An occlusion attribution: F + 1 walks through the forest, cheap
 * for the records a person looks at, and it answers the question the UI asks. Returned as
 * shares of the total lengthening (features that shorten the path get 0).
 */
export function attribution(forest: Forest, x: Float32Array, reference: ArrayLike<number>): Float64Array {
  const F = forest.nFeatures;
  const point = Float32Array.from(x.subarray(0, F));
  const base = pathSums(forest, point)[0]!;
  const out = new Float64Array(F);
  let total = 0;
  for (let f = 0; f < F; f++) {
    const kept = point[f]!;
    point[f] = reference[f]!;
    out[f] = Math.max(0, pathSums(forest, point)[0]! - base);
    point[f] = kept;
    total += out[f]!;
  }
  if (total > 0) for (let f = 0; f < F; f++) out[f]! /= total;
  return out;
}
