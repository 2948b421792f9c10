/**
 * For file-follow.test.ts: follows one file into a store in a process of its own, so the
 * test can kill it (SIGKILL) part way and check that a new follower on the same store
 * stores every line exactly once. Prints "committed <rows>" after each commit.
 * Usage: tsx file-follow.child.ts DATA_DIR FILE
 */
import { createFileFollower } from '../../ingest/sources/follow/follower';
import { Store } from '../store/store';
import { LogWriter } from '../store/writer';
import { createFileOffsets } from './file-offsets';
import { createLiveSink } from './live-sink';

const [dataDir, file] = process.argv.slice(2);
const store = await Store.open(dataDir!);
const writer = await LogWriter.create(store);
writer.onCommit = (rows) => process.stdout.write(`committed ${rows}\n`);
const live = createLiveSink(writer, () => {});
const sink = {
  ...live,
  get full() {
    return live.full;
  },
  // Slow, so that the kill lands while there is still more to read.
  write: async (...args: Parameters<typeof live.write>) => {
    await live.write(...args);
    await new Promise((r) => setTimeout(r, 15));
  },
};
const follower = createFileFollower({ paths: [file!], start: 'beginning', batchRecords: 100, checkIntervalMs: 50 }, sink, createFileOffsets(store));
await follower.start();
process.stdout.write('started\n');
