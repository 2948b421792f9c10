import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixture, post, send, startReceiver, type Running } from './testing';

const TOKEN = 'es-token-0123456789';
const BASIC = { Authorization: `Basic ${Buffer.from(`elastic:${TOKEN}`).toString('base64')}` };

let r: Running;
beforeAll(async () => {
  r = await startReceiver({ token: TOKEN });
});
afterAll(() => r.stop());
beforeEach(() => {
  r.sink.records.length = 0;
});

interface BulkReply {
  took: number;
  errors: boolean;
  items: Array<Record<string, { _index: string; _id: string; status: number; result?: string; error?: { type: string; reason: string } }>>;
}

describe('the probes shippers send before their first batch', () => {
  it('GET / and HEAD / answer with an Elasticsearch version (Filebeat, Vector read version.number)', async () => {
    const res = await send(r.port, { method: 'GET', path: '/', headers: BASIC });
    expect(res.status).toBe(200);
    expect(res.headers['x-elastic-product']).toBe('Elasticsearch');
    const info = res.json<{ version: { number: string }; tagline: string }>();
    expect(info.version.number).toMatch(/^9\.\d+\.\d+$/);
    expect(info.tagline).toBe('You Know, for Search');
    const head = await send(r.port, { method: 'HEAD', path: '/', headers: BASIC });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('the version is configurable (for a shipper newer than the default)', async () => {
    const other = await startReceiver({ esVersion: '9.4.0' });
    try {
      expect((await send(other.port, { method: 'GET', path: '/' })).json<{ version: { number: string } }>().version.number).toBe('9.4.0');
    } finally {
      await other.stop();
    }
  });

  it('licence, xpack, cluster health, templates, ILM and pipelines answer harmlessly', async () => {
    const license = await send(r.port, { method: 'GET', path: '/_license?human=false', headers: BASIC });
    expect(license.json()).toMatchObject({ license: { status: 'active', type: 'basic' } });
    expect((await send(r.port, { method: 'GET', path: '/_xpack', headers: BASIC })).json()).toMatchObject({ features: { ilm: { available: true, enabled: true } } });
    expect((await send(r.port, { method: 'GET', path: '/_cluster/health', headers: BASIC })).json()).toMatchObject({ status: 'green' });
    for (const [method, path, want] of [
      ['HEAD', '/_index_template/filebeat-8.13.4', 200],
      ['GET', '/_ilm/policy/filebeat', 200],
      ['PUT', '/_ilm/policy/filebeat', 200],
      ['PUT', '/_index_template/filebeat-8.13.4', 200],
      ['PUT', '/_ingest/pipeline/filebeat-8.13.4-nginx-access', 200],
      ['GET', '/_data_stream/filebeat-8.13.4', 200],
    ] as const) {
      const res = await send(r.port, { method, path, headers: { ...BASIC, 'Content-Type': 'application/json' }, body: method === 'PUT' ? '{}' : undefined });
      expect(res.status, `${method} ${path}`).toBe(want);
      if (method === 'PUT') expect(res.json()).toEqual({ acknowledged: true });
    }
    expect(r.sink.records).toHaveLength(0);
  });

  it('without the token (basic auth password): 401', async () => {
    const res = await send(r.port, { method: 'GET', path: '/' });
    expect(res.status).toBe(401);
  });
});

describe('POST /_bulk', () => {
  it('Filebeat 8 (create into a data stream, application/json, gzip): records and per-item 201s', async () => {
    const res = await post(r.port, '/_bulk?filter_path=errors,items.*.error,items.*.status', gzipSync(fixture('filebeat-bulk.ndjson')), 'application/json; charset=UTF-8', {
      ...BASIC,
      'Content-Encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    const j = res.json<BulkReply>();
    expect(j.errors).toBe(false);
    expect(j.items.map((i) => [Object.keys(i)[0], i.create!._index, i.create!.status, i.create!.result])).toEqual([
      ['create', 'filebeat-8.13.4', 201, 'created'],
      ['create', 'filebeat-8.13.4', 201, 'created'],
    ]);
    expect(j.items[0]!.create!._id).not.toBe(j.items[1]!.create!._id);
    expect(r.sink.records.map((x) => ({ ts: x.ts, host: x.host, message: x.message, source: x.source.name }))).toEqual([
      { ts: Date.UTC(2024, 0, 2, 13, 4, 5, 123), host: 'web-1', message: '2024-01-02 13:04:05,123 ERROR [main] db.Pool - connection refused', source: 'http:elastic' },
      { ts: Date.UTC(2024, 0, 2, 13, 4, 6, 456), host: 'web-1', message: '2024-01-02 13:04:06,456 INFO  [main] http.Server - listening on :8080', source: 'http:elastic' },
    ]);
    expect(r.sink.records[0]!.fields).toMatchObject({ 'log.file.path': '/var/log/app/app.log', 'log.offset': 0, 'agent.type': 'filebeat', _index: 'filebeat-8.13.4' });
  });

  it('Fluent Bit es output (create with _type, kubernetes metadata)', async () => {
    const res = await post(r.port, '/_bulk', fixture('fluentbit-es-bulk.ndjson'), 'application/x-ndjson', BASIC);
    expect(res.status).toBe(200);
    expect(res.json<BulkReply>().errors).toBe(false);
    expect(r.sink.records.map((x) => [x.ts, x.message, x.fields?.stream, x.fields?.['kubernetes.pod_name']])).toEqual([
      [Date.UTC(2024, 0, 2, 13, 4, 5, 123), '{"level":"warn","msg":"disk 91% full"}', 'stderr', 'api-7d9f8'],
      [Date.UTC(2024, 0, 2, 13, 4, 5, 500), 'GET /healthz 200', 'stdout', 'api-7d9f8'],
    ]);
  });

  it('Vector elasticsearch sink (index, timestamp in ns) to /<index>/_bulk', async () => {
    const res = await post(r.port, '/vector-default/_bulk?timeout=60s', fixture('vector-es-bulk.ndjson'), 'application/x-ndjson', BASIC);
    expect(res.status).toBe(200);
    const j = res.json<BulkReply>();
    expect(j.items.map((i) => [i.index!._index, i.index!.status])).toEqual([
      ['vector-2024.01.02', 201],
      ['vector-2024.01.02', 201],
    ]);
    expect(r.sink.records.map((x) => [x.ts, x.host, x.fields?.file])).toEqual([
      [Date.UTC(2024, 0, 2, 13, 4, 5, 123), 'web-2', '/var/log/nginx/access.log'],
      [Date.UTC(2024, 0, 2, 13, 4, 7), 'web-2', '/var/log/nginx/access.log'],
    ]);
  });

  it('a document that does not parse fails its item only; delete and update are refused per item', async () => {
    const body = [
      '{"index":{"_index":"logs","_id":"a1"}}',
      '{"message":"good","@timestamp":"2024-01-02T13:04:05.123Z"}',
      '{"index":{"_index":"logs"}}',
      '{"message":"cut',
      '{"delete":{"_index":"logs","_id":"x"}}',
      '{"update":{"_index":"logs","_id":"y"}}',
      '{"doc":{"a":1}}',
      '{"create":{}}',
      '{"message":"no index"}',
      '',
    ].join('\n');
    const res = await post(r.port, '/_bulk', body, 'application/x-ndjson', BASIC);
    expect(res.status).toBe(200);
    const j = res.json<BulkReply>();
    expect(j.errors).toBe(true);
    const flat = j.items.map((i) => {
      const [op, v] = Object.entries(i)[0]!;
      return [op, v.status, v.error?.type ?? v.result];
    });
    expect(flat).toEqual([
      ['index', 201, 'created'],
      ['index', 400, 'document_parsing_exception'],
      ['delete', 400, 'illegal_argument_exception'],
      ['update', 400, 'illegal_argument_exception'],
      ['create', 400, 'action_request_validation_exception'],
    ]);
    expect(j.items[0]!.index!._id).toBe('a1');
    expect(j.items[1]!.index!.error!.reason).toMatch(/^\[4:1\] failed to parse/);
    expect(r.sink.records.map((x) => [x.message, x.fields?._id])).toEqual([['good', 'a1']]);
    expect(r.receiver.metrics.of('elastic')).toMatchObject({ rejected: 4 });
  });

  it('a malformed action line fails the request, as Elasticsearch does, and stores nothing', async () => {
    const res = await post(r.port, '/_bulk', '{"index":{}}\n{"message":"a"}\nnot json\n{"message":"b"}\n', 'application/x-ndjson', BASIC);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: { root_cause: [expect.any(Object)], type: 'illegal_argument_exception', reason: expect.stringMatching(/^Malformed action\/metadata line \[3\], it is not JSON/) },
      status: 400,
    });
    expect(r.sink.records).toHaveLength(0);
  });

  it('a bulk body cut after an action line: that item fails', async () => {
    const res = await post(r.port, '/logs/_bulk', '{"index":{}}\n{"message":"a"}\n{"index":{}}\n', 'application/x-ndjson', BASIC);
    const j = res.json<BulkReply>();
    expect(j.items.map((i) => i.index!.status)).toEqual([201, 400]);
    expect(j.items[1]!.index!.error!.reason).toMatch(/no document line after it/);
    expect(r.sink.records.map((x) => x.message)).toEqual(['a']);
  });

  it('429 in the ES rejection shape while the store is full (shippers retry it)', async () => {
    r.sink.setFull(true);
    try {
      const res = await post(r.port, '/_bulk', fixture('filebeat-bulk.ndjson'), 'application/json', BASIC);
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({ error: { type: 'es_rejected_execution_exception' }, status: 429 });
    } finally {
      r.sink.setFull(false);
    }
  });
});
