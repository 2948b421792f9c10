/** Turning captured text into record values: levels, typed fields, key=value and JSON bodies. */
import { LEVEL_WORDS, type Level } from '../../shared/levels';
import type { FieldValue } from '../record';
import type { FieldType, FormatSpec, LevelNumbers } from './spec';

const SYSLOG_SEVERITY: readonly Level[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'notice', 'info', 'debug'];
const PINO: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function levelFromNumber(n: number, scheme: LevelNumbers): Level | null {
  if (!Number.isInteger(n) || n < 0) return null;
  switch (scheme) {
    case 'syslog':
      return SYSLOG_SEVERITY[n] ?? null;
    case 'syslog_pri':
      return n <= 191 ? SYSLOG_SEVERITY[n & 7]! : null;
    case 'pino':
      return n < 10 ? null : PINO[Math.min(5, Math.floor(n / 10) - 1)]!;
    case 'http_status':
      return n < 100 || n > 599 ? null : n >= 500 ? 'error' : n >= 400 ? 'warn' : 'info';
  }
}

/** Maps a format's level values onto the scale; memoised, because a file repeats a handful of words. */
export function levelReader(spec: FormatSpec['level']): (v: FieldValue) => Level | null {
  const words: Record<string, Level> = { ...LEVEL_WORDS, ...spec?.words };
  const scheme = spec?.numbers;
  const memo = new Map<string, Level | null>();
  const fromText = (raw: string): Level | null => {
    let lv = memo.get(raw);
    if (lv !== undefined) return lv;
    const t = raw.trim();
    lv = scheme && /^\d+$/.test(t) ? levelFromNumber(+t, scheme) : (words[t.toLowerCase()] ?? null);
    if (memo.size < 4096) memo.set(raw, lv);
    return lv;
  };
  return (v) => {
    if (typeof v === 'string') return fromText(v);
    if (typeof v === 'number' && scheme) return levelFromNumber(v, scheme);
    return null;
  };
}

/** Converts a captured string to its declared type; a value that does not convert stays text. */
export function convert(v: string, type: FieldType | undefined): FieldValue {
  switch (type) {
    case 'integer': {
      const n = Number(v);
      return v.length > 0 && Number.isSafeInteger(n) ? n : v;
    }
    case 'float': {
      const n = Number(v);
      return v.length > 0 && Number.isFinite(n) ? n : v;
    }
    case 'boolean': {
      const l = v.toLowerCase();
      return l === 'true' ? true : l === 'false' ? false : v;
    }
    default:
      return v;
  }
}

/** A JSON value as a field: nested objects are flattened by the caller, arrays kept as JSON text. */
function jsonValue(v: unknown): FieldValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** The keys of a JSON object line, nested objects flattened to dotted keys; null if not an object. */
export function parseJsonObject(text: string): Record<string, FieldValue> | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const out: Record<string, FieldValue> = {};
  flatten(v as Record<string, unknown>, '', out, 0);
  return out;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Record<string, FieldValue>, depth: number): void {
  for (const k in obj) {
    // An own "__proto__" key from JSON.parse would, assigned here, replace the prototype.
    if (k === '__proto__') continue;
    const v = obj[k];
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 8)
      flatten(v as Record<string, unknown>, key, out, depth + 1);
    else out[key] = jsonValue(v);
  }
}

/** Keys are identifiers with . - / @: a looser rule lets `INFO:root:a=b c=d` pass for logfmt. */
const KEY_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/@') KEY_CHAR[c.charCodeAt(0)] = 1;

/**
 * logfmt: `key=value key="quoted \"value\""`. Every token must be a pair, and there must
 * be two, so free text with one `a=b` in it is not taken for logfmt. Null if not logfmt.
 */
export function parseLogfmt(text: string, minPairs = 2): Record<string, FieldValue> | null {
  const out: Record<string, FieldValue> = {};
  let pairs = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && KEY_CHAR[text.charCodeAt(i)] === 1) i++;
    if (i === keyStart || text.charCodeAt(i) !== 61) return null;
    const key = text.slice(keyStart, i);
    i++;
    let value: string;
    if (text.charCodeAt(i) === 34) {
      const end = closingQuote(text, i + 1);
      if (end < 0) return null;
      value = unquote(text.slice(i + 1, end));
      i = end + 1;
      if (i < n && text.charCodeAt(i) !== 32) return null;
    } else {
      const start = i;
      while (i < n && text.charCodeAt(i) !== 32) i++;
      value = text.slice(start, i);
      if (value.includes('"')) return null;
    }
    if (key !== '__proto__') out[key] = value;
    pairs++;
  }
  return pairs >= minPairs ? out : null;
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i;
  }
  return -1;
}

function unquote(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

/**
 * RFC 5424 STRUCTURED-DATA, `[id k="v" k2="v2"][id2 ...]`, as fields named `id.k`.
 * PARAM-VALUE escapes are \" \\ \] (section 6.3.3).
 */
export function parseStructuredData(text: string): Record<string, FieldValue> | null {
  const out: Record<string, FieldValue> = {};
  const element = /\[([^\s\]=]+)((?:\s+[^\s=\]]+="(?:[^"\\]|\\.)*")*)\s*\]/gy;
  const param = /([^\s=\]]+)="((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = element.exec(text))) {
    end = element.lastIndex;
    for (const p of m[2]!.matchAll(param)) out[`${m[1]}.${p[1]}`] = p[2]!.replace(/\\(["\\\]])/g, '$1');
  }
  return end === text.length ? out : null;
}

export const EXPANDERS: Record<string, (text: string) => Record<string, FieldValue> | null> = {
  rfc5424_sd: parseStructuredData,
  logfmt: (t) => parseLogfmt(t, 1),
  json: parseJsonObject,
};
