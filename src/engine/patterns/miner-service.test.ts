import { afterEach, describe, expect, it } from 'vitest';
import { openTempStore } from '../testing/fixtures';
import { MinerService } from './miner-service';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

/** A commit with no rows: its promise resolves once the statements queued for it are in. */
const commit = (writer: Awaited<ReturnType<typeof openTempStore>>['writer']) =>
  writer.append({ source: { name: '', kind: 'file', format: null }, records: [], fallbackTs: 0 });

describe('MinerService: what the miner changes reaches the templates table with the next commit', () => {
  it('writes new texts, merges (upserting a pattern whose row is not stored yet) and keeps merged_into one hop', async () => {
    const { store, writer, close } = await openTempStore();
    opened.push(close);
    const service = await MinerService.open(store, writer);
    await store.write(
      `INSERT INTO templates (id, template, first_ts, last_ts, count, example) VALUES
         (1, 'user <*> in', now()::TIMESTAMP, now()::TIMESTAMP, 1, 'e'),
         (2, 'disk <*> full', now()::TIMESTAMP, now()::TIMESTAMP, 1, 'e'),
         (3, 'disk <*> nearly full', now()::TIMESTAMP, now()::TIMESTAMP, 1, 'e')`,
    );
    const change = service.miner.onChange!;
    change({ kind: 'generalised', id: 1, template: 'user <*> logged <*>' });
    change({ kind: 'merged', from: 3, into: 2, template: 'disk <*>' });
    change({ kind: 'merged', from: 4, into: 3, template: 'disk <*> gone' }); // 4 has no row yet
    await commit(writer);
    const rows = await store.read('SELECT id::INTEGER AS id, template, merged_into::INTEGER AS m FROM templates ORDER BY id');
    expect(rows).toEqual([
      { id: 1, template: 'user <*> logged <*>', m: null },
      { id: 2, template: 'disk <*> full', m: null },
      { id: 3, template: 'disk <*>', m: 2 },
      // Merged into 3, which was merged into 2 in the same commit: one hop, to the survivor.
      { id: 4, template: 'disk <*> gone', m: 2 },
    ]);
    // A later merge of the survivor moves every pattern merged into it (one hop again).
    change({ kind: 'merged', from: 2, into: 1, template: 'user <*>' });
    await commit(writer);
    const after = await store.read('SELECT id::INTEGER AS id, merged_into::INTEGER AS m FROM templates ORDER BY id');
    expect(after).toEqual([
      { id: 1, m: null },
      { id: 2, m: 1 },
      { id: 3, m: 1 },
      { id: 4, m: 1 },
    ]);
    service.close();
  });
});
