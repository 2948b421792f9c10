/**
 * Time-range specs and their math. A spec is what the person chose ("last 1 hour",
 * "all time", or two instants); it is resolved to epoch milliseconds only when a query
 * runs, so a relative range moves with the clock and paging keeps the instant it began.
 */

export const RELATIVE_PRESETS = [
  { key: '15m', label: 'Last 15 minutes', short: '15m', ms: 15 * 60_000 },
  { key: '1h', label: 'Last 1 hour', short: '1h', ms: 60 * 60_000 },
  { key: '6h', label: 'Last 6 hours', short: '6h', ms: 6 * 60 * 60_000 },
  { key: '24h', label: 'Last 24 hours', short: '24h', ms: 24 * 60 * 60_000 },
  { key: '7d', label: 'Last 7 days', short: '7d', ms: 7 * 24 * 60 * 60_000 },
  { key: '30d', label: 'Last 30 days', short: '30d', ms: 30 * 24 * 60 * 60_000 },
] as const;

export type RelativeKey = (typeof RELATIVE_PRESETS)[number]['key'];

export type RangeSpec =
  | { kind: 'all' }
  | { kind: 'relative'; key: RelativeKey }
  | { kind: 'absolute'; from: number | null; to: number | null };

/** What a query is sent with: epoch ms, either end open. */
export interface ResolvedRange {
  from: number | null;
  to: number | null;
}

export const ALL_TIME: RangeSpec = { kind: 'all' };

export function presetFor(key: RelativeKey) {
  return RELATIVE_PRESETS.find((p) => p.key === key)!;
}

export function resolveRange(spec: RangeSpec, now: number): ResolvedRange {
  switch (spec.kind) {
    case 'all':
      return { from: null, to: null };
    case 'relative':
      return { from: now - presetFor(spec.key).ms, to: now };
    case 'absolute':
      return { from: spec.from, to: spec.to };
  }
}

/**
 * Zoom out: a relative range steps to the next larger preset (30 days → all time); an
 * absolute range doubles its span around its centre; a half-open range becomes all time.
 */
export function zoomOut(spec: RangeSpec): RangeSpec {
  if (spec.kind === 'all') return spec;
  if (spec.kind === 'relative') {
    const i = RELATIVE_PRESETS.findIndex((p) => p.key === spec.key);
    const next = RELATIVE_PRESETS[i + 1];
    return next ? { kind: 'relative', key: next.key } : ALL_TIME;
  }
  if (spec.from === null || spec.to === null) return ALL_TIME;
  const span = Math.max(spec.to - spec.from, 1000);
  const centre = (spec.from + spec.to) / 2;
  return rangeFromBrush(centre - span, centre + span);
}

export function canZoomOut(spec: RangeSpec): boolean {
  return spec.kind !== 'all';
}

/**
 * A brushed span on the histogram (either order) as an absolute range, widened to whole
 * minutes when it spans hours and to whole seconds when it spans minutes, so the label
 * stays readable; at least 1 ms.
 */
export function rangeFromBrush(a: number, b: number): RangeSpec {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const span = hi - lo;
  const unit = span >= 2 * 3_600_000 ? 60_000 : span >= 2 * 60_000 ? 1000 : 1;
  const from = Math.floor(lo / unit) * unit;
  const to = Math.max(Math.ceil(hi / unit) * unit, from + 1);
  return { kind: 'absolute', from, to };
}

export function sameRange(a: RangeSpec, b: RangeSpec): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'relative' && b.kind === 'relative') return a.key === b.key;
  if (a.kind === 'absolute' && b.kind === 'absolute') return a.from === b.from && a.to === b.to;
  return true;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD HH:mm:ss.SSS` in local time (`.SSS` left off when `ms` is false). */
export function formatLocal(epochMs: number, ms = true): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '—';
  const base =
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return ms ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** A compact local form for an instant in a label: seconds and ms only when present. */
export function formatLocalShort(epochMs: number): string {
  const d = new Date(epochMs);
  if (d.getMilliseconds() !== 0) return formatLocal(epochMs, true);
  if (d.getSeconds() !== 0) return formatLocal(epochMs, false);
  return formatLocal(epochMs, false).slice(0, 16);
}

export type ParsedInstant = { ok: true; value: number | null } | { ok: false; error: string };

const LOCAL_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * Parse what someone types into a from/to box: `YYYY-MM-DD`, optionally with `HH:mm`,
 * `:ss` and `.SSS`, in local time. Empty means an open end.
 */
export function parseLocal(text: string): ParsedInstant {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  const m = LOCAL_RE.exec(t);
  if (!m) return { ok: false, error: 'Use YYYY-MM-DD HH:mm:ss' };
  const [y, mo, d, h, mi, s, frac] = m
    .slice(1)
    .map((v, i) => (v === undefined ? 0 : i === 6 ? Number(v.padEnd(3, '0')) : Number(v)));
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 59) {
    return { ok: false, error: 'No such date or time' };
  }
  const date = new Date(y!, mo! - 1, d!, h!, mi!, s!, frac!);
  if (date.getMonth() !== mo! - 1 || date.getDate() !== d!) return { ok: false, error: 'No such date' };
  return { ok: true, value: date.getTime() };
}

/** `1h 30m`, `2d 4h`, `45s`, `250ms`: the size of a span, two units at most. */
export function formatSpan(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || parts.length > 0) {
      if (n > 0) parts.push(`${n}${name}`);
      rest -= n * size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export function rangeLabel(spec: RangeSpec): string {
  if (spec.kind === 'all') return 'All time';
  if (spec.kind === 'relative') return presetFor(spec.key).label;
  const from = spec.from === null ? '…' : formatLocalShort(spec.from);
  let to = spec.to === null ? 'now' : formatLocalShort(spec.to);
  // Same day: the end needs no date.
  if (spec.from !== null && spec.to !== null && from.slice(0, 10) === to.slice(0, 10)) to = to.slice(11);
  return `${from} → ${to}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A compact local instant for a narrow column: `Mar 14 09:12` this year, `Mar 14 2023` before. */
export function formatWhen(epochMs: number, now: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '—';
  const day = `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  if (d.getFullYear() !== new Date(now).getFullYear()) return `${day} ${d.getFullYear()}`;
  return `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
