/**
 * Anomaly windows: a pure detector over bucket counts. The engine gets its input from one
 * GROUP BY (windows-query.ts); the evaluation feeds it generated data (eval.ts).
 *
 * For each series (a pattern in a source, and each source's total) every bucket is compared
 * with a baseline learnt only from the buckets before it:
 *
 * - once the series has 3 days of history, the same time of day on up to 7 earlier days
 *   (the mean of ±2 buckets around it on each day, then the median across days): the
 *   hour-of-day rhythm;
 * - before that, the median of the last 6 buckets (robust: a short incident does not move
 *   it), with the MAD of the last 36 as the spread.
 *
 * Counts are compared on Anscombe's variance-stabilised scale, z = 2(√(x+3/8) − √(μ+3/8)),
 * which is about N(0, 1) for Poisson counts whatever their mean, divided by the robust
 * spread of the history on that scale when that is wider (overdispersed or drifting series).
 *
 * Kinds:
 * - `spike`: far more than expected (z ≥ 5 and at least twice the expectation plus 3);
 * - `drop`: falling to silence (z ≤ −4.5, at most a quarter of an expectation of ≥ 5), judged
 *   per source; a pattern's own drop needs z ≤ −5.5 and is reported only when its source is
 *   not silent as a whole;
 * - `new`: a pattern first seen after a baseline exists (the data had `minHistoryBuckets`);
 *   a pattern first seen before that is part of the baseline, not new;
 * - `outlier`: the pattern's records score higher on the per-record anomaly model than they
 *   usually do (a parameter out of its range, say), when the rows carry `scoreSum`: the
 *   bucket's mean score (pooled with the one or two before it when it has fewer than 5
 *   records) against the median and MAD of the mean scores of its recent buckets.
 *
 * Flagged buckets (and those of a silent source) are left out of later baselines, so an
 * incident is not learnt as normal while it lasts; after 3 hours it is the new normal.
 * Consecutive flagged buckets (gaps of one allowed) of one series and kind make one window.
 */

export type WindowKind = 'spike' | 'drop' | 'new' | 'outlier';

export interface BucketRow {
  /** Start of the bucket, ms since the epoch (a multiple of bucketMs). */
  bucket: number;
  /** Template id; null for records without a pattern (they count towards their source only). */
  pattern: number | null;
  source: string;
  count: number;
  /** Sum of the records' per-record anomaly scores, when known. */
  scoreSum?: number;
}

export interface AnomalyWindow {
  start: number;
  end: number;
  kind: WindowKind;
  /** null for a window about a whole source. */
  pattern: number | null;
  template: string | null;
  source: string;
  /** Records in the window. */
  count: number;
  /** Records the count baseline expected over the window. */
  expected: number;
  /** 0..1: 1 − 2^(−|z|/5) of the strongest bucket, so z = 5 scores 0.5; 1 for `new`. */
  score: number;
}

export interface DetectOptions {
  bucketMs: number;
  /** Windows are reported when they end after `from` and start before `to`; earlier rows are history. */
  from?: number | null;
  to?: number | null;
  /** Buckets that end after this are incomplete (live data) and not judged. Default: to. */
  completeUntil?: number | null;
  /** First time each pattern was ever seen (the templates table); otherwise its first row. */
  firstSeen?: ReadonlyMap<number, number>;
  templates?: ReadonlyMap<number, string>;
  /** When the data began (the oldest record); otherwise the first row's bucket. */
  dataStart?: number | null;
  /** Buckets of data before a baseline exists. Default: 36 (6 h of 10-minute buckets), at least 6 h. */
  minHistoryBuckets?: number;
  spikeZ?: number;
  dropZ?: number;
}

const DAY_MS = 86_400_000;
const RECENT_WINDOW = 36;
const RECENT_LEVEL = 6;
/** After this many anomalous buckets in a row (3 h of 10-minute buckets) the level is taken as the new normal. */
const MAX_EXCLUDED_RUN = 18;
const SEASONAL_MIN_DAYS = 3;
const SEASONAL_MAX_DAYS = 7;
const SEASONAL_HALF_WIDTH = 2;
/** Records a bucket needs before its mean anomaly score means something. */
const MIN_SCORED = 5;
const OUTLIER_Z = 6;

interface Series {
  source: string;
  pattern: number | null;
  counts: Float64Array;
  scoreSum: Float64Array | null;
  /** First bucket index with a record. */
  first: number;
}

interface Flag {
  index: number;
  kind: WindowKind;
  count: number;
  expected: number;
  z: number;
}

export function detectWindows(rows: readonly BucketRow[], opts: DetectOptions): AnomalyWindow[] {
  const bucketMs = opts.bucketMs;
  if (!(bucketMs > 0)) throw new Error('detectWindows: bucketMs must be positive');
  if (!rows.length) return [];
  let minBucket = Infinity;
  let maxBucket = -Infinity;
  for (const r of rows) {
    if (r.bucket < minBucket) minBucket = r.bucket;
    if (r.bucket > maxBucket) maxBucket = r.bucket;
  }
  const origin = Math.floor(minBucket / bucketMs) * bucketMs;
  const toIndex = (ms: number) => Math.floor((ms - origin) / bucketMs);
  const lastComplete = opts.completeUntil ?? opts.to ?? null;
  const endIndex = lastComplete === null ? toIndex(maxBucket) : Math.min(toIndex(maxBucket), toIndex(lastComplete) - 1);
  const n = Math.max(toIndex(maxBucket), endIndex) + 1;
  const perDay = Math.round(DAY_MS / bucketMs);
  const minHistory = opts.minHistoryBuckets ?? Math.max(RECENT_WINDOW, Math.ceil((6 * 3_600_000) / bucketMs));
  const dataStart = Math.min(opts.dataStart ?? origin, origin);
  const baselineFrom = dataStart + minHistory * bucketMs;
  const spikeZ = opts.spikeZ ?? 5;
  const dropZ = opts.dropZ ?? -4.5;

  // Dense series: one per (source, pattern), and one per source for its total.
  const series = new Map<string, Series>();
  const get = (source: string, pattern: number | null, withScores: boolean): Series => {
    const key = `${pattern ?? '*'}\u0000${source}`;
    let s = series.get(key);
    if (!s) {
      s = { source, pattern, counts: new Float64Array(n), scoreSum: withScores ? new Float64Array(n) : null, first: n };
      series.set(key, s);
    }
    return s;
  };
  const patternFirst = new Map<number, { index: number; source: string; count: number }>();
  for (const r of rows) {
    const i = toIndex(r.bucket);
    if (i < 0 || i >= n || !(r.count > 0)) continue;
    const total = get(r.source, null, false);
    total.counts[i]! += r.count;
    total.first = Math.min(total.first, i);
    if (r.pattern === null) continue;
    const s = get(r.source, r.pattern, r.scoreSum !== undefined);
    s.counts[i]! += r.count;
    if (s.scoreSum && r.scoreSum) s.scoreSum[i]! += r.scoreSum;
    s.first = Math.min(s.first, i);
    const pf = patternFirst.get(r.pattern);
    if (!pf || i < pf.index || (i === pf.index && r.count > pf.count)) patternFirst.set(r.pattern, { index: i, source: r.source, count: r.count });
  }

  const reportFrom = opts.from ?? -Infinity;
  const reportTo = opts.to ?? Infinity;
  const windows: AnomalyWindow[] = [];
  const template = (p: number | null) => (p === null ? null : (opts.templates?.get(p) ?? null));

  // Sources silent as a whole, per bucket: their patterns' own drops would say it again, and
  // those buckets teach their patterns' baselines nothing.
  const silent = new Map<string, Uint8Array>();
  const flagsBySeries = new Map<Series, Flag[]>();
  for (const s of series.values()) {
    if (s.pattern !== null) continue;
    const excluded = new Uint8Array(n);
    flagsBySeries.set(s, judge(s, endIndex, perDay, minHistory, spikeZ, dropZ, 'drops', excluded));
    silent.set(s.source, excluded);
  }
  for (const s of series.values()) {
    if (s.pattern === null) continue;
    const quiet = silent.get(s.source)!;
    const flags = judge(s, endIndex, perDay, minHistory, spikeZ, dropZ, 'all', Uint8Array.from(quiet));
    flagsBySeries.set(s, flags.filter((f) => f.kind !== 'drop' || !quiet[f.index]));
  }
  for (const [s, flags] of flagsBySeries) {
    for (const w of mergeFlags(flags)) {
      const start = origin + w.first * bucketMs;
      const end = origin + (w.last + 1) * bucketMs;
      if (end <= reportFrom || start >= reportTo) continue;
      windows.push({
        start,
        end,
        kind: w.kind,
        pattern: s.pattern,
        template: template(s.pattern),
        source: s.source,
        count: w.count,
        expected: round2(w.expected),
        score: zScore(w.z),
      });
    }
  }

  // New patterns: first seen once a baseline exists.
  for (const [pattern, pf] of patternFirst) {
    const firstMs = opts.firstSeen?.get(pattern) ?? origin + pf.index * bucketMs;
    if (firstMs < baselineFrom) continue;
    const index = toIndex(firstMs);
    // Seen first before these rows (the templates table knows): not new in this window of data.
    if (index < pf.index) continue;
    const s = series.get(`${pattern}\u0000${pf.source}`)!;
    const start = origin + index * bucketMs;
    if (start + bucketMs <= reportFrom || start >= reportTo) continue;
    windows.push({
      start,
      end: start + bucketMs,
      kind: 'new',
      pattern,
      template: template(pattern),
      source: pf.source,
      count: s.counts[index] ?? pf.count,
      expected: 0,
      score: 1,
    });
  }
  return windows.sort((a, b) => a.start - b.start || b.score - a.score);
}

/** Flag the buckets of one series that stand out from its baseline. */
function judge(
  s: Series,
  endIndex: number,
  perDay: number,
  minHistory: number,
  spikeZ: number,
  dropZ: number,
  kinds: 'drops' | 'all',
  /** Buckets that do not teach the baseline: flagged ones (set here), and a silent source's. */
  excluded: Uint8Array,
): Flag[] {
  const flags: Flag[] = [];
  const c = s.counts;
  const dayMeans: number[] = [];
  const window: number[] = [];
  let excludedRun = 0;
  for (let i = s.first + minHistory; i <= endIndex; i++) {
    // Baseline from earlier buckets only, leaving out anomalous ones so a silence or a burst
    // does not become its own baseline, unless it has lasted long enough to be the new normal.
    excludedRun = excluded[i - 1] ? excludedRun + 1 : 0;
    const skip = (j: number) => excluded[j] === 1 && excludedRun < MAX_EXCLUDED_RUN;
    const age = i - s.first;
    let expected: number;
    let spread: number;
    dayMeans.length = 0;
    if (age >= SEASONAL_MIN_DAYS * perDay) {
      for (let d = 1; d <= SEASONAL_MAX_DAYS; d++) {
        const centre = i - d * perDay;
        if (centre - SEASONAL_HALF_WIDTH < s.first) break;
        let sum = 0;
        let k = 0;
        for (let j = centre - SEASONAL_HALF_WIDTH; j <= centre + SEASONAL_HALF_WIDTH; j++) {
          if (skip(j)) continue;
          sum += c[j]!;
          k++;
        }
        if (k) dayMeans.push(sum / k);
      }
      expected = median(dayMeans);
      spread = 1.4826 * mad(dayMeans.map(anscombe));
    } else {
      // The level from the last hour (the rhythm moves it within six hours), the spread from
      // the last six (wider for the rhythm: conservative).
      window.length = 0;
      for (let j = i - 1; j >= s.first && j >= i - 2 * RECENT_WINDOW && window.length < RECENT_WINDOW; j--) {
        if (!skip(j)) window.push(c[j]!);
      }
      expected = median(window.slice(0, RECENT_LEVEL));
      spread = 1.4826 * mad(window.map(anscombe));
    }
    const sd = Math.max(1, spread);
    const x = c[i]!;
    const z = (anscombe(x) - anscombe(expected)) / sd;
    // A pattern falling silent on its own needs more evidence than a whole source: there are
    // many patterns, and each one's quiet spells are more likely by chance.
    if (z <= (kinds === 'drops' ? dropZ : dropZ - 1) && expected >= 5 && x <= 0.25 * expected) {
      flags.push({ index: i, kind: 'drop', count: x, expected, z });
      excluded[i] = 1;
    } else if (kinds === 'all' && z >= spikeZ && x >= 2 * expected + 3) {
      flags.push({ index: i, kind: 'spike', count: x, expected, z });
      excluded[i] = 1;
    }
    // A quiet bucket is pooled with the one or two before it until it has MIN_SCORED records
    // (a drift at night shows in few records per bucket).
    let pooledCount = x;
    let pooledSum = s.scoreSum ? s.scoreSum[i]! : 0;
    for (let j = i - 1; s.scoreSum && pooledCount < MIN_SCORED && j >= Math.max(s.first, i - 2); j--) {
      pooledCount += c[j]!;
      pooledSum += s.scoreSum[j]!;
    }
    if (kinds === 'all' && s.scoreSum && x > 0 && pooledCount >= MIN_SCORED) {
      // Mean score of this bucket against the mean scores of recent buckets with enough records.
      const history: number[] = [];
      const sizes: number[] = [];
      for (let j = i - 1; j >= Math.max(s.first, i - perDay) && history.length < RECENT_WINDOW; j--) {
        if (c[j]! < MIN_SCORED) continue;
        history.push(s.scoreSum[j]! / c[j]!);
        sizes.push(c[j]!);
      }
      if (history.length >= RECENT_WINDOW / 3) {
        const usual = median(history);
        const mean = pooledSum / pooledCount;
        // A mean over fewer records than usual wanders more: by √(usual size / this size).
        const sd = Math.max(1.4826 * mad(history), 0.01) * Math.sqrt(Math.max(1, median(sizes) / pooledCount));
        const zs = (mean - usual) / sd;
        if (zs >= OUTLIER_Z && mean - usual >= 0.08) flags.push({ index: i, kind: 'outlier', count: x, expected, z: zs });
      }
    }
  }
  return flags;
}

interface Merged {
  kind: WindowKind;
  first: number;
  last: number;
  count: number;
  expected: number;
  z: number;
}

function mergeFlags(flags: Flag[]): Merged[] {
  const out: Merged[] = [];
  const open = new Map<WindowKind, Merged>();
  for (const f of flags) {
    const m = open.get(f.kind);
    if (m && f.index - m.last <= 2) {
      m.last = f.index;
      m.count += f.count;
      m.expected += f.expected;
      if (Math.abs(f.z) > Math.abs(m.z)) m.z = f.z;
    } else {
      const w = { kind: f.kind, first: f.index, last: f.index, count: f.count, expected: f.expected, z: f.z };
      out.push(w);
      open.set(f.kind, w);
    }
  }
  return out;
}

function anscombe(x: number): number {
  return 2 * Math.sqrt(Math.max(0, x) + 0.375);
}

function zScore(z: number): number {
  return round2(1 - Math.pow(2, -Math.abs(z) / 5));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Scratch for the medians: `judge` takes several per bucket of every series (tens of
 * thousands of buckets on a large store), each of a handful of values (at most
 * RECENT_WINDOW). Copying and sorting a fresh array each time was ~300 ms of one call on
 * 5.8 M rows; an insertion sort in a reused buffer allocates nothing.
 */
let scratch = new Float64Array(64);

/** Sorts values (with `shift` subtracted, as absolute values when `abs`) into scratch[0, n). */
function sortedCopy(values: readonly number[], shift: number, abs: boolean): Float64Array {
  const n = values.length;
  if (n > scratch.length) scratch = new Float64Array(n * 2);
  const v = scratch;
  for (let i = 0; i < n; i++) {
    const x = abs ? Math.abs(values[i]! - shift) : values[i]!;
    let j = i - 1;
    while (j >= 0 && v[j]! > x) {
      v[j + 1] = v[j]!;
      j--;
    }
    v[j + 1] = x;
  }
  return v;
}

function middle(v: Float64Array, n: number): number {
  const mid = n >> 1;
  return n % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

export function median(values: readonly number[]): number {
  return values.length ? middle(sortedCopy(values, 0, false), values.length) : 0;
}

export function mad(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = median(values);
  return middle(sortedCopy(values, m, true), values.length);
}
