/**
 * GELF 1.1 messages (Graylog Extended Log Format) to records. Pure functions, shared by
 * the GELF UDP/TCP receivers and the HTTP receiver's `POST /gelf`.
 *
 * Mapping:
 * - short_message → message; full_message → field `full_message`.
 * - timestamp (seconds since the epoch, fraction allowed) → ts. A number too large to be
 *   seconds (> 1e11) is read as milliseconds, which some clients send.
 * - level (syslog severity 0–7) → level on our scale, and field `severity` with its
 *   name, as the syslog receivers give it. GELF says a missing level means 1 (alert);
 *   we store no level instead, so a client that leaves it out does not raise alarms.
 * - host → host. app ← the first of `_app`, `_application_name`, `_application`,
 *   `_service`, `_service_name`, `_tag` (Docker's GELF driver), `facility` (deprecated in
 *   GELF 1.1, still sent); the field stays too.
 * - `_name` additional fields → field `name` (the underscore dropped); objects and
 *   arrays (not allowed by the spec, but sent) are kept as JSON text. Other non-standard
 *   keys are kept under their own names. `file`, `line`, `facility` are kept as fields.
 *
 * A payload that is not GELF (not JSON, no short_message, no host, a level out of
 * range) is an error saying what and where; the receivers store it raw with parseError.
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import { z } from 'zod';
import type { FieldValue, IngestRecord } from '../../record';
import { SEVERITIES, SEVERITY_LEVEL } from '../syslog/parse';

export const GELF_FORMAT = 'gelf';

const numeric = z.union([
  z.number(),
  z
    .string()
    .regex(/^\s*-?\d+(\.\d+)?\s*$/, 'expected a number')
    .transform(Number),
]);

/** GELF 1.1's standard fields; everything else passes through (catchall). */
export const gelfMessageSchema = z
  .object({
    version: z.string().optional(),
    host: z.string({ error: 'host is required (a string)' }).min(1, 'host must not be empty'),
    short_message: z.string({ error: 'short_message is required (a string)' }),
    full_message: z.string().nullish(),
    timestamp: numeric.nullish(),
    level: numeric.pipe(z.number().int().min(0).max(7)).nullish(),
    facility: z.union([z.string(), z.number()]).nullish(),
    line: z.union([z.number(), z.string()]).nullish(),
    file: z.string().nullish(),
  })
  .catchall(z.unknown());

export type GelfResult = { ok: true; record: IngestRecord } | { ok: false; error: string };

const STANDARD = new Set(['version', 'host', 'short_message', 'full_message', 'timestamp', 'level']);
const APP_KEYS = ['_app', '_application_name', '_application', '_service', '_service_name', '_tag', 'facility'];

/** A GELF message already parsed from JSON (an HTTP body) to a record, or what is wrong with it. */
export function gelfToRecord(value: unknown, line: number): GelfResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      error: `gelf: expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
    };
  }
  const parsed = gelfMessageSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    return { ok: false, error: `gelf: ${issues.join('; ')}` };
  }
  const m = parsed.data;
  const fields: Record<string, FieldValue> = {};
  let app: string | null = null;
  for (const key of APP_KEYS) {
    const v = (m as Record<string, unknown>)[key];
    if (typeof v === 'string' && v.length) {
      app = v;
      break;
    }
  }
  if (m.full_message != null) fields.full_message = m.full_message;
  let level = null;
  if (m.level != null) {
    level = SEVERITY_LEVEL[m.level]!;
    fields.severity = SEVERITIES[m.level]!;
  }
  for (const key of Object.keys(m)) {
    if (STANDARD.has(key) || key === '__proto__') continue;
    const v = (m as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const name = key.length > 1 && key.charCodeAt(0) === 95 ? key.slice(1) : key;
    if (name === '__proto__') continue;
    fields[name] = fieldValue(v);
  }
  let ts: number | null = null;
  if (m.timestamp != null && Number.isFinite(m.timestamp)) {
    ts = m.timestamp > 1e11 ? Math.round(m.timestamp) : Math.round(m.timestamp * 1000);
  }
  return {
    ok: true,
    record: {
      ts,
      level,
      host: m.host,
      app,
      message: m.short_message,
      fields,
      format: GELF_FORMAT,
      line,
      parseError: null,
    },
  };
}

/** GELF payload text (JSON) to a record, or what is wrong with it (with the JSON error's position). */
export function decodeGelf(text: string, line: number): GelfResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `gelf: not JSON: ${(err as Error).message}` };
  }
  return gelfToRecord(value, line);
}

/** For the receivers: the record, or the payload stored raw with parseError saying why. */
export function gelfOrRaw(text: string, line: number, peer: string | null): IngestRecord {
  const r = decodeGelf(text, line);
  if (r.ok) return r.record;
  return {
    ts: null,
    level: null,
    host: peer,
    app: null,
    message: text,
    fields: null,
    format: 'raw',
    line,
    parseError: r.error,
  };
}

/** The compression of a GELF payload, by its magic bytes: gzip 1f 8b, zlib 78 xx (a valid zlib header), else none. */
export function gelfCompression(buf: Buffer, start = 0, end = buf.length): 'gzip' | 'zlib' | 'none' {
  if (end - start < 2) return 'none';
  const a = buf[start]!;
  const b = buf[start + 1]!;
  if (a === 0x1f && b === 0x8b) return 'gzip';
  if ((a & 0x0f) === 8 && ((a << 8) | b) % 31 === 0) return 'zlib';
  return 'none';
}

/**
 * The payload's text, decompressed when it is gzip or zlib, at most `maxBytes` of it
 * (a guard against decompression bombs). Throws an Error saying what failed.
 */
export function gelfPayloadText(buf: Buffer, maxBytes: number): string {
  const kind = gelfCompression(buf);
  if (kind === 'none') return buf.toString('utf8');
  try {
    const out =
      kind === 'gzip'
        ? gunzipSync(buf, { maxOutputLength: maxBytes })
        : inflateSync(buf, { maxOutputLength: maxBytes });
    return out.toString('utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE')
      throw new Error(`gelf: ${kind} payload inflates to more than ${maxBytes} bytes`);
    throw new Error(`gelf: ${kind} payload is corrupt: ${e.message}`);
  }
}

function fieldValue(v: unknown): FieldValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}
