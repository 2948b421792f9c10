import { levelFromCode } from '../../shared/levels';
import type { Params, Pattern, PatternChange, Result } from '../../shared/protocol';
import { niceBucket, type Explorer } from '../explore/explore';
import type { Row, Store } from '../store/store';

/**
 * A record's pattern, with merged patterns folded into the one that survived: the miner
 * may find later that two patterns are one; stored rows keep the old id and the
 * templates table says where it went.
 */
const PATTERN_OF = `coalesce(t.merged_into, g.template_id)`;

const SORTS: Record<Params<'patterns'>['sort'], string> = {
  count: 'c DESC, id',
  first: 'first_ts DESC, id',
  last: 'last_ts DESC, id',
  new: 'is_new DESC, c DESC, id',
};

/** The Patterns view's queries: what kinds of event a query's records are, and how they changed. */
export class PatternQueries {
  constructor(
    private readonly store: Store,
    private readonly explorer: Explorer,
  ) {}

  async list(p: Params<'patterns'>): Promise<Result<'patterns'>> {
    const started = performance.now();
    const w = await this.explorer.where(p.query, p.from, p.to);
    const range = await this.explorer.range(p.from, p.to);
    const bucketMs = niceBucket((range.to - range.from) / p.buckets);
    const start = Math.floor(range.from / bucketMs) * bucketMs;
    const n = Math.max(1, Math.ceil((range.to - start) / bucketMs));
    // "New in range" needs a start; for all time nothing is new. Far past every real
    // stamp (year 275760), and a whole number inside BIGINT for the driver.
    const newSince = p.from ?? 8.64e15;

    const top = await this.store.read(
      `WITH g AS (SELECT template_id, count(*) AS c FROM logs WHERE (${w.sql}) AND template_id IS NOT NULL GROUP BY 1),
            m AS (SELECT ${PATTERN_OF} AS id, sum(g.c)::DOUBLE AS c FROM g LEFT JOIN templates t ON t.id = g.template_id GROUP BY 1)
       SELECT m.id::DOUBLE AS id, m.c, t.template, t.example,
              epoch_ms(t.first_ts)::DOUBLE AS first_ts, epoch_ms(t.last_ts)::DOUBLE AS last_ts,
              (epoch_ms(t.first_ts) >= ?::DOUBLE) AS is_new, (SELECT count(*) FROM m)::DOUBLE AS total
       FROM m JOIN templates t ON t.id = m.id
       ORDER BY ${SORTS[p.sort]} LIMIT ?`,
      [...w.params, newSince, p.limit],
    );
    if (!top.length) return { patterns: [], total: 0, bucketMs, start, tookMs: performance.now() - started };

    const ids = top.map((r) => Number(r.id));
    const idList = ids.map(() => '?').join(', ');
    // Level mix, trend and sources of the listed patterns in one more pass.
    const detail = await this.store.read(
      `WITH g AS (SELECT template_id, level, source, ((epoch_ms(ts) - ?::BIGINT) // ?::BIGINT)::INTEGER AS b, count(*) AS c
                  FROM logs WHERE (${w.sql}) AND template_id IS NOT NULL GROUP BY ALL)
       SELECT ${PATTERN_OF}::DOUBLE AS id, g.level::INTEGER AS level, g.source, g.b, sum(g.c)::DOUBLE AS c
       FROM g LEFT JOIN templates t ON t.id = g.template_id
       WHERE ${PATTERN_OF} IN (${idList}) GROUP BY ALL`,
      [start, bucketMs, ...w.params, ...ids],
    );
    const byId = new Map<number, { levels: Record<string, number>; trend: number[]; sources: Map<string, number> }>();
    for (const id of ids) byId.set(id, { levels: {}, trend: new Array<number>(n).fill(0), sources: new Map() });
    for (const r of detail) {
      const d = byId.get(Number(r.id));
      if (!d) continue;
      const c = Number(r.c);
      const level = levelFromCode(Number(r.level)) ?? 'none';
      d.levels[level] = (d.levels[level] ?? 0) + c;
      const b = Number(r.b);
      if (b >= 0 && b < n) d.trend[b]! += c;
      d.sources.set(String(r.source), (d.sources.get(String(r.source)) ?? 0) + c);
    }
    const patterns: Pattern[] = top.map((r) => {
      const d = byId.get(Number(r.id))!;
      return {
        id: Number(r.id),
        template: String(r.template),
        count: Number(r.c),
        firstSeen: Number(r.first_ts),
        lastSeen: Number(r.last_ts),
        newInRange: Boolean(r.is_new),
        levels: d.levels,
        trend: d.trend,
        example: String(r.example),
        sources: [...d.sources].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([s]) => s),
      };
    });
    return { patterns, total: Number(top[0]!.total), bucketMs, start, tookMs: performance.now() - started };
  }

  /**
   * Two sides (ranges, sources, or both) of the same query: patterns only in B, only in A,
   * and those whose share of their side's records moved most (shares, not counts, so a
   * busier day does not look like a change in everything).
   */
  async compare(p: Params<'patternsCompare'>): Promise<Result<'patternsCompare'>> {
    const started = performance.now();
    const [a, b] = await Promise.all([this.sideCounts(p.query, p.a), this.sideCounts(p.query, p.b)]);
    const totalA = sum(a.values());
    const totalB = sum(b.values());
    const texts = await this.templateTexts([...new Set([...a.keys(), ...b.keys()])]);
    const change = (id: number): PatternChange => {
      const countA = a.get(id) ?? 0;
      const countB = b.get(id) ?? 0;
      const ratio = countA && totalA && totalB ? countB / totalB / (countA / totalA) : null;
      return { id, template: texts.get(id) ?? '', countA, countB, ratio };
    };
    const added = [...b.keys()].filter((id) => !a.has(id)).map(change).sort((x, y) => y.countB - x.countB);
    const gone = [...a.keys()].filter((id) => !b.has(id)).map(change).sort((x, y) => y.countA - x.countA);
    const changed = [...a.keys()]
      .filter((id) => b.has(id))
      .map(change)
      .filter((c) => c.ratio !== null && c.ratio !== 1)
      // By how much of the records moved, not by the factor alone: 5 → 132 is a large
      // factor and a small event; 20% of all traffic switching pattern is the news.
      .sort((x, y) => shareShift(y, totalA, totalB) - shareShift(x, totalA, totalB));
    return {
      added: added.slice(0, p.limit),
      gone: gone.slice(0, p.limit),
      changed: changed.slice(0, p.limit),
      totalA,
      totalB,
      tookMs: performance.now() - started,
    };
  }

  private async sideCounts(query: string, side: Params<'patternsCompare'>['a']): Promise<Map<number, number>> {
    const w = await this.explorer.where(query, side.from, side.to);
    const sourceSql = side.source === null ? '' : ' AND source = ?';
    const rows = await this.store.read(
      `WITH g AS (SELECT template_id, count(*) AS c FROM logs
                  WHERE (${w.sql}) AND template_id IS NOT NULL${sourceSql} GROUP BY 1)
       SELECT ${PATTERN_OF}::DOUBLE AS id, sum(g.c)::DOUBLE AS c FROM g LEFT JOIN templates t ON t.id = g.template_id GROUP BY 1`,
      side.source === null ? w.params : [...w.params, side.source],
    );
    return new Map(rows.map((r: Row) => [Number(r.id), Number(r.c)]));
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

function shareShift(c: PatternChange, totalA: number, totalB: number): number {
  return Math.abs(c.countB / totalB - c.countA / totalA);
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
