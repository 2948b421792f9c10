import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestRecord } from '../../ingest/record';
import { tempDir } from '../testing/fixtures';
import { Store } from './store';
import { LogWriter } from './writer';

const stores: Store[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

async function open() {
  const store = await Store.open(tempDir());
  stores.push(store);
  return { store, writer: await LogWriter.create(store, { maxQueuedRows: 10 }) };
}

const rec = (line: number, templateId: number | null = null): IngestRecord => ({
  ts: Date.UTC(2024, 0, 1) + line * 1000,
  level: 'info',
  host: null,
  app: null,
  message: `message ${line}`,
  fields: line % 2 ? { status: 200, service: 'api' } : null,
  format: 'test',
  line,
  parseError: null,
  templateId,
  params: templateId === null ? null : [String(line)],
});
const source = { name: 'a.log', kind: 'file' as const, format: 'test' };

describe('LogWriter', () => {
  it('commits batches with ids in order, source counts and new field names in one transaction', async () => {
    const { store, writer } = await open();
    await Promise.all([
      writer.append({ source, records: [rec(1), rec(2)], fallbackTs: 0 }),
      writer.append({ source, records: [rec(3)], fallbackTs: 0 }),
    ]);
    const rows = await store.read('SELECT id::INTEGER AS id, line::INTEGER AS line, status, fields::VARCHAR AS f FROM logs ORDER BY id');
    expect(rows.map((r) => [r.id, r.line])).toEqual([[1, 1], [2, 2], [3, 3]]);
    expect(rows[0]!.status).toBe(200);
    expect(JSON.parse(String(rows[0]!.f))).toEqual({ service: 'api' });
    expect(await store.read('SELECT records::INTEGER AS n FROM sources')).toEqual([{ n: 3 }]);
    expect(await store.read('SELECT name, type FROM field_names')).toEqual([{ name: 'service', type: 'text' }]);
  });

  it('makes producers wait while its queue is full, and takes more while a commit is being written', async () => {
    const { writer } = await open();
    const batch = (from: number) => ({ source, records: Array.from({ length: 10 }, (_, i) => rec(from + i)), fallbackTs: 0 });
    const microtasks = async () => {
      for (let i = 0; i < 20; i++) await null; // no macrotask runs, so no DuckDB call completes
    };
    const first = writer.append(batch(1));
    await microtasks();
    expect(writer.full).toBe(false); // taken out of the queue into the first commit
    const second = writer.append(batch(11));
    await microtasks();
    expect(writer.full).toBe(true); // waits in the queue behind the commit
    let waited = true;
    const space = writer.whenSpace().then(() => (waited = false));
    await microtasks();
    expect(waited).toBe(true);
    await first;
    await space;
    expect(waited).toBe(false);
    await second;
  });

  it('keeps pattern counts with the rows, and runs a queued statement even with no rows pending', async () => {
    const { store, writer } = await open();
    writer.templateText = (id) => `template ${id} <*>`;
    await writer.append({ source, records: [rec(1, 7), rec(2, 7), rec(3, 8)], fallbackTs: 0 });
    expect(await store.read('SELECT id::INTEGER AS id, template, count::INTEGER AS c FROM templates ORDER BY id')).toEqual([
      { id: 7, template: 'template 7 <*>', c: 2 },
      { id: 8, template: 'template 8 <*>', c: 1 },
    ]);
    // A commit of only such statements is still told (views re-read: the models' answers
    // for patterns arrive this way, after the import's last rows).
    const told: number[] = [];
    writer.onCommit = (rows) => told.push(rows);
    writer.writeWithNextCommit(`INSERT OR REPLACE INTO miner_state VALUES (1, ?, now()::TIMESTAMP)`, ['{"v":1}']);
    await writer.close();
    expect(await store.read('SELECT state::VARCHAR AS s FROM miner_state')).toEqual([{ s: '{"v":1}' }]);
    expect(told).toEqual([0]);
  });

  it('counts patterns the same whether a commit has a few (updated one by one) or many (one upsert)', async () => {
    const { store, writer } = await open();
    writer.templateText = (id) => `template ${id} <*>`;
    // Six new patterns in one commit (the many path), two known and one new (the few path),
    // then four known ones (the many path again, updating).
    await writer.append({ source, records: [1, 2, 3, 4, 5, 6, 1].map((t, i) => rec(i + 1, t)), fallbackTs: 0 });
    await writer.append({ source, records: [rec(8, 1), rec(9, 6), rec(10, 7)], fallbackTs: 0 });
    await writer.append({ source, records: [rec(11, 2), rec(12, 3), rec(13, 4), rec(14, 5)], fallbackTs: 0 });
    const rows = await store.read('SELECT id::INTEGER AS id, count::INTEGER AS c, epoch_ms(first_ts)::DOUBLE AS f, epoch_ms(last_ts)::DOUBLE AS l FROM templates ORDER BY id');
    const t = (line: number) => Date.UTC(2024, 0, 1) + line * 1000;
    expect(rows).toEqual([
      { id: 1, c: 3, f: t(1), l: t(8) },
      { id: 2, c: 2, f: t(2), l: t(11) },
      { id: 3, c: 2, f: t(3), l: t(12) },
      { id: 4, c: 2, f: t(4), l: t(13) },
      { id: 5, c: 2, f: t(5), l: t(14) },
      { id: 6, c: 2, f: t(6), l: t(9) },
      { id: 7, c: 1, f: t(10), l: t(10) },
    ]);
  });

  it('stores any text exactly as given: quotes, newlines, NUL, emoji, a megabyte, nothing', async () => {
    const { store, writer } = await open();
    // U+0001 is the staging CSV's quote: doubled inside a text, at its start and its end too.
    const texts = ['', 'say "hi", \'ok\'; DROP TABLE logs; --', 'two\nlines\r\n\ttab', 'nul \u0000 byte', 'emoji 🪵 ü 日本', 'x'.repeat(1 << 20), '\\ back\\slash \\u0041', '\u0001', '\u0001\u0001,\u0001 a,b \u0001'];
    await writer.append({ source, records: texts.map((message, i) => ({ ...rec(i + 1), message, fields: { note: message.slice(0, 50) } })), fallbackTs: 0 });
    const rows = await store.read('SELECT message, fields->>\'note\' AS note FROM logs ORDER BY id');
    expect(rows.map((r) => r.message)).toEqual(texts);
    expect(rows.map((r) => r.note)).toEqual(texts.map((t) => t.slice(0, 50)));
  });

  it('replaces a lone surrogate (which JSON from a receiver can carry) instead of failing the commit', async () => {
    const { store, writer } = await open();
    await writer.append({ source, records: [{ ...rec(1), message: 'half \uD83D pair' }, rec(2)], fallbackTs: 0 });
    const rows = await store.read('SELECT message FROM logs ORDER BY id');
    expect(rows.map((r) => r.message)).toEqual(['half \uFFFD pair', 'message 2']);
  });

  it('keeps millisecond times, missing times from the fallback, and a commit leaves no staging file behind', async () => {
    const { store, writer } = await open();
    await writer.append({ source, records: [{ ...rec(1), ts: Date.UTC(2024, 1, 29, 23, 59, 59, 123) }, { ...rec(2), ts: null }], fallbackTs: Date.UTC(2020, 0, 1) });
    const rows = await store.read('SELECT epoch_ms(ts)::BIGINT AS ms FROM logs ORDER BY id');
    expect(rows.map((r) => Number(r.ms))).toEqual([Date.UTC(2024, 1, 29, 23, 59, 59, 123), Date.UTC(2020, 0, 1)]);
    expect(readdirSync(join(dirname(store.file), 'staging'))).toEqual([]);
  });

  it("stores the effective severity: the line's own level, else its pattern's inferred one, flagged", async () => {
    const { store, writer } = await open();
    writer.severityOf = (id) => (id === 7 ? 'error' : null);
    await writer.append({ source, records: [rec(1, 7), { ...rec(2, 7), level: null }, { ...rec(3, 8), level: null }], fallbackTs: 0 });
    const rows = await store.read('SELECT severity::INTEGER AS s, severity_inferred AS i FROM logs ORDER BY id');
    expect(rows).toEqual([
      { s: 3, i: false },
      { s: 6, i: true },
      { s: null, i: null },
    ]);
  });
  it('stages the batches one commit takes in one file per source, and cuts a batch that fails half-way off it', async () => {
    const { store, writer } = await open();
    const other = { name: 'b.log', kind: 'file' as const, format: 'test' };
    // A BigInt field cannot be written as JSON: the batch fails while being staged, after
    // its first rows are in the file; the ones around it share that file and stay whole.
    const bad = (line: number): IngestRecord => ({ ...rec(line), fields: { big: 1n as unknown as number } });
    const long = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ ...rec(from + i), message: 'x'.repeat(2000) }));
    const first = writer.append({ source, records: [rec(1)], fallbackTs: 0 }); // taken by the first commit at once
    const results = await Promise.allSettled([
      first,
      writer.append({ source, records: [rec(2), rec(3)], fallbackTs: 0 }),
      writer.append({ source: other, records: [rec(4)], fallbackTs: 0 }),
      writer.append({ source, records: [rec(5), bad(6)], fallbackTs: 0 }),
      // Past the staging buffer (2 MiB) before it fails: cut off in the file itself.
      writer.append({ source, records: [...long(7, 1500), bad(1507)], fallbackTs: 0 }),
      writer.append({ source, records: [rec(1508)], fallbackTs: 0 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const rows = await store.read('SELECT line::INTEGER AS line, source, id::INTEGER AS id FROM logs ORDER BY id');
    expect(rows.map((r) => [r.line, r.source])).toEqual([
      [1, 'a.log'],
      [2, 'a.log'],
      [3, 'a.log'],
      [4, 'b.log'],
      [1508, 'a.log'],
    ]);
    expect(await store.read('SELECT name, records::INTEGER AS n FROM sources ORDER BY name')).toEqual([
      { name: 'a.log', n: 4 },
      { name: 'b.log', n: 1 },
    ]);
    expect(writer.stats.commits).toBe(2); // the first batch alone, then the rest in one
    expect(readdirSync(join(dirname(store.file), 'staging'))).toEqual([]);
  });
});
