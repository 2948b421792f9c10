/**
 * Replay: a rule over stored data, as if it had been enabled. One GROUP BY in DuckDB gives
 * the matching records' counts per (step, group) — the step being the rule's, so the
 * windows are the live evaluator's — and the same state machine (semantics.ts) walks the
 * steps per group. Episodes are the stretches in which a group would have been firing.
 */
import { levelCode } from '../../shared/levels';
import { MAX_GROUPS_PER_RULE, type AlertRuleSpec, type ReplayEpisode } from '../../shared/alerts';
import { parseQueryOrThrow } from '../../shared/query/parse';
import type { Store } from '../store/store';
import { compileQuery, fieldExpression, type Catalog } from '../query/compile';
import { GroupMachine, groupFields, holds, timing, windowValue } from './semantics';

export interface ReplayResult {
  episodes: ReplayEpisode[];
  total: number;
  series: { start: number; stepMs: number; values: number[]; firing: boolean[] };
  from: number;
  to: number;
  warning: string | null;
  tookMs: number;
}

const MAX_SERIES_POINTS = 2000;

export async function replayRule(
  store: Store,
  catalog: Catalog,
  spec: AlertRuleSpec,
  range: { from: number; to: number; limit?: number },
  opts: { hasAnomaly?: boolean } = {},
): Promise<ReplayResult> {
  const started = performance.now();
  const t = timing(spec);
  const s = t.stepMs;
  const firstStep = Math.floor(range.from / s);
  const lastStep = Math.ceil(range.to / s) - 1;
  const readFrom = (firstStep - t.steps - t.baselineSteps + 1) * s;
  // The last step is judged over its whole window, records after `to` in that step
  // included: a window cut at `to` would count short (a silence or "below" rule firing
  // on records that are there, an "above" one missing some).
  const readTo = (lastStep + 1) * s;
  const where = compileQuery(parseQueryOrThrow(spec.query), catalog);
  const fields = groupFields(spec);
  const groupSql = fields.map((f, i) => {
    const e = fieldExpression(catalog.resolve(f)!);
    return { sql: `CAST(${e.sql} AS VARCHAR) AS g${i}`, params: e.params };
  });
  let extra = '';
  const extraParams: unknown[] = [];
  let warning: string | null = null;
  if (spec.kind === 'anomaly') {
    if (opts.hasAnomaly === false) warning = 'no anomaly scores are stored: the anomaly model was not in use';
    extra += ' AND anomaly >= ?';
    extraParams.push(spec.score ?? 0.5);
  }
  if (spec.kind === 'new-pattern') {
    if (spec.severity) {
      extra += ' AND (CASE WHEN level <> 0 THEN level ELSE coalesce((SELECT tsv.severity FROM templates tsv WHERE tsv.id = template_id), 0) END) >= ?';
      extraParams.push(levelCode(spec.severity));
    }
    if (spec.categories) {
      extra += ` AND (SELECT tc.category FROM templates tc WHERE tc.id = template_id) IN (${spec.categories.map(() => '?').join(', ')})`;
      extraParams.push(...spec.categories);
    }
  }
  let agg = '';
  const aggParams: unknown[] = [];
  if (spec.kind === 'aggregate' && spec.field) {
    const e = fieldExpression(catalog.resolve(spec.field)!);
    agg = `, list(TRY_CAST(${e.sql} AS DOUBLE)) FILTER (WHERE TRY_CAST(${e.sql} AS DOUBLE) IS NOT NULL) AS vals`;
    aggParams.push(...e.params, ...e.params);
  }
  const groupCols = groupSql.map((g) => g.sql).join(', ');
  const sqlText = `SELECT (epoch_ms(ts) // ${s})::BIGINT AS step${groupCols ? `, ${groupCols}` : ''}, count(*)::BIGINT AS n${agg}
    FROM logs WHERE ts >= make_timestamp(CAST(? AS BIGINT)) AND ts < make_timestamp(CAST(? AS BIGINT)) AND (${where.sql})${extra}
    GROUP BY ALL`;
  const params = [...groupSql.flatMap((g) => g.params), ...aggParams, readFrom * 1000, readTo * 1000, ...where.params, ...extraParams];
  const rows = await store.read(sqlText, params);

  interface G { values: Record<string, string | null>; counts: Map<number, number>; nums: Map<number, number[]>; min: number }
  const groups = new Map<string, G>();
  for (const r of rows) {
    const vals = fields.map((_, i) => (r[`g${i}`] === null ? null : String(r[`g${i}`])));
    const key = JSON.stringify(vals);
    let g = groups.get(key);
    if (!g) {
      if (groups.size >= MAX_GROUPS_PER_RULE) {
        warning = `more than ${MAX_GROUPS_PER_RULE} groups by ${fields.join(', ')}: only the first are replayed`;
        continue;
      }
      const values: Record<string, string | null> = {};
      fields.forEach((f, i) => (values[f] = vals[i]!));
      g = { values, counts: new Map(), nums: new Map(), min: Number.MAX_SAFE_INTEGER };
      groups.set(key, g);
    }
    const step = Number(r.step);
    g.counts.set(step, (g.counts.get(step) ?? 0) + Number(r.n));
    g.min = Math.min(g.min, step);
    if (agg && r.vals) {
      const list = (r.vals as { items: unknown[] }).items.map(Number);
      g.nums.set(step, [...(g.nums.get(step) ?? []), ...list]);
    }
  }
  let firstSeen = new Map<number, number>();
  if (spec.kind === 'new-pattern') {
    const ids = [...groups.values()].map((g) => Number(g.values.pattern)).filter((x) => Number.isFinite(x));
    if (ids.length) {
      const seen = await store.read(`SELECT id, epoch_ms(first_ts) AS f FROM templates WHERE id IN (SELECT unnest(?::UINTEGER[]))`, [ids]);
      firstSeen = new Map(seen.map((r) => [Number(r.id), Number(r.f)]));
    }
  }

  const nSeries = Math.max(0, lastStep - firstStep + 1);
  const perPoint = Math.max(1, Math.ceil(nSeries / MAX_SERIES_POINTS));
  const values = new Array<number>(Math.ceil(nSeries / perPoint)).fill(0);
  const firing = new Array<boolean>(values.length).fill(false);
  const episodes: ReplayEpisode[] = [];
  const everyStep = spec.kind === 'silence' || (spec.kind !== 'new-pattern' && spec.below !== undefined);

  for (const g of groups.values()) {
    const m = new GroupMachine(t);
    const steps = new Set<number>();
    if (everyStep) {
      for (let b = Math.max(firstStep, g.min); b <= lastStep; b++) steps.add(b);
    } else {
      for (const k of g.counts.keys()) {
        for (let b = k; b <= k + t.steps; b++) steps.add(b);
        if (t.baselineSteps) for (let b = k + t.baselineSteps; b <= k + t.baselineSteps + t.steps; b++) steps.add(b);
      }
    }
    const order = [...steps].filter((b) => b >= firstStep && b <= lastStep).sort((a, b) => a - b);
    let open: ReplayEpisode | null = null;
    for (const b of order) {
      const value = valueAt(spec, t, g, b, firstSeen);
      const stepEnd = (b + 1) * s;
      const ch = m.judge(stepEnd, holds(spec, value), value ?? 0);
      const idx = Math.floor((b - firstStep) / perPoint);
      if (value !== null && Number.isFinite(value)) values[idx] = Math.max(values[idx]!, value);
      if (ch?.to === 'firing') open = { start: stepEnd, end: null, group: g.values, peak: value ?? 0 };
      if (m.state === 'firing') {
        firing[idx] = true;
        if (open && value !== null) open.peak = Math.max(open.peak, value);
      }
      if (ch?.to === 'resolved' && ch.from === 'firing' && open) {
        open.end = stepEnd;
        episodes.push(open);
        open = null;
      }
    }
    if (open) episodes.push(open);
  }
  episodes.sort((a, b) => a.start - b.start || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)));
  for (const e of episodes) if (!Number.isFinite(e.peak)) e.peak = Number.MAX_VALUE;
  return {
    episodes: episodes.slice(0, range.limit ?? 1000),
    total: episodes.length,
    series: { start: firstStep * s, stepMs: s * perPoint, values, firing },
    from: range.from,
    to: range.to,
    warning,
    tookMs: performance.now() - started,
  };
}

function valueAt(
  spec: AlertRuleSpec,
  t: ReturnType<typeof timing>,
  g: { values: Record<string, string | null>; counts: Map<number, number>; nums: Map<number, number[]> },
  b: number,
  firstSeen: Map<number, number>,
): number | null {
  if (spec.kind === 'new-pattern') {
    const first = firstSeen.get(Number(g.values.pattern));
    if (first === undefined || first < (b + 1) * t.stepMs - t.windowMs) return 0;
  }
  return windowValue(spec, t, g.counts, g.nums, b);
}
