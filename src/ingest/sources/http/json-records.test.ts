import { describe, expect, it } from 'vitest';
import { TimeContext } from '../../time';
import { parseFormBody, parsePythonTuple, percentFormat } from './form-body';
import { parseJsonBody } from './json-body';
import { objectToRecord } from './json-records';
import { parseMsgpackBody } from './msgpack-body';
import { fixture } from './testing';

const tc = new TimeContext({ defaultZone: 'UTC', referenceMs: Date.UTC(2024, 0, 2) });
const T = Date.UTC(2024, 0, 2, 13, 4, 5, 123);

describe('objectToRecord: the json format’s keys, for objects', () => {
  it('reads time, level, message, host and app from the well-known keys; the rest are fields', () => {
    const r = objectToRecord({ timestamp: '2024-01-02T13:04:05.123Z', level: 'ERROR', message: 'db down', host: 'web-1', service: 'api', user: 'bob' }, tc);
    expect(r).toMatchObject({ ts: T, level: 'error', message: 'db down', host: 'web-1', app: 'api', fields: { user: 'bob' }, format: 'json' });
  });

  it.each([
    ['@timestamp', '2024-01-02T14:04:05.123+01:00'],
    ['time', '2024-01-02T13:04:05.123Z'],
    ['ts', 1704200645.123],
    ['date', 1704200645123],
    ['timestamp', 1704200645123456789],
    ['timestamp', '1704200645123456789'],
  ])('time from %s = %s (ISO, epoch s / ms / ns)', (key, value) => {
    expect(objectToRecord({ [key]: value, msg: 'x' }, tc).ts).toBe(T);
  });

  it.each([
    [{ level: 30 }, 'info'], // pino
    [{ level: 50 }, 'error'], // bunyan
    [{ severity: 3 }, 'error'], // syslog severity
    [{ lvl: 'warning' }, 'warn'],
    [{ log: { level: 'DEBUG' } }, 'debug'], // ECS log.level
    [{ level: 'notice' }, 'notice'],
  ])('level from %j → %s', (obj, level) => {
    expect(objectToRecord({ ...obj, message: 'm' }, tc).level).toBe(level);
  });

  it('message from message, msg, log (Fluent Bit, Docker, without its newline) or short_message (GELF)', () => {
    expect(objectToRecord({ msg: 'a' }, tc).message).toBe('a');
    expect(objectToRecord({ log: 'b\n', stream: 'stdout' }, tc)).toMatchObject({ message: 'b', fields: { stream: 'stdout' } });
    expect(objectToRecord({ short_message: 'c' }, tc).message).toBe('c');
    // message wins over msg; the loser is kept as a field
    expect(objectToRecord({ msg: 'low', message: 'high' }, tc)).toMatchObject({ message: 'high', fields: { msg: 'low' } });
  });

  it('flattens nested objects with dots, renames onto promoted columns, keeps arrays as JSON', () => {
    const r = objectToRecord(
      { '@timestamp': '2024-01-02T13:04:05.123Z', message: 'm', host: { name: 'h1' }, http: { response: { status_code: 503 }, request: { method: 'GET' } }, tags: ['a', 'b'] },
      tc,
    );
    expect(r.host).toBe('h1');
    expect(r.fields).toEqual({ status: 503, method: 'GET', tags: '["a","b"]' });
  });

  it('keeps an unreadable time or level as a field instead of losing it', () => {
    const r = objectToRecord({ time: 'yesterday', level: 'loud', message: 'm' }, tc);
    expect(r).toMatchObject({ ts: null, level: null, fields: { time: 'yesterday', level: 'loud' } });
  });

  it('uses the object’s text as the message when it has no message key', () => {
    expect(objectToRecord({ event: 'x' }, tc, { text: '{"event":"x"}' }).message).toBe('{"event":"x"}');
    expect(objectToRecord({ event: 'x' }, tc).message).toBe('{"event":"x"}');
  });

  it('ignores __proto__ keys and refuses non-objects with what they were', () => {
    const r = objectToRecord(JSON.parse('{"__proto__":{"polluted":1},"message":"m"}'), tc);
    expect(r.fields).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => objectToRecord('text', tc)).toThrow(/expected a JSON object, got a string/);
    expect(() => objectToRecord([1], tc)).toThrow(/got an array/);
  });
});

describe('parseJsonBody: one object, an array, NDJSON', () => {
  it('reads NDJSON with CRLF and a final newline', () => {
    const b = parseJsonBody('{"msg":"a","level":"info"}\r\n{"msg":"b"}\r\n', tc);
    expect(b.records.map((r) => [r.message, r.line])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(b.rejected).toEqual([]);
  });

  it('reads a pretty-printed single object', () => {
    const b = parseJsonBody('{\n  "msg": "pretty",\n  "level": "warn"\n}\n', tc);
    expect(b.records).toHaveLength(1);
    expect(b.records[0]).toMatchObject({ message: 'pretty', level: 'warn' });
  });

  it('rejects a truncated NDJSON line by number and keeps the rest', () => {
    const b = parseJsonBody('{"msg":"a"}\n{"msg":"b"\n{"msg":"c"}\n{"msg":"d', tc);
    expect(b.records.map((r) => r.message)).toEqual(['a', 'c']);
    expect(b.rejected).toEqual([
      { line: 2, error: expect.stringMatching(/^(cut short|not valid JSON)/) },
      { line: 4, error: expect.stringMatching(/^cut short: .*the body ends here/) },
    ]);
  });

  it('rejects a line that is not an object, saying what it is', () => {
    const b = parseJsonBody('{"msg":"a"}\n"just a string"\n[1,2]\n', tc);
    expect(b.records).toHaveLength(1);
    expect(b.rejected[0]).toEqual({ line: 2, error: expect.stringContaining('expected a JSON object, got a string ("just a string")') });
    expect(b.rejected[1]).toEqual({ line: 3, error: expect.stringContaining('expected a JSON object, got an array') });
  });

  it('reads an array, rejecting items that are not objects by index', () => {
    const b = parseJsonBody('[{"msg":"a"}, 42, {"msg":"c"}]', tc);
    expect(b.records.map((r) => r.message)).toEqual(['a', 'c']);
    expect(b.rejected).toEqual([{ index: 1, error: 'expected a JSON object, got a number' }]);
  });

  it('salvages a truncated array: whole items are kept, the cut one is named', () => {
    const b = parseJsonBody('[{"msg":"a, with [brackets] and \\"quotes\\""},{"msg":"b"},{"msg":"c', tc);
    expect(b.records.map((r) => r.message)).toEqual(['a, with [brackets] and "quotes"', 'b']);
    expect(b.rejected).toEqual([{ index: 2, error: expect.stringMatching(/^cut short: the body ends inside this item/) }]);
  });

  it('salvages an array with one broken item in the middle', () => {
    const b = parseJsonBody('[{"msg":"a"},{"msg": nope},{"msg":"c"}]', tc);
    expect(b.records.map((r) => r.message)).toEqual(['a', 'c']);
    expect(b.rejected).toEqual([{ index: 1, error: expect.stringMatching(/^not valid JSON/) }]);
  });

  it('says what a body that is not JSON starts with', () => {
    expect(parseJsonBody('hello', tc).rejected[0]!.error).toMatch(/starts with "hello"/);
    expect(parseJsonBody('   ', tc).rejected[0]!.error).toMatch(/empty/);
  });
});

describe('Fluent Bit msgpack', () => {
  it('reads v2 [[EventTime, meta], record], v1 [EventTime, record] and [seconds, record] events', () => {
    const b = parseMsgpackBody(fixture('fluentbit-msgpack.bin'), tc);
    expect(b.rejected).toEqual([]);
    expect(b.records.map((r) => [r.ts, r.message, r.level])).toEqual([
      [Date.UTC(2024, 0, 2, 13, 4, 5, 123), 'payment failed order=42', 'error'],
      [Date.UTC(2024, 0, 2, 13, 4, 6, 500), 'started worker 3', null],
      [Date.UTC(2024, 0, 2, 13, 4, 7), 'integer time', null],
    ]);
    expect(b.records[1]!.fields).toEqual({ stream: 'stdout', 'kubernetes.pod_name': 'shop-1', 'kubernetes.labels.app': 'shop' });
    expect(b.records[0]!.fields).toEqual({ container_name: '/shop' });
  });

  it('keeps the events before a cut and says where the stream broke', () => {
    const whole = fixture('fluentbit-msgpack.bin');
    const b = parseMsgpackBody(whole.subarray(0, whole.length - 5), tc);
    expect(b.records).toHaveLength(2);
    expect(b.rejected).toEqual([{ index: 2, error: expect.stringMatching(/breaks at event 2/) }]);
  });

  it('rejects an event that is not [time, record]', () => {
    const b = parseMsgpackBody(Buffer.from([0x93, 0x01, 0x02, 0x03]), tc);
    expect(b.records).toEqual([]);
    expect(b.rejected[0]!.error).toMatch(/expected a JSON object, got a number/);
  });
});

describe('forms (Python logging.handlers.HTTPHandler)', () => {
  it('formats msg % args and maps the LogRecord attributes', () => {
    const form = new URLSearchParams({
      name: 'shop.payments',
      msg: 'order %s failed after %d tries (%.1f s)',
      args: "('A-17', 3, 2.5)",
      levelname: 'ERROR',
      levelno: '40',
      pathname: '/srv/shop/pay.py',
      lineno: '88',
      funcName: 'charge',
      created: '1704200645.1234567',
      process: '4242',
      exc_info: 'None',
    }).toString();
    const r = parseFormBody(form, tc);
    expect(r).toMatchObject({
      ts: T,
      level: 'error',
      message: 'order A-17 failed after 3 tries (2.5 s)',
      format: 'python_http',
      fields: { logger: 'shop.payments', pathname: '/srv/shop/pay.py', lineno: 88, funcName: 'charge', process: 4242 },
    });
    expect(r.fields).not.toHaveProperty('exc_info');
  });

  it('keeps the template and args when the args are not simple values', () => {
    const r = parseFormBody(new URLSearchParams({ msg: 'x=%s', args: '(<object at 0x1>,)', levelname: 'INFO', created: '1' }).toString(), tc);
    expect(r.message).toBe('x=%s');
    expect(r.fields!.args).toBe('(<object at 0x1>,)');
  });

  it('parses Python tuple reprs and %-formats', () => {
    expect(parsePythonTuple("('a\\'b', \"c\", -1, 2.5e3, None, True)")).toEqual(["a'b", 'c', -1, 2500, null, true]);
    expect(parsePythonTuple('(1,)')).toEqual([1]);
    expect(parsePythonTuple('[1]')).toBeNull();
    expect(percentFormat('%s%% of %r', [50, 'x'])).toBe("50% of 'x'");
    expect(percentFormat('%s %s', [1])).toBeNull();
  });

  it('maps any other form like a JSON object', () => {
    expect(parseFormBody('message=hi+there&level=warn&user=bob', tc)).toMatchObject({ message: 'hi there', level: 'warn', fields: { user: 'bob' } });
    expect(() => parseFormBody('', tc)).toThrow(/no fields/);
  });
});
