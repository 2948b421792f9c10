/**
 * OpenTelemetry logs over OTLP/HTTP (`POST /v1/logs`), protobuf or JSON. Each LogRecord is
 * one record: time from timeUnixNano (else observedTimeUnixNano), level from
 * severityNumber (else severityText), message from the body, attributes and the resource's
 * attributes as fields — service.name becomes the app, host.name the host — and the trace
 * and span ids as hex fields. A record that cannot be read is rejected alone and reported
 * through OTLP's partial success.
 */
import { z } from 'zod';
import type { Level } from '../../../shared/levels';
import { normalizeLevel } from '../../../shared/levels';
import type { FieldValue, IngestRecord } from '../../record';
import { HttpError } from './body';
import type { DecodedBatch, Rejection } from './json-body';
import { protoTypes } from './protos';

// ---------------------------------------------------------------------------------------
// Values as they come from either encoding

/** protobufjs's Long for 64-bit fields. */
interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}
type Int64 = number | string | bigint | LongLike;

function isLong(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';
}

/** Nanoseconds since the epoch into ms; null for 0 (OTLP's "unset") or anything unreadable. */
export function nanosToMs(v: unknown): number | null {
  let ms: number;
  if (isLong(v)) ms = Math.floor(((v.high >>> 0) * 4294967296 + (v.low >>> 0)) / 1e6);
  else if (typeof v === 'bigint') ms = Number(v / 1_000_000n);
  else if (typeof v === 'number') ms = Math.floor(v / 1e6);
  else if (typeof v === 'string' && /^\d{1,20}$/.test(v)) ms = v.length > 6 ? Number(v.slice(0, -6)) : 0;
  else return null;
  return ms > 0 ? ms : null;
}

function int64Value(v: Int64): FieldValue {
  if (isLong(v)) {
    const n = v.unsigned ? (v.high >>> 0) * 4294967296 + (v.low >>> 0) : v.high * 4294967296 + (v.low >>> 0);
    if (Number.isSafeInteger(n)) return n;
    return (BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0))).toString();
  }
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'string') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  return v;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}
function allZero(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false;
  return true;
}

/** An AnyValue, from protobufjs (own properties only for fields on the wire) or from JSON. */
interface AnyValueIn {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValueIn[] | null } | null;
  kvlistValue?: { values?: KeyValueIn[] | null } | null;
  bytesValue?: Uint8Array | string;
}
interface KeyValueIn {
  key: string;
  value?: AnyValueIn | null;
}

const has = Object.hasOwn;

/** A scalar AnyValue as a field value; arrays and maps as JSON; undefined for an empty AnyValue. */
function scalar(v: AnyValueIn | null | undefined): FieldValue | undefined {
  if (!v) return undefined;
  if (has(v, 'stringValue')) return v.stringValue!;
  if (has(v, 'intValue')) return int64Value(v.intValue!);
  if (has(v, 'doubleValue')) {
    const d = Number(v.doubleValue);
    return Number.isFinite(d) ? d : String(v.doubleValue);
  }
  if (has(v, 'boolValue')) return v.boolValue!;
  if (has(v, 'bytesValue')) {
    const b = v.bytesValue!;
    return typeof b === 'string' ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  }
  if (has(v, 'arrayValue')) return JSON.stringify((v.arrayValue?.values ?? []).map(plain));
  if (has(v, 'kvlistValue')) return JSON.stringify(plainMap(v.kvlistValue?.values ?? []));
  return undefined;
}

/** An AnyValue as plain JSON (for arrays and maps kept as text). */
function plain(v: AnyValueIn | null | undefined): unknown {
  if (v && has(v, 'arrayValue')) return (v.arrayValue?.values ?? []).map(plain);
  if (v && has(v, 'kvlistValue')) return plainMap(v.kvlistValue?.values ?? []);
  return scalar(v) ?? null;
}
function plainMap(kvs: KeyValueIn[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const kv of kvs) if (kv.key !== '__proto__') o[kv.key] = plain(kv.value);
  return o;
}

/** Attributes into fields; a map value is flattened with dots, as nested JSON is. */
function addAttributes(kvs: KeyValueIn[] | null | undefined, fields: Record<string, FieldValue>, prefix = '', depth = 0): void {
  if (!kvs) return;
  for (const kv of kvs) {
    if (kv.key === '__proto__') continue;
    const key = prefix + kv.key;
    const v = kv.value;
    if (v && has(v, 'kvlistValue') && depth < 8) addAttributes(v.kvlistValue?.values, fields, key + '.', depth + 1);
    else {
      const s = scalar(v);
      fields[key] = s === undefined ? null : s;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Severity

/** SeverityNumber ranges of the OTel log data model: 1–4 TRACE ... 21–24 FATAL. */
const SEVERITY: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
export function levelOf(severityNumber: number | undefined, severityText: string | undefined): Level | null {
  if (severityNumber && severityNumber >= 1 && severityNumber <= 24) return SEVERITY[Math.floor((severityNumber - 1) / 4)]!;
  return severityText ? normalizeLevel(severityText.trim()) : null;
}

// ---------------------------------------------------------------------------------------
// The request, in either encoding

interface LogRecordIn {
  timeUnixNano?: Int64;
  observedTimeUnixNano?: Int64;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValueIn | null;
  attributes?: KeyValueIn[] | null;
  traceId?: Uint8Array | string;
  spanId?: Uint8Array | string;
  eventName?: string;
}
interface ResourceLogsIn {
  resource?: { attributes?: KeyValueIn[] | null } | null;
  scopeLogs?: Array<{
    scope?: { name?: string; version?: string; attributes?: KeyValueIn[] | null } | null;
    logRecords?: LogRecordIn[] | null;
  }> | null;
}

// OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase
// keys, 64-bit integers as numbers or decimal strings, enums as integers, trace and span
// ids as hex, bytes as base64. Unknown keys are ignored, as the spec asks.
const int64Json = z.union([z.number(), z.string().regex(/^-?\d+$/, 'an integer (as a number or a decimal string)')]);
const anyValueJson: z.ZodType<AnyValueIn> = z.lazy(() =>
  z.looseObject({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64Json.optional(),
    doubleValue: z.union([z.number(), z.string()]).optional(),
    arrayValue: z.looseObject({ values: z.array(anyValueJson).nullish() }).nullish(),
    kvlistValue: z.looseObject({ values: z.array(keyValueJson).nullish() }).nullish(),
    bytesValue: z.string().optional(),
  }),
);
const keyValueJson: z.ZodType<KeyValueIn> = z.lazy(() => z.looseObject({ key: z.string(), value: anyValueJson.nullish() }));
const SEVERITY_NAMES: Record<string, number> = Object.fromEntries(
  ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((n, i) =>
    [1, 2, 3, 4].map((k) => [`SEVERITY_NUMBER_${n}${k === 1 ? '' : k}`, i * 4 + k]),
  ),
);
const hexId = (bytes: number) =>
  z.string().regex(new RegExp(`^(?:[0-9a-fA-F]{${bytes * 2}})?$`), `${bytes * 2} hex digits`);
const logRecordJson = z.looseObject({
  timeUnixNano: int64Json.optional(),
  observedTimeUnixNano: int64Json.optional(),
  severityNumber: z
    .union([z.number().int().min(0).max(24), z.string().refine((s) => s in SEVERITY_NAMES, 'a SEVERITY_NUMBER_* name')])
    .transform((v) => (typeof v === 'string' ? SEVERITY_NAMES[v]! : v))
    .optional(),
  severityText: z.string().optional(),
  body: anyValueJson.nullish(),
  attributes: z.array(keyValueJson).nullish(),
  traceId: hexId(16).optional(),
  spanId: hexId(8).optional(),
  eventName: z.string().optional(),
});
/** The envelope is checked whole; each log record on its own, so one bad record is rejected alone. */
const requestJson = z.looseObject({
  resourceLogs: z
    .array(
      z.looseObject({
        resource: z.looseObject({ attributes: z.array(keyValueJson).nullish() }).nullish(),
        scopeLogs: z
          .array(
            z.looseObject({
              scope: z
                .looseObject({ name: z.string().optional(), version: z.string().optional(), attributes: z.array(keyValueJson).nullish() })
                .nullish(),
              logRecords: z.array(z.unknown()).nullish(),
            }),
          )
          .nullish(),
      }),
    )
    .nullish(),
});

export type OtlpEncoding = 'protobuf' | 'json';

export function decodeOtlp(body: Buffer, encoding: OtlpEncoding): DecodedBatch {
  if (encoding === 'protobuf') {
    let msg: { resourceLogs?: ResourceLogsIn[] };
    try {
      msg = protoTypes().otlpRequest.decode(body) as unknown as { resourceLogs?: ResourceLogsIn[] };
    } catch (err) {
      throw new HttpError(400, `the body is not an OTLP ExportLogsServiceRequest in protobuf: ${(err as Error).message}`);
    }
    return toRecords(msg.resourceLogs ?? [], null);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `the body is not JSON: ${(err as Error).message}`);
  }
  const r = requestJson.safeParse(parsed);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new HttpError(400, `the body is not an OTLP ExportLogsServiceRequest: ${i.path.join('.') || 'body'}: ${i.message}`);
  }
  return toRecords((r.data.resourceLogs ?? []) as ResourceLogsIn[], logRecordJson);
}

function toRecords(resourceLogs: ResourceLogsIn[], check: typeof logRecordJson | null): DecodedBatch {
  const records: IngestRecord[] = [];
  const rejected: Rejection[] = [];
  let n = 0;
  for (let ri = 0; ri < resourceLogs.length; ri++) {
    const rl = resourceLogs[ri]!;
    const resFields: Record<string, FieldValue> = {};
    addAttributes(rl.resource?.attributes, resFields);
    const app = typeof resFields['service.name'] === 'string' ? (resFields['service.name'] as string) : null;
    const host = typeof resFields['host.name'] === 'string' ? (resFields['host.name'] as string) : null;
    if (app !== null) delete resFields['service.name'];
    if (host !== null) delete resFields['host.name'];
    const scopes = rl.scopeLogs ?? [];
    for (let si = 0; si < scopes.length; si++) {
      const sl = scopes[si]!;
      const base: Record<string, FieldValue> = { ...resFields };
      if (sl.scope?.name) base['otel.scope.name'] = sl.scope.name;
      if (sl.scope?.version) base['otel.scope.version'] = sl.scope.version;
      addAttributes(sl.scope?.attributes, base);
      const lrs = sl.logRecords ?? [];
      for (let li = 0; li < lrs.length; li++) {
        n++;
        let lr = lrs[li]!;
        if (check) {
          const r = check.safeParse(lr);
          if (!r.success) {
            const i = r.error.issues[0]!;
            rejected.push({
              index: n - 1,
              error: `resourceLogs[${ri}].scopeLogs[${si}].logRecords[${li}].${i.path.join('.')}: ${i.message}`,
            });
            continue;
          }
          lr = r.data as LogRecordIn;
        }
        records.push(toRecord(lr, base, app, host, n));
      }
    }
  }
  return { records, rejected, shape: 'otlp' };
}

function toRecord(lr: LogRecordIn, base: Record<string, FieldValue>, app: string | null, host: string | null, n: number): IngestRecord {
  const fields: Record<string, FieldValue> = { ...base };
  let message = '';
  const body = lr.body;
  if (body && has(body, 'kvlistValue')) {
    // A structured body: its keys become fields, its message (if it has one) the message.
    const kv = body.kvlistValue?.values ?? [];
    addAttributes(kv, fields);
    const m = fields.message ?? fields.msg;
    if (typeof m === 'string') {
      message = m;
      delete fields[fields.message === m ? 'message' : 'msg'];
    } else message = JSON.stringify(plainMap(kv));
  } else {
    const s = scalar(body);
    message = s === undefined || s === null ? '' : String(s);
  }
  addAttributes(lr.attributes, fields);
  const trace = idText(lr.traceId);
  if (trace) fields.trace_id = trace;
  const span = idText(lr.spanId);
  if (span) fields.span_id = span;
  if (lr.eventName) fields['event.name'] = lr.eventName;
  let recApp = app;
  let recHost = host;
  // A log record's own service.name / host.name attribute wins over its resource's.
  if (typeof fields['service.name'] === 'string') {
    recApp = fields['service.name'];
    delete fields['service.name'];
  }
  if (typeof fields['host.name'] === 'string') {
    recHost = fields['host.name'];
    delete fields['host.name'];
  }
  let hasFields = false;
  for (const _ in fields) {
    hasFields = true;
    break;
  }
  return {
    ts: nanosToMs(lr.timeUnixNano) ?? nanosToMs(lr.observedTimeUnixNano),
    level: levelOf(lr.severityNumber, lr.severityText),
    host: recHost,
    app: recApp,
    message,
    fields: hasFields ? fields : null,
    format: 'otlp',
    line: n,
    parseError: null,
  };
}

function idText(id: Uint8Array | string | undefined): string | null {
  if (id === undefined) return null;
  const s = typeof id === 'string' ? id.toLowerCase() : hex(id);
  return s === '' || allZero(s) ? null : s;
}

// ---------------------------------------------------------------------------------------
// Responses

/** ExportLogsServiceResponse, with partial success when records were rejected. */
export function otlpResponse(encoding: OtlpEncoding, rejected: number, errorMessage: string): Buffer {
  if (encoding === 'json') {
    // int64 in proto3 JSON is a decimal string.
    const body = rejected > 0 ? { partialSuccess: { rejectedLogRecords: String(rejected), errorMessage } } : {};
    return Buffer.from(JSON.stringify(body));
  }
  const t = protoTypes().otlpResponse;
  const msg = t.create(rejected > 0 ? { partialSuccess: { rejectedLogRecords: rejected, errorMessage } } : {});
  return Buffer.from(t.encode(msg).finish());
}

/** google.rpc.Status for an error response; code from google.rpc.Code (3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED...). */
export function otlpStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const t = protoTypes().status;
  return Buffer.from(t.encode(t.create({ code, message })).finish());
}
