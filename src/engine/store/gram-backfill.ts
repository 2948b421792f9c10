import type { DuckDBType } from '@duckdb/node-api';
import { GRAM_BLOCK_ROWS, GramBloom, gramEntries } from './message-grams';
import { bindLists, type Store } from './store';

/** Blocks read back per step: ~32k messages, tens of ms of the JavaScript thread. */
const BLOCKS_PER_STEP = 16;

/**
 * Fills in the skip index (message-grams.ts) for blocks of ids stored without it: a
 * database from before schema v7, or a block whose commit failed. Only blocks below
 * `belowBlock` (the writer's first block when it started: all their rows are committed)
 * are read, a step at a time between other work; their entries go in with the writer's
 * next commits. Until a block has its entry, searches read it.
 */
export async function backfillGrams(
  store: Store,
  write: (sql: string, params: unknown[], types: DuckDBType[]) => void,
  belowBlock: number,
  stopped: () => boolean,
): Promise<number> {
  if (belowBlock <= 0) return 0;
  // Every block below has its entry (the usual case): no scan of the ids at each start.
  const [have] = await store.read('SELECT count(*)::INTEGER AS n FROM message_grams WHERE block < ?::BIGINT', [belowBlock]);
  if (Number(have!.n) >= belowBlock) return 0;
  const missing = await store.read(
    `SELECT DISTINCT (id // ${GRAM_BLOCK_ROWS})::BIGINT AS block FROM logs WHERE id < ?::BIGINT
     EXCEPT SELECT block::BIGINT FROM message_grams ORDER BY block`,
    [belowBlock * GRAM_BLOCK_ROWS],
  );
  const blocks = missing.map((r) => Number(r.block));
  let done = 0;
  for (let i = 0; i < blocks.length && !stopped(); i += BLOCKS_PER_STEP) {
    const step = blocks.slice(i, i + BLOCKS_PER_STEP);
    const blooms = new Map(step.map((b) => [b, new GramBloom()]));
    // One range per block (numbers the store gave), each its own filter for the zone maps.
    const rows = await store.read(
      step
        .map((b) => `SELECT ${b}::BIGINT AS block, message FROM logs WHERE id BETWEEN ${b * GRAM_BLOCK_ROWS} AND ${(b + 1) * GRAM_BLOCK_ROWS - 1}`)
        .join(' UNION ALL '),
    );
    for (const r of rows) blooms.get(Number(r.block))?.add(String(r.message));
    if (stopped()) break;
    const { sql, lists } = gramEntries(step.map((b) => [b, blooms.get(b)!.bits] as const));
    const { values, types } = bindLists(lists);
    write(sql, values, types);
    done += step.length;
    await new Promise((r) => setTimeout(r, 0));
  }
  return done;
}
