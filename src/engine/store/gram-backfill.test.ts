import { describe, expect, it } from 'vitest';
import type { IngestRecord } from '../../ingest/record';
import { tempDir } from '../testing/fixtures';
import { GRAM_BLOCK_ROWS } from './message-grams';
import { Store } from './store';
import { LogWriter } from './writer';

const record = (n: number): IngestRecord => ({
  ts: Date.UTC(2026, 0, 1) + n,
  level: 'info',
  host: null,
  app: null,
  message: `job ${n.toString(36)} done on worker-${n % 17} after ${n % 900} ms`,
  fields: null,
  format: 'raw',
  line: n,
  parseError: null,
});

const entries = async (store: Store) =>
  (await store.read('SELECT block::INTEGER AS block, bits::VARCHAR AS bits FROM message_grams ORDER BY block')).map((r) => [r.block, r.bits]);

describe('backfillGrams', () => {
  it('fills in the blocks stored without an entry with the bits the writer gives, and leaves the open block alone', async () => {
    const dir = tempDir();
    let store = await Store.open(dir);
    let writer = await LogWriter.create(store);
    const n = 6 * GRAM_BLOCK_ROWS + 500;
    await writer.append({ source: { name: 'a', kind: 'file', format: 'raw' }, records: Array.from({ length: n }, (_, i) => record(i + 1)), fallbackTs: 0 });
    await writer.close();
    const built = await entries(store);
    expect(built.map(([b]) => b)).toEqual([0, 1, 2, 3, 4, 5]); // block 6 is still open
    // As a database from before the index: blocks 1, 2 and 4 without entries.
    await store.write('DELETE FROM message_grams WHERE block IN (1, 2, 4)');
    store.close();

    store = await Store.open(dir);
    writer = await LogWriter.create(store);
    expect(await writer.backfillGrams()).toBe(3);
    await writer.close();
    expect(await entries(store)).toEqual(built);
    store.close();
  });
});
