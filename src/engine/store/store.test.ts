import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures';
import { Store } from './store';
import { LogWriter } from './writer';

const stores: Store[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

async function open(dir = tempDir()): Promise<Store> {
  const store = await Store.open(dir);
  stores.push(store);
  return store;
}

describe('Store.runPrepared', () => {
  it('runs one text with new values each time, and keeps working past its cache of prepared statements', async () => {
    const store = await open();
    await store.write('CREATE TABLE t (k INTEGER PRIMARY KEY, v VARCHAR)');
    for (let k = 0; k < 3; k++) await store.runPrepared('INSERT INTO t VALUES (?, ?)', [k, `v${k}`]);
    const updated = await store.runPrepared('UPDATE t SET v = ? WHERE k = ?', ['changed', 1]);
    expect(updated.rowsChanged).toBe(1);
    expect((await store.runPrepared('UPDATE t SET v = ? WHERE k = ?', ['none', 99])).rowsChanged).toBe(0);
    // More distinct texts than the cache keeps: the oldest are dropped and prepared again.
    for (let i = 0; i < 100; i++) await store.runPrepared(`UPDATE t SET v = v WHERE k = ? + ${i}`, [0]);
    await store.runPrepared('INSERT INTO t VALUES (?, ?)', [3, 'v3']);
    expect(await store.read('SELECT k, v FROM t ORDER BY k')).toEqual([
      { k: 0, v: 'v0' },
      { k: 1, v: 'changed' },
      { k: 2, v: 'v2' },
      { k: 3, v: 'v3' },
    ]);
  });

  it('stores batches from a data folder whose path has a quote in it', async () => {
    const store = await open(tempDir("logscope-it's-"));
    const writer = await LogWriter.create(store);
    const record = (line: number) => ({
      ts: Date.UTC(2024, 0, 1) + line,
      level: 'info' as const,
      host: null,
      app: null,
      message: `message ${line}`,
      fields: null,
      format: 'test',
      line,
      parseError: null,
      templateId: null,
      params: null,
    });
    const source = { name: 'a.log', kind: 'file' as const, format: 'test' };
    await writer.append({ source, records: [record(1), record(2)], fallbackTs: 0 });
    await writer.append({ source, records: [record(3)], fallbackTs: 0 });
    expect(await store.read('SELECT id::INTEGER AS id, message FROM logs ORDER BY id')).toEqual([
      { id: 1, message: 'message 1' },
      { id: 2, message: 'message 2' },
      { id: 3, message: 'message 3' },
    ]);
    await writer.close();
  });
});
