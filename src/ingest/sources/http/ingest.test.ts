import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixture, post, startReceiver, type Running } from './testing';

const run = promisify(execFile);
let r: Running;
beforeAll(async () => {
  r = await startReceiver();
});
afterAll(() => r.stop());
beforeEach(() => {
  r.sink.records.length = 0;
});

const utc = (...a: [number, number, number, number, number, number, number?]) => Date.UTC(a[0], a[1] - 1, a[2], a[3], a[4], a[5], a[6] ?? 0);

describe('POST /ingest: JSON as shippers send it', () => {
  it('Fluent Bit http output, format json (an array, date as epoch seconds)', async () => {
    const res = await post(r.port, '/ingest', fixture('fluentbit-json.json'), 'application/json');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ stored: 2 });
    expect(r.sink.records.map((x) => ({ ts: x.ts, message: x.message, source: x.source.name, fields: x.fields }))).toEqual([
      { ts: utc(2024, 1, 2, 13, 4, 5, 123), message: '2024-01-02T13:04:05Z ERROR payment failed order=42', source: 'http:ingest', fields: { stream: 'stderr', container_name: '/shop' } },
      { ts: utc(2024, 1, 2, 13, 4, 6, 500), message: 'started worker 3', source: 'http:ingest', fields: { stream: 'stdout', container_name: '/shop' } },
    ]);
  });

  it('Fluent Bit http output, format json_lines — NDJSON labelled application/json', async () => {
    const res = await post(r.port, '/ingest', fixture('fluentbit-json-lines.ndjson'), 'application/json');
    expect(res.status).toBe(200);
    expect(r.sink.records.map((x) => [x.ts, x.message, x.line])).toEqual([
      [utc(2024, 1, 2, 13, 4, 5, 123), '2024-01-02T13:04:05Z ERROR payment failed order=42', 1],
      [utc(2024, 1, 2, 13, 4, 6, 500), 'started worker 3', 2],
    ]);
  });

  it('Fluent Bit http output, format msgpack (EventTime, v1 and v2 events), gzip', async () => {
    const res = await post(r.port, '/ingest', gzipSync(fixture('fluentbit-msgpack.bin')), 'application/msgpack', { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ stored: 3 });
    expect(r.sink.records.map((x) => [x.ts, x.level, x.message, x.format, x.source.format])).toEqual([
      [utc(2024, 1, 2, 13, 4, 5, 123), 'error', 'payment failed order=42', 'fluentbit', 'fluentbit'],
      [utc(2024, 1, 2, 13, 4, 6, 500), null, 'started worker 3', 'fluentbit', 'fluentbit'],
      [utc(2024, 1, 2, 13, 4, 7), null, 'integer time', 'fluentbit', 'fluentbit'],
    ]);
    expect(r.sink.records[1]!.fields).toMatchObject({ 'kubernetes.pod_name': 'shop-1' });
  });

  it.each([
    ['vector-http.json', 'application/json'],
    ['vector-http.ndjson', 'application/x-ndjson'],
  ])('Vector http sink: %s', async (file, type) => {
    const res = await post(r.port, '/ingest', fixture(file), type);
    expect(res.status).toBe(200);
    expect(r.sink.records.map((x) => ({ ts: x.ts, host: x.host, message: x.message, fields: x.fields }))).toEqual([
      { ts: utc(2024, 1, 2, 13, 4, 5, 123), host: 'web-3', message: '{"level":"info","msg":"cache warmed"}', fields: { file: '/var/log/app.log', source_type: 'file' } },
      { ts: utc(2024, 1, 2, 13, 4, 6), host: 'web-3', message: 'panic: runtime error: index out of range', fields: { file: '/var/log/app.log', source_type: 'file' } },
    ]);
  });

  it('one object, with pino levels and nested fields', async () => {
    const res = await post(r.port, '/ingest', '{"level":50,"time":1704200645123,"hostname":"api-1","msg":"boom","req":{"method":"POST","url":"/pay"}}', 'application/json');
    expect(res.status).toBe(200);
    expect(r.sink.records[0]).toMatchObject({ ts: utc(2024, 1, 2, 13, 4, 5, 123), level: 'error', host: 'api-1', message: 'boom', fields: { 'req.method': 'POST', 'req.url': '/pay' } });
  });

  it('JSON sent as a form by `curl -d` is read as JSON', async () => {
    expect((await post(r.port, '/ingest', '{"msg":"from curl","level":"warn"}', 'application/x-www-form-urlencoded')).status).toBe(200);
    expect(r.sink.records[0]).toMatchObject({ message: 'from curl', level: 'warn' });
  });

  it('records without a time get the time the request arrived', async () => {
    const before = Date.now();
    await post(r.port, '/ingest', '{"msg":"no time"}', 'application/json');
    expect(r.sink.records[0]!.ts).toBeGreaterThanOrEqual(before);
    expect(r.sink.records[0]!.ts).toBeLessThanOrEqual(Date.now());
  });
});

describe('POST /ingest: bad JSON keeps the good items and says which were rejected', () => {
  it('a truncated NDJSON batch: 400 naming the line, the rest stored', async () => {
    const body = '{"msg":"a"}\n{"msg":"b"}\n{"msg":"c","lev';
    const res = await post(r.port, '/ingest', body, 'application/x-ndjson');
    expect(res.status).toBe(400);
    const j = res.json<{ error: string; stored: number; rejectedCount: number; rejected: Array<{ line: number; error: string }> }>();
    expect(j.stored).toBe(2);
    expect(j.rejectedCount).toBe(1);
    expect(j.rejected[0]!.line).toBe(3);
    expect(j.rejected[0]!.error).toMatch(/cut short/);
    expect(j.error).toMatch(/1 item rejected \(first: line 3: cut short/);
    expect(r.sink.records.map((x) => x.message)).toEqual(['a', 'b']);
    expect(r.receiver.metrics.of('ingest').rejected).toBeGreaterThanOrEqual(1);
  });

  it('a truncated JSON array: 400 naming the item, the whole items stored', async () => {
    const res = await post(r.port, '/ingest', '[{"msg":"a"},{"msg":"b"},{"msg":"c"', 'application/json');
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ stored: 2, rejected: [{ index: 2, error: expect.stringMatching(/^cut short/) }] });
    expect(r.sink.records.map((x) => x.message)).toEqual(['a', 'b']);
  });

  it('a JSON-labelled body that is not JSON, an empty body, a broken msgpack body', async () => {
    const notJson = await post(r.port, '/ingest', 'hello there', 'application/json');
    expect(notJson.status).toBe(400);
    expect(notJson.json().error).toMatch(/the body starts with "hello there"/);
    const empty = await post(r.port, '/ingest', '', 'application/json');
    expect(empty.status).toBe(400);
    expect(empty.json().error).toMatch(/empty/);
    const mp = await post(r.port, '/ingest', Buffer.from([0x92, 0xd7, 0x00, 1, 2]), 'application/msgpack');
    expect(mp.status).toBe(400);
    expect(mp.json().error).toMatch(/msgpack stream breaks at event 0/);
    expect(r.sink.records).toHaveLength(0);
  });
});

describe('POST /ingest: text lines are read by the formats', () => {
  it('detects an access log and reads its fields', async () => {
    const body =
      '10.0.0.7 - - [02/Jan/2024:13:04:05 +0000] "GET /api/users HTTP/1.1" 200 512 "-" "curl/8.5.0"\n' +
      '10.0.0.8 - - [02/Jan/2024:13:04:07 +0000] "POST /api/login HTTP/1.1" 500 73 "-" "curl/8.5.0"\n';
    const res = await post(r.port, '/ingest', body, 'text/plain');
    expect(res.status).toBe(200);
    expect(r.sink.records.map((x) => [x.ts, x.format, x.fields?.status, x.fields?.method, x.source.format])).toEqual([
      [utc(2024, 1, 2, 13, 4, 5), 'access_combined', 200, 'GET', 'access_combined'],
      [utc(2024, 1, 2, 13, 4, 7), 'access_combined', 500, 'POST', 'access_combined'],
    ]);
  });

  it('keeps a posted stack trace as one record', async () => {
    const body = [
      '2024-01-02 13:04:05,123 ERROR [main] com.shop.Pay - charge failed',
      'java.lang.IllegalStateException: card declined',
      '\tat com.shop.Pay.charge(Pay.java:42)',
      '2024-01-02 13:04:06,000 INFO  [main] com.shop.Pay - retrying',
    ].join('\n');
    await post(r.port, '/ingest', body, 'text/plain');
    expect(r.sink.records).toHaveLength(2);
    expect(r.sink.records[0]).toMatchObject({ level: 'error', ts: utc(2024, 1, 2, 13, 4, 5, 123) });
    expect(r.sink.records[0]!.message).toContain('at com.shop.Pay.charge(Pay.java:42)');
  });
});

describe('Python logging.handlers.HTTPHandler (the real client)', () => {
  it('posts LogRecords as forms; each becomes a record with its time, level, message and fields', async () => {
    const script = `
import logging, logging.handlers
h = logging.handlers.HTTPHandler('127.0.0.1:${r.port}', '/ingest', method='POST')
log = logging.getLogger('shop.payments')
log.setLevel(logging.DEBUG)
log.addHandler(h)
log.error('order %s failed after %d tries', 'A-17', 3)
log.warning('disk at %d%%', 91)
log.info('plain message')
`;
    const before = Date.now();
    await run('python3', ['-c', script], { timeout: 15_000 });
    const after = Date.now();
    expect(r.sink.records.map((x) => [x.level, x.message, x.format, x.source.name])).toEqual([
      ['error', 'order A-17 failed after 3 tries', 'python_http', 'http:ingest'],
      ['warn', 'disk at 91%', 'python_http', 'http:ingest'],
      ['info', 'plain message', 'python_http', 'http:ingest'],
    ]);
    for (const rec of r.sink.records) {
      expect(rec.ts).toBeGreaterThanOrEqual(before - 1000);
      expect(rec.ts).toBeLessThanOrEqual(after);
      expect(rec.fields).toMatchObject({ logger: 'shop.payments', funcName: '<module>', module: expect.any(String), lineno: expect.any(Number), process: expect.any(Number) });
    }
  });

  it('with credentials (basic auth, the token as password) when the receiver has a token', async () => {
    const token = 'py-token-0123456789';
    const secured = await startReceiver({ token });
    try {
      // One Python process, two handlers: the right token and a wrong one.
      const script = `
import logging, logging.handlers
for name, password in (('good', '${token}'), ('bad', 'wrong-password-123')):
    log = logging.getLogger(name)
    log.addHandler(logging.handlers.HTTPHandler('127.0.0.1:${secured.port}', '/ingest', method='POST', credentials=('logs', password)))
    log.warning('with credentials from %s', name)
`;
      await run('python3', ['-c', script], { timeout: 15_000 });
      expect(secured.sink.records.map((x) => x.message)).toEqual(['with credentials from good']);
      expect(secured.receiver.metrics.other.get(401)).toBe(1);
    } finally {
      await secured.stop();
    }
  });
});
