import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { nginxLines, tempDir, writeFile } from './testing/fixtures';

const engines: Engine[] = [];
async function open(dataDir = tempDir()): Promise<Engine> {
  const e = await Engine.open({ dataDir, defaultZone: 'UTC' });
  engines.push(e);
  return e;
}
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => {});
});

async function importAll(engine: Engine, paths: string[]) {
  const id = engine.importFiles(paths.map((path) => ({ path })));
  return engine.importer.wait(id);
}

describe('engine: import and search on a real DuckDB file', () => {
  it('imports an access log with its fields parsed, searchable newest first with a total', async () => {
    const files = tempDir();
    const engine = await open();
    const p = await importAll(engine, [writeFile(files, 'access.log', nginxLines(100).join('\n') + '\n')]);
    expect(p.state).toBe('done');
    expect(p.files[0]).toMatchObject({ records: 100, unparsed: 0, lines: 100, error: null });
    expect(p.files[0]!.format).toMatch(/combined|access/);

    const all = await engine.call('search', { query: '', limit: 5 });
    expect(all.total).toBe(100);
    expect(all.rows.map((r) => r.line)).toEqual([100, 99, 98, 97, 96]);
    expect(all.rows[0]!.ts).toBe(Date.UTC(2024, 2, 1, 10, 99));

    const errors = await engine.call('search', { query: 'status>=500', limit: 100 });
    expect(errors.total).toBe(10);
    expect(errors.rows.every((r) => r.line % 10 === 0)).toBe(true);

    const rec = await engine.call('record', { id: errors.rows[0]!.id });
    expect(rec!.fields).toMatchObject({ status: 500, method: 'GET', path: '/api/items/99' });
  });

  it('pages newest-first with a keyset cursor, without gaps or repeats', async () => {
    const engine = await open();
    await importAll(engine, [writeFile(tempDir(), 'a.log', nginxLines(250).join('\n'))]);
    const seen: number[] = [];
    let cursor = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof engine.call<'search'>>> = await engine.call('search', { query: '*', limit: 60, cursor, count: false });
      seen.push(...page.rows.map((r) => r.line));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => 250 - i));
  });

  it('finds the newest matches exactly as a full sort would, on data out of time order', async () => {
    const engine = await open();
    // Shuffled times over a year plus a dense burst in the last minute: the window search
    // must widen past sparse stretches and not stop early inside the burst.
    const lines: string[] = [];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const end = Date.UTC(2024, 11, 31, 23, 59);
    for (let i = 0; i < 3000; i++) {
      // ...and 300 records sharing one millisecond, so a page boundary falls inside a tie.
      const t = i < 2600 ? end - Math.floor(rand() * 365 * 86400e3) : i < 2900 ? end - 30e3 : end - Math.floor(rand() * 60e3);
      const word = i % 7 === 0 ? 'needle' : 'hay';
      lines.push(JSON.stringify({ ts: new Date(t).toISOString(), level: 'info', msg: `${word} ${i}` }));
    }
    await importAll(engine, [writeFile(tempDir(), 'shuffled.ndjson', lines.join('\n'))]);
    for (const query of ['', 'needle']) {
      const expected = await engine.store.read(
        `SELECT id::DOUBLE AS id FROM logs WHERE contains(message, ?) ORDER BY ts DESC, id DESC LIMIT 150`,
        [query],
      );
      for (const count of [false, true]) {
        const got = await engine.call('search', { query, limit: 150, count });
        expect(got.rows.map((r) => r.id)).toEqual(expected.map((r) => Number(r.id)));
        // The next page continues exactly where a full sort would.
        const next = await engine.call('search', { query, limit: 150, count, cursor: got.nextCursor });
        const expectedNext = await engine.store.read(
          `SELECT id::DOUBLE AS id FROM logs WHERE contains(message, ?) ORDER BY ts DESC, id DESC LIMIT 150 OFFSET 150`,
          [query],
        );
        expect(next.rows.map((r) => r.id)).toEqual(expectedNext.map((r) => Number(r.id)));
      }
    }
  });

  it('buckets a histogram over the stored range, split by level, totals matching the count', async () => {
    const engine = await open();
    await importAll(engine, [writeFile(tempDir(), 'a.log', nginxLines(120).join('\n'))]);
    const h = await engine.call('histogram', { query: '', buckets: 12 });
    expect(h.total).toBe(120);
    expect(h.bucketMs).toBe(600_000);
    const sum = h.series.flatMap((s) => s.counts).reduce((a, b) => a + b, 0);
    expect(sum).toBe(120);
    const f = await engine.call('facets', { query: '', fields: ['status'] });
    expect(f.facets[0]!.values).toEqual([
      { value: '200', count: 108 },
      { value: '500', count: 12 },
    ]);
  });

  it('gives the lines around a record in its source', async () => {
    const engine = await open();
    await importAll(engine, [writeFile(tempDir(), 'a.log', nginxLines(50).join('\n'))]);
    const hit = await engine.call('search', { query: 'status:500', limit: 1 });
    const ctx = await engine.call('context', { id: hit.rows[0]!.id, before: 3, after: 2 });
    expect(ctx.rows.map((r) => r.line)).toEqual([47, 48, 49, 50]);
  });

  it('merges several files and folders by time; bad inputs are reported and the rest goes on', async () => {
    const files = tempDir();
    const folder = join(files, 'folder');
    mkdirSync(folder);
    writeFile(folder, 'one.log', nginxLines(10).join('\n'));
    writeFile(folder, 'two.log.gz', gzipSync(nginxLines(20).slice(10).join('\n')));
    const binary = writeFile(files, 'core.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]));
    const empty = writeFile(files, 'empty.log', '');
    const locked = writeFile(files, 'locked.log', 'x\n');
    chmodSync(locked, 0o000);
    const engine = await open();
    const p = await importAll(engine, [folder, binary, empty, join(files, 'missing.log'), locked]);
    expect(p.state).toBe('done');
    const byName = Object.fromEntries(p.files.map((f) => [f.path.split('/').pop(), f]));
    expect(byName['one.log']!.records).toBe(10);
    expect(byName['two.log.gz']!.records).toBe(10);
    expect(byName['core.bin']!.error).toMatch(/binary/);
    expect(byName['empty.log']!.warnings).toContain('empty file');
    expect(byName['missing.log']!.error).toMatch(/no such file/);
    // root reads anything, so only check the permission case when the test runs unprivileged
    if (process.getuid?.() !== 0) expect(byName['locked.log']!.error).toMatch(/permission/);
    const rows = await engine.call('search', { query: '', limit: 20 });
    expect(rows.rows.map((r) => r.ts)).toEqual([...rows.rows.map((r) => r.ts)].sort((a, b) => b - a));
  });

  it('keeps a line no format parses, raw and marked, among parsed ones', async () => {
    const lines = nginxLines(5);
    lines.splice(2, 0, '\u0001\u0002 garbage that is no access log line');
    const engine = await open();
    const p = await importAll(engine, [writeFile(tempDir(), 'mixed.log', lines.join('\n'))]);
    expect(p.files[0]).toMatchObject({ records: 6, unparsed: 1 });
    const raw = await engine.call('search', { query: '"garbage that is"', limit: 5 });
    expect(raw.rows).toHaveLength(1);
    expect(raw.rows[0]!.parseError).toBeTruthy();
    expect(raw.rows[0]!.line).toBe(3);
  });

  it('keeps what it committed across a restart (a real file, reopened)', async () => {
    const data = tempDir();
    const first = await open(data);
    await importAll(first, [writeFile(tempDir(), 'a.log', nginxLines(30).join('\n'))]);
    await first.close();
    engines.splice(engines.indexOf(first), 1);
    const second = await open(data);
    expect((await second.call('search', { query: '', limit: 1 })).total).toBe(30);
    expect((await second.call('health', {})).records).toBe(30);
  });

  it('rejects malformed params and query text with the protocol error codes', async () => {
    const engine = await open();
    await expect(engine.call('search', { limit: 'many' })).rejects.toMatchObject({ info: { code: 'bad_request' } });
    await expect(engine.call('search', { query: 'level:' })).rejects.toMatchObject({ info: { code: 'query' } });
    await expect(engine.call('search', { query: 'nosuchfield:1' })).rejects.toMatchObject({
      info: { code: 'query', query: { start: 0 } },
    });
  });

  it('matches hostile strings literally and leaves the table intact', async () => {
    const engine = await open();
    const hostile = `x'; DROP TABLE logs; -- "quoted" 100% _under\\score`;
    await importAll(engine, [writeFile(tempDir(), 'h.log', `plain line one\n${hostile}\nplain line three\n`)]);
    const q = JSON.stringify(hostile); // a quoted phrase with escapes
    const r = await engine.call('search', { query: q, limit: 5 });
    expect(r.rows.map((x) => x.message)).toEqual([hostile]);
    expect((await engine.call('search', { query: '"100%"', limit: 5 })).total).toBe(1);
    expect((await engine.call('search', { query: '', limit: 5 })).total).toBe(3);
  });

  it('emits progress and can cancel a running import', async () => {
    const engine = await open();
    const big = writeFile(tempDir(), 'big.log', nginxLines(200_000).join('\n'));
    const events: string[] = [];
    engine.on('importProgressed', (p) => events.push(p.state));
    const id = engine.importFiles([{ path: big }]);
    await new Promise((r) => setTimeout(r, 50));
    expect(engine.importer.cancel(id)).toBe(true);
    const p = await engine.importer.wait(id);
    expect(p.state).toBe('cancelled');
    expect(events[0]).toBe('running');
    expect(events.at(-1)).toBe('cancelled');
  });
});
