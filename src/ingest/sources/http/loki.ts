/**
 * Loki's push API (`POST /loki/api/v1/push`), as Promtail, Grafana Alloy, the Docker
 * driver and Fluent Bit's `loki` output send it: protobuf PushRequest compressed with
 * snappy (block format), or JSON `{"streams":[{"stream":{labels},"values":[[ns, line,
 * {metadata}?]]}]}`. A stream's lines are read by the formats, as an imported file's are
 * (detected per stream); the entry's own timestamp is the record's time. Labels become
 * fields; host/hostname become the host, app/service_name/service/job the app, and a
 * level label fills a level the line does not give.
 */
import snappy from 'snappyjs';
import { z } from 'zod';
import type { FieldValue, IngestRecord } from '../../record';
import type { TimeOptions } from '../../time';
import { HttpError } from './body';
import type { DecodedBatch, Rejection } from './json-body';
import { readLevel } from './json-records';
import { protoTypes } from './protos';
import type { TextBodyDecoder } from './text-lines';

interface Entry {
  ms: number | null;
  line: string;
  metadata: Record<string, string> | null;
}
interface Stream {
  labels: Record<string, string>;
  entries: Entry[];
}

const HOST_LABELS = ['host', 'hostname', 'node_name'];
const APP_LABELS = ['app', 'service_name', 'service', 'application', 'job'];
const LEVEL_LABELS = ['level', 'detected_level', 'severity', 'lvl'];

/**
 * A Prometheus label set in its text form, `{a="b", c="d\"e"}`. Throws with the offset of
 * what it could not read.
 */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const s = text.trim();
  if (s[0] !== '{' || s[s.length - 1] !== '}') throw new Error(`labels ${JSON.stringify(text)} are not of the form {name="value", ...}`);
  let i = 1;
  const end = s.length - 1;
  while (i < end) {
    while (i < end && (s[i] === ' ' || s[i] === ',')) i++;
    if (i >= end) break;
    const nameStart = i;
    while (i < end && /[A-Za-z0-9_.]/.test(s[i]!)) i++;
    const name = s.slice(nameStart, i);
    while (s[i] === ' ') i++;
    if (!name || s[i] !== '=' || s[i + 1] !== '"') {
      throw new Error(`labels ${JSON.stringify(text)}: expected name="value" at offset ${nameStart}`);
    }
    i += 2;
    let value = '';
    while (i < end && s[i] !== '"') {
      if (s[i] === '\\') {
        const e = s[i + 1];
        value += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
        i += 2;
      } else value += s[i++];
    }
    if (s[i] !== '"') throw new Error(`labels ${JSON.stringify(text)}: unterminated value of ${name}`);
    i++;
    if (name !== '__proto__') out[name] = value;
  }
  return out;
}

const lokiJson = z.strictObject({
  streams: z.array(
    z.looseObject({
      stream: z.record(z.string(), z.string()),
      values: z.array(z.array(z.unknown())),
    }),
  ),
});

function nsTextToMs(v: unknown): number | null {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return v.length > 6 ? Number(v.slice(0, -6)) : 0;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v / 1e6);
  return null;
}

function decodeJson(body: Buffer, rejected: Rejection[]): Stream[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `the body is not JSON: ${(err as Error).message}`);
  }
  const r = lokiJson.safeParse(parsed);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new HttpError(400, `the body is not a Loki push request: ${i.path.join('.') || 'body'}: ${i.message}`);
  }
  const streams: Stream[] = [];
  let n = 0;
  r.data.streams.forEach((st, si) => {
    const entries: Entry[] = [];
    st.values.forEach((v, vi) => {
      n++;
      const ms = nsTextToMs(v[0]);
      if (ms === null || typeof v[1] !== 'string') {
        rejected.push({
          index: n - 1,
          error: `streams[${si}].values[${vi}]: expected ["<unix epoch in nanoseconds, as a string>", "<log line>"], got ${JSON.stringify(v).slice(0, 80)}`,
        });
        return;
      }
      const meta = v[2];
      let metadata: Record<string, string> | null = null;
      if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
        for (const [k, mv] of Object.entries(meta)) if (typeof mv === 'string' && k !== '__proto__') (metadata ??= {})[k] = mv;
      }
      entries.push({ ms, line: v[1], metadata });
    });
    streams.push({ labels: { ...st.stream }, entries });
  });
  return streams;
}

interface LongLike {
  low: number;
  high: number;
}
interface PushIn {
  streams?: Array<{
    labels?: string;
    entries?: Array<{
      timestamp?: { seconds?: LongLike | number; nanos?: number } | null;
      line?: string;
      structuredMetadata?: Array<{ name?: string; value?: string }>;
    }>;
  }>;
}

function decodeProtobuf(body: Buffer, rejected: Rejection[], maxBytes: number): Stream[] {
  let raw: Uint8Array;
  try {
    raw = snappy.uncompress(body, maxBytes);
  } catch (err) {
    if (/too big/.test((err as Error).message)) {
      throw new HttpError(413, `the snappy body decompresses to more than the ${maxBytes} bytes this receiver takes in one request (maxBodyBytes)`, {}, false);
    }
    throw new HttpError(400, `the protobuf body is not snappy-compressed (block format, as Promtail sends it): ${(err as Error).message}`);
  }
  let msg: PushIn;
  try {
    msg = protoTypes().lokiPush.decode(raw) as unknown as PushIn;
  } catch (err) {
    throw new HttpError(400, `the body is not a Loki PushRequest in protobuf: ${(err as Error).message}`);
  }
  const streams: Stream[] = [];
  let n = 0;
  (msg.streams ?? []).forEach((st, si) => {
    let labels: Record<string, string>;
    try {
      labels = parseLabels(st.labels ?? '');
    } catch (err) {
      const count = st.entries?.length ?? 0;
      for (let k = 0; k < count; k++) rejected.push({ index: n + k, error: `streams[${si}]: ${(err as Error).message}` });
      n += count;
      return;
    }
    const entries: Entry[] = [];
    for (const e of st.entries ?? []) {
      n++;
      const sec = e.timestamp?.seconds;
      const secs = sec === undefined ? 0 : typeof sec === 'number' ? sec : sec.high * 4294967296 + (sec.low >>> 0);
      const ms = e.timestamp ? secs * 1000 + Math.floor((e.timestamp.nanos ?? 0) / 1e6) : null;
      let metadata: Record<string, string> | null = null;
      for (const p of e.structuredMetadata ?? []) if (p.name && p.name !== '__proto__') (metadata ??= {})[p.name] = p.value ?? '';
      entries.push({ ms, line: e.line ?? '', metadata });
    }
    streams.push({ labels, entries });
  });
  return streams;
}

export function decodeLoki(
  body: Buffer,
  encoding: 'json' | 'protobuf',
  text: TextBodyDecoder,
  time: TimeOptions,
  maxBytes: number,
): DecodedBatch {
  const rejected: Rejection[] = [];
  const streams = encoding === 'json' ? decodeJson(body, rejected) : decodeProtobuf(body, rejected, maxBytes);
  const records: IngestRecord[] = [];
  let formats = new Set<string>();
  for (const st of streams) {
    if (!st.entries.length) continue;
    const { records: recs, format } = text.decodeEach(
      st.entries.map((e) => e.line),
      time,
    );
    formats.add(format);
    const labelFields: Record<string, FieldValue> = {};
    let host: string | null = null;
    let app: string | null = null;
    let levelLabel: string | null = null;
    for (const k in st.labels) {
      const v = st.labels[k]!;
      if (host === null && HOST_LABELS.includes(k)) {
        host = v;
        continue;
      }
      if (app === null && APP_LABELS.includes(k) && k !== 'job') {
        app = v;
        continue;
      }
      if (levelLabel === null && LEVEL_LABELS.includes(k)) levelLabel = v;
      labelFields[k] = v;
    }
    // job names the scrape (varlogs), a fallback for the app; it stays a field as well.
    if (app === null && st.labels.job !== undefined) app = st.labels.job;
    const labelLevel = levelLabel === null ? null : readLevel(levelLabel);
    for (let i = 0; i < recs.length; i++) {
      const rec = recs[i]!;
      const e = st.entries[i]!;
      if (e.ms !== null) rec.ts = e.ms;
      rec.host ??= host;
      rec.app ??= app;
      rec.level ??= labelLevel;
      rec.fields = rec.fields ? { ...labelFields, ...rec.fields } : { ...labelFields };
      if (e.metadata) Object.assign(rec.fields, e.metadata);
      records.push(rec);
    }
  }
  if (formats.size > 1) formats = new Set(['mixed']);
  return { records, rejected, shape: [...formats][0] ?? 'loki' };
}
