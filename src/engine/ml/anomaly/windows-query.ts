import type { Params, Result } from '../../../shared/protocol';
import { niceBucket } from '../../explore/explore';
import type { Store } from '../../store/store';
import { detectWindows, type BucketRow } from './windows';

/** History before the range that the baseline learns from: a week gives the hour-of-day rhythm. */
const LOOKBACK_MS = 7 * 86_400_000;
/** Buckets at most, history included: bounds the GROUP BY's rows and the detector's work. */
const MAX_BUCKETS = 4000;
const MIN_BUCKET_MS = 5 * 60_000;
/** Series (pattern × source) judged at most, the busiest; new patterns are always kept. */
const MAX_SERIES = 500;

/** A record's pattern with merged patterns folded into the survivor (as pattern-queries.ts does). */
const PATTERN_OF = `coalesce(t.merged_into, g.template_id)`;

/**
 * The `anomalies` method: counts per (bucket, pattern, source) from one GROUP BY over the
 * range and a week of history before it, then the pure detector (windows.ts).
 */
export class AnomalyWindowsQuery {
  private hasScores: boolean | null = null;

  constructor(private readonly store: Store) {}

  async list(p: Params<'anomalies'>): Promise<Result<'anomalies'>> {
    const started = performance.now();
    const [bounds] = await this.store.read(
      `SELECT epoch_ms(min(first_ts))::DOUBLE AS lo, epoch_ms(max(last_ts))::DOUBLE AS hi FROM sources`,
    );
    const lo = bounds?.lo === null || bounds?.lo === undefined ? null : Number(bounds.lo);
    const hi = bounds?.hi === null || bounds?.hi === undefined ? null : Number(bounds.hi);
    const to = p.to ?? (hi === null ? Date.now() : hi + 1);
    const from = p.from ?? (lo === null ? to - 3_600_000 : lo);
    if (lo === null || hi === null || to <= from) return { windows: [], bucketMs: p.bucketMs ?? MIN_BUCKET_MS, from, to, tookMs: performance.now() - started };

    const bucketMs = p.bucketMs ?? Math.max(MIN_BUCKET_MS, niceBucket((to - from) / 300));
    const historyFrom = Math.max(lo, from - Math.min(LOOKBACK_MS, (MAX_BUCKETS - (to - from) / bucketMs) * bucketMs));
    const queryFrom = Math.floor(Math.min(from, historyFrom) / bucketMs) * bucketMs;
    const scoreSum = (await this.scoresStored()) ? ', sum(g.s)::DOUBLE AS score_sum' : '';
    const gScore = scoreSum ? ', sum(anomaly) AS s' : '';
    const sourceSql = p.source === null ? '' : ' AND source = ?';
    const rows = await this.store.read(
      `WITH g AS (SELECT (epoch_ms(ts) // ?::BIGINT) * ?::BIGINT AS b, template_id, source, count(*) AS c${gScore}
                  FROM logs
                  WHERE ts >= make_timestamp(?::BIGINT) AND ts < make_timestamp(?::BIGINT)${sourceSql}
                  GROUP BY ALL)
       SELECT g.b::DOUBLE AS bucket, ${PATTERN_OF}::DOUBLE AS pattern, g.source, sum(g.c)::DOUBLE AS count${scoreSum},
              epoch_ms(min(s.first_ts))::DOUBLE AS first
       FROM g LEFT JOIN templates t ON t.id = g.template_id LEFT JOIN templates s ON s.id = ${PATTERN_OF}
       GROUP BY ALL`,
      [bucketMs, bucketMs, Math.round(queryFrom * 1000), Math.ceil(to * 1000), ...(p.source === null ? [] : [p.source])],
    );
    // When each pattern was first seen at all (the templates table, not only these rows): a
    // pattern last seen months ago is not new when it comes back.
    const firstSeen = new Map<number, number>();
    for (const r of rows) {
      if (r.pattern === null || r.first === null) continue;
      const id = Number(r.pattern);
      firstSeen.set(id, Math.min(firstSeen.get(id) ?? Infinity, Number(r.first)));
    }
    const bucketRows = keepBusiestSeries(
      rows.map((r): BucketRow => ({
        bucket: Number(r.bucket),
        pattern: r.pattern === null ? null : Number(r.pattern),
        source: String(r.source),
        count: Number(r.count),
        ...(scoreSum ? { scoreSum: Number(r.score_sum ?? 0) } : {}),
      })),
      (id) => (firstSeen.get(id) ?? -Infinity) >= queryFrom,
    );
    // The data's last bucket is still filling when logs arrive live: judged once complete.
    const completeUntil = Math.min(to, Math.floor((hi + 1) / bucketMs) * bucketMs);
    const windows = detectWindows(bucketRows, { bucketMs, from, to, completeUntil, firstSeen, dataStart: lo });
    const shown = windows.slice(-p.limit);
    const texts = await this.templateTexts([...new Set(shown.flatMap((w) => (w.pattern === null ? [] : [w.pattern])))]);
    for (const w of shown) if (w.pattern !== null) w.template = texts.get(w.pattern) ?? null;
    return { windows: shown, bucketMs, from, to, tookMs: performance.now() - started };
  }

  /** Whether records carry a per-record anomaly score yet (a later schema may add it). */
  private async scoresStored(): Promise<boolean> {
    if (this.hasScores === null) {
      const [r] = await this.store.read(
        `SELECT count(*)::INTEGER AS n FROM information_schema.columns WHERE table_name = 'logs' AND column_name = 'anomaly'`,
      );
      this.hasScores = Number(r?.n ?? 0) > 0;
    }
    return this.hasScores;
  }

  private async templateTexts(ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows = await this.store.read(
      `SELECT id::DOUBLE AS id, template FROM templates WHERE id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    return new Map(rows.map((r) => [Number(r.id), String(r.template)]));
  }
}

/**
 * The busiest MAX_SERIES (pattern, source) series, every source's records (for its total)
 * and every pattern first seen in the span; rows of other series count for their source only.
 */
function keepBusiestSeries(rows: BucketRow[], isFresh: (pattern: number) => boolean): BucketRow[] {
  const totals = new Map<string, number>();
  for (const r of rows) if (r.pattern !== null) totals.set(`${r.pattern}\u0000${r.source}`, (totals.get(`${r.pattern}\u0000${r.source}`) ?? 0) + r.count);
  if (totals.size <= MAX_SERIES) return rows;
  const kept = new Set([...totals].sort((a, b) => b[1] - a[1]).slice(0, MAX_SERIES).map(([k]) => k));
  return rows.map((r) =>
    r.pattern === null || kept.has(`${r.pattern}\u0000${r.source}`) || isFresh(r.pattern) ? r : { ...r, pattern: null },
  );
}
