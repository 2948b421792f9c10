import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/fixtures';
import { FEATURES, FeatureState, N_FEATURES } from './features';
import { fitAnomalyModel } from './fit';
import { generateLogs } from './generate';
import { scoreRows } from './isolation-forest';
import { AnomalyModel, MODEL_FILE, shippedModelDir } from './model';
import { featuresFromColumns, trainAnomalyModel } from './train';

function generatedFeatures(seed: number, days: number): Float32Array {
  const logs = generateLogs(seed, days, { incidents: false });
  return featuresFromColumns({
    ts: Float64Array.from(logs.records, (r) => r.ts),
    pattern: Int32Array.from(logs.records, (r) => r.pattern),
    level: Uint8Array.from(logs.records, (r) => r.level),
    params: logs.records.map((r) => r.params),
  });
}

const trainedOn = { kind: 'generated' as const, from: null, to: null, records: 0, patterns: 0, sources: [], description: 'test' };

describe('the anomaly model', () => {
  it('scores through ONNX exactly as the TypeScript forest does, and decides by its threshold', async () => {
    const rows = generatedFeatures(4, 1);
    const fitted = fitAnomalyModel(rows, trainedOn, { seed: 3, trees: 50 });
    const model = await AnomalyModel.fromBytes(fitted.onnx, fitted.card);
    const { scores, anomalous } = await model.score(rows);
    const ours = scoreRows(fitted.forest, rows);
    let flagged = 0;
    for (let i = 0; i < ours.length; i++) {
      expect(Math.abs(scores[i]! - ours[i]!)).toBeLessThan(1e-5);
      if (Math.abs(ours[i]! - model.threshold) > 1e-5) expect(anomalous[i]).toBe(ours[i]! > model.threshold ? 1 : 0);
      flagged += anomalous[i]!;
    }
    // About the contamination the threshold was set for (0.5 %).
    expect(flagged / ours.length).toBeGreaterThan(0.001);
    expect(flagged / ours.length).toBeLessThan(0.02);
  });

  it('names the feature behind a high score among its top reasons', async () => {
    const rows = generatedFeatures(4, 1);
    const fitted = fitAnomalyModel(rows, trainedOn, { seed: 3 });
    const model = await AnomalyModel.fromBytes(fitted.onnx, fitted.card);
    // An ordinary record with one parameter 30 standard deviations out.
    const odd = rows.slice(1000 * N_FEATURES, 1001 * N_FEATURES);
    odd[FEATURES.indexOf('param_z')] = 30;
    const { scores } = await model.score(odd);
    expect(scores[0]!).toBeGreaterThan(scoreRows(fitted.forest, rows.slice(1000 * N_FEATURES, 1001 * N_FEATURES))[0]!);
    const reasons = model.reasons(odd);
    expect(reasons[0]).toMatchObject({ feature: 'param_z', value: 30, outside: true });
    expect(reasons[0]!.text).toMatch(/30\.0 standard deviations/);
    expect(reasons[0]!.weight).toBeGreaterThan(0.5);
  });

  it('trains deterministically: the same seed and days give the same ONNX bytes', () => {
    const a = tempDir();
    const b = tempDir();
    trainAnomalyModel({ outDir: a, days: 1, trees: 20, seed: 9 });
    trainAnomalyModel({ outDir: b, days: 1, trees: 20, seed: 9 });
    expect(readFileSync(join(a, MODEL_FILE)).equals(readFileSync(join(b, MODEL_FILE)))).toBe(true);
  });

  it('ships a default model with a card that loads and scores', async () => {
    const dir = shippedModelDir();
    expect(dir, 'models/anomaly.onnx and models/anomaly.json').not.toBeNull();
    const model = await AnomalyModel.load(dir!);
    expect(model.card.trainedOn.kind).toBe('generated');
    expect(model.card.features.map((f) => f.name)).toEqual([...FEATURES]);
    const s = new FeatureState();
    const row = s.next({ ts: Date.UTC(2024, 0, 1), pattern: 1, level: 7, params: ['1'] });
    const { scores } = await model.score(row);
    expect(scores[0]!).toBeGreaterThan(0);
    expect(scores[0]!).toBeLessThanOrEqual(1);
  });

  it('refuses a file that is not an anomaly model, saying so', async () => {
    await expect(AnomalyModel.fromBytes(new Uint8Array([8, 8, 18, 0]), fitAnomalyModel(new Float32Array(12 * N_FEATURES).map((_, i) => i % 5), trainedOn).card)).rejects.toThrow(
      /not an anomaly model/,
    );
  });
});
