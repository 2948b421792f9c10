/**
 * How fast can "the message contains X, ignoring case" be over 6 M rows? Produces the
 * figures quoted at messageContains (sql.ts). Not a test; run it by hand:
 *
 *   npx tsx bench/substring-methods.ts
 *   N=1000000 RUNS=5 NEEDLES='foo|bar' DBFILE=/tmp/m.duckdb npx tsx bench/substring-methods.ts
 *
 * It generates nginx-like access-log messages inside DuckDB (deterministic, from hash(i)),
 * plants a rare line 20 times, and times count(*) for each way of writing the search,
 * checking that the case-insensitive ones agree.
 */
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { migrations } from '../src/engine/store/schema';
import { messageContains } from '../src/engine/query/sql';

const N = Number(process.env.N ?? 6_000_000);
const RUNS = Number(process.env.RUNS ?? 7);
const NEEDLES = (
  process.env.NEEDLES ?? 'connection refused|nosuchthing|Mozilla|10.9.8.7:5432|GET /api/users/4242'
).split('|');

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => '\\' + m);
const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each way of writing it: SQL and its parameters. `exact: false` marks the case-sensitive reference. */
const strategies: { name: string; exact: boolean; build: (n: string) => [string, DuckDBValue[]] }[] = [
  {
    name: 'message ILIKE ? ESCAPE',
    exact: true,
    build: (n) => [`message ILIKE ? ESCAPE '\\'`, [`%${likeEscape(n)}%`]],
  },
  { name: 'message ILIKE ? (no ESCAPE)', exact: true, build: (n) => [`message ILIKE ?`, [`%${n}%`]] },
  {
    name: 'lower(message) LIKE ? ESCAPE',
    exact: true,
    build: (n) => [`lower(message) LIKE ? ESCAPE '\\'`, [`%${likeEscape(n.toLowerCase())}%`]],
  },
  {
    name: 'contains(lower(message), ?) [JS-lowered]',
    exact: true,
    build: (n) => [`contains(lower(message), ?)`, [n.toLowerCase()]],
  },
  {
    name: 'contains(lower(message), lower(?))',
    exact: true,
    build: (n) => [`contains(lower(message), lower(?))`, [n]],
  },
  {
    name: "regexp_matches(message, ?, 'i')",
    exact: true,
    build: (n) => [`regexp_matches(message, ?, 'i')`, [regexEscape(n)]],
  },
  {
    name: 'CHOSEN messageContains (mixed)',
    exact: true,
    build: (n) => {
      const s = messageContains(n);
      return [s.text, [...s.params]];
    },
  },
  { name: 'contains(message, ?) [case-sensitive]', exact: false, build: (n) => [`contains(message, ?)`, [n]] },
];

const instance = await DuckDBInstance.create(process.env.DBFILE ?? ':memory:', { threads: '2' });
const conn = await instance.connect();
for (const m of migrations) await conn.run(m.sql);

const started = performance.now();
await conn.run(`
  INSERT INTO logs (id, ts, ingest_ts, level, source, line, message, format)
  SELECT i, TIMESTAMP '2024-01-01' + to_milliseconds(i * 10), now()::TIMESTAMP, 3, '/var/log/nginx/access.log', i + 1,
    CASE WHEN i % ${Math.max(1, Math.floor(N / 20))} = 17
      THEN 'upstream Connection Refused while connecting to 10.9.8.7:5432, client: 10.0.' || (i % 256) || '.1'
      ELSE '10.' || (h % 256) || '.' || ((h >> 8) % 256) || '.' || ((h >> 16) % 256) || ' - - [' ||
        strftime(TIMESTAMP '2024-01-01' + to_milliseconds(i * 10), '%d/%b/%Y:%H:%M:%S +0000') || '] "' ||
        ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'][1 + (h >> 20) % 6] || ' /api/' ||
        ['users', 'orders', 'items', 'health', 'search', 'login', 'static/app.js'][1 + (h >> 24) % 7] || '/' ||
        ((h >> 28) % 100000) || ' HTTP/1.1" ' || [200, 200, 200, 200, 304, 404, 500, 502][1 + (h >> 40) % 8] || ' ' ||
        ((h >> 44) % 50000) || ' "-" "' ||
        ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36', 'curl/8.4.0',
         'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) Gecko/20100101 Firefox/121.0', 'kube-probe/1.29',
         'Go-http-client/1.1'][1 + (h >> 50) % 5] || '"'
    END, 'nginx'
  FROM (SELECT i, (hash(i) >> 1)::BIGINT AS h FROM range(${N}) r(i))`);
if (process.env.DBFILE) await conn.run('CHECKPOINT');
const stats = (
  await conn.runAndReadAll('SELECT count(*)::INTEGER AS n, avg(length(message))::INTEGER AS len FROM logs')
).getRowObjectsJS()[0]!;
console.log(
  `${stats.n} messages of ${stats.len} characters on average, generated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`count(*) per needle; median of ${RUNS} runs (min), threads=2\n`);

for (const needle of NEEDLES) {
  console.log(`needle ${JSON.stringify(needle)}`);
  let agreed: number | null = null;
  for (const s of strategies) {
    const [where, params] = s.build(needle);
    const times: number[] = [];
    let count = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const reader = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM logs WHERE ${where}`, params);
      times.push(performance.now() - t);
      count = Number(reader.getRowObjectsJS()[0]!.n);
    }
    times.sort((a, b) => a - b);
    if (s.exact) {
      agreed ??= count;
      if (count !== agreed) throw new Error(`${s.name} counted ${count}, others ${agreed}`);
    }
    const ms = (x: number) => x.toFixed(0).padStart(5);
    console.log(`  ${s.name.padEnd(42)} ${ms(times[RUNS >> 1]!)} ms (${ms(times[0]!)})  ${count} rows`);
  }
}
conn.closeSync();
instance.closeSync();
