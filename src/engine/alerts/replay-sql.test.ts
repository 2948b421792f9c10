/**
 * Replay against an oracle that knows nothing of the code under test: for every step of
 * the range and every group, one plain SQL query over `logs` gives the window's value, and
 * a small state machine written here from src/shared/alerts.ts's prose walks the steps.
 * Nothing from compile.ts, semantics.ts or replay.ts is used to build the expectation, so a
 * slip in any of them (a window one step off, `for` or the cooldown counted wrong, a rate's
 * baseline misplaced) shows up as a different set of episodes.
 *
 * Where the prose leaves a choice open, the oracle takes the one the product documents
 * elsewhere or the only sensible one, said at each place below:
 * - a range covers the steps that overlap [from, to), each judged over its whole window
 *   (the last step's records after `to` count: a window is never cut short);
 * - a group is known (and so judged, which matters for `below` and silence) from the step
 *   of its first matching record in what those windows cover: back to one window, plus a
 *   rate's baseline, before the range's first step (the live evaluator likewise knows a
 *   group only from the records it has seen, not from all of history);
 * - `for` counts from the end of the first step that held (fires at the first step end at
 *   least `for` after it), and the cooldown from the step end at which a firing resolved;
 * - rate with both windows empty has no ratio (not ∞), whatever minCount says; minCount
 *   defaults to 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AlertRuleInputSchema, type AlertRuleInput } from '../../shared/alerts';
import type { IngestRecord } from '../../ingest/record';
import type { Level } from '../../shared/levels';
import type { Store } from '../store/store';
import type { LogWriter } from '../store/writer';
import { createCatalog } from '../query/catalog';
import { openTempStore } from '../testing/fixtures';
import { replayRule } from './replay';

let store: Store;
let writer: LogWriter;
let close: () => Promise<void>;
beforeAll(async () => ({ store, writer, close } = await openTempStore()));
afterAll(() => close());

const T0 = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;
const HOSTS = ['a', 'b', 'c', null] as const;
const LEVEL_CODE: Record<string, number> = { info: 3, warn: 5, error: 6 };
const WINDOW_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000 };
const STEPS = 10; // STEPS_PER_WINDOW, as the prose says: a window is ten steps

type Host = (typeof HOSTS)[number];
interface Row { dt: number; host: Host; level: 'info' | 'warn' | 'error'; duration: number | null; message: string }

/** Records: some anywhere in the hour, most within a few windows of hot spots (so windows have counts). */
const rowsArb = (window: string) => fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: HOUR - 1 }), { minLength: 1, maxLength: 3 }),
    fc.array(
      fc.record({
        anchor: fc.integer({ min: -1, max: 2 }),
        offset: fc.integer({ min: -2.5 * WINDOW_MS[window]!, max: 2.5 * WINDOW_MS[window]! }),
        anywhere: fc.integer({ min: 0, max: HOUR - 1 }),
        host: fc.constantFrom(...HOSTS),
        level: fc.constantFrom('info' as const, 'warn' as const, 'error' as const),
        duration: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null, freq: 4 }),
        message: fc.constantFrom('request ok', 'upstream Timeout talking to db', 'request timeout', 'done'),
      }),
      { minLength: 20, maxLength: 300, size: "max" },
    ),
  )
  .map(([hot, raw]) => ({
    hot,
    rows: raw.map((r): Row => {
      const dt = r.anchor < 0 ? r.anywhere : Math.min(HOUR - 1, Math.max(0, hot[r.anchor % hot.length]! + r.offset));
      return { dt, host: r.host, level: r.level, duration: r.duration, message: r.message };
    }),
  }));

/**
 * A duration as a multiple of the step (mostly: that is where `>=` against `>` shows), or
 * not, written in ms so any value is exact.
 */
const durationArb = (window: string, maxSteps: number) =>
  fc.oneof(
    { arbitrary: fc.constant(0), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: maxSteps }).map((k) => k * (WINDOW_MS[window]! / STEPS)), weight: 2 },
    { arbitrary: fc.integer({ min: 1, max: maxSteps * (WINDOW_MS[window]! / STEPS) }), weight: 1 },
  );

const boundArb = (above: fc.Arbitrary<number>, below: fc.Arbitrary<number>) =>
  fc.oneof(above.map((v) => ({ above: v })), below.map((v) => ({ below: v })));

/** The kind's own fields, for a window. */
const kindArb = (window: string): fc.Arbitrary<Partial<AlertRuleInput>> => {
  const step = WINDOW_MS[window]! / STEPS;
  return fc.oneof(
    fc.record({ kind: fc.constant('threshold' as const), above: fc.integer({ min: 0, max: 8 }) }),
    fc.record({ kind: fc.constant('threshold' as const), below: fc.integer({ min: 1, max: 5 }) }),
    fc
      .tuple(
        // A baseline of whole steps (at least the schema's 10 s), up to two windows back.
        fc.integer({ min: Math.ceil(10_000 / step), max: 2 * STEPS }),
        boundArb(fc.constantFrom(0.5, 1, 1.5, 2, 3), fc.constantFrom(0.5, 0.8, 1, 1.5)),
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      )
      .map(([k, bound, minCount]) => ({
        kind: 'rate' as const,
        baseline: `${k * step}ms`,
        ...bound,
        ...(minCount === undefined ? {} : { minCount }),
      })),
    fc
      .tuple(
        fc.constantFrom('p50' as const, 'p90' as const, 'p95' as const, 'p99' as const, 'avg' as const, 'min' as const, 'max' as const, 'sum' as const),
        // .37: a value of integers' quantiles or means never lands exactly on the bound.
        boundArb(fc.integer({ min: 0, max: 1000 }).map((v) => v + 0.37), fc.integer({ min: 0, max: 1000 }).map((v) => v + 0.37)),
      )
      .map(([fn, bound]) => ({ kind: 'aggregate' as const, field: 'duration_ms', fn, ...bound })),
    fc.constant({ kind: 'silence' as const }),
  );
};

const caseArb = fc
  .constantFrom('1m', '5m')
  .chain((window) =>
    fc.record({
      window: fc.constant(window),
      kind: kindArb(window),
      grouped: fc.boolean(),
      minLevel: fc.constantFrom(null, 'warn', 'error'),
      word: fc.boolean(),
      forMs: durationArb(window, 4),
      cooldownMs: durationArb(window, 3),
      data: rowsArb(window),
      // The range: where it starts relative to the first hot spot (any ms), and how long.
      start: fc.integer({ min: -4 * WINDOW_MS[window]!, max: 2 * WINDOW_MS[window]! }),
      steps: fc.integer({ min: 8, max: 30 }),
      tail: fc.integer({ min: 0, max: WINDOW_MS[window]! / STEPS - 1 }),
    }),
  );

interface Episode { start: number; end: number | null; group: Record<string, string | null> }

let run = 0;

describe('replay agrees with a brute-force SQL evaluation of the same rule', () => {
  it('threshold above/below, rate, aggregate and silence, per host or not (property-based)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { hot, rows } = c.data;
        const source = `sqlp-${run++}`;
        const query = [`source:${source}`, c.minLevel ? `level>=${c.minLevel}` : '', c.word ? 'timeout' : ''].filter(Boolean).join(' ');
        const spec = AlertRuleInputSchema.parse({
          name: 'p',
          query,
          window: c.window,
          ...c.kind,
          groupBy: c.grouped ? ['host'] : [],
          for: `${c.forMs}ms`,
          cooldown: `${c.cooldownMs}ms`,
        });
        const sorted = [...rows].sort((x, y) => x.dt - y.dt);
        const records: IngestRecord[] = sorted.map((r, i) => ({
          ts: T0 + r.dt,
          level: r.level as Level,
          host: r.host,
          app: null,
          message: r.message,
          fields: r.duration === null ? null : { duration_ms: r.duration },
          format: 'json',
          line: i + 1,
          parseError: null,
        }));
        await writer.append({ source: { name: source, kind: 'http', format: 'json' }, records, fallbackTs: T0 });

        const s = WINDOW_MS[c.window]! / STEPS;
        const from = T0 + hot[0]! + c.start;
        const to = Math.floor(from / s) * s + c.steps * s + c.tail;

        const expected = await oracle(spec, { source, minLevel: c.minLevel, word: c.word }, { from, to });
        const replay = await replayRule(store, createCatalog([]), spec, { from, to });
        const got: Episode[] = replay.episodes.map((e) => ({ start: e.start, end: e.end, group: e.group }));
        expect(sortEpisodes(got)).toEqual(sortEpisodes(expected));
        expect(replay.total).toBe(expected.length);
      }),
      { numRuns: 40 },
    );
  });
});

function sortEpisodes(list: Episode[]): Episode[] {
  const key = (e: Episode) => `${String(e.start).padStart(16, '0')} ${JSON.stringify(e.group)}`;
  return [...list].sort((a, b) => key(a).localeCompare(key(b)));
}

/**
 * The expected episodes, from the prose: step s = W/10 aligned to the epoch; at the end of
 * step b the window [(b+1)s − W, (b+1)s) is judged, per group; then pending → firing after
 * `for`, resolved when it stops holding, no new firing within `cooldown` of a resolution.
 */
async function oracle(
  spec: ReturnType<typeof AlertRuleInputSchema.parse>,
  q: { source: string; minLevel: string | null; word: boolean },
  range: { from: number; to: number },
): Promise<Episode[]> {
  const W = WINDOW_MS[spec.window]!;
  const s = W / STEPS;
  const forMs = Number(spec.for.replace('ms', ''));
  const cooldownMs = Number(spec.cooldown.replace('ms', ''));
  const baselineMs = spec.baseline ? Number(spec.baseline.replace('ms', '')) : 0;
  const firstStep = Math.floor(range.from / s);
  const lastStep = Math.ceil(range.to / s) - 1;
  const lookBack = firstStep * s - W - baselineMs + s;
  const lastEnd = (lastStep + 1) * s;

  // The rule's query, written out by hand: source, level, the word (case-insensitive).
  let match = 'source = ?';
  const matchParams: unknown[] = [q.source];
  if (q.minLevel) {
    match += ' AND level >= ?';
    matchParams.push(LEVEL_CODE[q.minLevel]);
  }
  if (q.word) match += " AND contains(lower(message), 'timeout')";

  // Groups: per host (null is a group of its own) or one; silence defaults to per source.
  const groups: { values: Record<string, string | null>; sql: string; params: unknown[] }[] =
    spec.groupBy.includes('host')
      ? HOSTS.map((h) => ({ values: { host: h }, sql: h === null ? 'host IS NULL' : 'host = ?', params: h === null ? [] : [h] }))
      : [{ values: spec.kind === 'silence' ? { source: q.source } : {}, sql: 'true', params: [] }];

  const fnSql: Record<string, string> = {
    p50: 'quantile_cont(duration_ms, 0.5)',
    p90: 'quantile_cont(duration_ms, 0.9)',
    p95: 'quantile_cont(duration_ms, 0.95)',
    p99: 'quantile_cont(duration_ms, 0.99)',
    avg: 'avg(duration_ms)',
    min: 'min(duration_ms)',
    max: 'max(duration_ms)',
    sum: 'sum(duration_ms)',
  };
  const bound = (v: number) => (spec.above !== undefined ? v > spec.above : v < spec.below!);

  const episodes: Episode[] = [];
  for (const g of groups) {
    const born = await store.read(
      `SELECT min(epoch_ms(ts)) AS t FROM logs WHERE ${match} AND ${g.sql} AND epoch_ms(ts) >= ? AND epoch_ms(ts) < ?`,
      [...matchParams, ...g.params, lookBack, lastEnd],
    );
    if (born[0]!.t === null) continue;
    const bornStep = Math.floor(Number(born[0]!.t) / s);

    let state: 'none' | 'pending' | 'firing' | 'resolved' = 'none';
    let startedAt = 0;
    let lastFiringEnd: number | null = null;
    let open: Episode | null = null;
    for (let b = Math.max(firstStep, bornStep); b <= lastStep; b++) {
      const end = (b + 1) * s;
      const winFrom = end - W;
      let cond: boolean;
      if (spec.kind === 'rate') {
        const [r] = await store.read(
          `SELECT count(*) FILTER (WHERE epoch_ms(ts) >= ? AND epoch_ms(ts) < ?) AS n,
                  count(*) FILTER (WHERE epoch_ms(ts) >= ? AND epoch_ms(ts) < ?) AS base
             FROM logs WHERE ${match} AND ${g.sql}`,
          [winFrom, end, winFrom - baselineMs, end - baselineMs, ...matchParams, ...g.params],
        );
        const n = Number(r!.n);
        const base = Number(r!.base);
        const minCount = spec.minCount ?? 1;
        const judged = (n >= minCount || base >= minCount) && (base > 0 || n > 0);
        cond = judged && bound(base === 0 ? Number.POSITIVE_INFINITY : n / base);
      } else if (spec.kind === 'aggregate') {
        const [r] = await store.read(
          `SELECT ${fnSql[spec.fn!]!}::DOUBLE AS v FROM logs WHERE ${match} AND ${g.sql} AND epoch_ms(ts) >= ? AND epoch_ms(ts) < ?`,
          [...matchParams, ...g.params, winFrom, end],
        );
        cond = r!.v !== null && bound(Number(r!.v));
      } else {
        const [r] = await store.read(
          `SELECT count(*) AS n FROM logs WHERE ${match} AND ${g.sql} AND epoch_ms(ts) >= ? AND epoch_ms(ts) < ?`,
          [...matchParams, ...g.params, winFrom, end],
        );
        const n = Number(r!.n);
        cond = spec.kind === 'silence' ? n === 0 : bound(n);
      }

      if (cond) {
        if (state === 'firing') continue;
        if (state !== 'pending') {
          state = 'pending';
          startedAt = end;
        }
        const cooling = lastFiringEnd !== null && end - lastFiringEnd < cooldownMs;
        if (!cooling && end - startedAt >= forMs) {
          state = 'firing';
          open = { start: end, end: null, group: g.values };
        }
      } else if (state === 'firing') {
        open!.end = end;
        episodes.push(open!);
        open = null;
        lastFiringEnd = end;
        state = 'resolved';
      } else if (state === 'pending') {
        state = 'resolved';
      }
    }
    if (open) episodes.push(open);
  }
  return episodes;
}
