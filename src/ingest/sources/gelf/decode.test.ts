import { gzipSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ChunkAssembler } from './chunks';
import { decodeGelf, gelfCompression, gelfOrRaw, gelfPayloadText, gelfToRecord } from './decode';

describe('decodeGelf', () => {
  it('maps the standard fields and the additional ones', () => {
    const r = decodeGelf(
      JSON.stringify({
        version: '1.1',
        host: 'example.org',
        short_message: 'A short message',
        full_message: 'Backtrace here\n\nmore stuff',
        timestamp: 1385053862.3072,
        level: 3,
        _user_id: 9001,
        _some_info: 'foo',
        _ok: true,
        _nested: { a: [1, 2] },
        _service: 'billing',
      }),
      4,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.record).toEqual({
      ts: 1385053862307,
      level: 'error',
      host: 'example.org',
      app: 'billing',
      message: 'A short message',
      fields: {
        full_message: 'Backtrace here\n\nmore stuff',
        severity: 'err',
        user_id: 9001,
        some_info: 'foo',
        ok: true,
        nested: '{"a":[1,2]}',
        service: 'billing',
      },
      format: 'gelf',
      line: 4,
      parseError: null,
    });
  });

  it('leaves time and level empty when absent, reads numeric strings and millisecond stamps', () => {
    const a = gelfToRecord({ host: 'h', short_message: 'm' }, 1);
    expect(a.ok && a.record).toMatchObject({ ts: null, level: null, app: null, fields: {} });
    const b = gelfToRecord({ host: 'h', short_message: 'm', timestamp: '1700000000.5', level: '6', _tag: 'web' }, 1);
    expect(b.ok && b.record).toMatchObject({ ts: 1700000000500, level: 'info', app: 'web' });
    const c = gelfToRecord({ host: 'h', short_message: 'm', timestamp: 1700000000123 }, 1);
    expect(c.ok && c.record.ts).toBe(1700000000123);
  });

  it.each([
    ['not JSON', '{"host": "h", short_message', /gelf: not JSON/],
    ['an array', '[1,2]', /expected a JSON object, got an array/],
    ['no short_message', '{"host":"h"}', /short_message is required/],
    ['no host', '{"short_message":"m"}', /host is required/],
    ['level out of range', '{"host":"h","short_message":"m","level":9}', /level: /],
    ['timestamp not a number', '{"host":"h","short_message":"m","timestamp":"yesterday"}', /timestamp/],
  ])('says what is wrong: %s', (_name, text, error) => {
    const r = decodeGelf(text, 1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
    const raw = gelfOrRaw(text, 2, '10.0.0.1');
    expect(raw).toMatchObject({ message: text, format: 'raw', host: '10.0.0.1', line: 2 });
    expect(raw.parseError).toMatch(error);
  });

  it('does not let a key named __proto__ reach the prototype', () => {
    const r = decodeGelf('{"host":"h","short_message":"m","___proto__":1,"__proto__":{"polluted":1}}', 1);
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.getPrototypeOf(r.record.fields)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('GELF payloads', () => {
  const json = JSON.stringify({ host: 'h', short_message: 'compressed' });
  it('tells gzip, zlib and plain apart by magic and decompresses them', () => {
    expect(gelfCompression(gzipSync(json))).toBe('gzip');
    expect(gelfCompression(deflateSync(json))).toBe('zlib');
    expect(gelfCompression(Buffer.from(json))).toBe('none');
    for (const b of [gzipSync(json), deflateSync(json), Buffer.from(json)])
      expect(gelfPayloadText(b, 1 << 20)).toBe(json);
  });

  it('refuses corrupt data and bombs, saying which', () => {
    const gz = gzipSync(json);
    expect(() => gelfPayloadText(gz.subarray(0, gz.length - 6), 1 << 20)).toThrow(/gzip payload is corrupt/);
    expect(() => gelfPayloadText(deflateSync('x'.repeat(100_000)), 1024)).toThrow(/inflates to more than 1024 bytes/);
  });
});

describe('ChunkAssembler', () => {
  const chunk = (id: number, seq: number, count: number, data: string) =>
    Buffer.concat([
      Buffer.from([0x1e, 0x0f]),
      Buffer.alloc(7),
      Buffer.from([id]),
      Buffer.from([seq, count]),
      Buffer.from(data),
    ]);
  const limits = { maxPending: 3, maxPendingBytes: 1 << 20, expiryMs: 5000 };

  it('joins chunks in any order, ignores duplicates', () => {
    const a = new ChunkAssembler(limits);
    const parts = [chunk(1, 2, 3, 'C'), chunk(1, 0, 3, 'A'), chunk(1, 0, 3, 'A'), chunk(1, 1, 3, 'B')];
    const out = parts.map((p) => a.add(p, 0, p.length, 0));
    expect(out.slice(0, 3)).toEqual([null, null, null]);
    expect(out[3]!.toString()).toBe('ABC');
    expect(a.duplicates).toBe(1);
    expect(a.pendingMessages).toBe(0);
  });

  it('expires sets that never complete after expiryMs, and bounds how many it holds', () => {
    const a = new ChunkAssembler(limits);
    const first = chunk(1, 0, 2, 'x');
    a.add(first, 0, first.length, 0);
    expect(a.expire(4999)).toBe(0);
    expect(a.expire(5000)).toBe(1);
    expect(a.expired).toBe(1);
    for (let id = 10; id < 15; id++) {
      const c = chunk(id, 0, 2, 'y');
      a.add(c, 0, c.length, 6000);
    }
    expect(a.pendingMessages).toBe(3);
    expect(a.evicted).toBe(2);
    const bad = chunk(20, 5, 2, 'z');
    expect(a.add(bad, 0, bad.length, 6000)).toBeNull();
    expect(a.invalid).toBe(1);
  });
});
