/**
 * Anomaly windows as the views use them (pure): the records a window is about (a query
 * and a time range to open in Explore), the most unusual patterns of a range, and the
 * windows that belong to a query's patterns.
 */
import type { AnomalyWindow } from '../../../shared/protocol';
import { facetTerm, patternTerm } from '../../lib/query-edit';
import type { AnomalyKind } from '../../lib/categories';
import type { RangeSpec } from '../../lib/time';

export interface RecordsTarget {
  query: string;
  range: RangeSpec;
}

/**
 * What to open for a window: its pattern (or its source) over its span with as much again
 * on either side, so the histogram shows the window (shaded) against the usual; for a
 * drop, the last records before the source went quiet.
 */
export function windowTarget(w: AnomalyWindow): RecordsTarget {
  const query = w.pattern !== null ? patternTerm(w.pattern) : facetTerm('source', w.source);
  const span = Math.max(1, w.end - w.start);
  return { query, range: { kind: 'absolute', from: w.start - span, to: w.end + span } };
}

export interface UnusualPattern {
  pattern: number;
  template: string;
  sources: string[];
  kinds: AnomalyKind[];
  /** Windows of this pattern in the range. */
  windows: number;
  /** The highest window score, and the records in windows against what was expected. */
  score: number;
  count: number;
  expected: number;
  start: number;
  end: number;
}

/** A pattern's records over the span of its windows, padded as a window's are. */
export function patternTarget(u: Pick<UnusualPattern, 'pattern' | 'start' | 'end'>): RecordsTarget {
  const span = Math.max(1, u.end - u.start);
  return { query: patternTerm(u.pattern), range: { kind: 'absolute', from: u.start - span, to: u.end + span } };
}

/** Patterns with windows, the most unusual first (highest score, then most windows). */
export function unusualPatterns(windows: readonly AnomalyWindow[], limit = 50): UnusualPattern[] {
  const by = new Map<number, UnusualPattern>();
  for (const w of windows) {
    if (w.pattern === null) continue;
    let u = by.get(w.pattern);
    if (!u) {
      u = {
        pattern: w.pattern,
        template: w.template ?? '',
        sources: [],
        kinds: [],
        windows: 0,
        score: 0,
        count: 0,
        expected: 0,
        start: w.start,
        end: w.end,
      };
      by.set(w.pattern, u);
    }
    u.windows++;
    u.score = Math.max(u.score, w.score);
    u.count += w.count;
    u.expected += w.expected;
    u.start = Math.min(u.start, w.start);
    u.end = Math.max(u.end, w.end);
    if (!u.sources.includes(w.source)) u.sources.push(w.source);
    if (!u.kinds.includes(w.kind)) u.kinds.push(w.kind);
  }
  return [...by.values()].sort((a, b) => b.score - a.score || b.windows - a.windows || a.pattern - b.pattern).slice(0, limit);
}

/**
 * The windows that belong to a query: those of the patterns it matches, and the
 * source-wide ones of the sources those patterns came from. `null` (no query): all.
 */
export function windowsForQuery(
  windows: readonly AnomalyWindow[],
  matched: { ids: ReadonlySet<number>; sources: ReadonlySet<string> } | null,
): AnomalyWindow[] {
  if (!matched) return [...windows];
  return windows.filter((w) => (w.pattern !== null ? matched.ids.has(w.pattern) : matched.sources.has(w.source)));
}

/** Windows kept by the kind filter, newest first, then by score. */
export function visibleWindows(windows: readonly AnomalyWindow[], hidden: ReadonlySet<AnomalyKind>): AnomalyWindow[] {
  return windows.filter((w) => !hidden.has(w.kind)).sort((a, b) => b.start - a.start || b.score - a.score);
}

/** "×12" for a spike, "0 of ~40" for a drop: the count against what was expected. */
export function countVsExpected(w: Pick<AnomalyWindow, 'count' | 'expected'>): string {
  const c = Math.round(w.count);
  const e = w.expected;
  const eText = e >= 10 ? String(Math.round(e)) : e.toFixed(1).replace(/\.0$/, '');
  return `${c.toLocaleString('en-US')} vs ~${eText}`;
}
