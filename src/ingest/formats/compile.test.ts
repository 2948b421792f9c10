import { describe, expect, it } from 'vitest';
import { TimeContext } from '../time';
import { compileFormat } from './compile';
import type { FormatSpec } from './spec';

const spec = (over: Partial<FormatSpec>): FormatSpec => ({
  name: 't',
  title: 'T',
  kind: 'regex',
  samples: [{ line: 'x', message: 'x' }],
  ...over,
});

describe('regex formats', () => {
  it('reads alias groups (name__2) as their field, from whichever branch matched', () => {
    const f = compileFormat(
      spec({ pattern: '(?:(?<user>\\w+)@(?<host>\\S+)|(?<host__2>\\S+) by (?<user__2>\\w+))', message: [] }),
    );
    expect(f.parse('ann@db1')).toMatchObject({ host: 'db1', fields: { user: 'ann' } });
    expect(f.parse('db2 by bob')).toMatchObject({ host: 'db2', fields: { user: 'bob' } });
  });

  it('leaves out null values, and takes the first present group of a role', () => {
    const f = compileFormat(
      spec({ pattern: '(?<a>\\S+) (?<b>\\S+) (?<m1>\\S*) ?(?<m2>.*)', nullValues: ['-'], message: ['m1', 'm2'] }),
    );
    expect(f.parse('- x - tail')).toMatchObject({ message: 'tail', fields: { b: 'x' } });
    expect(f.parse('- x head tail')!.message).toBe('head');
    expect(f.parse('a b - -')).toMatchObject({ message: '', fields: { a: 'a', b: 'b' } });
  });

  it('uses the whole line as message when the pattern has no message group', () => {
    expect(compileFormat(spec({ pattern: '(?<a>\\d+) ok' })).parse('12 ok')).toMatchObject({
      message: '12 ok',
      fields: { a: '12' },
    });
  });

  it('keeps an unreadable stamp as a field rather than losing it', () => {
    const f = compileFormat(spec({ pattern: '(?<ts>\\S+ \\S+) (?<message>.*)', timestamp: { layouts: ['iso8601'] } }));
    expect(f.parse('2024-02-30 10:00:00 hello')).toMatchObject({
      ts: null,
      message: 'hello',
      fields: { ts: '2024-02-30 10:00:00' },
    });
    expect(f.parse('2024-02-03 10:00:00 hello')).toMatchObject({ ts: Date.UTC(2024, 1, 3, 10), fields: null });
  });

  it('expands a captured body into fields, or keeps it when it does not parse', () => {
    const f = compileFormat(spec({ pattern: '(?<kv>.*?) \\| (?<message>.*)', expand: { kv: 'logfmt' } }));
    expect(f.parse('a=1 b=2 | done')).toMatchObject({ message: 'done', fields: { a: '1', b: '2' } });
    expect(f.parse('free text | done')).toMatchObject({ fields: { kv: 'free text' } });
  });

  it('reads stamps in the context it is given', () => {
    const f = compileFormat(spec({ pattern: '(?<ts>\\S+ \\S+) (?<message>.*)', timestamp: { layouts: ['iso8601'] } }));
    const tokyo = new TimeContext({ defaultZone: 'Asia/Tokyo', referenceMs: 0 });
    expect(f.parse('2024-01-02 09:00:00 x', tokyo)!.ts).toBe(Date.UTC(2024, 0, 2, 0));
  });
});

describe('structural formats', () => {
  const json = compileFormat(
    spec({
      kind: 'json',
      require: ['svc'],
      timestamp: { from: ['time', 'ts'], layouts: ['iso8601'] },
      level: { from: ['lvl'] },
      message: ['msg'],
      app: ['svc'],
      rename: { code: 'status' },
      drop: ['noise'],
      fieldTypes: { n: 'integer' },
      nullValues: ['-'],
    }),
  );

  it('takes roles out of the fields, renames, drops and types the rest', () => {
    expect(
      json.parse(
        '{"svc":"api","time":"2024-01-02T00:00:00Z","lvl":"warn","msg":"m\\n","code":500,"noise":1,"n":"7","gone":"-"}',
      ),
    ).toEqual({
      ts: Date.UTC(2024, 0, 2),
      level: 'warn',
      host: null,
      app: 'api',
      message: 'm',
      fields: { status: 500, n: 7 },
      format: 't',
      line: 0,
      parseError: null,
    });
  });

  it('leaves a value that is no time where it was, and tries the next key', () => {
    expect(json.parse('{"svc":"a","time":"soon","ts":"2024-01-02T00:00:00Z"}')).toMatchObject({
      ts: Date.UTC(2024, 0, 2),
      fields: { time: 'soon' },
    });
  });

  it('refuses lines without a required key, and lines that are not objects', () => {
    expect(json.parse('{"msg":"x"}')).toBeNull();
    expect(json.parse('plain text')).toBeNull();
    expect(json.parse('  {"svc":"a"}')).toMatchObject({ app: 'a', message: '  {"svc":"a"}' });
  });

  it('reads logfmt the same way', () => {
    const f = compileFormat(
      spec({
        kind: 'logfmt',
        timestamp: { layouts: ['iso8601'] },
        message: ['msg'],
        fieldTypes: { status: 'integer' },
      }),
    );
    expect(f.parse('ts=2024-01-02T00:00:00Z msg="a b" status=200 path=/x')).toMatchObject({
      ts: Date.UTC(2024, 0, 2),
      message: 'a b',
      fields: { status: 200, path: '/x' },
    });
  });
});
