import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixture, post, startReceiver, type Running } from './testing';

let r: Running;
beforeAll(async () => {
  r = await startReceiver();
});
afterAll(() => r.stop());
beforeEach(() => {
  r.sink.records.length = 0;
});

describe('POST /gelf', () => {
  it('a graypy GELFHTTPHandler message, gzip: 202, read by the GELF decoder', async () => {
    const res = await post(r.port, '/gelf', gzipSync(fixture('graypy-http.json')), 'application/json', { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(202);
    expect(res.body.length).toBe(0);
    expect(r.sink.records).toHaveLength(1);
    expect(r.sink.records[0]).toMatchObject({
      ts: Date.UTC(2024, 0, 2, 13, 4, 5, 123),
      level: 'error',
      host: 'app-1',
      message: 'login failed for user bob',
      format: 'gelf',
      source: { name: 'http:gelf', kind: 'gelf' },
      fields: expect.objectContaining({ function: 'login', pid: 4242, logger: 'auth' }),
    });
    expect(r.sink.records[0]!.fields!.full_message).toMatch(/ValueError: bad password/);
  });

  it('several messages, one per line; a bad one is rejected by line and the rest kept', async () => {
    const body = [
      '{"version":"1.1","host":"h","short_message":"one","timestamp":1704200645}',
      '{"version":"1.1","short_message":"no host"}',
      '{"version":"1.1","host":"h","short_message":"three","level":9}',
      '{"version":"1.1","host":"h","short_message":"four","level":6}',
    ].join('\n');
    const res = await post(r.port, '/gelf', body, 'application/json');
    expect(res.status).toBe(400);
    const j = res.json<{ stored: number; rejected: Array<{ line: number; error: string }> }>();
    expect(j.stored).toBe(2);
    expect(j.rejected.map((x) => x.line)).toEqual([2, 3]);
    expect(j.rejected[0]!.error).toMatch(/host/);
    expect(r.sink.records.map((x) => [x.message, x.level, x.line])).toEqual([
      ['one', null, 1],
      ['four', 'info', 4],
    ]);
  });

  it('refuses a body that is not JSON, and other content types', async () => {
    const res = await post(r.port, '/gelf', 'short_message=hi', 'application/json');
    expect(res.status).toBe(400);
    expect(res.json().error).toMatch(/starts with "short_message=hi"/);
    expect((await post(r.port, '/gelf', 'x', 'application/xml')).status).toBe(415);
    expect(r.sink.records).toHaveLength(0);
  });
});
