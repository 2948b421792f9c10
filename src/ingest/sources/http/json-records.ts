/**
 * JSON objects that shippers post (one per event) into records. The key names are the
 * built-in `json` format's declaration (src/ingest/formats/builtin/json.ts: which keys hold
 * the time, level, message, host and app, and the renames onto promoted columns), read with
 * the same time layouts and level reader, plus the keys shippers add over HTTP: `log`
 * (Fluent Bit, Docker), `short_message` (GELF) and numeric syslog severities (0–7).
 *
 * Unlike the line format, this takes objects that are already parsed — a JSON array, a
 * msgpack stream, a form — so a body is parsed once. It makes one pass over the keys:
 * role keys are set aside, everything else goes straight into `fields` (nested objects
 * flattened with dots), and no key is ever deleted (deleting turns an object slow).
 */
import type { Level } from '../../../shared/levels';
import { json as jsonFormat } from '../../formats/builtin/json';
import { levelReader } from '../../formats/values';
import type { FieldValue, IngestRecord } from '../../record';
import { compileTimeLayouts, type TimeContext } from '../../time';

const enum Role {
  Ts = 0,
  Level = 1,
  Message = 2,
  Host = 3,
  App = 4,
}
const ROLE_COUNT = 5;

interface KeyInfo {
  role: Role | -1;
  /** Lower wins when several keys of one role are present. */
  prio: number;
  /** Canonical field name (status_code → status). */
  rename: string | null;
}

const spec = jsonFormat;
const ROLE_KEYS: string[][] = [
  spec.timestamp!.from!,
  spec.level!.from!,
  [...spec.message!, 'log', 'short_message'],
  spec.host!,
  spec.app!,
];
const KEYS = new Map<string, KeyInfo>();
ROLE_KEYS.forEach((keys, role) => keys.forEach((k, prio) => KEYS.set(k, { role: role as Role, prio, rename: null })));
for (const [from, to] of Object.entries(spec.rename ?? {})) {
  if (!KEYS.has(from)) KEYS.set(from, { role: -1, prio: 0, rename: to });
}

const readTime = compileTimeLayouts(spec.timestamp!.layouts);
const readPinoLevel = levelReader(spec.level);
const readSyslogLevel = levelReader({ numbers: 'syslog' });

/** A level from a string word, a pino/bunyan number (10–60) or a syslog severity (0–7). */
export function readLevel(v: FieldValue): Level | null {
  const lv = readPinoLevel(v);
  if (lv !== null || typeof v !== 'number' || v > 7) return lv;
  return readSyslogLevel(v);
}

/** Nesting deeper than this is kept as JSON text, as the line format does. */
const MAX_DEPTH = 8;

/** A value that is not a scalar, as text for a field. */
function jsonText(v: unknown): string {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  return JSON.stringify(v) ?? String(v);
}

/** Scratch for one object: role candidates, reused between calls (no allocation per record). */
const candKey: (string | null)[] = new Array(ROLE_COUNT).fill(null);
const candVal: FieldValue[] = new Array(ROLE_COUNT).fill(null);
const candPrio: number[] = new Array(ROLE_COUNT).fill(0);
/** Role keys that lost to a better candidate or did not read; they go back to fields. Reused. */
const losers: Array<[string, FieldValue]> = [];

export interface MapOptions {
  /** The object's text, used as the message when it has no message key. */
  text?: string;
  /** Format name stored with the record. */
  format?: string;
  /** Line (item number) in the request, from 1. */
  line?: number;
}

/**
 * One JSON object into a record. Throws TypeError when `obj` is not an object (the caller
 * says which item of the request it was).
 */
export function objectToRecord(obj: unknown, tc: TimeContext, opts: MapOptions = {}): IngestRecord {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new TypeError(`expected a JSON object, got ${describe(obj)}`);
  }
  for (let r = 0; r < ROLE_COUNT; r++) candKey[r] = null;
  losers.length = 0;
  let fields: Record<string, FieldValue> | null = null;
  fields = walk(obj as Record<string, unknown>, '', 0, fields);

  let ts: number | null = null;
  const tsKey = candKey[Role.Ts] ?? null;
  if (tsKey !== null) {
    const v = candVal[Role.Ts]!;
    ts = typeof v === 'string' || typeof v === 'number' ? readTime(v, tc) : null;
    if (ts === null) {
      // An unreadable stamp is still part of the event: keep it as a field, and try the
      // other time keys present, in order, as the line format does.
      (fields ??= {})[tsKey] = v;
      for (let i = 0; i < losers.length && ts === null; i++) {
        const [k, lv] = losers[i]!;
        if (KEYS.get(k)?.role !== Role.Ts || typeof lv === 'boolean' || lv === null) continue;
        ts = readTime(lv, tc);
        if (ts !== null) losers.splice(i, 1);
      }
    }
  }
  let level: Level | null = null;
  const levelKey = candKey[Role.Level] ?? null;
  if (levelKey !== null) {
    level = readLevel(candVal[Role.Level]!);
    if (level === null) (fields ??= {})[levelKey] = candVal[Role.Level]!;
  }
  const msgKey = candKey[Role.Message] ?? null;
  const hostKey = candKey[Role.Host] ?? null;
  const appKey = candKey[Role.App] ?? null;
  for (let i = 0; i < losers.length; i++) (fields ??= {})[losers[i]![0]] = losers[i]![1];

  let message: string;
  if (msgKey !== null) {
    message = String(candVal[Role.Message]);
    // Docker and Fluent Bit keep the line's own newline; a message does not.
    const n = message.length;
    if (n > 0 && message.charCodeAt(n - 1) === 10) message = message.slice(0, message.charCodeAt(n - 2) === 13 ? n - 2 : n - 1);
  } else {
    message = opts.text ?? JSON.stringify(obj);
  }
  return {
    ts,
    level,
    host: hostKey === null ? null : String(candVal[Role.Host]),
    app: appKey === null ? null : String(candVal[Role.App]),
    message,
    fields,
    format: opts.format ?? 'json',
    line: opts.line ?? 1,
    parseError: null,
  };
}

function walk(
  obj: Record<string, unknown>,
  prefix: string,
  depth: number,
  fields: Record<string, FieldValue> | null,
): Record<string, FieldValue> | null {
  for (const k in obj) {
    // An own "__proto__" key from JSON.parse would, assigned below, replace the prototype.
    if (k === '__proto__') continue;
    const v = obj[k];
    const key = prefix === '' ? k : prefix + '.' + k;
    let value: FieldValue;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      value = v;
    } else if (v === undefined) {
      continue;
    } else if (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && depth < MAX_DEPTH) {
      fields = walk(v as Record<string, unknown>, key, depth + 1, fields);
      continue;
    } else if (typeof v === 'bigint') {
      value = Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    } else {
      value = jsonText(v);
    }
    const info = KEYS.get(key);
    if (info !== undefined) {
      if (info.role !== -1) {
        // null and "" do not fill a role (a "msg": "" should not hide "message").
        if (value !== null && value !== '' && typeof value !== 'boolean') {
          const r = info.role;
          const cur = candKey[r] ?? null;
          if (cur === null) {
            candKey[r] = key;
            candVal[r] = value;
            candPrio[r] = info.prio;
          } else if (info.prio < candPrio[r]!) {
            losers.push([cur, candVal[r]!]);
            candKey[r] = key;
            candVal[r] = value;
            candPrio[r] = info.prio;
          } else {
            losers.push([key, value]);
          }
          continue;
        }
      } else if (info.rename !== null) {
        (fields ??= {})[info.rename] = value;
        continue;
      }
    }
    (fields ??= {})[key] = value;
  }
  return fields;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)})`;
  return `a ${typeof v}`;
}
