/**
 * The compiled SQL against a real DuckDB: what each construct finds, hostile text matched
 * literally, and property tests that the message search agrees with a JavaScript filter.
 */
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryNode } from '../../shared/query/ast';
import { formatQuery } from '../../shared/query/format';
import { parseQuery } from '../../shared/query/parse';
import { migrations } from '../store/schema';
import { createCatalog, loadCatalog, type Catalog } from './catalog';
import { compileQuery, compileQueryText, compileTimeRange, type CompiledQuery } from './compile';
import { isCaseless } from './sql';
import { codePointTable } from '../testing/code-points';

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);

interface Row {
  id: number;
  level: number;
  source: string;
  host?: string | null;
  app?: string | null;
  message: string;
  format?: string;
  status?: number | null;
  path?: string | null;
  fields?: Record<string, unknown> | null;
  parseError?: string | null;
}

const ROWS: Row[] = [
  {
    id: 1,
    level: 6,
    source: '/var/log/nginx/access.log',
    host: 'web1',
    app: 'api',
    message: 'GET /api/users 500 connection refused',
    status: 500,
    path: '/api/users',
    fields: { service: 'api', latency_ms: 1500 },
  },
  {
    id: 2,
    level: 5,
    source: '/var/log/nginx/access.log',
    host: 'web2',
    message: 'GET /health 200 ok',
    status: 200,
    path: '/health',
    fields: { service: 'web', latency_ms: '12' },
  },
  {
    id: 3,
    level: 3,
    source: 'C:\\logs\\app.log',
    host: null,
    app: 'worker',
    message: `it's "quoted"; DROP TABLE logs; --`,
    fields: { service: 'worker', latency_ms: 'slow' },
  },
  {
    id: 4,
    level: 0,
    source: 'syslog',
    host: 'WEB1',
    message: '100% done_ok with C:\\temp\\new and back\\slash',
    format: 'raw',
    parseError: 'no format matched',
    fields: null,
  },
  {
    id: 5,
    level: 7,
    source: 'http',
    message: 'Grüße from İstanbul: ΣΑΣ 🚀',
    fields: { 'a"b': 'quote key', '*': 'star key', 'we/ird~key': 'x', 'user.id': '42', '': 'empty key' },
  },
  {
    id: 6,
    level: 2,
    source: 'http',
    host: 'db',
    message: `'; DROP TABLE logs; --`,
    status: 404,
    path: '/api/items/7',
    fields: { service: 'api', latency_ms: 2000.5 },
  },
  { id: 7, level: 6, source: '/srv/app/access.log', message: '50%_off sale_100', fields: {} },
];

async function createStore(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const m of migrations) await conn.run(m.sql);
  return { instance, conn };
}

async function insert(conn: DuckDBConnection, rows: Row[]): Promise<void> {
  for (const r of rows) {
    await conn.run(
      `INSERT INTO logs (id, ts, ingest_ts, level, source, line, host, app, message, format, status, path, fields, parse_error)
       VALUES (?, make_timestamp(CAST(? AS BIGINT)), now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::JSON, ?)`,
      [
        r.id,
        (T0 + r.id * 1000) * 1000,
        r.level,
        r.source,
        r.id,
        r.host ?? null,
        r.app ?? null,
        r.message,
        r.format ?? 'test',
        r.status ?? null,
        r.path ?? null,
        r.fields ? JSON.stringify(r.fields) : null,
        r.parseError ?? null,
      ],
    );
  }
}

async function matching(conn: DuckDBConnection, where: CompiledQuery): Promise<number[]> {
  const reader = await conn.runAndReadAll(`SELECT id FROM logs WHERE ${where.sql} ORDER BY id`, where.params);
  return reader.getRowObjectsJS().map((r) => Number(r.id));
}

describe('compiled queries against DuckDB', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  let catalog: Catalog;
  const ids = (q: string) => matching(conn, compileQueryText(q, catalog));

  beforeAll(async () => {
    ({ instance, conn } = await createStore());
    await insert(conn, ROWS);
    await conn.run(
      `INSERT INTO field_names VALUES ('service', 'string'), ('latency_ms', 'number'), ('user.id', 'string'),
       ('a"b', 'string'), ('*', 'string'), ('we/ird~key', 'string'), ('', 'string')`,
    );
    catalog = await loadCatalog(conn);
  });

  afterAll(() => {
    conn.closeSync();
    instance.closeSync();
  });

  it.each<[string, number[]]>([
    ['', [1, 2, 3, 4, 5, 6, 7]],
    ['*', [1, 2, 3, 4, 5, 6, 7]],
    // level
    ['level:error', [1, 7]],
    ['level>=warn', [1, 2, 5, 7]],
    ['level<warn', [3, 6]],
    ['level:none', [4]],
    ['-level:error', [2, 3, 4, 5, 6]],
    ['level:/^(warn|error)$/', [1, 2, 7]],
    ['level:*', [1, 2, 3, 5, 6, 7]],
    // source: full path or base name, either separator
    ['source:access.log', [1, 2, 7]],
    ['source:/var/log/nginx/access.log', [1, 2]],
    ['source:app.log', [3]],
    ['source:*.log', [1, 2, 3, 7]],
    ['source:access*', [1, 2, 7]],
    // text columns: exact and case-sensitive; NOT keeps records without the field
    ['host:web1', [1]],
    ['host:web*', [1, 2]],
    ['-host:web1', [2, 3, 4, 5, 6, 7]],
    ['host:*', [1, 2, 4, 6]],
    ['-host:*', [3, 5, 7]],
    ['format:raw', [4]],
    ['parse_error:*', [4]],
    ['path:/^\\/api\\//', [1, 6]],
    // numbers
    ['status>=500', [1]],
    ['status<300', [2]],
    ['status:5*', [1]],
    ['status:/^4/', [6]],
    ['-status:*', [3, 4, 5, 7]],
    ['id>5', [6, 7]],
    ['line<=2', [1, 2]],
    // JSON fields; values that are not numbers match no numeric comparison
    ['service:api', [1, 6]],
    ['service:w*', [2, 3]],
    ['latency_ms>1000', [1, 6]],
    ['latency_ms<100', [2]],
    ['-latency_ms>1000', [2, 3, 4, 5, 7]],
    ['service:*', [1, 2, 3, 6]],
    ['-service:*', [4, 5, 7]],
    ['user.id:42', [5]],
    // the message
    ['"connection refused"', [1]],
    ['CONNECTION', [1]],
    ['refused connection', [1]],
    ['refused OR health', [1, 2]],
    ['conn*used', [1]],
    ['message:health', [2]],
    ['/conn.*refused/', [1]],
    ['/CONN/', []],
    ['/CONN/i', [1]],
    ['/(?i)conn/', [1]],
    // hostile text is only ever text
    [`"'; DROP TABLE logs; --"`, [6]],
    [`"\\"quoted\\"; DROP"`, [3]],
    [`"it's"`, [3]],
    ['";"', [3, 6]],
    ['"100%"', [4]],
    ['"%"', [4, 7]],
    ['"_"', [4, 7]],
    ['"0%_o"', [7]],
    ['50*off', [7]],
    ['5_*off', []],
    ['"C:\\temp\\new"', [4]],
    ['"back\\\\slash"', [4]],
    ['GRÜ', [5]],
    ['istanbul', [5]],
    ['"ΣΑΣ"', [5]],
    ['🚀', [5]],
    // time
    ['ts>=2024-05-01T10:00:05Z', [5, 6, 7]],
    ['ts<2024-05-01T10:00:02Z', [1]],
    [`ts:${T0 + 3000}`, [3]],
    // structure
    ['level:error -host:web1', [7]],
    ['(level:error OR level:fatal) -source:access.log', [5]],
    ['NOT (status:* OR service:*)', [4, 5, 7]],
  ])('%s', async (q, expected) => {
    expect(await ids(q)).toEqual(expected);
  });

  it('reaches JSON keys no JSONPath could name plainly', async () => {
    const byKey = (name: string, text: string): QueryNode => ({
      type: 'field',
      field: { name, span: { start: 0, end: 0 } },
      op: ':',
      value: { kind: 'literal', text },
      valueSpan: { start: 0, end: 0 },
      span: { start: 0, end: 0 },
    });
    expect(await matching(conn, compileQuery(byKey('*', 'star key'), catalog))).toEqual([5]);
    expect(await matching(conn, compileQuery(byKey('a"b', 'quote key'), catalog))).toEqual([5]);
    expect(await matching(conn, compileQuery(byKey('we/ird~key', 'x'), catalog))).toEqual([5]);
    expect(await matching(conn, compileQuery(byKey('', 'empty key'), catalog))).toEqual([5]);
  });

  it('finds records by anomaly score and decision; unscored records match neither', async () => {
    // Rows 1 and 2 scored (as the writer stores them: REAL and BOOLEAN), the rest unscored.
    await conn.run(`UPDATE logs SET anomaly = 0.8, anomalous = true WHERE id = 1`);
    await conn.run(`UPDATE logs SET anomaly = 0.1, anomalous = false WHERE id = 2`);
    try {
      expect(await ids('anomaly>=0.8')).toEqual([1]);
      expect(await ids('anomaly>0.8')).toEqual([]);
      expect(await ids('anomaly<0.5')).toEqual([2]);
      expect(await ids('anomalous:true')).toEqual([1]);
      expect(await ids('anomalous:false')).toEqual([2]);
      expect(await ids('anomalous:true OR level:none')).toEqual([1, 4]);
      expect(await ids('anomaly:*')).toEqual([1, 2]);
    } finally {
      await conn.run(`UPDATE logs SET anomaly = NULL, anomalous = NULL`);
    }
  });

  it('bounds a time range, from inclusive and to exclusive', async () => {
    expect(await matching(conn, compileTimeRange(T0 + 2000, T0 + 4000))).toEqual([2, 3]);
    expect(await matching(conn, compileTimeRange(T0 + 6000, null))).toEqual([6, 7]);
    expect(await matching(conn, compileTimeRange(null, T0 + 1000.5))).toEqual([1]);
    expect(await matching(conn, compileTimeRange(T0 + 1000.5, T0 + 3000))).toEqual([2]);
  });

  it('still has its table after every hostile query', async () => {
    const reader = await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM logs');
    expect(reader.getRowObjectsJS()[0]!.n).toBe(ROWS.length);
  });
});

// ---------------------------------------------------------------------------------------
// Property tests: "contains, ignoring case" means DuckDB's lower() on both sides, which is
// Unicode's simple lower-case mapping, one code point at a time. String#toLowerCase differs
// only where it uses context or full mappings (final sigma, İ → i̇), so the JavaScript model
// lowers code point by code point and maps İ as the simple mapping does.

const fold = (s: string) => Array.from(s, (ch) => (ch === 'İ' ? 'i' : ch.toLowerCase())).join('');

/** Syntax, SQL and LIKE specials, and letters whose case rules are unusual. */
const ALPHABET = [
  ...`abcXYZ019 '";%_\\*-!:/()<>=~`,
  '\t',
  '\n',
  '\u0000',
  '\u00a0',
  'é',
  'É',
  'ß',
  'ẞ',
  'Σ',
  'σ',
  'ς',
  'İ',
  'ı',
  'I',
  'i',
  'Ä',
  'ä',
  'Ж',
  'ж',
  'ǅ',
  'ǆ',
  '日',
  '🚀',
  '\u0301',
  'K',
  'K',
];
const text = (maxLength: number) => fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength });

const HOSTILE = [
  `'; DROP TABLE logs; --`,
  `it's "quoted"`,
  '100%',
  '50%_off',
  'a_b',
  'C:\\temp\\new',
  'back\\slash',
  'ΣΑΣ σας',
  'İstanbul ISTANBUL',
  'Straße STRASSE',
  '\u0000nul',
  '',
];

describe('message search, property-tested against a JavaScript filter', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  const catalog = createCatalog([]);
  const corpus = [...HOSTILE, ...fc.sample(text(16), { numRuns: 80, seed: 42 })];

  beforeAll(async () => {
    ({ instance, conn } = await createStore());
    await insert(
      conn,
      corpus.map((message, i) => ({ id: i, level: 3, source: 's', host: message, message })),
    );
  });

  afterAll(() => {
    conn.closeSync();
    instance.closeSync();
  });

  /** Mostly pieces of stored messages with their case shuffled, so matches happen; sometimes anything. */
  const needle = fc.oneof(
    text(4),
    fc
      .tuple(fc.constantFrom(...corpus), fc.nat(), fc.nat(), fc.array(fc.boolean(), { maxLength: 16 }))
      .map(([m, a, b, upper]) => {
        const cps = Array.from(m);
        const from = a % (cps.length + 1);
        const piece = cps.slice(from, from + (b % 6));
        return piece.map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join('');
      }),
  );

  const search = async (query: string) => {
    const parsed = parseQuery(query);
    if (!parsed.ok) throw new Error(`${JSON.stringify(query)}: ${parsed.error.message}`);
    return matching(conn, compileQuery(parsed.ast, catalog));
  };
  const expected = (keep: (m: string) => boolean) => corpus.flatMap((m, i) => (keep(m) ? [i] : []));

  it('a quoted phrase finds exactly the messages containing it, ignoring case', async () => {
    await fc.assert(
      fc.asyncProperty(needle, async (s) => {
        const query = '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
        expect(await search(query)).toEqual(expected((m) => fold(m).includes(fold(s))));
      }),
      { numRuns: 400 },
    );
  });

  it('a wildcard word finds the messages with its parts in order, ignoring case', async () => {
    await fc.assert(
      fc.asyncProperty(needle, needle, async (a, b) => {
        fc.pre(a !== '' || b !== '');
        const query = formatQuery({
          type: 'text',
          value: { kind: 'wildcard', parts: [a, b] },
          span: { start: 0, end: 0 },
        });
        const hit = (m: string) => {
          const at = fold(m).indexOf(fold(a));
          return at >= 0 && fold(m).indexOf(fold(b), at + fold(a).length) >= 0;
        };
        expect(await search(query)).toEqual(expected(hit));
      }),
      { numRuns: 300 },
    );
  });

  it('a quoted field value matches exactly, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...corpus), text(4)), async (s) => {
        const query = 'host:"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
        expect(await search(query)).toEqual(expected((m) => m === s));
      }),
      { numRuns: 200 },
    );
  });

  it('searches case-sensitively only where case cannot matter (checked for every code point)', async () => {
    // The plain-contains shortcut for caseless needles is exact only if no character that
    // DuckDB lower-cases is caseless, and none lower-cases to a caseless one.
    await codePointTable(conn, 'cp');
    const reader = await conn.runAndReadAll('SELECT c, lower(c) AS l FROM cp WHERE lower(c) <> c');
    const changed = reader.getRowObjectsJS() as { c: string; l: string }[];
    expect(changed.length).toBeGreaterThan(1000);
    const bad = changed.filter(({ c, l }) => isCaseless(c) || isCaseless(l));
    expect(bad).toEqual([]);
  });
});
