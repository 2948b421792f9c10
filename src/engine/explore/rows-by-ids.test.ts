import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestRecord } from '../../ingest/record';
import { Store } from '../store/store';
import { LogWriter } from '../store/writer';
import { tempDir } from '../testing/fixtures';
import { rowsByIds } from './explore';

let store: Store;
let writer: LogWriter;
beforeAll(async () => {
  store = await Store.open(tempDir());
  writer = await LogWriter.create(store);
  const records: IngestRecord[] = Array.from({ length: 300 }, (_, i) => ({ ts: Date.UTC(2026, 0, 1) + i, level: 'info', host: null, app: null, message: `m ${i}`, fields: null, format: 'raw', line: i + 1, parseError: null }));
  await writer.append({ source: { name: 'a', kind: 'file', format: 'raw' }, records, fallbackTs: 0 });
});
afterAll(async () => {
  await writer.close();
  store.close();
});

describe('rowsByIds', () => {
  it('one range per cluster of nearby ids, and exactly the rows asked for', async () => {
    const [first] = await store.read('SELECT min(id)::DOUBLE AS lo FROM logs');
    const lo = Number(first!.lo);
    const ids = [lo + 299, lo + 3, lo + 150, lo + 4, lo + 152];
    const sql = rowsByIds(ids, 10);
    expect(sql.split(' UNION ALL ')).toHaveLength(3);
    const rows = await store.read(`SELECT id::DOUBLE AS id, message FROM (${sql}) ORDER BY id`);
    expect(rows.map((r) => Number(r.id) - lo)).toEqual([3, 4, 150, 152, 299]);
    expect(rows.map((r) => r.message)).toEqual(['m 3', 'm 4', 'm 150', 'm 152', 'm 299']);
    // Far apart by the default gap or not, the same rows.
    expect((await store.read(`SELECT count(*)::INTEGER AS n FROM (${rowsByIds(ids)})`))[0]!.n).toBe(5);
  });
});
