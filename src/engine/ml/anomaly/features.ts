/**
 * The anomaly model's features, computed one record at a time from bounded state: per
 * pattern a few counters and, for up to MAX_PARAM_POSITIONS numeric parameter positions,
 * a running mean and variance. Patterns beyond `maxPatterns` are forgotten, least recently
 * seen first, so a stream of unique lines cannot grow the state without bound.
 *
 * Each feature is computed *before* the record updates the state: a pattern's first record
 * sees a count of zero and an age of zero.
 */

export const FEATURES = ['rarity', 'age', 'severity', 'category_rarity', 'param_z', 'burst'] as const;
export type FeatureName = (typeof FEATURES)[number];
export const N_FEATURES = FEATURES.length;

/** What a record contributes to its features. */
export interface FeatureInput {
  /** Event time, ms since the epoch. */
  ts: number;
  /** The record's pattern (template id); null when it has none. */
  pattern: number | null;
  /** Effective severity as the stored level code: 0 none, 1 trace … 7 fatal (src/shared/levels.ts). */
  level: number;
  /** The pattern's variable values, in order. */
  params?: readonly string[] | null;
  /** The record's category once the category model gives one. */
  category?: string | null;
}

/** Each feature's allowed range: values are clamped into it, and non-finite ones become `fallback`. */
export const FEATURE_RANGES: Record<FeatureName, { min: number; max: number; fallback: number }> = {
  rarity: { min: 0, max: 12, fallback: 0 },
  age: { min: 0, max: 12, fallback: 0 },
  severity: { min: 0, max: 7, fallback: 0 },
  category_rarity: { min: 0, max: 12, fallback: 0 },
  param_z: { min: 0, max: 50, fallback: 0 },
  burst: { min: -8, max: 16, fallback: 0 },
};

export const MAX_PARAM_POSITIONS = 8;
/** Observations of a parameter position before its z-score counts. */
const MIN_PARAM_OBSERVATIONS = 20;
/** After this many observations a position's mean and variance forget old values (EWMA). */
const PARAM_MEMORY = 5000;
/** Time constants of the "rate now" and "usual rate" counters behind `burst`. */
const BURST_TAU_MS = 60_000;
const USUAL_TAU_MS = 3_600_000;
const MAX_CATEGORIES = 1000;

interface ParamStat {
  n: number;
  mean: number;
  variance: number;
}

interface PatternState {
  count: number;
  first: number;
  last: number;
  /** Decayed counts of recent records: the last minute or so, and the last hour or so. */
  recent: number;
  hour: number;
  params: (ParamStat | null)[];
}

export interface FeatureStateOptions {
  /** Patterns kept; the least recently seen beyond this are forgotten. */
  maxPatterns?: number;
}

const NUMERIC = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?:[a-zA-Z%]{1,3})?$/;

export class FeatureState {
  private readonly patterns = new Map<number, PatternState>();
  private readonly categories = new Map<string, number>();
  private total = 0;
  private categorised = 0;
  readonly maxPatterns: number;

  constructor(opts: FeatureStateOptions = {}) {
    this.maxPatterns = opts.maxPatterns ?? 20_000;
  }

  /** How many patterns the state holds (bounded by maxPatterns). */
  get patternCount(): number {
    return this.patterns.size;
  }

  get records(): number {
    return this.total;
  }

  /**
   * Start from what the store already knows about a pattern (templates table: count, first
   * and last seen), so a restarted engine does not see every pattern as new and rare.
   */
  seedPattern(pattern: number, count: number, firstTs: number, lastTs: number): void {
    if (!(count > 0) || !Number.isFinite(firstTs) || !Number.isFinite(lastTs)) return;
    const existing = this.patterns.get(pattern);
    if (existing) this.total -= existing.count;
    // The usual rate as if the records had been spread evenly over their span.
    const hour = (count / Math.max(lastTs - firstTs, USUAL_TAU_MS)) * USUAL_TAU_MS;
    this.patterns.set(pattern, { count, first: firstTs, last: lastTs, recent: 0, hour, params: [] });
    this.total += count;
    this.evictIfFull();
  }

  /** The record's features (written into `out` at `offset`), then the record joins the state. */
  next(r: FeatureInput, out: Float32Array = new Float32Array(N_FEATURES), offset = 0): Float32Array {
    const ts = Number.isFinite(r.ts) ? r.ts : 0;
    const key = r.pattern ?? -1;
    let p = this.patterns.get(key);

    // rarity: how small a share of all records this pattern is, log10.
    const count = p?.count ?? 0;
    out[offset] = guard('rarity', Math.log10((this.total + 1) / (count + 1)));
    // age: log10 of seconds since the pattern was first seen.
    out[offset + 1] = guard('age', p ? Math.log10(1 + Math.max(0, ts - p.first) / 1000) : 0);
    out[offset + 2] = guard('severity', r.level);
    // category_rarity: like rarity, over categories; 0 when there is no category model yet.
    let catRarity = 0;
    if (r.category) {
      const c = this.categories.get(r.category) ?? 0;
      catRarity = Math.log10((this.categorised + 1) / (c + 1));
    }
    out[offset + 3] = guard('category_rarity', catRarity);

    if (!p) {
      p = { count: 0, first: ts, last: ts, recent: 0, hour: 0, params: [] };
      this.patterns.set(key, p);
      this.evictIfFull();
    }
    // param_z: the largest |z| of a numeric parameter against that position's history
    // (on a log scale: latencies and sizes are heavy-tailed).
    let z = 0;
    const params = r.params ?? [];
    let position = 0;
    for (let i = 0; i < params.length && position < MAX_PARAM_POSITIONS; i++) {
      const text = params[i]!;
      if (!NUMERIC.test(text)) continue;
      const x = signedLog(parseFloat(text));
      if (!Number.isFinite(x)) continue;
      let s = p.params[position];
      if (!s) s = p.params[position] = { n: 0, mean: 0, variance: 0 };
      if (s.n >= MIN_PARAM_OBSERVATIONS) {
        const sd = Math.max(Math.sqrt(s.variance), 0.05);
        z = Math.max(z, Math.abs(x - s.mean) / sd);
      }
      updateStat(s, x);
      position++;
    }
    out[offset + 4] = guard('param_z', z);

    // burst: records of this pattern in the last minute or so against what its rate over the
    // last hour or so would put there (+1 so a rare pattern's lone record is not a burst),
    // log2. An hour, not the pattern's lifetime: the daily rhythm is not a burst.
    const dt = Math.max(0, ts - p.last);
    const recent = p.recent * Math.exp(-dt / BURST_TAU_MS) + 1;
    const hour = p.hour * Math.exp(-dt / USUAL_TAU_MS) + 1;
    const usualTau = Math.min(USUAL_TAU_MS, Math.max(ts - p.first, BURST_TAU_MS));
    const expected = (hour / usualTau) * BURST_TAU_MS + 1;
    out[offset + 5] = guard('burst', p.count ? Math.log2(recent / expected) : 0);

    p.recent = recent;
    p.hour = hour;
    p.count++;
    p.last = Math.max(p.last, ts);
    this.total++;
    if (r.category) {
      if (this.categories.has(r.category) || this.categories.size < MAX_CATEGORIES) {
        this.categories.set(r.category, (this.categories.get(r.category) ?? 0) + 1);
      }
      this.categorised++;
    }
    return out;
  }

  /** Forget the least recently seen tenth once the map is over its cap (amortised O(1)). */
  private evictIfFull(): void {
    if (this.patterns.size <= this.maxPatterns) return;
    const drop = Math.max(1, this.patterns.size - Math.floor(this.maxPatterns * 0.9));
    const byLast = [...this.patterns].sort((a, b) => a[1].last - b[1].last);
    for (let i = 0; i < drop; i++) {
      const [key, s] = byLast[i]!;
      this.patterns.delete(key);
      // Forgotten records leave the total too, so shares stay shares of what is kept.
      this.total -= s.count;
    }
  }
}

function guard(name: FeatureName, v: number): number {
  const r = FEATURE_RANGES[name];
  if (!Number.isFinite(v)) return r.fallback;
  return Math.min(r.max, Math.max(r.min, v));
}

function signedLog(x: number): number {
  return x >= 0 ? Math.log1p(x) : -Math.log1p(-x);
}

/** Welford's running mean and variance, turning into an EWMA after PARAM_MEMORY values so a lasting change is learnt. */
function updateStat(s: ParamStat, x: number): void {
  s.n++;
  const a = 1 / Math.min(s.n, PARAM_MEMORY);
  let d = x - s.mean;
  // Huber-style: once there is a history, a value far outside moves the statistics as if it
  // were 3 standard deviations out, so a drifting parameter stays visible for a while
  // instead of widening its own "usual range" within minutes (the drift is still learnt).
  if (s.n > MIN_PARAM_OBSERVATIONS) {
    const limit = 3 * Math.max(Math.sqrt(s.variance), 0.05);
    d = Math.max(-limit, Math.min(limit, d));
  }
  s.mean += a * d;
  s.variance = (1 - a) * (s.variance + a * d * d);
}

/** Features for a batch of records in order, as one row-major Float32Array. */
export function featureRows(state: FeatureState, records: Iterable<FeatureInput>, count: number): Float32Array {
  const rows = new Float32Array(count * N_FEATURES);
  let i = 0;
  for (const r of records) {
    if (i >= count) break;
    state.next(r, rows, i * N_FEATURES);
    i++;
  }
  return rows;
}
