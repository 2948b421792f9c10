import { describe, expect, it } from 'vitest';
import { FEATURE_RANGES, FEATURES, FeatureState, N_FEATURES, type FeatureName } from './features';

const at = (row: Float32Array, name: FeatureName) => row[FEATURES.indexOf(name)]!;

describe('anomaly features', () => {
  it('sees a pattern first as new and rare, then as ordinary', () => {
    const s = new FeatureState();
    const t0 = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 1000; i++) s.next({ ts: t0 + i * 1000, pattern: 1, level: 3, params: [String(100 + (i % 7))] });
    const fresh = s.next({ ts: t0 + 1_000_000, pattern: 2, level: 6 });
    expect(at(fresh, 'age')).toBe(0);
    expect(at(fresh, 'rarity')).toBeCloseTo(3, 1);
    expect(at(fresh, 'severity')).toBe(6);
    const usual = s.next({ ts: t0 + 1_001_000, pattern: 1, level: 3, params: ['103'] });
    expect(at(usual, 'rarity')).toBeLessThan(0.01);
    expect(at(usual, 'age')).toBeGreaterThan(2.9);
    expect(at(usual, 'param_z')).toBeLessThan(3);
    // The same pattern with a parameter far outside its range.
    const odd = s.next({ ts: t0 + 1_002_000, pattern: 1, level: 3, params: ['90000'] });
    expect(at(odd, 'param_z')).toBeGreaterThan(10);
  });

  it('sees a burst of a pattern against its usual rate', () => {
    const s = new FeatureState();
    const t0 = Date.UTC(2024, 0, 1);
    // One a minute for two hours, then 200 in ten seconds.
    for (let i = 0; i < 120; i++) s.next({ ts: t0 + i * 60_000, pattern: 5, level: 6 });
    let last: Float32Array = new Float32Array(N_FEATURES);
    for (let i = 0; i < 200; i++) last = s.next({ ts: t0 + 120 * 60_000 + i * 50, pattern: 5, level: 6 });
    expect(at(last, 'burst')).toBeGreaterThan(5);
  });

  it('turns NaN and infinite inputs into finite features within their ranges', () => {
    const s = new FeatureState();
    for (let i = 0; i < 50; i++) s.next({ ts: i * 1000, pattern: 1, level: 3, params: ['5'] });
    const rows = [
      s.next({ ts: NaN, pattern: 1, level: NaN, params: ['NaN', 'Infinity', '1e400', '-1e400'] }),
      s.next({ ts: Infinity, pattern: 1, level: Infinity, params: ['1e308'] }),
      s.next({ ts: -Infinity, pattern: null, level: -5, params: null, category: '' }),
    ];
    for (const row of rows) {
      FEATURES.forEach((name, f) => {
        expect(Number.isFinite(row[f]!), `${name} = ${row[f]}`).toBe(true);
        expect(row[f]!).toBeGreaterThanOrEqual(FEATURE_RANGES[name].min);
        expect(row[f]!).toBeLessThanOrEqual(FEATURE_RANGES[name].max);
      });
    }
  });

  it('keeps its state bounded on a stream of unique lines', () => {
    const s = new FeatureState({ maxPatterns: 1000 });
    for (let i = 0; i < 50_000; i++) {
      const row = s.next({ ts: i * 10, pattern: i, level: 3, params: [String(i), 'x', String(i * 2)] });
      if (i % 5000 === 0) expect(Number.isFinite(at(row, 'rarity'))).toBe(true);
      expect(s.patternCount).toBeLessThanOrEqual(1000);
    }
    // The kept patterns are the recent ones: a pattern seen a moment ago is still known.
    const again = s.next({ ts: 500_000, pattern: 49_999, level: 3 });
    expect(at(again, 'age')).toBeGreaterThan(0);
    // And the total counts only what is kept, so shares stay shares.
    expect(s.records).toBeLessThanOrEqual(1001);
  });

  it('is deterministic: the same records give the same bytes', () => {
    const run = () => {
      const s = new FeatureState();
      const out = new Float32Array(300 * N_FEATURES);
      for (let i = 0; i < 300; i++) s.next({ ts: i * 777, pattern: i % 9, level: i % 8, params: [String((i * 37) % 101)], category: i % 3 ? 'net' : 'db' }, out, i * N_FEATURES);
      return Buffer.from(out.buffer);
    };
    expect(run().equals(run())).toBe(true);
  });
});
