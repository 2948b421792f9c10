import { describe, expect, it } from 'vitest';
import { convert, levelReader, parseJsonObject, parseLogfmt, parseStructuredData } from './values';

describe('logfmt', () => {
  it('reads bare and quoted values, with escapes', () => {
    expect(parseLogfmt('a=1 b="two words" c="say \\"hi\\"\\n" d= e=x=y')).toEqual({
      a: '1',
      b: 'two words',
      c: 'say "hi"\n',
      d: '',
      e: 'x=y',
    });
  });

  it('is not fooled by free text with a pair in it, or by a level prefix', () => {
    expect(parseLogfmt('connection refused retry=3')).toBeNull();
    expect(parseLogfmt('INFO:root:a=b c=d')).toBeNull();
    expect(parseLogfmt('only=one')).toBeNull();
    expect(parseLogfmt('a="unterminated b=2')).toBeNull();
    expect(parseLogfmt('a="x"y b=2')).toBeNull();
  });

  it('does not let a key replace the prototype', () => {
    const got = parseLogfmt('__proto__=x a=1')!;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(got).toEqual({ a: '1' });
  });
});

describe('JSON objects', () => {
  it('flattens nesting to dotted keys and keeps arrays as JSON text', () => {
    expect(parseJsonObject('{"a":{"b":{"c":1}},"t":[1,"x"],"n":null,"ok":true}')).toEqual({
      'a.b.c': 1,
      t: '[1,"x"]',
      n: null,
      ok: true,
    });
  });

  it('refuses what is not one object', () => {
    for (const text of ['[1]', '"s"', '12', '{', '{"a":1} {"b":2}']) expect(parseJsonObject(text), text).toBeNull();
  });

  it('drops a "__proto__" key instead of letting it set the prototype', () => {
    const got = parseJsonObject('{"__proto__":{"polluted":1},"a":1}')!;
    expect(got).toEqual({ a: 1 });
    expect((got as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('RFC 5424 structured data', () => {
  it('gives id.param fields and unescapes values', () => {
    expect(parseStructuredData('[a@1 x="1" y="q\\"\\]"][b z=""]')).toEqual({ 'a@1.x': '1', 'a@1.y': 'q"]', 'b.z': '' });
  });

  it('refuses text that is not structured data', () => {
    expect(parseStructuredData('[a x=1]')).toBeNull();
    expect(parseStructuredData('[a x="1"] tail')).toBeNull();
  });
});

describe('levels', () => {
  it('maps words, case-insensitively, with a format’s own words first', () => {
    const read = levelReader({ words: { oops: 'error', info: 'debug' } });
    expect([read('WARNING'), read(' Err '), read('oops'), read('INFO'), read('chatty'), read(null)]).toEqual([
      'warn',
      'error',
      'error',
      'debug',
      null,
      null,
    ]);
  });

  it.each([
    ['syslog', [0, 3, 4, 5, 6, 7, 8], ['fatal', 'error', 'warn', 'notice', 'info', 'debug', null]],
    ['syslog_pri', [34, 165, 14, 191, 192], ['fatal', 'notice', 'info', 'debug', null]],
    ['pino', [10, 20, 30, 40, 50, 60, 70, 5], ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'fatal', null]],
    ['http_status', [200, 301, 404, 503, 42], ['info', 'info', 'warn', 'error', null]],
  ] as const)('reads %s numbers, as numbers and as digit strings', (numbers, values, want) => {
    const read = levelReader({ numbers });
    expect(values.map((v) => read(v))).toEqual(want);
    expect(values.map((v) => read(String(v)))).toEqual(want);
  });

  it('does not read numbers as levels unless the format says how', () => {
    expect(levelReader({})(3)).toBeNull();
    expect(levelReader({})('3')).toBeNull();
  });
});

describe('field types', () => {
  it('converts what converts and keeps the rest as text', () => {
    expect([
      convert('42', 'integer'),
      convert('4.2', 'integer'),
      convert('', 'integer'),
      convert('99999999999999999999', 'integer'),
    ]).toEqual([42, '4.2', '', '99999999999999999999']);
    expect([convert('4.5', 'float'), convert('1e3', 'float'), convert('x', 'float')]).toEqual([4.5, 1000, 'x']);
    expect([
      convert('TRUE', 'boolean'),
      convert('false', 'boolean'),
      convert('yes', 'boolean'),
      convert('7', 'string'),
    ]).toEqual([true, false, 'yes', '7']);
  });
});
