/**
 * Timestamps to ms since the epoch, UTC. A format names how its stamps are written as a
 * list of layouts: a named layout ('iso8601', 'clf', 'rfc3164', ...) or a strptime-style
 * pattern ('%y/%m/%d %H:%M:%S'); formats/stamps.ts reads the text into fields, and this
 * module decides the instant: zone, and the year of year-less stamps. It runs once per
 * line of a 1 GiB import (six million times), so nothing goes through Date or Intl per
 * call: the date is integer arithmetic, and a zone's offset is cached per hour.
 */

import { NAMED_LAYOUTS, NUMERIC_LAYOUTS, daysFromCivil, finish, resetStamp, textParser } from './formats/stamps';

export { NAMED_LAYOUTS, daysFromCivil };

export interface TimeOptions {
  /** Zone for stamps that carry no offset: 'UTC', 'local', an IANA name or '+02:00'. */
  defaultZone: string;
  /**
   * For stamps without a year: the year is chosen that puts the stamp closest to, and
   * not more than a day after, this instant (the file's mtime, or now).
   */
  referenceMs: number;
}

/** Reads one stamp (the text a format captured, or a JSON number); null when it is not one. */
export type TimeReader = (value: string | number, tc: TimeContext) => number | null;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------
// Zones

export interface Zone {
  /** The instant a wall-clock time (as if it were UTC ms) denotes in this zone. */
  toUtc(localMs: number): number;
}

class FixedZone implements Zone {
  constructor(private readonly offsetMs: number) {}
  toUtc(localMs: number): number {
    return localMs - this.offsetMs;
  }
}

/**
 * An IANA zone. Intl costs microseconds, so the offset is resolved once per local hour
 * and reused; an hour that contains a transition (rare) is resolved per stamp.
 */
class IntlZone implements Zone {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly hours = new Map<number, number>();
  private lastHour = NaN;
  private lastOffset = 0;

  constructor(timeZone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  }

  toUtc(localMs: number): number {
    const hour = Math.floor(localMs / HOUR);
    if (hour === this.lastHour) return localMs - this.lastOffset;
    let off = this.hours.get(hour);
    if (off === undefined) {
      const start = this.resolve(hour * HOUR);
      off = start === this.resolve(hour * HOUR + HOUR - 1) ? start : NaN;
      this.hours.set(hour, off);
    }
    if (Number.isNaN(off)) return localMs - this.resolve(localMs);
    this.lastHour = hour;
    this.lastOffset = off;
    return localMs - off;
  }

  /**
   * The offset for a wall time, as Temporal's 'compatible': a repeated hour takes the
   * earlier instant, a skipped hour is moved forward by the gap.
   */
  private resolve(localMs: number): number {
    const before = this.offsetAt(localMs - DAY);
    const after = this.offsetAt(localMs + DAY);
    const okBefore = this.offsetAt(localMs - before) === before;
    const okAfter = this.offsetAt(localMs - after) === after;
    if (okBefore && okAfter) return Math.max(before, after);
    if (okAfter) return after;
    return before;
  }

  /** Offset (wall − UTC) in ms at an instant. */
  private offsetAt(utcMs: number): number {
    let y = 0,
      mo = 0,
      d = 0,
      h = 0,
      mi = 0,
      s = 0,
      bc = false;
    for (const p of this.fmt.formatToParts(utcMs)) {
      switch (p.type) {
        case 'year':
          y = +p.value;
          break;
        case 'month':
          mo = +p.value;
          break;
        case 'day':
          d = +p.value;
          break;
        case 'hour':
          h = +p.value;
          break;
        case 'minute':
          mi = +p.value;
          break;
        case 'second':
          s = +p.value;
          break;
        case 'era':
          bc = p.value.startsWith('B');
          break;
      }
    }
    if (bc) y = 1 - y;
    const wall = daysFromCivil(y, mo, d) * DAY + h * HOUR + mi * MINUTE + s * 1000;
    return wall - Math.floor(utcMs / 1000) * 1000;
  }
}

const zones = new Map<string, Zone>();

/** Accepted zone names, shared so every source in a zone shares one offset cache. */
export function resolveZone(name: string): Zone {
  let zone = zones.get(name);
  if (zone) return zone;
  const fixed = /^(?:UTC|GMT|Z)?([+-])(\d{2}):?(\d{2})$/.exec(name);
  if (name === 'UTC' || name === 'GMT' || name === 'Z' || name === 'Etc/UTC') zone = new FixedZone(0);
  else if (fixed) zone = new FixedZone((fixed[1] === '-' ? -1 : 1) * (+fixed[2]! * HOUR + +fixed[3]! * MINUTE));
  else if (name === 'local') {
    const local = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    zone = local && local !== 'local' ? resolveZone(local) : new FixedZone(0);
  } else {
    try {
      zone = new IntlZone(name);
    } catch {
      throw new RangeError(
        `unknown time zone "${name}" (use 'UTC', 'local', an IANA name such as 'Europe/Berlin', or an offset such as '+02:00')`,
      );
    }
  }
  zones.set(name, zone);
  return zone;
}

/** What a source's stamps are read against: its zone and the reference for year-less stamps. */
export class TimeContext {
  readonly zone: Zone;
  readonly referenceMs: number;
  /** UTC year of the reference: year-less stamps try the year after it, then earlier ones. */
  readonly refYear: number;

  constructor(opts: TimeOptions) {
    this.zone = resolveZone(opts.defaultZone);
    this.referenceMs = opts.referenceMs;
    this.refYear = new Date(opts.referenceMs).getUTCFullYear();
  }
}

/**
 * One reader for a list of layouts, tried in order. Throws on an unknown layout, so a
 * format with a typo is refused when it is loaded, not silently given no timestamps.
 */
export function compileTimeLayouts(layouts: readonly string[]): TimeReader {
  const readers: TimeReader[] = layouts.map((layout) => {
    const numeric = NUMERIC_LAYOUTS[layout];
    if (numeric) return (v) => numeric(v);
    const parse = textParser(layout);
    // Consecutive lines of a busy log mostly share their second: remember the last one.
    // (A per-minute cache was measured as well and did not pay: a stamp's cost is mostly
    // reading the characters of a substring, which that cache does not save.)
    let lastText = '';
    let lastTc: TimeContext | null = null;
    let lastResult: number | null = null;
    return (v, tc) => {
      if (typeof v !== 'string') return null;
      if (v === lastText && tc === lastTc) return lastResult;
      resetStamp();
      lastResult = parse(v) ? finish(tc) : null;
      lastText = v;
      lastTc = tc;
      return lastResult;
    };
  });
  if (readers.length === 1) return readers[0]!;
  return (v, tc) => {
    for (const r of readers) {
      const t = r(v, tc);
      if (t !== null) return t;
    }
    return null;
  };
}

/** Convenience for one-off reads (tests, the UI); the import compiles layouts once instead. */
export function parseTimestamp(text: string | number, layouts: readonly string[], opts: TimeOptions): number | null {
  return compileTimeLayouts(layouts)(text, new TimeContext(opts));
}
