/**
 * Compare's two sides and the presets that fill them. A side is a time range (either end
 * open) and optionally one source. Presets are computed from the range the person has
 * chosen for the view (resolved now, with "all time" bounded by the data's span) or from
 * the local calendar; the time math is here, pure, so it can be tested.
 */
import type { Source } from '../../shared/protocol';
import { formatLocalShort, type ResolvedRange } from './time';
import { basename } from './format';

export interface CompareSide {
  from: number | null;
  to: number | null;
  source: string | null;
}

export interface Bounded {
  from: number;
  to: number;
}

export type ComparePresetKey = 'previous' | 'yesterday' | 'week' | 'sources';

export const COMPARE_PRESETS: readonly { key: ComparePresetKey; label: string; title: string }[] = [
  {
    key: 'previous',
    label: 'Previous period',
    title: 'B: the time range chosen above · A: the same span just before it',
  },
  { key: 'yesterday', label: 'Yesterday vs today', title: 'A: all of yesterday · B: today so far (local time)' },
  { key: 'week', label: 'Week over week', title: 'B: the time range chosen above · A: the same hours 7 days earlier' },
  { key: 'sources', label: 'Two sources', title: 'The same time range on both sides, a different source on each' },
];

export const DAY_MS = 86_400_000;

/** Local midnight at the start of the day `t` falls in. */
export function startOfLocalDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The same local wall-clock time `days` days away (a DST day is 23 or 25 hours long). */
export function addLocalDays(t: number, days: number): number {
  const d = new Date(t);
  d.setDate(d.getDate() + days);
  return d.getTime();
}

/** The span the store's data covers, from the sources' first and last records (end exclusive). */
export function dataSpan(sources: readonly Source[]): Bounded | null {
  let from = Infinity;
  let to = -Infinity;
  for (const s of sources) {
    if (s.firstTs !== null) from = Math.min(from, s.firstTs);
    if (s.lastTs !== null) to = Math.max(to, s.lastTs);
  }
  return Number.isFinite(from) && Number.isFinite(to) ? { from, to: Math.max(to + 1, from + 1) } : null;
}

/**
 * A resolved range with both ends: an open start takes the data's first record, an open
 * end the data's last (or now, when there is no data to ask). Null when no start is known.
 */
export function boundRange(r: ResolvedRange, span: Bounded | null, now: number): Bounded | null {
  const from = r.from ?? span?.from ?? null;
  const to = r.to ?? (span && span.to > (from ?? -Infinity) ? span.to : now);
  if (from === null || !(to > from)) return null;
  return { from, to };
}

export function previousPeriod(b: Bounded): { a: Bounded; b: Bounded } {
  const span = b.to - b.from;
  return { a: { from: b.from - span, to: b.from }, b };
}

export function yesterdayVsToday(now: number): { a: Bounded; b: Bounded } {
  const today = startOfLocalDay(now);
  return { a: { from: addLocalDays(today, -1), to: today }, b: { from: today, to: Math.max(now, today + 1) } };
}

export function weekOverWeek(b: Bounded): { a: Bounded; b: Bounded } {
  return { a: { from: addLocalDays(b.from, -7), to: addLocalDays(b.to, -7) }, b };
}

export interface PresetContext {
  /** The view's range, resolved now. */
  current: ResolvedRange;
  /** What the data covers, when known. */
  span: Bounded | null;
  now: number;
  /** Source names, busiest first. */
  sources: readonly string[];
}

export type PresetResult = { ok: true; a: CompareSide; b: CompareSide } | { ok: false; error: string };

const side = (r: Bounded | ResolvedRange, source: string | null = null): CompareSide => ({
  from: r.from,
  to: r.to,
  source,
});

export function applyPreset(key: ComparePresetKey, ctx: PresetContext): PresetResult {
  if (key === 'yesterday') {
    const p = yesterdayVsToday(ctx.now);
    return { ok: true, a: side(p.a), b: side(p.b) };
  }
  if (key === 'sources') {
    if (ctx.sources.length < 2) return { ok: false, error: 'Comparing sources needs at least two sources.' };
    return { ok: true, a: side(ctx.current, ctx.sources[0]!), b: side(ctx.current, ctx.sources[1]!) };
  }
  const b = boundRange(ctx.current, ctx.span, ctx.now);
  if (!b) return { ok: false, error: 'Pick a time range first: there is no data to measure "all time" by.' };
  const p = key === 'previous' ? previousPeriod(b) : weekOverWeek(b);
  return { ok: true, a: side(p.a), b: side(p.b) };
}

/** What is wrong with a side, or null. */
export function sideProblem(s: CompareSide): string | null {
  if (s.from !== null && s.to !== null && s.from >= s.to) return '“From” must be before “To”.';
  return null;
}

export function sameSide(a: CompareSide, b: CompareSide): boolean {
  return a.from === b.from && a.to === b.to && a.source === b.source;
}

/** `2024-03-14 00:00 → 2024-03-15 00:00 · api.log` */
export function sideLabel(s: CompareSide): string {
  const range =
    s.from === null && s.to === null
      ? 'All time'
      : `${s.from === null ? '…' : formatLocalShort(s.from)} → ${s.to === null ? 'now' : formatLocalShort(s.to)}`;
  return s.source === null ? range : `${range} · ${basename(s.source)}`;
}
