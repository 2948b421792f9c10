/**
 * Fluent Bit's `http` output with `format msgpack`: the body is its internal event stream,
 * one msgpack array per event — `[time, record]`, or since Fluent Bit 2.1
 * `[[time, metadata], record]` — where time is an integer or float of seconds, or the
 * Fluentd EventTime extension (type 0: seconds and nanoseconds, 32 bits each, big-endian).
 */
import { DecodeError, ExtensionCodec, decodeMulti } from '@msgpack/msgpack';
import type { IngestRecord } from '../../record';
import type { TimeContext } from '../../time';
import type { DecodedBatch, Rejection } from './json-body';
import { describe, objectToRecord } from './json-records';

/** A Fluentd EventTime, as ms since the epoch (sub-ms precision is dropped, as the store keeps ms). */
class EventTime {
  constructor(readonly ms: number) {}
}

const codec = new ExtensionCodec();
codec.register({
  type: 0,
  encode: () => null,
  decode: (data: Uint8Array) => {
    if (data.length !== 8) throw new DecodeError(`EventTime extension must be 8 bytes, got ${data.length}`);
    const view = new DataView(data.buffer, data.byteOffset, 8);
    return new EventTime(view.getUint32(0) * 1000 + Math.floor(view.getUint32(4) / 1e6));
  },
});

function timeOf(t: unknown): number | null {
  if (t instanceof EventTime) return t.ms;
  if (typeof t === 'number' && Number.isFinite(t) && t > 0) return Math.round(t * 1000);
  if (typeof t === 'bigint') return Number(t) * 1000;
  return null;
}

export function parseMsgpackBody(body: Buffer, tc: TimeContext, format = 'fluentbit'): DecodedBatch {
  const records: IngestRecord[] = [];
  const rejected: Rejection[] = [];
  let n = 0;
  try {
    for (const entry of decodeMulti(body, { extensionCodec: codec })) {
      n++;
      try {
        records.push(entryToRecord(entry, tc, format, n));
      } catch (err) {
        rejected.push({ index: n - 1, error: (err as Error).message });
      }
    }
  } catch (err) {
    // The stream cannot be read past this point; what came before is kept.
    rejected.push({
      index: n,
      error: `the msgpack stream breaks at event ${n}: ${(err as Error).message}${err instanceof RangeError ? ' (the body is cut short?)' : ''}`,
    });
  }
  if (n === 0 && rejected.length === 0) rejected.push({ error: 'the body holds no msgpack events' });
  return { records, rejected, shape: 'msgpack' };
}

function entryToRecord(entry: unknown, tc: TimeContext, format: string, n: number): IngestRecord {
  if (!Array.isArray(entry) || entry.length < 2) {
    throw new TypeError(`expected an event [time, record], got ${describe(entry)}${Array.isArray(entry) ? ` of ${entry.length}` : ''}`);
  }
  let head: unknown = entry[0];
  let meta: unknown = null;
  if (Array.isArray(head)) {
    meta = head[1];
    head = head[0];
  }
  const rec = objectToRecord(entry[1], tc, { format, line: n });
  const ts = timeOf(head);
  if (ts !== null) rec.ts = ts;
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    for (const k in meta as Record<string, unknown>) {
      const v = (meta as Record<string, unknown>)[k];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') (rec.fields ??= {})[`_meta.${k}`] = v;
    }
  }
  return rec;
}
