/**
 * The Patterns view's pure logic: template text into parts (literal text and `<*>`
 * variables), an example line aligned to its template, the list orders, the level mix,
 * the sparkline's geometry, and how a change of share is written. No React, no stores.
 */
import type { Pattern } from '../../shared/protocol';
import { isLevel, type Level } from '../../shared/levels';

/** The variable marker in templates. */
export const VAR = '<*>';

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'var'; index: number };

/**
 * `GET <*> took <*> ms` → text, var 0, text, var 1, text. Empty text parts are left out;
 * only the exact marker `<*>` is a variable (a literal `<html>` in a line stays text).
 */
export function tokenizeTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let index = 0;
  let at = 0;
  for (;;) {
    const i = template.indexOf(VAR, at);
    const text = template.slice(at, i < 0 ? undefined : i);
    if (text) parts.push({ kind: 'text', text });
    if (i < 0) return parts;
    parts.push({ kind: 'var', index: index++ });
    at = i + VAR.length;
  }
}

export function variableCount(template: string): number {
  return tokenizeTemplate(template).filter((p) => p.kind === 'var').length;
}

export type ExamplePart = { kind: 'text'; text: string } | { kind: 'var'; index: number; text: string };

/**
 * The example line cut along its template, so the values the variables took can be shown
 * (and marked) in place. Literal parts are matched left to right, the first at the start
 * and the last at the end; when the line does not fit (the miner normalised spaces, say)
 * the answer is null and the line is shown as it is.
 */
export function alignExample(template: string, example: string): ExamplePart[] | null {
  const parts = tokenizeTemplate(template);
  const out: ExamplePart[] = [];
  let pos = 0;
  let pendingVar: number | null = null;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    if (part.kind === 'var') {
      // Two variables side by side cannot be told apart: the first takes nothing.
      if (pendingVar !== null) out.push({ kind: 'var', index: pendingVar, text: '' });
      pendingVar = part.index;
      continue;
    }
    const last = k === parts.length - 1;
    let i: number;
    if (pendingVar === null) {
      i = example.startsWith(part.text, pos) ? pos : -1;
    } else if (last) {
      i = example.endsWith(part.text) ? example.length - part.text.length : -1;
      if (i < pos) i = -1;
    } else {
      i = example.indexOf(part.text, pos);
    }
    if (i < 0) return null;
    if (pendingVar !== null) {
      out.push({ kind: 'var', index: pendingVar, text: example.slice(pos, i) });
      pendingVar = null;
    }
    out.push({ kind: 'text', text: part.text });
    pos = i + part.text.length;
  }
  if (pendingVar !== null) out.push({ kind: 'var', index: pendingVar, text: example.slice(pos) });
  else if (pos !== example.length) return null;
  return out;
}

// ---------------------------------------------------------------------------------------
// Order

export type PatternSort = 'count' | 'first' | 'last' | 'new';

export const PATTERN_SORTS: readonly { key: PatternSort; label: string; title: string }[] = [
  { key: 'count', label: 'Count', title: 'Most records in the range first' },
  { key: 'new', label: 'New', title: 'Patterns first seen in this range first, then by count' },
  { key: 'first', label: 'First seen', title: 'Most recently appeared first' },
  { key: 'last', label: 'Last seen', title: 'Most recently seen first' },
];

/**
 * The engine's orders, repeated here so a re-sort of a complete list needs no round trip:
 * all descending, ties by id (oldest pattern first).
 */
export function comparePatterns(sort: PatternSort): (a: Pattern, b: Pattern) => number {
  switch (sort) {
    case 'count':
      return (a, b) => b.count - a.count || a.id - b.id;
    case 'first':
      return (a, b) => b.firstSeen - a.firstSeen || a.id - b.id;
    case 'last':
      return (a, b) => b.lastSeen - a.lastSeen || a.id - b.id;
    case 'new':
      return (a, b) => Number(b.newInRange) - Number(a.newInRange) || b.count - a.count || a.id - b.id;
  }
}

export function sortPatterns(patterns: readonly Pattern[], sort: PatternSort): Pattern[] {
  return [...patterns].sort(comparePatterns(sort));
}

/** The engine listed only the top of the list: another order needs another query. */
export function isTruncated(listed: number, total: number): boolean {
  return total > listed;
}

// ---------------------------------------------------------------------------------------
// Level mix

export interface LevelSegment {
  key: Level | 'none';
  count: number;
  /** Share of the pattern's records, 0..1. */
  share: number;
}

const SEVERE_FIRST: readonly (Level | 'none')[] = [
  'fatal',
  'error',
  'warn',
  'notice',
  'info',
  'debug',
  'trace',
  'none',
];

/** Non-zero levels, most severe first (so a few errors sit at the left edge, visible). */
export function levelMix(levels: Readonly<Record<string, number>>): LevelSegment[] {
  const counts = new Map<Level | 'none', number>();
  for (const [k, v] of Object.entries(levels)) {
    if (!(v > 0)) continue;
    const key = isLevel(k) ? k : 'none';
    counts.set(key, (counts.get(key) ?? 0) + v);
  }
  const total = [...counts.values()].reduce((s, v) => s + v, 0);
  return SEVERE_FIRST.filter((k) => counts.has(k)).map((key) => ({
    key,
    count: counts.get(key)!,
    share: counts.get(key)! / total,
  }));
}

/** The level most of the pattern's records have (ties: the more severe), for the row's stripe. */
export function dominantLevel(levels: Readonly<Record<string, number>>): Level | 'none' {
  let best: LevelSegment | null = null;
  for (const seg of levelMix(levels)) if (best === null || seg.count > best.count) best = seg;
  return best?.key ?? 'none';
}

/** The latest last-seen time in a list, or null for an empty list. */
export function latestSeen(patterns: readonly Pick<Pattern, 'lastSeen'>[]): number | null {
  return patterns.length === 0 ? null : patterns.reduce((m, p) => Math.max(m, p.lastSeen), -Infinity);
}

// ---------------------------------------------------------------------------------------
// Sparkline

export interface SparkGeometry {
  line: string;
  area: string;
  max: number;
  /** Index of the highest bucket (-1 when all are zero). */
  peak: number;
}

/**
 * A line and the area under it through the bucket centres, scaled to the row's own peak
 * (the count column carries the size; the line carries the shape). `pad` keeps the stroke
 * inside the box. All zero: a flat line on the baseline.
 */
export function sparkline(trend: readonly number[], width: number, height: number, pad = 1.5): SparkGeometry {
  const n = trend.length;
  const max = trend.reduce((m, v) => Math.max(m, v), 0);
  const peak = max > 0 ? trend.indexOf(max) : -1;
  if (n === 0) return { line: '', area: '', max: 0, peak: -1 };
  const base = height - pad;
  const span = height - 2 * pad;
  const x = (i: number) => (n === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (n - 1));
  const y = (v: number) => (max > 0 ? base - (v / max) * span : base);
  const r = (v: number) => Math.round(v * 10) / 10;
  const pts = trend.map((v, i) => `${r(x(i))},${r(y(v))}`);
  const line = n === 1 ? `M${r(pad)},${r(y(trend[0]!))}L${r(width - pad)},${r(y(trend[0]!))}` : `M${pts.join('L')}`;
  const first = n === 1 ? pad : x(0);
  const last = n === 1 ? width - pad : x(n - 1);
  const area = `${line}L${r(last)},${r(base)}L${r(first)},${r(base)}Z`;
  return { line, area, max, peak };
}

// ---------------------------------------------------------------------------------------
// Compare

export type ChangeDirection = 'up' | 'down' | 'same';

export interface RatioView {
  dir: ChangeDirection;
  /** `3.2×`, `12×`, `1.05×` — always ≥ 1, the direction is the arrow. */
  factor: string;
  /** |log2 ratio|, for the bar (0 = unchanged). */
  magnitude: number;
}

/** How a change of share reads: ↑ 3.2× for three times the share in B, ↓ 4× for a quarter. */
export function ratioView(ratio: number | null): RatioView | null {
  if (ratio === null || !Number.isFinite(ratio) || ratio <= 0) return null;
  const dir: ChangeDirection = ratio > 1 ? 'up' : ratio < 1 ? 'down' : 'same';
  const f = ratio >= 1 ? ratio : 1 / ratio;
  const factor =
    f >= 100
      ? `${Math.round(f).toLocaleString('en-US')}×`
      : f >= 10
        ? `${Math.round(f)}×`
        : `${trimZeros(f.toFixed(f < 2 ? 2 : 1))}×`;
  return { dir, factor, magnitude: Math.abs(Math.log2(ratio)) };
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Bar widths 0..1 for a list: its magnitudes against the list's largest (at least one doubling). */
export function barScale(values: readonly number[]): (v: number) => number {
  const max = Math.max(1, ...values.filter((v) => Number.isFinite(v)));
  return (v) => (Number.isFinite(v) && v > 0 ? Math.min(1, v / max) : 0);
}

export type CompareKind = 'added' | 'gone' | 'changed';

/** Which side's records a row of a compare list opens: gone ones live in A, the rest in B. */
export function sideFor(kind: CompareKind): 'a' | 'b' {
  return kind === 'gone' ? 'a' : 'b';
}

/** The share of a side, as a percentage with sensible precision. */
export function sharePercent(count: number, total: number): string {
  if (!(total > 0)) return '0%';
  const p = (count / total) * 100;
  if (p === 0) return '0%';
  if (p < 0.01) return '<0.01%';
  return `${p >= 10 ? Math.round(p) : trimZeros(p.toFixed(p < 1 ? 2 : 1))}%`;
}
