import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryFieldNames, queryFields, type QueryNode, type Value } from './ast';
import { MAX_DEPTH, parseQuery } from './parse';

/** A compact picture of a tree, so precedence tests read like the grammar. */
function show(n: QueryNode | null): string {
  if (!n) return 'ALL';
  const val = (v: Value) =>
    v.kind === 'literal' ? JSON.stringify(v.text) : v.parts.map((p) => JSON.stringify(p)).join('*');
  switch (n.type) {
    case 'and':
    case 'or':
      return `(${n.type} ${n.children.map(show).join(' ')})`;
    case 'not':
      return `(not ${show(n.child)})`;
    case 'all':
      return '*';
    case 'text':
      return val(n.value);
    case 'regex':
      return `${n.field ? n.field.name + ':' : ''}/${n.pattern}/${n.ignoreCase ? 'i' : ''}`;
    case 'field':
      return `${n.field.name}${n.op}${val(n.value)}`;
    case 'exists':
      return `${n.field.name}:*`;
  }
}

function parsed(text: string): string {
  const r = parseQuery(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return show(r.ast);
}

function failure(text: string) {
  const r = parseQuery(text);
  if (r.ok) throw new Error(`${text} parsed: ${show(r.ast)}`);
  return r.error;
}

describe('terms', () => {
  it.each([
    ['error', '"error"'],
    ['"connection refused"', '"connection refused"'],
    ['level:error', 'level:"error"'],
    ['level=error', 'level="error"'],
    ['status>=500', 'status>="500"'],
    ['status>500', 'status>"500"'],
    ['status<=499', 'status<="499"'],
    ['status<400', 'status<"400"'],
    ['latency_ms>1e3', 'latency_ms>"1e3"'],
    ['latency_ms>-5', 'latency_ms>"-5"'],
    ['status!=200', '(not status="200")'],
    ['host:*', 'host:*'],
    ['host=*', 'host:*'],
    ['path:/api/*', 'path:"/api/"*""'],
    ['path:*/health', 'path:""*"/health"'],
    ['conn*refused', '"conn"*"refused"'],
    ['-path:/health', '(not path:"/health")'],
    ['path:/health/', 'path:/health/'],
    ['path:/api/v1/users', 'path:"/api/v1/users"'],
    ['/time(d )?out/', '/time(d )?out/'],
    ['/timeout/i', '/timeout/i'],
    ['/(?i)timeout/', '/timeout/i'],
    ['msg:/a\\/b/', 'msg:/a\\/b/'],
    ['/a[/]b/', '/a[/]b/'],
    ['/api/users', '"/api/users"'],
    ['//', '"//"'],
    ['pattern:123', 'pattern:"123"'],
    ['user.id:42', 'user.id:"42"'],
    ['x-request-id:abc', 'x-request-id:"abc"'],
    ['@timestamp>2024-01-01T10:00:00Z', '@timestamp>"2024-01-01T10:00:00Z"'],
    ['ünï:ok', 'ünï:"ok"'],
    ['host:""', 'host:""'],
    ['host:"*"', 'host:"*"'],
    ['"a*b"', '"a*b"'],
  ])('%s', (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });

  it('reads backslash escapes in quoted strings: \\" and \\\\ only', () => {
    expect(parsed('"say \\"hi\\" \\\\ C:\\temp"')).toBe(JSON.stringify('say "hi" \\ C:\\temp'));
  });

  it('keeps backslashes that escape nothing in bare words (Windows paths need no doubling)', () => {
    expect(parsed('source:C:\\logs\\new.log')).toBe(`source:${JSON.stringify('C:\\logs\\new.log')}`);
  });

  it('escapes syntax characters in bare words', () => {
    expect(parsed('a\\ b\\*c\\:d')).toBe('"a b*c:d"');
    expect(parsed('level\\:error')).toBe('"level:error"');
    expect(parsed('\\level')).toBe(JSON.stringify('\\level')); // \l escapes nothing: a backslash
    expect(parsed('\\-x')).toBe('"-x"');
  });

  it('keeps parentheses a word opened itself (pasted stack frames, calls)', () => {
    expect(parsed('getUser() x')).toBe('(and "getUser()" "x")');
    expect(parsed('(a OR foo(b))')).toBe('(or "a" "foo(b)")');
  });

  it('reads a colon after a word as a field (and the compiler explains unknown ones)', () => {
    expect(parsed('http://example.com')).toBe('http:"//example.com"');
  });

  it('treats empty input and a lone * as "everything"', () => {
    expect(parseQuery('')).toEqual({ ok: true, ast: null });
    expect(parseQuery('   \t ')).toEqual({ ok: true, ast: null });
    expect(parseQuery(' * ')).toEqual({ ok: true, ast: null });
    expect(parseQuery('(*)')).toEqual({ ok: true, ast: null });
    expect(parsed('* -level:debug')).toBe('(and * (not level:"debug"))');
  });
});

describe('boolean structure', () => {
  it.each([
    ['a b c', '(and "a" "b" "c")'],
    ['a AND b', '(and "a" "b")'],
    ['a and b', '(and "a" "b")'],
    ['a Or b', '(or "a" "b")'],
    ['a OR b c', '(or "a" (and "b" "c"))'],
    ['a b OR c', '(or (and "a" "b") "c")'],
    ['a OR b AND c', '(or "a" (and "b" "c"))'],
    ['NOT a b', '(and (not "a") "b")'],
    ['NOT a OR b', '(or (not "a") "b")'],
    ['a OR NOT b c', '(or "a" (and (not "b") "c"))'],
    ['-a !b', '(and (not "a") (not "b"))'],
    ['not not a', '(not (not "a"))'],
    ['--a', '(not (not "a"))'],
    ['NOT (a OR b) c', '(and (not (or "a" "b")) "c")'],
    ['(a OR b) c', '(and (or "a" "b") "c")'],
    ['(a b) c', '(and (and "a" "b") "c")'],
    ['-(a b)', '(not (and "a" "b"))'],
    ['!(level:error OR level:fatal)', '(not (or level:"error" level:"fatal"))'],
    ['((a))', '"a"'],
    ['"or" "AND"', '(and "or" "AND")'],
    ['a-b', '"a-b"'],
  ])('%s', (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });
});

describe('spans', () => {
  it('gives every node the text it came from', () => {
    const text = 'level:error -(host:web* OR "a b") /x/i';
    const r = parseQuery(text);
    if (!r.ok) throw new Error(r.error.message);
    const and = r.ast;
    if (and?.type !== 'and') throw new Error('expected and');
    const [lvl, not, re] = and.children;
    const slice = (s: { start: number; end: number }) => text.slice(s.start, s.end);
    expect(slice(and.span)).toBe(text);
    if (lvl?.type !== 'field' || not?.type !== 'not' || re?.type !== 'regex') throw new Error('shape');
    expect(slice(lvl.span)).toBe('level:error');
    expect(slice(lvl.field.span)).toBe('level');
    expect(slice(lvl.valueSpan)).toBe('error');
    expect(slice(not.span)).toBe('-(host:web* OR "a b")');
    expect(slice(not.child.span)).toBe('(host:web* OR "a b")');
    if (not.child.type !== 'or') throw new Error('shape');
    expect(not.child.children.map((c) => slice(c.span))).toEqual(['host:web*', '"a b"']);
    expect(slice(re.span)).toBe('/x/i');
  });

  it('lists the fields a query uses, with where', () => {
    const text = 'level:error (host:* OR -status>=500) /x/ path:/a/ level:warn';
    const r = parseQuery(text);
    if (!r.ok) throw new Error(r.error.message);
    expect(queryFields(r.ast).map((f) => text.slice(f.span.start, f.span.end))).toEqual([
      'level',
      'host',
      'status',
      'path',
      'level',
    ]);
    expect(queryFieldNames(r.ast)).toEqual(['level', 'host', 'status', 'path']);
    expect(queryFieldNames(null)).toEqual([]);
  });
});

describe('syntax errors name the place', () => {
  it.each([
    ['level:error "abc', 'unclosed quote starting at 12', 12, 16],
    ['host:"abc', 'unclosed quote starting at 5', 5, 9],
    ['(a OR b', 'unclosed parenthesis at 0', 0, 1],
    ['x (a (b)', 'unclosed parenthesis at 2', 2, 3],
    ['a) b', 'unmatched ")" at 1', 1, 2],
    [')', 'unmatched ")" at 0', 0, 1],
    ['a AND', '"AND" at 2 needs a term after it', 2, 5],
    ['a or', '"or" at 2 needs a term after it', 2, 4],
    ['a AND OR b', '"AND" at 2 needs a term after it', 2, 5],
    ['OR a', '"OR" at 0 needs a term before it', 0, 2],
    ['(AND a)', '"AND" at 1 needs a term before it', 1, 4],
    ['(a OR)', '"OR" at 3 needs a term after it', 3, 5],
    ['NOT', '"NOT" at 0 needs a term after it', 0, 3],
    ['a NOT', '"NOT" at 2 needs a term after it', 2, 5],
    ['-AND x', '"-" at 0 needs a term after it', 0, 1],
    ['a - b', '"-" at 2 must be followed by what to exclude (to search for "-" itself, put it in quotes)', 2, 3],
    ['a !', '"!" at 2 must be followed by what to exclude (to search for "!" itself, put it in quotes)', 2, 3],
    ['()', 'empty parentheses at 0', 0, 2],
    ['a ( )', 'empty parentheses at 2', 2, 5],
    ['level:', 'field "level" needs a value after ":" (at 6)', 0, 6],
    ['level: error', 'field "level" needs a value after ":" (at 6)', 0, 6],
    ['(status>=)', 'field "status" needs a value after ">=" (at 9)', 1, 9],
    ['status>=*', '">=" needs a value to compare with, not "*" (at 8)', 8, 9],
    ['path>/a*', 'wildcards (*) only work with ":" and "=", not ">" (at 5)', 5, 8],
    [
      'status:(500 OR 502)',
      'grouped values are not supported: write (status:a OR status:b) instead of status:(a OR b)',
      7,
      8,
    ],
    ['x /a(/', 'bad regular expression at 2: unterminated group', 2, 6],
    ['msg:/+/', 'bad regular expression at 4: nothing to repeat', 4, 7],
    ['/(?i)/', 'bad regular expression at 0: the pattern is empty', 0, 6],
    ['/a(?=b)/', 'bad regular expression at 0: lookahead (?= (?! is not supported', 0, 8],
    ['/(?<!a)b/', 'bad regular expression at 0: lookbehind (?<= (?<! is not supported', 0, 9],
    ['/(a)\\1/', 'bad regular expression at 0: back-references (\\1) are not supported', 0, 7],
    [
      '/(?<n>a)/',
      'bad regular expression at 0: named groups (?<name>…) are not supported; use a plain group (…)',
      0,
      9,
    ],
  ])('%s', (text, message, start, end) => {
    expect(failure(text)).toEqual({ message, start, end });
  });

  it('accepts what merely looks like the unsupported regex features', () => {
    expect(parsed('/[(?=]\\\\1/')).toBe('/[(?=]\\\\1/');
  });

  it(`limits nesting to ${MAX_DEPTH} levels`, () => {
    expect(parsed('('.repeat(MAX_DEPTH) + 'a' + ')'.repeat(MAX_DEPTH))).toBe('"a"');
    const deep = '('.repeat(MAX_DEPTH + 1) + 'a' + ')'.repeat(MAX_DEPTH + 1);
    expect(failure(deep)).toEqual({
      message: `the query nests more than ${MAX_DEPTH} levels deep (at ${MAX_DEPTH})`,
      start: MAX_DEPTH,
      end: MAX_DEPTH + 1,
    });
    expect(failure('-'.repeat(MAX_DEPTH + 1) + 'a').message).toMatch(/nests more than/);
  });

  it('never throws, and every position it reports lies within the text', () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom(' ', '(', ')', '"', '\\', '/', '*', ':', '>', '=', '-', '!', 'OR', 'and', 'NOT', 'x', 'level'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 30,
    });
    fc.assert(
      fc.property(text, (q) => {
        const r = parseQuery(q);
        const within = (s: { start: number; end: number }) => 0 <= s.start && s.start <= s.end && s.end <= q.length;
        if (!r.ok) return within(r.error);
        const nodes: QueryNode[] = r.ast ? [r.ast] : [];
        for (let n = nodes.pop(); n; n = nodes.pop()) {
          if (!within(n.span)) return false;
          if (n.type === 'and' || n.type === 'or') nodes.push(...n.children);
          if (n.type === 'not') nodes.push(n.child);
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
