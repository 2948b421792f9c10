import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { attribution, fitForest, pathSums, scoreRows } from './isolation-forest';
import { forestToOnnx, IO, onnxToForest } from './onnx-forest';
import { Rng } from './rng';

/** n points around the origin in `dims` dimensions, plus a few far away at the end. */
function cloud(n: number, dims: number, outliers: number, seed = 3): Float32Array {
  const rng = new Rng(seed);
  const rows = new Float32Array((n + outliers) * dims);
  for (let i = 0; i < n * dims; i++) rows[i] = rng.normal();
  for (let i = n * dims; i < rows.length; i++) rows[i] = 6 + rng.normal();
  return rows;
}

describe('isolation forest', () => {
  it('scores points far from the rest higher than the points of the cloud', () => {
    const rows = cloud(2000, 4, 10);
    const forest = fitForest(rows, 4, { seed: 1 });
    const scores = scoreRows(forest, rows);
    const inliers = [...scores.subarray(0, 2000)].sort((a, b) => a - b);
    const outliers = [...scores.subarray(2000)];
    const p99 = inliers[Math.floor(0.99 * inliers.length)]!;
    for (const s of outliers) expect(s).toBeGreaterThan(p99);
    expect(inliers[1000]!).toBeLessThan(0.5);
    for (const s of scores) expect(s > 0 && s <= 1).toBe(true);
  });

  it('is deterministic: same data and seed, same trees and the same ONNX bytes; another seed differs', () => {
    const rows = cloud(1000, 3, 5);
    const a = forestToOnnx(fitForest(rows, 3, { seed: 9 }), { featureNames: ['a', 'b', 'c'], threshold: 0.6 });
    const b = forestToOnnx(fitForest(rows, 3, { seed: 9 }), { featureNames: ['a', 'b', 'c'], threshold: 0.6 });
    const c = forestToOnnx(fitForest(rows, 3, { seed: 10 }), { featureNames: ['a', 'b', 'c'], threshold: 0.6 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('gives the isolating feature the most weight in the attribution', () => {
    const rows = cloud(2000, 3, 0);
    const forest = fitForest(rows, 3, { seed: 2 });
    const w = attribution(forest, Float32Array.from([0.3, 9, -0.2]), [0, 0, 0]);
    expect(w[1]!).toBeGreaterThan(0.8);
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
  });

  it('refuses to fit on fewer than two points', () => {
    expect(() => fitForest(new Float32Array(3), 3)).toThrow(/at least 2 points/);
  });
});

describe('the ONNX graph of a forest', () => {
  it('outputs the same path sums, scores and decisions as the TypeScript forest', async () => {
    const rows = cloud(3000, 5, 30, 11);
    const forest = fitForest(rows, 5, { trees: 100, seed: 4 });
    const threshold = 0.6;
    const bytes = forestToOnnx(forest, { featureNames: ['a', 'b', 'c', 'd', 'e'], threshold });
    const session = await ort.InferenceSession.create(bytes);
    // Points the forest never saw too, including values exactly on split thresholds.
    const probe = Float32Array.from([...rows, ...cloud(200, 5, 20, 12), ...forest.threshold.subarray(0, 50)]);
    const n = Math.floor(probe.length / 5);
    const x = probe.subarray(0, n * 5);
    const out = await session.run({ [IO.input]: new ort.Tensor('float32', x, [n, 5]) });
    const onnxSums = out[IO.pathSum]!.data as Float32Array;
    const onnxScores = out[IO.score]!.data as Float32Array;
    const onnxDecisions = out[IO.anomalous]!.data as Uint8Array;
    const tsSums = pathSums(forest, x);
    const tsScores = scoreRows(forest, x);
    let decided = 0;
    for (let i = 0; i < n; i++) {
      expect(Math.abs(onnxSums[i]! - tsSums[i]!)).toBeLessThan(1e-3);
      expect(Math.abs(onnxScores[i]! - tsScores[i]!)).toBeLessThan(1e-5);
      if (Math.abs(tsScores[i]! - threshold) > 1e-5) expect(Boolean(onnxDecisions[i])).toBe(tsScores[i]! > threshold);
      if (tsScores[i]! > threshold) decided++;
    }
    expect(decided).toBeGreaterThan(0);
  });

  it('reads back to the same forest', () => {
    const forest = fitForest(cloud(500, 2, 3), 2, { trees: 20, seed: 5 });
    const back = onnxToForest(forestToOnnx(forest, { featureNames: ['a', 'b'], threshold: 0.6 })).forest;
    expect(back.trees).toBe(20);
    expect([...back.feature]).toEqual([...forest.feature]);
    expect([...back.threshold]).toEqual([...forest.threshold]);
    expect([...back.left]).toEqual([...forest.left]);
    expect([...back.value]).toEqual([...forest.value]);
  });
});
