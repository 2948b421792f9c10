import { describe, expect, it } from 'vitest';
import type { IngestRecord } from '../../ingest/record';
import { parseQueryOrThrow } from '../../shared/query/parse';
import { GRAM_BLOCK_ROWS } from '../store/message-grams';
import { Store } from '../store/store';
import { LogWriter } from '../store/writer';
import { tempDir } from '../testing/fixtures';
import { Explorer } from './explore';
import { MessagePrefilter, requiredNeedles } from './message-prefilter';

const source = { name: 'app.log', kind: 'file' as const, format: 'raw' };
const record = (n: number, message: string): IngestRecord => ({
  ts: Date.UTC(2026, 0, 1) + n * 1000,
  level: 'info',
  host: null,
  app: null,
  message,
  fields: null,
  format: 'raw',
  line: n,
  parseError: null,
});
/** Rows n .. n+count-1 (ids follow from 1), with `needle` in the messages of the rows `where` picks. */
const rows = (from: number, count: number, needle: string, where: (n: number) => boolean) =>
  Array.from({ length: count }, (_, i) => from + i).map((n) =>
    record(n, where(n) ? `request ${n} failed: ${needle} on shard ${n % 7}` : `request ${n} ok in ${n % 300} ms from 10.0.${n % 256}.1`),
  );

async function totalOf(explorer: Explorer, query: string): Promise<number> {
  const r = await explorer.search({ query, from: null, to: null, limit: 50, count: true, cursor: null });
  return r.total!;
}

async function bruteForce(store: Store, needle: string): Promise<number> {
  const [r] = await store.read('SELECT count(*)::INTEGER AS n FROM logs WHERE contains(lower(message), lower(?))', [needle]);
  return r!.n as number;
}

/** The id blocks a relation reads (its BETWEEN ranges), and where its open tail starts. */
function blocksRead(relation: string | null): { blocks: number[]; tail: number } | null {
  if (!relation) return null;
  const blocks: number[] = [];
  for (const m of relation.matchAll(/id BETWEEN (\d+) AND (\d+)/g)) {
    for (let b = Number(m[1]) / GRAM_BLOCK_ROWS; b <= (Number(m[2]) + 1) / GRAM_BLOCK_ROWS - 1; b++) blocks.push(b);
  }
  return { blocks, tail: Number(/id >= (\d+)/.exec(relation)![1]) / GRAM_BLOCK_ROWS };
}

describe('the message skip index', () => {
  it('reads only the blocks that can hold a needle, finds every match, and survives a restart mid-block', async () => {
    const dir = tempDir();
    let store = await Store.open(dir);
    let writer = await LogWriter.create(store);
    const B = GRAM_BLOCK_ROWS;
    // Ids 1 .. 12B+99: "ZanZibar-77" in blocks 1 and 3 only; block 12 is still open at the
    // restart, and one of its rows already holds "Kilimanjaro".
    const inBlocks = (n: number) => (Math.floor(n / B) === 1 || Math.floor(n / B) === 3) && n % 97 === 0;
    const first = rows(1, 12 * B + 99, 'ZanZibar-77', inBlocks);
    first[12 * B + 10 - 1]!.message = 'x Kilimanjaro y';
    for (let i = 0; i < first.length; i += 3000) await writer.append({ source, records: first.slice(i, i + 3000), fallbackTs: 0 });
    const explorer = new Explorer(store);
    const expected = await bruteForce(store, 'zanzibar-77');
    expect(expected).toBeGreaterThan(30);
    expect(await totalOf(explorer, 'zanzibar-77')).toBe(expected);
    expect(await totalOf(explorer, '"ZANZIBAR-77 on"')).toBe(expected);

    const prefilter = new MessagePrefilter(store);
    expect(blocksRead(await prefilter.relation(['Zanzibar-77']))).toEqual({ blocks: [1, 3], tail: 12 });
    // Words every block has: nothing to skip, so `logs` is read as it is.
    expect(await prefilter.relation(['request'])).toBeNull();

    // A block that lost its entry is read like any unindexed block.
    await writer.close();
    await store.write('DELETE FROM message_grams WHERE block = 2');
    expect(blocksRead(await new MessagePrefilter(store).relation(['zanzibar-77']))).toEqual({ blocks: [1, 2, 3], tail: 12 });
    store.close();

    // After the restart, block 12 fills up: its entry must hold the rows from before.
    store = await Store.open(dir);
    writer = await LogWriter.create(store);
    await writer.append({ source, records: rows(12 * B + 100, 2 * B, 'nothing', () => false), fallbackTs: 0 });
    await writer.close();
    expect(blocksRead(await new MessagePrefilter(store).relation(['kilimanjaro']))).toEqual({ blocks: [2, 12], tail: 14 });
    const explorer2 = new Explorer(store);
    expect(await totalOf(explorer2, 'kilimanjaro')).toBe(1);
    expect(await totalOf(explorer2, 'zanzibar-77')).toBe(expected);
    store.close();
  });

  it('narrows by the words every match must hold: top-level terms and ANDs, never ORs or NOTs', () => {
    const needles = (q: string) => requiredNeedles(parseQueryOrThrow(q));
    expect(needles('timeout "connection reset" level:error')).toEqual(['timeout', 'connection reset']);
    expect(needles('conn*refused')).toEqual(['conn', 'refused']);
    expect(needles('timeout OR refused')).toEqual([]);
    expect(needles('-timeout')).toEqual([]);
    expect(needles('')).toEqual([]);
  });
});
