import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueryNode } from '../../shared/query/ast';
import { QueryError } from '../../shared/query/error';
import { parseQuery } from '../../shared/query/parse';
import { queryTree } from '../../shared/query/testing';
import { BUILTIN_FIELDS, createCatalog, type Catalog, type FieldInfo } from './catalog';
import { checkQuery, compileQuery, compileQueryText, compileTimeRange, fieldExpression } from './compile';

const catalog = createCatalog([
  { name: 'service', type: 'string' },
  { name: 'latency_ms', type: 'number' },
  { name: 'user.id', type: 'string' },
  { name: 'level', type: 'string' }, // a JSON field named like a built-in: the built-in wins
]);

const compile = (text: string, cat: Catalog = catalog) => compileQueryText(text, cat);

function compileError(text: string, cat: Catalog = catalog) {
  const e = checkQuery(text, cat);
  if (!e) throw new Error(`${text} compiled`);
  return { message: e.message, at: text.slice(e.start, e.end) };
}

describe('compileQuery', () => {
  it('matches everything for an empty query', () => {
    expect(compileQuery(null, catalog)).toEqual({ sql: 'TRUE', params: [] });
    expect(compile('*')).toEqual({ sql: 'TRUE', params: [] });
  });

  it.each([
    // level: a scale stored as codes 1..7, 0 = none
    ['level:error', 'level = ?', [6]],
    ['Level:ERROR', 'level = ?', [6]],
    ['level:warning', 'level = ?', [5]],
    ['level:none', 'level = ?', [0]],
    ['level>=warn', 'level >= ?', [5]],
    ['level>info', 'level > ?', [3]],
    ['level<warn', '(level >= 1 AND level < ?)', [5]],
    ['level<=info', '(level >= 1 AND level <= ?)', [3]],
    ['level:err*', 'level IN (?)', [6]],
    ['level:/^(warn|error)$/', 'level IN (?, ?)', [5, 6]],
    ['level:zz*', 'FALSE', []],
    ['level:*', 'level <> 0', []],
    // the message: case-insensitive substring, plain contains when case cannot matter
    ['error', 'contains(lower(message), lower(?))', ['error']],
    ['"connection refused"', 'contains(lower(message), lower(?))', ['connection refused']],
    ['"10.0.0.1:5432"', 'contains(message, ?)', ['10.0.0.1:5432']],
    ['message:Timeout', 'contains(lower(message), lower(?))', ['Timeout']],
    ['*err*', 'contains(lower(message), lower(?))', ['err']],
    ['conn*refused', 'lower(message) LIKE lower(?)', ['%conn%refused%']],
    ['100%*done_', "lower(message) LIKE lower(?) ESCAPE '\\'", ['%100\\%%done\\_%']],
    ['/time(d )?out/', 'regexp_matches(message, ?)', ['time(d )?out']],
    ['/timeout/i', "regexp_matches(message, ?, 'i')", ['timeout']],
    // text columns: exact, case-sensitive; * is LIKE
    ['host:web1', 'host = ?', ['web1']],
    ['host=web1', 'host = ?', ['web1']],
    ['host:web*', 'host LIKE ?', ['web%']],
    ['host:C:\\x*', 'host LIKE ?', ['C:\\x%']],
    ['host:a_b*', "host LIKE ? ESCAPE '\\'", ['a\\_b%']],
    ['host:*', 'host IS NOT NULL', []],
    ['path:/^\\/api/', 'regexp_matches(path, ?)', ['^\\/api']],
    [
      'source:access.log',
      "(source = ? OR parse_filename(source, false, 'both_slash') = ?)",
      ['access.log', 'access.log'],
    ],
    ['source:/var/log/a.log', 'source = ?', ['/var/log/a.log']],
    ['source:*.log', "(source LIKE ? OR parse_filename(source, false, 'both_slash') LIKE ?)", ['%.log', '%.log']],
    // numbers
    ['status>=500', 'status >= ?', [500]],
    ['status:404', 'status = ?', [404]],
    ['duration_ms<1.5e3', 'duration_ms < ?', [1500]],
    ['status:5*', 'CAST(status AS VARCHAR) LIKE ?', ['5%']],
    ['status:/^5/', 'regexp_matches(CAST(status AS VARCHAR), ?)', ['^5']],
    ['id>10', 'id > ?', [10]],
    // JSON fields: the key is a parameter (a JSON pointer), numbers through TRY_CAST
    ['service:api', 'json_extract_string(fields, ?) = ?', ['/service', 'api']],
    ['user.id:42', 'json_extract_string(fields, ?) = ?', ['/user.id', '42']],
    ['latency_ms>1000', 'TRY_CAST(json_extract_string(fields, ?) AS DOUBLE) > ?', ['/latency_ms', 1000]],
    ['service>3', 'TRY_CAST(json_extract_string(fields, ?) AS DOUBLE) > ?', ['/service', 3]],
    ['service:api*', 'json_extract_string(fields, ?) LIKE ?', ['/service', 'api%']],
    ['service:*', 'json_exists(fields, ?)', ['/service']],
    ['latency_ms:1*', 'json_extract_string(fields, ?) LIKE ?', ['/latency_ms', '1%']],
    // times
    ['ts>=2024-05-01T00:00:00Z', 'ts >= make_timestamp(CAST(? AS BIGINT))', [Date.UTC(2024, 4, 1) * 1000]],
    ['ts<1714521600000', 'ts < make_timestamp(CAST(? AS BIGINT))', [1714521600000 * 1000]],
    // structure; NOT treats "no value" as "not a match"
    ['-host:web1', '(NOT COALESCE(host = ?, FALSE))', ['web1']],
    ['status!=200', '(NOT COALESCE(status = ?, FALSE))', [200]],
    ['level:error OR host:a b', '(level = ? OR (host = ? AND contains(lower(message), lower(?))))', [6, 'a', 'b']],
    ['* -level:debug', '(TRUE AND (NOT COALESCE(level = ?, FALSE)))', [2]],
  ])('%s', (text, sql, params) => {
    expect(compile(text)).toEqual({ sql, params });
  });

  it.each([
    ['foo:bar', 'unknown field "foo"', 'foo'],
    ['x (levl:error)', 'unknown field "levl" (did you mean "level"?)', 'levl'],
    ['https://example.com', 'unknown field "https" (to search for a URL, put it in quotes)', 'https'],
    ['status:abc', '"status" holds numbers; "abc" is not a number', 'abc'],
    ['latency_ms:"1 2"', '"latency_ms" holds numbers; "1 2" is not a number', '"1 2"'],
    ['level:blah', 'unknown level "blah": use trace, debug, info, notice, warn, error, fatal, or none', 'blah'],
    ['level>=none', '"none" has no place on the level scale; use level:none', 'none'],
    ['host>5', '">" compares numbers, levels and times; "host" is text', 'host>5'],
    ['service>abc', '">" compares numbers, levels and times; "service" is text', 'service>abc'],
    ['message>5', '">" does not apply to the message; use message:text', 'message>5'],
    [
      'ts:yesterday',
      '"ts" is a time; "yesterday" is not one (write 2024-05-01T12:00:00Z or milliseconds since 1970)',
      'yesterday',
    ],
    ['ts:/2024/', '"ts" is a time: compare it with > or <, not a regular expression', 'ts:/2024/'],
    ['pattern:abc', '"pattern" holds numbers; "abc" is not a number', 'abc'],
    ['"abc', 'unclosed quote starting at 0', '"abc'],
  ])('rejects %s', (text, message, at) => {
    expect(compileError(text)).toEqual({ message, at });
  });

  it('throws QueryError for the engine to report', () => {
    expect(() => compile('foo:bar')).toThrow(QueryError);
    expect(checkQuery('level:error', catalog)).toBeNull();
  });

  it('compiles pattern:N to template_id, following templates.merged_into both ways', () => {
    const { sql, params } = compile('pattern:123');
    expect(sql).toContain('template_id = coalesce((SELECT tm.merged_into FROM templates tm WHERE tm.id = ?), ?)');
    expect(sql).toContain('template_id IN (SELECT tp.id FROM templates tp WHERE tp.merged_into = coalesce(');
    expect(params).toEqual([123, 123, 123, 123]);
    // Ordering compares the ids themselves.
    expect(compile('pattern>5')).toEqual({ sql: 'template_id > ?', params: [5] });
  });

  it('refuses a field the catalog marks unavailable, with its reason', () => {
    const limited: Catalog = {
      ...catalog,
      resolve: (name) => {
        const f = catalog.resolve(name);
        return f?.name === 'pattern' ? { ...f, unavailable: 'patterns are switched off' } : f;
      },
    };
    expect(() => compile('-pattern:1', limited)).toThrow('patterns are switched off');
  });

  it('rejects an operator it does not know rather than printing it', () => {
    const ast = parseQuery('status>5');
    if (!ast.ok || ast.ast?.type !== 'field') throw new Error('shape');
    const odd = { ...ast.ast, op: '; DROP TABLE logs; --' } as unknown as QueryNode;
    expect(() => compileQuery(odd, catalog)).toThrow(/unknown operator/);
  });
});

describe('no query text reaches the SQL', () => {
  // Everything the compiler may write itself. Any other word or character in the SQL text
  // came from the query.
  const WORDS = new Set(
    [
      'TRUE FALSE AND OR NOT COALESCE IS NULL IN LIKE ESCAPE CAST AS VARCHAR DOUBLE BIGINT TRY_CAST',
      'contains lower regexp_matches json_extract_string json_exists parse_filename false make_timestamp fields',
      ...BUILTIN_FIELDS.map((f) => (f.source.kind === 'column' ? f.source.column : '')),
    ]
      .join(' ')
      .split(/\s+/),
  );
  const LITERALS = /'i'|'both_slash'|'\\'/g;

  /** Resolves any name: JSON fields of either type, so every tree compiles as far as types allow. */
  const anything: Catalog = {
    resolve: (name) =>
      catalog.resolve(name) ??
      ({ name, type: name.length % 2 ? 'number' : 'text', source: { kind: 'json', key: name } } satisfies FieldInfo),
    list: () => [],
    suggest: () => null,
  };

  it('for any tree, the SQL is made of our own words and a ? per parameter', () => {
    let compiled = 0;
    fc.assert(
      fc.property(queryTree, (ast) => {
        let out;
        try {
          out = compileQuery(ast, anything);
        } catch (e) {
          if (e instanceof QueryError) return; // a type error: nothing compiled
          throw e;
        }
        compiled++;
        const text = out.sql.replace(LITERALS, ' ');
        expect(text).toMatch(/^[A-Za-z_0-9\s(),?=<>]*$/);
        for (const word of text.match(/[A-Za-z_][A-Za-z_0-9]*/g) ?? []) expect(WORDS).toContain(word);
        expect(out.sql.split('?').length - 1).toBe(out.params.length);
      }),
      { numRuns: 2000 },
    );
    expect(compiled).toBeGreaterThan(500);
  });
});

describe('compileTimeRange', () => {
  it('bounds [from, to) in whole microseconds; either end may be open', () => {
    const t = Date.UTC(2024, 4, 1);
    expect(compileTimeRange(t, t + 1000)).toEqual({
      sql: 'ts >= make_timestamp(CAST(? AS BIGINT)) AND ts < make_timestamp(CAST(? AS BIGINT))',
      params: [t * 1000, (t + 1000) * 1000],
    });
    expect(compileTimeRange(t, null)).toEqual({ sql: 'ts >= make_timestamp(CAST(? AS BIGINT))', params: [t * 1000] });
    expect(compileTimeRange(undefined, t)).toEqual({
      sql: 'ts < make_timestamp(CAST(? AS BIGINT))',
      params: [t * 1000],
    });
    expect(compileTimeRange(null, null)).toEqual({ sql: 'TRUE', params: [] });
    expect(compileTimeRange(1.0005, null).params).toEqual([1001]);
    expect(() => compileTimeRange(NaN, null)).toThrow(RangeError);
  });
});

describe('catalog', () => {
  it('lists the queryable fields: built-ins, then JSON fields, without unavailable ones', () => {
    const names = catalog.list().map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['message', 'level', 'source', 'status', 'service', 'latency_ms']));
    expect(names).toContain('pattern');
    expect(names.filter((n) => n === 'level')).toHaveLength(1);
    expect(catalog.list().find((f) => f.name === 'latency_ms')?.type).toBe('number');
    expect(catalog.list().find((f) => f.name === 'service')?.type).toBe('text');
  });

  it('resolves built-in names in any case, JSON names exactly', () => {
    expect(catalog.resolve('STATUS')?.source).toEqual({ kind: 'column', column: 'status' });
    expect(catalog.resolve('Service')).toBeNull();
    expect(catalog.resolve('level')?.type).toBe('level');
  });

  it('gives a field as an expression for facets', () => {
    expect(fieldExpression(catalog.resolve('host')!)).toEqual({ sql: 'host', params: [] });
    expect(fieldExpression(catalog.resolve('service')!)).toEqual({
      sql: 'json_extract_string(fields, ?)',
      params: ['/service'],
    });
  });
});
