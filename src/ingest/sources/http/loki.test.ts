import { gzipSync } from 'node:zlib';
import snappy from 'snappyjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseLabels } from './loki';
import { protoTypes } from './protos';
import { fixture, post, startReceiver, type Running } from './testing';

let r: Running;
beforeAll(async () => {
  r = await startReceiver();
});
afterAll(() => r.stop());
beforeEach(() => {
  r.sink.records.length = 0;
});

const PUSH = '/loki/api/v1/push';

/** A PushRequest as Promtail/Alloy send it: protobuf, snappy block-compressed. */
function pushBody(streams: Array<{ labels: string; entries: Array<{ s: number; ns: number; line: string; meta?: Record<string, string> }> }>): Buffer {
  const t = protoTypes().lokiPush;
  const msg = t.fromObject({
    streams: streams.map((s) => ({
      labels: s.labels,
      entries: s.entries.map((e) => ({
        timestamp: { seconds: e.s, nanos: e.ns },
        line: e.line,
        structuredMetadata: Object.entries(e.meta ?? {}).map(([name, value]) => ({ name, value })),
      })),
    })),
  });
  return Buffer.from(snappy.compress(t.encode(msg).finish()));
}

describe('POST /loki/api/v1/push', () => {
  it('protobuf + snappy (Promtail): labels become fields and host/app, lines are read by their format', async () => {
    const body = pushBody([
      {
        labels: '{job="varlogs", host="web-5", filename="/var/log/app.log", env="prod \\"eu\\""}',
        entries: [
          { s: 1704200645, ns: 123456789, line: '{"level":"error","msg":"db timeout","ms":5000}', meta: { trace_id: 'abc123' } },
          { s: 1704200646, ns: 0, line: '{"level":"info","msg":"recovered"}' },
        ],
      },
      { labels: '{app="billing", level="warn"}', entries: [{ s: 1704200647, ns: 5e8, line: 'invoice 42 overdue' }] },
    ]);
    const res = await post(r.port, PUSH, body, 'application/x-protobuf');
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
    expect(r.sink.records.map((x) => ({ ts: x.ts, level: x.level, host: x.host, app: x.app, message: x.message, fields: x.fields }))).toEqual([
      {
        ts: Date.UTC(2024, 0, 2, 13, 4, 5, 123),
        level: 'error',
        host: 'web-5',
        app: 'varlogs',
        message: 'db timeout',
        fields: { job: 'varlogs', filename: '/var/log/app.log', env: 'prod "eu"', ms: 5000, trace_id: 'abc123' },
      },
      {
        ts: Date.UTC(2024, 0, 2, 13, 4, 6),
        level: 'info',
        host: 'web-5',
        app: 'varlogs',
        message: 'recovered',
        fields: { job: 'varlogs', filename: '/var/log/app.log', env: 'prod "eu"' },
      },
      // The level label fills the level a plain line does not give.
      { ts: Date.UTC(2024, 0, 2, 13, 4, 7, 500), level: 'warn', host: null, app: 'billing', message: 'invoice 42 overdue', fields: { level: 'warn' } },
    ]);
    expect(r.sink.records[0]!.source.name).toBe('http:loki');
  });

  it('JSON (Fluent Bit loki output), gzip allowed', async () => {
    const res = await post(r.port, PUSH, gzipSync(fixture('fluentbit-loki.json')), 'application/json', { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(204);
    expect(r.sink.records.map((x) => [x.ts, x.level, x.host, x.app, x.message])).toEqual([
      [Date.UTC(2024, 0, 2, 13, 4, 5, 123), 'error', 'web-4', 'fluent-bit', 'upstream timed out'],
      [Date.UTC(2024, 0, 2, 13, 4, 6), 'error', 'web-4', 'fluent-bit', 'plain line without level'],
    ]);
    expect(r.sink.records[0]!.fields).toMatchObject({ job: 'fluent-bit', stream: 'stderr' });
  });

  it('rejects bad entries by position and keeps the rest (400, text body as Loki answers)', async () => {
    const body = JSON.stringify({ streams: [{ stream: { job: 'x' }, values: [['1704200645123456789', 'good'], ['yesterday', 'bad'], ['1704200645123456789']] }] });
    const res = await post(r.port, PUSH, body, 'application/json');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/2 items rejected \(first: item \[1\]: streams\[0\]\.values\[1\]: expected \["<unix epoch in nanoseconds/);
    expect(r.sink.records.map((x) => x.message)).toEqual(['good']);
  });

  it('says what is wrong with a body that is not a push request', async () => {
    const notSnappy = await post(r.port, PUSH, Buffer.from('plain protobuf, not snappy'), 'application/x-protobuf');
    expect(notSnappy.status).toBe(400);
    expect(notSnappy.text).toMatch(/not snappy-compressed/);
    const notProto = await post(r.port, PUSH, Buffer.from(snappy.compress(Buffer.from([0x0a, 0xff, 0xff, 0xff]))), 'application/x-protobuf');
    expect(notProto.status).toBe(400);
    expect(notProto.text).toMatch(/not a Loki PushRequest in protobuf/);
    const badLabels = await post(r.port, PUSH, pushBody([{ labels: 'job=x', entries: [{ s: 1, ns: 0, line: 'l' }] }]), 'application/x-protobuf');
    expect(badLabels.status).toBe(400);
    expect(badLabels.text).toMatch(/labels "job=x" are not of the form/);
    const wrongShape = await post(r.port, PUSH, '{"streams":{}}', 'application/json');
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.text).toMatch(/not a Loki push request: streams: /);
    const type = await post(r.port, PUSH, 'x', 'text/plain');
    expect(type.status).toBe(415);
    expect(r.sink.records).toHaveLength(0);
  });

  it('parses label sets with escapes', () => {
    expect(parseLabels('{a="1", b="x\\"y", c="line\\nbreak"}')).toEqual({ a: '1', b: 'x"y', c: 'line\nbreak' });
    expect(parseLabels('{}')).toEqual({});
    expect(() => parseLabels('{a="1", b=2}')).toThrow(/expected name="value" at offset/);
  });
});
