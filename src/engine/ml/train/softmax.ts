/**
 * Multinomial logistic regression over hashed sparse features, trained with AdaGrad and L2,
 * deterministically: examples are visited in an order drawn from a seeded PRNG, and all
 * arithmetic is in a fixed order, so the same data and seed give the same weights, bit for
 * bit. The weights are the ONNX graph's initialisers (onnx-graph.ts); `predict` here is the
 * same computation in JavaScript, for evaluation folds.
 */
import type { Features } from '../features';
import { mulberry32, shuffle } from './prng';

export interface Example {
  features: Features;
  label: number;
  /** Sample weight (class balance, source). */
  weight: number;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_TRAIN: TrainOptions = { epochs: 5, learningRate: 0.05, l2: 1e-4, seed: 7 };

/** Row-major weights: W[bucket * classes + class]; bias per class. */
export interface LinearModel {
  buckets: number;
  classes: number;
  W: Float32Array;
  b: Float32Array;
}

export function trainSoftmax(examples: Example[], classes: number, buckets: number, opts: TrainOptions = DEFAULT_TRAIN): LinearModel {
  const C = classes;
  const W = new Float64Array(buckets * C);
  const G = new Float64Array(buckets * C);
  const b = new Float64Array(C);
  const Gb = new Float64Array(C);
  const z = new Float64Array(C);
  const random = mulberry32(opts.seed);
  const order = examples.map((_, i) => i);
  const eps = 1e-8;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffle(order, random);
    for (const k of order) {
      const ex = examples[k]!;
      const { indices, weights } = ex.features;
      for (let c = 0; c < C; c++) z[c] = b[c]!;
      for (let i = 0; i < indices.length; i++) {
        const row = indices[i]! * C;
        const x = weights[i]!;
        for (let c = 0; c < C; c++) z[c]! += x * W[row + c]!;
      }
      softmaxInPlace(z);
      for (let c = 0; c < C; c++) {
        const g = ex.weight * (z[c]! - (c === ex.label ? 1 : 0));
        Gb[c]! += g * g;
        b[c]! -= (opts.learningRate * g) / (Math.sqrt(Gb[c]!) + eps);
        for (let i = 0; i < indices.length; i++) {
          const p = indices[i]! * C + c;
          const grad = g * weights[i]! + opts.l2 * W[p]!;
          G[p]! += grad * grad;
          W[p]! -= (opts.learningRate * grad) / (Math.sqrt(G[p]!) + eps);
        }
      }
    }
  }
  return { buckets, classes, W: Float32Array.from(W), b: Float32Array.from(b) };
}

export function softmaxInPlace(z: Float64Array | Float32Array): void {
  let max = -Infinity;
  for (let c = 0; c < z.length; c++) if (z[c]! > max) max = z[c]!;
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    z[c] = Math.exp(z[c]! - max);
    sum += z[c]!;
  }
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
}

/** Class probabilities for one example: the graph's computation, in float32 weights. */
export function predict(model: LinearModel, f: Features): Float64Array {
  const C = model.classes;
  const z = new Float64Array(C);
  for (let c = 0; c < C; c++) z[c] = model.b[c]!;
  for (let i = 0; i < f.indices.length; i++) {
    const row = f.indices[i]! * C;
    for (let c = 0; c < C; c++) z[c]! += f.weights[i]! * model.W[row + c]!;
  }
  softmaxInPlace(z);
  return z;
}

export function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}
