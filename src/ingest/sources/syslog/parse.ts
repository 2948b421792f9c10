/**
 * One syslog message (as a receiver gets it: a datagram, or a frame of a TCP stream) to
 * a record. Hand-written, reading with charCodeAt: it runs for every message at 100k+
 * messages a second, so there is no regex and no allocation beyond the record, its
 * fields and the substrings it keeps.
 *
 * - PRI → `facility` and `severity` fields (names: "local0", "err"), severity → level.
 *   A missing, non-numeric or out-of-range PRI stores the message raw with parseError set.
 * - RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`): NILVALUE "-" is no value;
 *   structured data becomes fields named `<SD-ID>.<PARAM-NAME>` (`exampleSDID@32473.iut`,
 *   `timeQuality.tzKnown`), the naming the file format syslog_rfc5424 uses, so one query
 *   finds a field in imported and received syslog alike; PROCID → `pid` (a number when
 *   it is one), MSGID → `msgid`.
 * - RFC 3164, leniently: an optional `Mmm dd hh:mm:ss` stamp (or an ISO 8601 one, as
 *   rsyslog's high-precision templates send), then a host, then `tag[pid]:`. A year-less
 *   stamp gets the latest year that does not put it in the future (a day of slack for
 *   clocks that run ahead). Without a stamp (Python's SysLogHandler sends `<14>text`) no
 *   host is read, only a tag if there is one. A token right after the stamp that looks
 *   like a tag (ends in ':' or has '[') is taken as the tag of a message with no host.
 *   `app[pid]` without the colon is a tag too (rsyslog forwards RFC 5424 input so).
 * - A message that names no host gets the sender's address as host.
 */
import type { Level } from '../../../shared/levels';
import { daysFromCivil, resolveZone, type Zone } from '../../time';
import type { FieldValue, IngestRecord } from '../../record';

export const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
/** Syslog severity (0–7) on our scale; the same mapping as the file formats' 'syslog' numbers. */
export const SEVERITY_LEVEL: readonly Level[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'notice', 'info', 'debug'];

export const FORMAT_5424 = 'syslog_rfc5424';
export const FORMAT_3164 = 'syslog_rfc3164';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A year-less stamp may lie this far after now (a sender's clock that runs ahead). */
const YEARLESS_SLACK = DAY;

const MONTHS = new Map<number, number>();
['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].forEach((m, i) =>
  MONTHS.set((m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i + 1),
);

export interface SyslogParserOptions {
  /** Zone of stamps that carry no offset (RFC 3164's): 'local', 'UTC', an IANA name or '+02:00'. */
  timeZone?: string;
  /** The clock that year-less stamps are placed against (tests pin it). */
  now?: () => number;
}

/** Parses syslog messages into records; holds the zone and the clock, so make one per receiver. */
export class SyslogParser {
  private readonly zone: Zone;
  private readonly now: () => number;
  private refYear = 0;
  private refYearUntil = -Infinity;
  private refYearFrom = Infinity;

  constructor(opts: SyslogParserOptions = {}) {
    this.zone = resolveZone(opts.timeZone ?? 'local');
    this.now = opts.now ?? Date.now;
  }

  /**
   * `text` is one message without its framing (trailing LF/NUL already removed);
   * `line` is its sequence number in the source; `peer` the sender's address, used as
   * host when the message names none.
   */
  parse(text: string, line: number, peer: string | null): IngestRecord {
    const n = text.length;
    // PRI: "<" 1*3DIGIT ">", 0..191.
    if (n === 0 || text.charCodeAt(0) !== 60)
      return raw(text, line, peer, 'syslog: no PRI (the message does not start with "<")');
    let pri = 0;
    let i = 1;
    while (i < n && i <= 4) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      pri = pri * 10 + c;
      i++;
    }
    if (i === 1) return raw(text, line, peer, 'syslog: PRI is not a number (expected "<0>" to "<191>")');
    if (i > 4 || text.charCodeAt(i) !== 62)
      return raw(text, line, peer, 'syslog: PRI has no closing ">" after at most 3 digits');
    if (pri > 191) return raw(text, line, peer, `syslog: PRI ${pri} is out of range (0-191)`);
    i++;
    const facility = FACILITIES[pri >> 3]!;
    const severity = pri & 7;
    // RFC 5424 has VERSION "1" and a space after the PRI.
    if (text.charCodeAt(i) === 49 && text.charCodeAt(i + 1) === 32)
      return this.parse5424(text, i + 2, line, peer, facility, severity);
    return this.parse3164(text, i, line, peer, facility, severity);
  }

  private parse5424(
    text: string,
    start: number,
    line: number,
    peer: string | null,
    facility: string,
    severity: number,
  ): IngestRecord {
    const n = text.length;
    let i = start;
    // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, each a token ended by a space.
    let e = text.indexOf(' ', i);
    if (e < 0) return headerError(text, line, peer, facility, severity, 'TIMESTAMP');
    let ts: number | null = null;
    let badStamp: string | null = null;
    if (!(e === i + 1 && text.charCodeAt(i) === 45)) {
      ts = this.rfc3339(text, i, e);
      if (ts === null) badStamp = text.slice(i, e);
    }
    i = e + 1;
    e = text.indexOf(' ', i);
    if (e < 0) return headerError(text, line, peer, facility, severity, 'HOSTNAME');
    const host = nil(text, i, e);
    i = e + 1;
    e = text.indexOf(' ', i);
    if (e < 0) return headerError(text, line, peer, facility, severity, 'APP-NAME');
    const app = nil(text, i, e);
    i = e + 1;
    e = text.indexOf(' ', i);
    if (e < 0) return headerError(text, line, peer, facility, severity, 'PROCID');
    const procid = nil(text, i, e);
    i = e + 1;
    e = text.indexOf(' ', i);
    // Lenient: a message that ends after MSGID (no STRUCTURED-DATA) is taken as having none.
    if (e < 0) e = n;
    const msgid = nil(text, i, e);
    i = e + 1;

    const fields: Record<string, FieldValue> = { facility, severity: SEVERITIES[severity]! };
    if (procid !== null) fields.pid = intOrText(procid);
    if (msgid !== null) fields.msgid = msgid;
    if (badStamp !== null) fields.timestamp_text = badStamp;

    let message = '';
    if (i >= n) {
      // no SD, no MSG
    } else if (text.charCodeAt(i) === 45 /* - */) {
      i++;
    } else if (text.charCodeAt(i) === 91 /* [ */) {
      const end = readStructuredData(text, i, fields);
      if (end < 0) {
        // Malformed SD: keep everything from it on as the message, and say so.
        fields.sd_error = `structured data is malformed at byte ${-end - 1}`;
        return record(ts, SEVERITY_LEVEL[severity]!, host ?? peer, app, text.slice(i), fields, FORMAT_5424, line);
      }
      i = end;
    } else {
      fields.sd_error = `expected "-" or "[" for structured data at byte ${i}`;
      return record(ts, SEVERITY_LEVEL[severity]!, host ?? peer, app, text.slice(i), fields, FORMAT_5424, line);
    }
    if (i < n) {
      // SP MSG; a UTF-8 BOM may open MSG.
      if (text.charCodeAt(i) === 32) i++;
      if (text.charCodeAt(i) === 0xfeff) i++;
      message = text.slice(i);
    }
    return record(ts, SEVERITY_LEVEL[severity]!, host ?? peer, app, message, fields, FORMAT_5424, line);
  }

  private parse3164(
    text: string,
    start: number,
    line: number,
    peer: string | null,
    facility: string,
    severity: number,
  ): IngestRecord {
    const n = text.length;
    let i = start;
    let ts: number | null = null;
    let host: string | null = null;
    const fields: Record<string, FieldValue> = { facility, severity: SEVERITIES[severity]! };

    const stampEnd = this.bsdStamp(text, i);
    let haveStamp = false;
    if (stampEnd > 0) {
      ts = this.stamp;
      haveStamp = true;
      i = stampEnd;
    } else {
      const isoEnd = text.indexOf(' ', i);
      if (isoEnd > i && text.charCodeAt(i + 4) === 45 && isDigit(text.charCodeAt(i))) {
        ts = this.rfc3339(text, i, isoEnd);
        if (ts !== null) {
          haveStamp = true;
          i = isoEnd + 1;
        }
      }
    }
    if (haveStamp) {
      while (text.charCodeAt(i) === 32) i++;
      // HOSTNAME, unless the token is plainly a tag ("su:", "sshd[12]:").
      const e = tokenEnd(text, i);
      if (e > i && !looksLikeTag(text, i, e)) {
        host = text.slice(i, e);
        i = e;
        while (text.charCodeAt(i) === 32) i++;
      }
    }
    // TAG: app chars, an optional [pid], then ':' and a space (or the end).
    let app: string | null = null;
    let j = i;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 32 || c === 9 || c === 91 || c === 93 || c === 58) break;
      j++;
    }
    if (j > i && j < n) {
      let k = j;
      let pid: string | null = null;
      if (text.charCodeAt(k) === 91) {
        const close = text.indexOf(']', k + 1);
        if (close > k && close - k <= 32) {
          pid = text.slice(k + 1, close);
          k = close + 1;
        } else k = -1;
      }
      if (k > 0 && text.charCodeAt(k) === 58 && (k + 1 === n || text.charCodeAt(k + 1) === 32)) {
        app = text.slice(i, j);
        if (pid !== null && pid.length) fields.pid = intOrText(pid);
        i = k + 1 < n ? k + 2 : k + 1;
      } else if (k > 0 && pid !== null && (k === n || text.charCodeAt(k) === 32)) {
        // "app[pid] msg" without the colon: rsyslog forwards RFC 5424 input this way.
        app = text.slice(i, j);
        if (pid.length) fields.pid = intOrText(pid);
        i = k < n ? k + 1 : k;
      }
    }
    const message = i >= n ? '' : text.slice(i);
    return record(ts, SEVERITY_LEVEL[severity]!, host ?? peer, app, message, fields, FORMAT_3164, line);
  }

  /** Set by bsdStamp: the instant it read. */
  private stamp = 0;

  /**
   * "Mmm dd hh:mm:ss " (day space- or zero-padded, or one digit) at i; the index after
   * the stamp and its space, or -1. The instant goes to this.stamp.
   */
  private bsdStamp(s: string, i: number): number {
    const mo = MONTHS.get((s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2));
    if (mo === undefined || s.charCodeAt(i + 3) !== 32) return -1;
    let p = i + 4;
    if (s.charCodeAt(p) === 32) p++;
    let d = digit(s, p);
    if (d < 0) return -1;
    p++;
    const d2 = digit(s, p);
    if (d2 >= 0) {
      d = d * 10 + d2;
      p++;
    }
    if (s.charCodeAt(p) !== 32) return -1;
    const h = two(s, p + 1);
    const mi = two(s, p + 4);
    const sec = two(s, p + 7);
    if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(p + 3) !== 58 || s.charCodeAt(p + 6) !== 58) return -1;
    p += 9;
    let ms = 0;
    // Some senders add a fraction ("Oct 11 22:14:15.123").
    if (s.charCodeAt(p) === 46) {
      let scale = 100;
      p++;
      while (isDigit(s.charCodeAt(p))) {
        ms += (s.charCodeAt(p) - 48) * scale;
        scale /= 10;
        p++;
      }
      ms = Math.floor(ms);
    }
    if (p < s.length && s.charCodeAt(p) !== 32) return -1;
    if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
    const clock = h * HOUR + mi * MINUTE + sec * 1000 + ms;
    const now = this.now();
    const limit = now + YEARLESS_SLACK;
    const refYear = this.yearOf(now);
    for (let y = refYear + 1; y >= refYear - 8; y--) {
      if (d > daysInMonth(y, mo)) continue;
      const t = this.zone.toUtc(daysFromCivil(y, mo, d) * DAY + clock);
      if (t <= limit) {
        this.stamp = t;
        return p + 1;
      }
    }
    return -1;
  }

  /** UTC year of an instant, cached for the span of the year last asked about. */
  private yearOf(ms: number): number {
    if (ms >= this.refYearFrom && ms < this.refYearUntil) return this.refYear;
    const y = new Date(ms).getUTCFullYear();
    this.refYear = y;
    this.refYearFrom = daysFromCivil(y, 1, 1) * DAY;
    this.refYearUntil = daysFromCivil(y + 1, 1, 1) * DAY;
    return y;
  }

  /**
   * RFC 3339 in s[i, end): YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM). Lenient about a
   * missing zone (read in the receiver's zone) and about "+HHMM". Null when it is not one.
   */
  rfc3339(s: string, i: number, end: number): number | null {
    const y = four(s, i);
    if (y < 0 || s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return null;
    const mo = two(s, i + 5);
    const d = two(s, i + 8);
    const t = s.charCodeAt(i + 10);
    if (t !== 84 && t !== 116) return null;
    const h = two(s, i + 11);
    const mi = two(s, i + 14);
    const sec = two(s, i + 17);
    if (s.charCodeAt(i + 13) !== 58 || s.charCodeAt(i + 16) !== 58) return null;
    if (mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return null;
    if (d > daysInMonth(y, mo)) return null;
    let p = i + 19;
    let ms = 0;
    if (s.charCodeAt(p) === 46) {
      p++;
      let scale = 100;
      const from = p;
      while (p < end && isDigit(s.charCodeAt(p))) {
        ms += (s.charCodeAt(p) - 48) * scale;
        scale /= 10;
        p++;
      }
      if (p === from) return null;
      ms = Math.floor(ms);
    }
    const local = daysFromCivil(y, mo, d) * DAY + h * HOUR + mi * MINUTE + sec * 1000 + ms;
    if (p === end) return this.zone.toUtc(local);
    const z = s.charCodeAt(p);
    if ((z === 90 || z === 122) && p + 1 === end) return local;
    if (z !== 43 && z !== 45) return null;
    const oh = two(s, p + 1);
    const om = s.charCodeAt(p + 3) === 58 ? two(s, p + 4) : two(s, p + 3);
    const oend = s.charCodeAt(p + 3) === 58 ? p + 6 : p + 5;
    if (oh < 0 || om < 0 || oend !== end) return null;
    const off = (oh * 60 + om) * MINUTE;
    return z === 43 ? local - off : local + off;
  }
}

/** The record of a message whose PRI could not be read: the raw text, marked. */
function raw(text: string, line: number, peer: string | null, error: string): IngestRecord {
  return record(null, null, peer, null, text, null, 'raw', line, error);
}

/** An RFC 5424 header cut short: the text after the PRI as the message, marked, with what the PRI told. */
function headerError(
  text: string,
  line: number,
  peer: string | null,
  facility: string,
  severity: number,
  missing: string,
): IngestRecord {
  return record(
    null,
    SEVERITY_LEVEL[severity]!,
    peer,
    null,
    text,
    { facility, severity: SEVERITIES[severity]! },
    'raw',
    line,
    `syslog: RFC 5424 header is cut short: nothing after ${missing}`,
  );
}

function record(
  ts: number | null,
  level: Level | null,
  host: string | null,
  app: string | null,
  message: string,
  fields: Record<string, FieldValue> | null,
  format: string,
  line: number,
  parseError: string | null = null,
): IngestRecord {
  return { ts, level, host, app, message, fields, format, line, parseError };
}

/** A header token, or null for the NILVALUE "-". */
function nil(s: string, i: number, e: number): string | null {
  return e === i + 1 && s.charCodeAt(i) === 45 ? null : s.slice(i, e);
}

function intOrText(v: string): FieldValue {
  if (v.length === 0 || v.length > 15) return v;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return v;
    n = n * 10 + c;
  }
  return n;
}

/**
 * SD-ELEMENTs from s[i] (a "["), params into `out` as `<SD-ID>.<PARAM-NAME>`. Returns the
 * index after the last "]", or -(index + 1) where it is malformed. PARAM-VALUE escapes
 * are \" \\ \] (RFC 5424 6.3.3); a backslash before anything else stays.
 */
export function readStructuredData(s: string, i: number, out: Record<string, FieldValue>): number {
  const n = s.length;
  while (i < n && s.charCodeAt(i) === 91) {
    i++;
    const idStart = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 93 || c === 61 || c === 34) break;
      i++;
    }
    if (i === idStart) return -(i + 1);
    const id = s.slice(idStart, i);
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 93) {
        i++;
        break;
      }
      if (c !== 32) return -(i + 1);
      while (s.charCodeAt(i) === 32) i++;
      if (s.charCodeAt(i) === 93) continue;
      const nameStart = i;
      while (i < n) {
        const d = s.charCodeAt(i);
        if (d === 32 || d === 93 || d === 61 || d === 34) break;
        i++;
      }
      if (i === nameStart || s.charCodeAt(i) !== 61 || s.charCodeAt(i + 1) !== 34) return -(i + 1);
      const name = s.slice(nameStart, i);
      i += 2;
      const valueStart = i;
      let escaped = false;
      while (i < n) {
        const d = s.charCodeAt(i);
        if (d === 92) {
          escaped = true;
          i += 2;
          continue;
        }
        if (d === 34) break;
        i++;
      }
      if (i >= n) return -(valueStart + 1);
      let value = s.slice(valueStart, i);
      if (escaped) value = value.replace(/\\(["\\\]])/g, '$1');
      const key = `${id}.${name}`;
      if (key !== '__proto__') out[key] = value;
      i++;
    }
  }
  return i;
}

function tokenEnd(s: string, i: number): number {
  const n = s.length;
  while (i < n && s.charCodeAt(i) !== 32) i++;
  return i;
}

/** "su:", "sshd[123]:", "CRON[1]" — a tag where a host was expected. */
function looksLikeTag(s: string, i: number, e: number): boolean {
  if (s.charCodeAt(e - 1) === 58) return true;
  for (let k = i; k < e; k++) if (s.charCodeAt(k) === 91) return true;
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function two(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function four(s: string, i: number): number {
  const a = two(s, i);
  const b = two(s, i + 2);
  return a < 0 || b < 0 ? -1 : a * 100 + b;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}
