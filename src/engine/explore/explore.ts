import type { Catalog } from '../query/compile';
import { compileQuery, compileTimeRange, createCatalog, fieldExpression } from '../query/compile';
import { parseQueryOrThrow } from '../../shared/query/parse';
import { MessagePrefilter, requiredNeedles } from './message-prefilter';
import { QueryError } from '../../shared/query/error';
import { LEVELS, levelFromCode } from '../../shared/levels';
import { isCategory } from '../../shared/categories';
import type { Facet, Histogram, LogRecord, LogRow, Params, QueryErrorInfo, Result } from '../../shared/protocol';
import type { Row, Store } from '../store/store';

/** A query the user got wrong: carries the place in the text. */
export class QueryTextError extends Error {
  constructor(readonly info: QueryErrorInfo) {
    super(info.message);
    this.name = 'QueryTextError';
  }
}

// Columns of a result row. ts goes out as fractional ms so microseconds survive the trip.
// Category and inferred severity are read from the pattern (templates), as the query's
// category:/severity fields are, so a correction shows on stored rows at once. A row can
// still point at a pattern merged into another (one hop): the survivor speaks for it.
const SURVIVOR = (alias: string) =>
  `FROM templates ${alias} LEFT JOIN templates ${alias}_s ON ${alias}_s.id = ${alias}.merged_into WHERE ${alias}.id = template_id`;
export const ROW_COLUMNS = `id::DOUBLE AS id, epoch_us(ts) / 1000.0 AS ts, level::INTEGER AS level, source, host, app,
  message, format, line::DOUBLE AS line, parse_error,
  coalesce((SELECT t_m.merged_into FROM templates t_m WHERE t_m.id = template_id), template_id)::DOUBLE AS template_id,
  (SELECT coalesce(t_c_s.category, t_c.category) ${SURVIVOR('t_c')}) AS category,
  (SELECT coalesce(t_v_s.severity, t_v.severity) ${SURVIVOR('t_v')})::INTEGER AS pattern_severity,
  anomaly::DOUBLE AS anomaly, anomalous`;

/** Ids within this distance share one range in rowsByIds (about a DuckDB row group). */
const ID_CLUSTER = 100_000;

/**
 * The rows with these ids (numbers read from the store), as SQL: one select per cluster of
 * nearby ids, each with its range. `id IN (…)` alone is no filter DuckDB prunes row groups
 * by, so it read every column of every row (1.3 s for 50 ids on 5.8 M rows, measured),
 * where a range is pruned by the zone maps and its other columns are read only where an id
 * matches (about 2 ms per cluster). The newest matches of a common term are one cluster.
 */
export function rowsByIds(ids: readonly number[], gap = ID_CLUSTER): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j]! - sorted[j - 1]! <= gap) j++;
    const group = sorted.slice(i, j);
    parts.push(`SELECT * FROM logs WHERE id BETWEEN ${group[0]} AND ${group[group.length - 1]} AND id IN (${group.join(', ')})`);
    i = j;
  }
  return parts.join(' UNION ALL ');
}

export function toRow(r: Row): LogRow {
  return {
    id: Number(r.id),
    ts: Number(r.ts),
    level: levelFromCode(Number(r.level)),
    source: String(r.source),
    host: r.host === null ? null : String(r.host),
    app: r.app === null ? null : String(r.app),
    message: String(r.message),
    format: String(r.format),
    line: Number(r.line),
    parseError: r.parse_error === null ? null : String(r.parse_error),
    ...classOfRow(r),
    // Stored as REAL: rounded so 0.8 reads back as 0.8, not 0.800000011920929.
    anomaly: r.anomaly === null || r.anomaly === undefined ? null : Math.round(Number(r.anomaly) * 1e6) / 1e6,
    anomalous: r.anomalous === null || r.anomalous === undefined ? null : Boolean(r.anomalous),
  };
}

/** Pattern, category and effective severity (the line's level, else the pattern's inferred one). */
function classOfRow(r: Row): Pick<LogRow, 'pattern' | 'category' | 'severity' | 'severityInferred'> {
  const level = levelFromCode(Number(r.level));
  const inferred = level === null ? levelFromCode(r.pattern_severity == null ? null : Number(r.pattern_severity)) : null;
  const category = r.category == null ? '' : String(r.category);
  return {
    pattern: r.template_id == null ? null : Number(r.template_id),
    category: isCategory(category) ? category : null,
    severity: level ?? inferred,
    severityInferred: inferred !== null,
  };
}

interface Where {
  sql: string;
  params: unknown[];
  /** What to read: `logs`, or the blocks of it the skip index says can match (message-prefilter.ts). */
  from: string;
  /** The query and range select every record. */
  matchesAll?: boolean;
}

/**
 * The read side of the store: every view's query. User text only ever arrives here as a
 * parsed query compiled to SQL with bound parameters.
 */
export class Explorer {
  private catalog: Catalog | null = null;

  private readonly prefilter: MessagePrefilter;

  constructor(private readonly store: Store) {
    this.prefilter = new MessagePrefilter(store);
  }

  /** Forget the field catalogue (new JSON field names were stored). */
  invalidateFields(): void {
    this.catalog = null;
  }

  async fieldCatalog(): Promise<Catalog> {
    if (!this.catalog) {
      const names = await this.store.read('SELECT name, type FROM field_names ORDER BY name');
      this.catalog = createCatalog(names.map((n) => ({ name: String(n.name), type: String(n.type) })));
    }
    return this.catalog;
  }

  /**
   * Parse, check and compile query + time range into one WHERE clause; with `narrow`, also
   * the blocks to read when the query needs a message needle (worth a look-up for a scan
   * of the matches; not for the live tail's slice of new ids).
   */
  async where(query: string, from: number | null, to: number | null, narrow = false): Promise<Where> {
    const catalog = await this.fieldCatalog();
    let compiled;
    let relation: string | null = null;
    try {
      const ast = parseQueryOrThrow(query);
      compiled = compileQuery(ast, catalog);
      if (narrow) relation = await this.prefilter.relation(requiredNeedles(ast));
    } catch (err) {
      if (err instanceof QueryError) throw new QueryTextError(err.info);
      throw err;
    }
    const range = compileTimeRange(from, to);
    return {
      sql: `(${range.sql}) AND (${compiled.sql})`,
      params: [...range.params, ...compiled.params],
      from: relation ?? 'logs',
      matchesAll: range.sql === 'TRUE' && compiled.sql === 'TRUE',
    };
  }

  async checkQuery(query: string): Promise<QueryErrorInfo | null> {
    try {
      await this.where(query, null, null);
      return null;
    } catch (err) {
      if (err instanceof QueryTextError) return err.info;
      throw err;
    }
  }

  async search(p: Params<'search'>): Promise<Result<'search'>> {
    const started = performance.now();
    const w = await this.where(p.query, p.from, p.to, true);
    let rows: Row[];
    let total: number | null = null;
    if (p.count && w.matchesAll && p.from === null && p.to === null && !p.cursor) {
      // Everything, all time: the view a window opens with. The total is kept per source,
      // so the first page does not wait for a count over every row.
      [rows, total] = await Promise.all([this.newestMatches(w, p), this.count()]);
    } else if (p.count) ({ rows, total } = await this.countAndNewest(w, p));
    else rows = await this.newestMatches(w, p);
    const out = rows.map(toRow);
    const last = out[out.length - 1];
    return {
      rows: out,
      total,
      nextCursor: out.length === p.limit && last ? { ts: last.ts, id: last.id } : null,
      tookMs: performance.now() - started,
    };
  }

  /**
   * The total and the newest page in one scan of the matches: the scan is the cost (a rare
   * term is found only by reading every message), so it is done once, not once for the
   * count and again for the rows. max_by keeps the newest ids; their rows are then fetched
   * by id, together with every match at the boundary time, so ties on ts still come out in
   * (ts, id) order.
   */
  private async countAndNewest(w: Where, p: Params<'search'>): Promise<{ rows: Row[]; total: number }> {
    const cursor = this.cursorCondition(p.cursor);
    const [agg] = await this.store.read(
      `SELECT count(*)::DOUBLE AS n, max_by(id, ts, ?) AS ids, epoch_us(list_min(max_by(ts, ts, ?)))::DOUBLE AS boundary
       FROM ${w.from} WHERE ${w.sql}${cursor.sql}`,
      [p.limit, p.limit, ...w.params, ...cursor.params],
    );
    const total = Number(agg!.n);
    const ids = listNumbers(agg!.ids);
    if (!ids.length) return { rows: [], total };
    // All the matches are in hand (a rare term): no tie at the boundary can be missing.
    if (total <= p.limit) {
      const rows = await this.store.read(`SELECT ${ROW_COLUMNS} FROM (${rowsByIds(ids)}) AS logs ORDER BY ts DESC, id DESC`);
      return { rows, total };
    }
    const rows = await this.store.read(
      // Two selects, not one with OR: each keeps its own filter pushdown (zone maps on id
      // and on ts), where an OR would scan every message again.
      `SELECT * FROM (
         SELECT ${ROW_COLUMNS} FROM (${rowsByIds(ids)}) AS logs
         UNION
         SELECT ${ROW_COLUMNS} FROM ${w.from} WHERE ts = make_timestamp(?::BIGINT) AND ${w.sql}${cursor.sql}
       ) ORDER BY ts DESC, id DESC LIMIT ?`,
      [Number(agg!.boundary), ...w.params, ...cursor.params, p.limit],
    );
    return { rows, total };
  }

  private cursorCondition(cursor: Params<'search'>['cursor']): { sql: string; params: unknown[] } {
    if (!cursor) return { sql: '', params: [] };
    const us = Math.round(cursor.ts * 1000);
    return {
      sql: ` AND (ts < make_timestamp(?::BIGINT) OR (ts = make_timestamp(?::BIGINT) AND id < ?))`,
      params: [us, us, cursor.id],
    };
  }

  /**
   * The newest `limit` matches below the cursor. A common term matches millions of rows,
   * and ORDER BY … LIMIT over all of them costs a full sort-scan; the newest ones sit in
   * the last sliver of time, so look there first and widen the window (×8) until the page
   * is full. DuckDB's zone maps on ts skip the row groups outside each window.
   */
  private async newestMatches(w: Where, p: Params<'search'>): Promise<Row[]> {
    const cursor = this.cursorCondition(p.cursor);
    const sql = `SELECT ${ROW_COLUMNS} FROM ${w.from} WHERE ${w.sql}${cursor.sql}`;
    const params: unknown[] = [...w.params, ...cursor.params];
    let hi = p.to;
    if (p.cursor) hi = Math.min(hi ?? Infinity, p.cursor.ts + 0.001);
    const bounds = await this.storedRange();
    const lo = Math.max(p.from ?? -Infinity, bounds?.lo ?? -Infinity);
    hi = Math.min(hi ?? Infinity, bounds ? bounds.hi + 1 : Infinity);
    const order = ` ORDER BY ts DESC, id DESC LIMIT ?`;
    if (Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) {
      for (let span = (hi - lo) / 512; span < hi - lo; span *= 8) {
        const rows = await this.store.read(`${sql} AND ts >= make_timestamp(?::BIGINT)${order}`, [
          ...params,
          Math.floor((hi - span) * 1000),
          p.limit,
        ]);
        if (rows.length >= p.limit) return rows;
      }
    }
    return this.store.read(sql + order, [...params, p.limit]);
  }

  /** A time range with open ends closed by what is stored (the last hour when nothing is). */
  async range(from: number | null, to: number | null): Promise<{ from: number; to: number }> {
    if (from === null || to === null) {
      const b = await this.storedRange();
      from ??= b ? b.lo : Date.now() - 3_600_000;
      to ??= b ? b.hi + 1 : Date.now();
    }
    return { from, to: to <= from ? from + 1000 : to };
  }

  /** First and last event time stored, from the sources table (no scan of logs). */
  private async storedRange(): Promise<{ lo: number; hi: number } | null> {
    const [b] = await this.store.read(
      `SELECT epoch_ms(min(first_ts))::DOUBLE AS lo, epoch_ms(max(last_ts))::DOUBLE AS hi FROM sources`,
    );
    if (!b || b.lo === null || b.hi === null) return null;
    return { lo: Number(b.lo), hi: Number(b.hi) };
  }

  /** About `buckets` round-width buckets over a range (open ends closed by the data). */
  async buckets(from: number | null, to: number | null, buckets: number): Promise<{ start: number; bucketMs: number; n: number }> {
    const r = await this.range(from, to);
    const bucketMs = niceBucket((r.to - r.from) / buckets);
    const start = Math.floor(r.from / bucketMs) * bucketMs;
    return { start, bucketMs, n: Math.max(1, Math.ceil((r.to - start) / bucketMs)) };
  }

  async histogram(p: Params<'histogram'>): Promise<Histogram> {
    const started = performance.now();
    const w = await this.where(p.query, p.from, p.to, true);
    const { start, bucketMs, n } = await this.buckets(p.from, p.to, p.buckets);
    const rows = await this.store.read(
      `SELECT ((epoch_ms(ts) - ?::BIGINT) // ?::BIGINT)::INTEGER AS b, level::INTEGER AS level, count(*)::INTEGER AS c
       FROM ${w.from} WHERE ${w.sql} GROUP BY ALL`,
      [start, bucketMs, ...w.params],
    );
    const series = [...LEVELS, null].map((level) => ({ level, counts: new Array<number>(n).fill(0) }));
    let total = 0;
    for (const r of rows) {
      const b = Number(r.b);
      if (b < 0 || b >= n) continue;
      const lv = Number(r.level);
      const s = series[lv >= 1 && lv <= LEVELS.length ? lv - 1 : LEVELS.length]!;
      s.counts[b]! += Number(r.c);
      total += Number(r.c);
    }
    return { start, bucketMs, series: series.filter((s) => s.counts.some((c) => c > 0)), total, tookMs: performance.now() - started };
  }

  async facets(p: Params<'facets'>): Promise<Result<'facets'>> {
    const started = performance.now();
    const w = await this.where(p.query, p.from, p.to, true);
    const catalog = await this.fieldCatalog();
    const facets = await Promise.all(
      p.fields.map(async (name): Promise<Facet> => {
        const info = catalog.resolve(name);
        if (!info) throw new QueryTextError({ message: `unknown field "${name}"`, start: 0, end: 0 });
        const { sql: expr, params: exprParams } = fieldExpression(info);
        const rows = await this.store.read(
          `WITH v AS (SELECT ${expr} AS value, count(*)::DOUBLE AS c FROM ${w.from} WHERE ${w.sql} GROUP BY 1)
           SELECT value::VARCHAR AS value, c, (SELECT count(*) FROM v)::DOUBLE AS distinct_n FROM v ORDER BY c DESC, value LIMIT ?`,
          [...exprParams, ...w.params, p.limit],
        );
        const values = rows.map((r) => ({
          value: r.value === null ? null : name === 'level' ? levelFromCode(Number(r.value)) : String(r.value),
          count: Number(r.c),
        }));
        const distinct = rows.length ? Number(rows[0]!.distinct_n) : 0;
        return { field: name, values, others: Math.max(0, distinct - values.length) };
      }),
    );
    return { facets, tookMs: performance.now() - started };
  }

  async fields(): Promise<Result<'fields'>> {
    const catalog = await this.fieldCatalog();
    return { fields: catalog.list().map((f: { name: string; type: string }) => ({ name: f.name, type: f.type })) };
  }

  async record(id: number): Promise<LogRecord | null> {
    const rows = await this.store.read(
      `SELECT ${ROW_COLUMNS}, epoch_us(ingest_ts) / 1000.0 AS ingest_ts, status, method, path, client, bytes::DOUBLE AS bytes,
         duration_ms, fields::VARCHAR AS fields, anomaly_reasons FROM logs WHERE id = ?`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    const fields: Record<string, unknown> = r.fields ? JSON.parse(String(r.fields)) : {};
    for (const k of ['status', 'method', 'path', 'client', 'bytes', 'duration_ms']) {
      if (r[k] !== null && r[k] !== undefined) fields[k] = typeof r[k] === 'string' ? r[k] : Number(r[k]);
    }
    const row = toRow(r);
    const [t] =
      row.pattern === null
        ? []
        : await this.store.read(
            `SELECT category_confidence::DOUBLE AS cc, severity_confidence::DOUBLE AS sc, classified_by FROM templates WHERE id = ?`,
            [row.pattern],
          );
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      ...row,
      ingestTs: Number(r.ingest_ts),
      fields,
      categoryConfidence: num(t?.cc),
      severityConfidence: row.severityInferred ? num(t?.sc) : null,
      classifiedBy: t?.classified_by == null ? null : String(t.classified_by),
      anomalyReasons: r.anomaly_reasons == null ? (row.anomaly === null ? null : []) : (JSON.parse(String(r.anomaly_reasons)) as LogRecord['anomalyReasons']),
    };
  }

  /** The records around one in its source, in source order. */
  async context(id: number, before: number, after: number): Promise<LogRow[]> {
    const [self] = await this.store.read(`SELECT source, line::DOUBLE AS line FROM logs WHERE id = ?`, [id]);
    if (!self) return [];
    // File sources are ordered by line; live sources (line 0) by arrival.
    const key = Number(self.line) > 0 ? 'line' : 'id';
    const pivot = key === 'line' ? Number(self.line) : id;
    const [lo, hi] = await Promise.all([
      this.store.read(
        `SELECT ${ROW_COLUMNS} FROM logs WHERE source = ? AND ${key} < ? ORDER BY ${key} DESC, id DESC LIMIT ?`,
        [self.source, pivot, before],
      ),
      this.store.read(
        `SELECT ${ROW_COLUMNS} FROM logs WHERE source = ? AND ${key} >= ? ORDER BY ${key}, id LIMIT ?`,
        [self.source, pivot, after + 1],
      ),
    ]);
    return [...lo.reverse(), ...hi].map(toRow);
  }

  async sources(): Promise<Result<'sources'>> {
    const rows = await this.store.read(
      `SELECT name, kind, format, records::DOUBLE AS records, unparsed::DOUBLE AS unparsed,
         epoch_ms(first_ts)::DOUBLE AS first_ts, epoch_ms(last_ts)::DOUBLE AS last_ts FROM sources ORDER BY name`,
    );
    return {
      sources: rows.map((r) => ({
        name: String(r.name),
        kind: String(r.kind) as Result<'sources'>['sources'][number]['kind'],
        format: r.format === null ? null : String(r.format),
        records: Number(r.records),
        unparsed: Number(r.unparsed),
        firstTs: r.first_ts === null ? null : Number(r.first_ts),
        lastTs: r.last_ts === null ? null : Number(r.last_ts),
      })),
    };
  }

  async count(): Promise<number> {
    const [r] = await this.store.read('SELECT coalesce(sum(records), 0)::DOUBLE AS n FROM sources');
    return Number(r!.n);
  }
}

/** A DuckDB list of ids as JS numbers (ids are ours, whole and below 2^53: safe to inline). */
function listNumbers(v: unknown): number[] {
  const items = (v as { items?: unknown[] } | null)?.items ?? [];
  return items.map(Number).filter((n) => Number.isSafeInteger(n));
}

const NICE_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 172_800_000, 604_800_000,
];

/** The smallest round bucket width (1 s, 5 min, 1 h, 1 d…) at least as wide as `ms`. */
export function niceBucket(ms: number): number {
  for (const s of NICE_STEPS) if (s >= ms) return s;
  const week = 604_800_000;
  return Math.ceil(ms / week) * week;
}
