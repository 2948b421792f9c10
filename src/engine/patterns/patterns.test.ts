import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { tempDir, writeFile } from '../testing/fixtures';

const LOGHUB = process.env.LOGHUB_DIR ?? join(import.meta.dirname, '../../../../shared/loghub');
const hdfs = join(LOGHUB, 'HDFS/HDFS_2k.log');
const zk = join(LOGHUB, 'Zookeeper/Zookeeper_2k.log');

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => {});
});
async function open(dataDir = tempDir()) {
  const e = await Engine.open({ dataDir, defaultZone: 'UTC' });
  engines.push(e);
  return e;
}

describe.skipIf(!existsSync(hdfs))('patterns in the engine, on real logs', () => {
  it('gives every imported record a pattern, lists them, and filters by pattern:ID', async () => {
    const engine = await open();
    await engine.importer.wait(engine.importFiles([{ path: hdfs }]));
    const list = await engine.call('patterns', { query: '', limit: 100 });
    expect(list.total).toBeGreaterThan(5);
    expect(list.total).toBeLessThan(100); // HDFS_2k has 14 true templates: never one per line
    expect(list.patterns.reduce((n, p) => n + p.count, 0)).toBe(2000);
    const top = list.patterns[0]!;
    expect(top.template).toContain('<*>');
    expect(top.trend.reduce((a, b) => a + b, 0)).toBe(top.count);
    const filtered = await engine.call('search', { query: `pattern:${top.id}`, limit: 1 });
    expect(filtered.total).toBe(top.count);
    const excluded = await engine.call('search', { query: `-pattern:${top.id}`, limit: 1 });
    expect(excluded.total).toBe(2000 - top.count);
  });

  it('keeps pattern ids across a restart', async () => {
    const data = tempDir();
    const first = await open(data);
    await first.importer.wait(first.importFiles([{ path: hdfs }]));
    const before = await first.call('patterns', { query: '', limit: 100 });
    await first.close();
    engines.splice(engines.indexOf(first), 1);
    const second = await open(data);
    await second.importer.wait(second.importFiles([{ path: hdfs }]));
    const after = await second.call('patterns', { query: '', limit: 100 });
    // The same lines again: the same patterns, each counted twice.
    expect(after.patterns.map((p) => [p.id, p.count]).sort()).toEqual(before.patterns.map((p) => [p.id, p.count * 2]).sort());
  });

  it('compares two sources: patterns only in one are new or gone', async () => {
    const engine = await open();
    await engine.importer.wait(engine.importFiles([{ path: hdfs }, { path: zk }]));
    const cmp = await engine.call('patternsCompare', { a: { source: hdfs }, b: { source: zk } });
    expect(cmp.totalA).toBe(2000);
    expect(cmp.totalB).toBe(2000);
    expect(cmp.added.length).toBeGreaterThan(0);
    expect(cmp.gone.length).toBeGreaterThan(0);
    expect(cmp.added.every((c) => c.countA === 0 && c.countB > 0)).toBe(true);
  });
});

describe('patterns in the engine, when the miner fails', () => {
  it('stores the record without a pattern, keeps the rest of the batch, and says so in health', async () => {
    const engine = await open();
    // Fault injection on the real miner: no input known to make it throw remains.
    const add = engine.patterns.miner.add.bind(engine.patterns.miner);
    engine.patterns.miner.add = (message: string) => {
      if (message.includes('POISON')) throw new Error('injected failure');
      return add(message);
    };
    const dir = tempDir();
    const file = writeFile(dir, 'app.log', ['first line 1', 'POISON line 2', 'third line 3'].join('\n') + '\n');
    const progress = await engine.importer.wait(engine.importFiles([{ path: file }]));
    expect(progress.state).toBe('done');
    const rows = await engine.store.read('SELECT message, template_id FROM logs ORDER BY id');
    expect(rows.map((r) => [r.message, r.template_id === null])).toEqual([
      ['first line 1', false],
      ['POISON line 2', true],
      ['third line 3', false],
    ]);
    const health = await engine.call('health', {});
    expect(health.patterns?.errors).toBe(1);
    expect(health.patterns?.lastError).toMatch(/injected failure/);
  });
});
