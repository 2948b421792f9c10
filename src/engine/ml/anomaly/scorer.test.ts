import { describe, expect, it } from 'vitest';
import type { IngestRecord } from '../../../ingest/record';
import { AnomalyModel, shippedModelDir } from './model';
import { AnomalyScorer } from './scorer';

const record = (i: number, message: string, params: string[], ts: number | null): IngestRecord => ({
  ts, level: i % 17 === 0 ? 'error' : null, host: null, app: null, message, fields: null, format: 'raw', line: i + 1, parseError: null,
  templateId: i, params,
});

describe('the scorer on the shipped model', () => {
  it('an endless stream of unique lines: state stays bounded, every score in [0, 1]', async () => {
    const model = await AnomalyModel.load(shippedModelDir()!);
    const scorer = new AnomalyScorer({ model: () => model, severityOf: () => null, maxPatterns: 2000 });
    const t0 = Date.UTC(2024, 0, 1);
    let scored = 0;
    for (let b = 0; b < 40; b++) {
      // Every record its own pattern (a unique line the miner could not fold).
      const batch = Array.from({ length: 2500 }, (_, k) => {
        const i = b * 2500 + k;
        return record(i, `unique ${i}`, [String(i), String(i * 1.5)], t0 + i * 10);
      });
      const part = scorer.stage(batch, b * 2500 + 1, t0)!;
      const res = (await part.result)!;
      expect(Math.min(...res.scores)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...res.scores)).toBeLessThanOrEqual(1);
      scored += res.scores.length;
      expect(scorer.features.patternCount).toBeLessThanOrEqual(2000);
    }
    expect(scored).toBe(100_000);
  });

  it('NaN and infinite inputs give finite scores in range', async () => {
    const model = await AnomalyModel.load(shippedModelDir()!);
    const scorer = new AnomalyScorer({ model: () => model, severityOf: () => null });
    const odd = ['NaN', 'Infinity', '-Infinity', '1e400', '-1e400', ''];
    const batch = Array.from({ length: 300 }, (_, i) => ({ ...record(i % 3, 'odd', [odd[i % odd.length]!, '5'], i % 5 === 0 ? NaN : i % 7 === 0 ? Infinity : 1000 * i), ts: i % 5 === 0 ? NaN : 1000 * i }));
    const res = (await scorer.stage(batch, 1, 0)!.result)!;
    for (const s of res.scores) expect(Number.isFinite(s) && s >= 0 && s <= 1).toBe(true);
  });

  it('a pattern marked normal scores 0 and one marked anomalous 1, from the next batch on', async () => {
    const model = await AnomalyModel.load(shippedModelDir()!);
    const scorer = new AnomalyScorer({ model: () => model, severityOf: () => null });
    scorer.patternVerdicts.set(1, 'normal');
    scorer.patternVerdicts.set(2, 'anomalous');
    const batch = [record(1, 'a', [], 1000), record(2, 'b', [], 2000), record(3, 'c', [], 3000)];
    const res = (await scorer.stage(batch, 1, 0)!.result)!;
    expect([res.scores[0], res.anomalous[0], res.scores[1], res.anomalous[1]]).toEqual([0, 0, 1, 1]);
  });
});
