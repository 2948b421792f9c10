/**
 * Reading the text of a timestamp: the layouts a format names ('iso8601', 'clf',
 * 'rfc3164', ...) and strptime-style patterns ('%y/%m/%d %H:%M:%S') fill in fields, and
 * finish() turns them into an instant, choosing the year of a year-less stamp. Zones,
 * the context and the public API are in time.ts. Runs once per line of an import, so it
 * reads with charCodeAt and allocates nothing.
 */

import type { TimeContext } from '../time';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A year-less stamp may lie this far after the reference (clock skew, zone mix-ups). */
const YEARLESS_SLACK = DAY;

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * The fields of the stamp just read. A layout fills this one shared object (no
 * allocation per stamp, and one object shape for every layout); finish() turns it into
 * an instant. Only valid between resetStamp() and the next read.
 */
export const F = { Y: 0, Mo: 0, D: 0, H: 0, Mi: 0, S: 0, Ms: 0, Off: 0, hasYear: false, hasOff: false, pm: -1, end: 0 };

export function resetStamp(): void {
  F.Y = 0;
  F.Mo = 0;
  F.D = 0;
  F.H = 0;
  F.Mi = 0;
  F.S = 0;
  F.Ms = 0;
  F.Off = 0;
  F.hasYear = false;
  F.hasOff = false;
  F.pm = -1;
}

/**
 * The instant the fields denote, read in the context's zone unless the stamp had an
 * offset; null for an impossible date. Lives beside F because it reads F a dozen times
 * per stamp: from another module, each read goes through an import binding that the
 * optimiser cannot fold, which was measured to double the cost of a stamp.
 */
export function finish(tc: TimeContext): number | null {
  if (F.pm >= 0) {
    if (F.H < 1 || F.H > 12) return null;
    F.H = (F.H % 12) + F.pm * 12;
  }
  if (F.Mo < 1 || F.Mo > 12 || F.D < 1 || F.H > 23 || F.Mi > 59 || F.S > 60) return null;
  const clock = F.H * HOUR + F.Mi * MINUTE + F.S * 1000 + F.Ms;
  if (F.hasYear) {
    if (F.D > daysInMonth(F.Y, F.Mo)) return null;
    const local = daysFromCivil(F.Y, F.Mo, F.D) * DAY + clock;
    return F.hasOff ? local - F.Off : tc.zone.toUtc(local);
  }
  // Year-less (syslog): the latest year that does not put the stamp after the reference.
  const limit = tc.referenceMs + YEARLESS_SLACK;
  for (let y = tc.refYear + 1; y >= tc.refYear - 8; y--) {
    if (F.D > daysInMonth(y, F.Mo)) continue;
    const local = daysFromCivil(y, F.Mo, F.D) * DAY + clock;
    const t = F.hasOff ? local - F.Off : tc.zone.toUtc(local);
    if (t <= limit) return t;
  }
  return null;
}

/** Reads up to `max` digits at `pos` (at least `min`); the value, or -1. Sets F.end. */
function digits(s: string, pos: number, min: number, max: number): number {
  let v = 0;
  let i = pos;
  const end = Math.min(s.length, pos + max);
  while (i < end) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    i++;
  }
  if (i - pos < min) return -1;
  F.end = i;
  return v;
}

/** Milliseconds from a fraction of a second's digits at `pos`; sets F.end. */
function fraction(s: string, pos: number): number {
  let i = pos;
  let v = 0;
  let scale = 100;
  while (i < s.length) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    if (scale >= 1) v += c * scale;
    scale /= 10;
    i++;
  }
  if (i === pos || i - pos > 9) return -1;
  F.end = i;
  return Math.floor(v);
}

/** '+HH:MM', '+HHMM', '+HH' or 'Z' at pos into F.Off; the end, or -1. */
function offset(s: string, pos: number): number {
  const c = s.charCodeAt(pos);
  if (c === 90 || c === 122) {
    F.hasOff = true;
    F.Off = 0;
    return pos + 1;
  } // Z z
  if (c !== 43 && c !== 45 && c !== 0x2212) return -1; // + - −
  const h = digits(s, pos + 1, 2, 2);
  if (h < 0 || h > 18) return -1;
  let i = F.end;
  let m = 0;
  if (s.charCodeAt(i) === 58) i++; // :
  if (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
    m = digits(s, i, 2, 2);
    if (m < 0 || m > 59) return -1;
    i = F.end;
  } else if (s.charCodeAt(i - 1) === 58) return -1;
  F.Off = (c === 43 ? 1 : -1) * (h * HOUR + m * MINUTE);
  F.hasOff = true;
  return i;
}

// ---------------------------------------------------------------------------------------
// Layouts

/** Reads a stamp's text into F; whether all of it was a stamp in this layout. */
export type Parse = (s: string) => boolean;

/** ISO 8601 / RFC 3339 and the usual relaxations: space for T, comma fraction, no zone. */
const iso8601: Parse = (s) => {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  F.Y = digits(s, 0, 4, 4);
  F.Mo = digits(s, 5, 2, 2);
  F.D = digits(s, 8, 2, 2);
  if (F.Y < 0 || F.Mo < 0 || F.D < 0) return false;
  F.hasYear = true;
  if (s.length === 10) return true;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 32 && t !== 116) return false; // T space t
  F.H = digits(s, 11, 2, 2);
  if (F.H < 0 || s.charCodeAt(13) !== 58) return false;
  F.Mi = digits(s, 14, 2, 2);
  if (F.Mi < 0) return false;
  let i = 16;
  if (s.charCodeAt(i) === 58) {
    F.S = digits(s, 17, 2, 2);
    if (F.S < 0) return false;
    i = F.end;
    const f = s.charCodeAt(i);
    if (f === 46 || f === 44) {
      F.Ms = fraction(s, i + 1);
      if (F.Ms < 0) return false;
      i = F.end;
    }
  }
  if (i === s.length) return true;
  if (s.charCodeAt(i) === 32) i++;
  if (s.startsWith('UTC', i) || s.startsWith('GMT', i)) {
    F.hasOff = true;
    i += 3;
    if (i === s.length) return true;
  }
  return offset(s, i) === s.length;
};

/**
 * Unix time in a given unit; 'auto' guesses the unit from the number of integer digits.
 * Read from the decimal text, not by float multiplication, so 1700000000.123 s is
 * exactly ...123 ms (numbers go through String(), which round-trips).
 */
function epoch(unit: 's' | 'ms' | 'us' | 'ns' | 'auto'): (v: string | number) => number | null {
  return (v) => {
    const text = typeof v === 'number' ? String(v) : v;
    const dot = text.indexOf('.');
    const int = dot < 0 ? text : text.slice(0, dot);
    if (int.length === 0 || int.length > 20 || !/^\d+(?:\.\d+)?$/.test(text)) return null;
    // Guessing needs a plausible size: {"t": 12} is a counter, not 1970-01-01T00:00:12.
    if (unit === 'auto' && int.length < 9) return null;
    const u =
      unit !== 'auto' ? unit : int.length <= 11 ? 's' : int.length <= 14 ? 'ms' : int.length <= 17 ? 'us' : 'ns';
    switch (u) {
      case 's':
        return Number(int) * 1000 + (dot < 0 ? 0 : Number(text.slice(dot + 1, dot + 4).padEnd(3, '0')));
      case 'ms':
        return Number(int);
      case 'us':
        return int.length > 3 ? Number(int.slice(0, -3)) : 0;
      case 'ns':
        return int.length > 6 ? Number(int.slice(0, -6)) : 0;
    }
  };
}

const FULL_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
/** Three lower-cased letters packed into one number: month lookups without a substring. */
const pack3 = (a: number, b: number, c: number): number => (a << 16) | (b << 8) | c;
const MONTH_KEYS = new Map(
  FULL_MONTHS.map((m, i) => [pack3(m.charCodeAt(0), m.charCodeAt(1), m.charCodeAt(2)), i + 1]),
);
const ZONE_NAMES: Record<string, number> = { UTC: 0, GMT: 0, UT: 0, Z: 0 };

/** Month name (abbreviated or full, any case) at pos into F.Mo; the end or -1. */
function monthName(s: string, pos: number): number {
  const m = MONTH_KEYS.get(pack3(s.charCodeAt(pos) | 32, s.charCodeAt(pos + 1) | 32, s.charCodeAt(pos + 2) | 32));
  if (m === undefined) return -1;
  F.Mo = m;
  const full = FULL_MONTHS[m - 1]!;
  let i = pos + 3;
  while (i - pos < full.length && (s.charCodeAt(i) | 32) === full.charCodeAt(i - pos)) i++;
  return i - pos === full.length ? i : pos + 3;
}

function letters(s: string, pos: number): number {
  let i = pos;
  while (i < s.length) {
    const c = s.charCodeAt(i) | 32;
    if (c < 97 || c > 122) break;
    i++;
  }
  return i;
}

// Step kinds and numeric fields as small integers, and every step one object shape: run()
// serves every layout of every format, and mixed shapes would make its loads megamorphic.
const K = { lit: 0, space: 1, num: 2, frac: 3, mon: 4, word: 5, off: 6, zname: 7, ampm: 8, opt: 9 } as const;
const N = { Y: 0, y: 1, m: 2, d: 3, H: 4, M: 5, S: 6 } as const;

interface Step {
  k: number;
  /** The character of a literal; the field of a number. */
  c: number;
  min: number;
  max: number;
  /** The steps of an optional section. */
  steps: Step[];
}
const step = (k: number, c = 0, min = 0, max = 0, steps: Step[] = []): Step => ({ k, c, min, max, steps });

const NUMS: Record<string, [number, number, number]> = {
  Y: [N.Y, 4, 4],
  y: [N.y, 2, 2],
  m: [N.m, 1, 2],
  d: [N.d, 1, 2],
  e: [N.d, 1, 2],
  H: [N.H, 1, 2],
  M: [N.M, 1, 2],
  S: [N.S, 1, 2],
  I: [N.H, 1, 2],
};
const OTHER: Record<string, number> = {
  f: K.frac,
  b: K.mon,
  h: K.mon,
  B: K.mon,
  a: K.word,
  A: K.word,
  z: K.off,
  Z: K.zname,
  p: K.ampm,
};
const EXPAND: Record<string, string> = { T: '%H:%M:%S', F: '%Y-%m-%d', D: '%m/%d/%y', R: '%H:%M' };

/** Compiles a strptime-style pattern; '[...]' is optional, '%[' and '%]' are brackets. */
export function compileStrptime(layout: string): Parse {
  const pos = { i: 0 };
  const steps = compileSteps(layout, pos, false);
  const used = new Set<string>();
  const collect = (list: Step[]): void => {
    for (const st of list) {
      if (st.k === K.num) used.add(`num${st.c}`);
      else if (st.k === K.opt) collect(st.steps);
      else used.add(`k${st.k}`);
    }
  };
  collect(steps);
  if (!used.has(`num${N.m}`) && !used.has(`k${K.mon}`))
    throw new Error(`time layout "${layout}" has no month (%m or %b)`);
  if (!used.has(`num${N.d}`)) throw new Error(`time layout "${layout}" has no day of the month (%d)`);
  if (!used.has(`num${N.H}`)) throw new Error(`time layout "${layout}" has no hour (%H or %I)`);
  return (s) => run(steps, s, 0) === s.length;
}

function compileSteps(layout: string, pos: { i: number }, nested: boolean): Step[] {
  const steps: Step[] = [];
  while (pos.i < layout.length) {
    const ch = layout[pos.i++]!;
    if (ch === '[') {
      steps.push(step(K.opt, 0, 0, 0, compileSteps(layout, pos, true)));
    } else if (ch === ']') {
      if (!nested) throw new Error(`time layout "${layout}": unbalanced ']'`);
      return steps;
    } else if (ch === ' ') {
      steps.push(step(K.space));
    } else if (ch === '%') {
      const d = layout[pos.i++];
      if (d === undefined) throw new Error(`time layout "${layout}" ends with '%'`);
      if (d === '%' || d === '[' || d === ']') steps.push(step(K.lit, d.charCodeAt(0)));
      else if (EXPAND[d]) steps.push(...compileSteps(EXPAND[d], { i: 0 }, false));
      else if (NUMS[d]) {
        const [f, min, max] = NUMS[d];
        steps.push(step(K.num, f, min, max));
      } else if (OTHER[d] !== undefined) steps.push(step(OTHER[d]));
      else throw new Error(`time layout "${layout}": unknown directive %${d}`);
    } else {
      steps.push(step(K.lit, ch.charCodeAt(0)));
    }
  }
  if (nested) throw new Error(`time layout "${layout}": unbalanced '['`);
  return steps;
}

/** Runs steps from pos; the end position, or -1. */
function run(steps: Step[], s: string, pos: number): number {
  let i = pos;
  for (let n = 0; n < steps.length; n++) {
    const st = steps[n]!;
    switch (st.k) {
      case K.lit:
        if (s.charCodeAt(i) !== st.c) return -1;
        i++;
        break;
      case K.space:
        if (s.charCodeAt(i) !== 32) return -1;
        while (s.charCodeAt(i) === 32) i++;
        break;
      case K.num: {
        if (st.c === N.d && s.charCodeAt(i) === 32) i++; // %e: ' 5'
        const v = digits(s, i, st.min, st.max);
        if (v < 0) return -1;
        i = F.end;
        switch (st.c) {
          case N.Y:
            F.Y = v;
            F.hasYear = true;
            break;
          case N.y:
            F.Y = v < 69 ? 2000 + v : 1900 + v;
            F.hasYear = true;
            break;
          case N.m:
            F.Mo = v;
            break;
          case N.d:
            F.D = v;
            break;
          case N.H:
            F.H = v;
            break;
          case N.M:
            F.Mi = v;
            break;
          case N.S:
            F.S = v;
            break;
        }
        break;
      }
      case K.frac:
        F.Ms = fraction(s, i);
        if (F.Ms < 0) return -1;
        i = F.end;
        break;
      case K.mon:
        i = monthName(s, i);
        if (i < 0) return -1;
        break;
      case K.word: {
        const e = letters(s, i);
        if (e === i) return -1;
        i = e;
        break;
      }
      case K.off:
        i = offset(s, i);
        if (i < 0) return -1;
        break;
      case K.zname: {
        const e = letters(s, i);
        const off = ZONE_NAMES[s.slice(i, e)];
        if (off === undefined) return -1;
        F.hasOff = true;
        F.Off = off;
        i = e;
        break;
      }
      case K.ampm: {
        const a = s.charCodeAt(i) | 32;
        if ((a !== 97 && a !== 112) || (s.charCodeAt(i + 1) | 32) !== 109) return -1;
        F.pm = a === 112 ? 1 : 0;
        i += 2;
        break;
      }
      case K.opt: {
        const e = run(st.steps, s, i);
        if (e >= 0) i = e;
        break;
      }
    }
  }
  return i;
}

/** Layouts by name; formats may also give a strptime pattern directly. */
export const NAMED_LAYOUTS: Readonly<Record<string, string>> = {
  iso8601: '(ISO 8601 / RFC 3339: 2024-01-02T13:04:05.123+01:00, space for T, comma fraction, zone optional)',
  rfc3339: '(same as iso8601)',
  epoch: '(Unix time; unit guessed from the number of digits: s, ms, µs or ns; at least 9 digits)',
  epoch_s: '(Unix seconds, fraction allowed)',
  epoch_ms: '(Unix milliseconds)',
  epoch_us: '(Unix microseconds, as journald writes them)',
  epoch_ns: '(Unix nanoseconds)',
  clf: '%d/%b/%Y:%H:%M:%S %z',
  rfc3164: '%b %e %H:%M:%S',
  rfc2822: '[%a, ]%d %b %Y %H:%M:%S[ %z][ %Z]',
  java: '%Y-%m-%d %H:%M:%S[,%f][.%f]',
  python: '%Y-%m-%d %H:%M:%S[,%f]',
  apache_error: '%a %b %e %H:%M:%S[.%f] %Y',
  slash_ymd: '%Y/%m/%d %H:%M:%S[.%f]',
  go: '%Y/%m/%d %H:%M:%S[.%f]',
  nginx_error: '%Y/%m/%d %H:%M:%S',
};

/** Layouts that are numbers: they give the instant directly, zone and year play no part. */
export const NUMERIC_LAYOUTS: Record<string, (v: string | number) => number | null> = {
  epoch: epoch('auto'),
  epoch_s: epoch('s'),
  epoch_ms: epoch('ms'),
  epoch_us: epoch('us'),
  epoch_ns: epoch('ns'),
};

/** The parser of a text layout, named or strptime. Throws on an unknown or incomplete one. */
export function textParser(layout: string): Parse {
  if (layout === 'iso8601' || layout === 'rfc3339') return iso8601;
  const named = NAMED_LAYOUTS[layout];
  if (named !== undefined && !named.includes('%')) throw new Error(`time layout "${layout}" is not a text layout`);
  if (named === undefined && !layout.includes('%')) {
    throw new Error(
      `unknown time layout "${layout}" (named: ${Object.keys(NAMED_LAYOUTS).join(', ')}; or a strptime pattern with %Y %m %d %H %M %S ...)`,
    );
  }
  return compileStrptime(named ?? layout);
}
