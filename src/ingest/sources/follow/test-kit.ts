/**
 * For tests of live sources: a RecordSink over an array that applies a follower's offset
 * statement in the same step as its records (as the engine's store does in one
 * transaction), and the FollowOffsets that go with it. The engine's tests run the same
 * follower against a real DuckDB store (src/engine/live/file-follow.test.ts).
 */
import type { IngestRecord } from '../../record';
import type { RecordSink, SinkSource, WriteOptions } from '../sink';
import type { FileOffset, FollowOffsets } from './offsets';

const MEMORY = 'memory-offset';

export interface Stored {
  source: string;
  record: IngestRecord;
}

export class MemorySink implements RecordSink {
  readonly stored: Stored[] = [];
  readonly rows = new Map<string, FileOffset>();
  whenSpaceCalls = 0;
  /** While set, writes fail (the store is broken). */
  failing: string | null = null;
  private isFull = false;
  private waiters: Array<() => void> = [];

  get full(): boolean {
    return this.isFull;
  }

  setFull(full: boolean): void {
    this.isFull = full;
    if (!full) for (const w of this.waiters.splice(0)) w();
  }

  whenSpace(): Promise<void> {
    this.whenSpaceCalls++;
    return this.isFull ? new Promise((r) => this.waiters.push(r)) : Promise.resolve();
  }

  async write(source: SinkSource, records: IngestRecord[], opts: WriteOptions = {}): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (this.failing) throw new Error(this.failing);
    for (const record of records) this.stored.push({ source: source.name, record });
    const c = opts.alsoCommit;
    if (c?.sql === MEMORY) {
      const [row, replaces] = c.params as [FileOffset, string | null];
      if (replaces) this.rows.delete(replaces);
      this.rows.set(row.fingerprint, { ...row });
    }
  }

  messages(source?: string): string[] {
    return this.stored.filter((s) => source === undefined || s.source === source).map((s) => s.record.message);
  }
}

export function memoryOffsets(sink: MemorySink): FollowOffsets {
  return {
    load: async () => [...sink.rows.values()].map((r) => ({ ...r })),
    saveStatement: (row, replaces) => ({ sql: MEMORY, params: [{ ...row }, replaces] }),
  };
}

/** Polls `cond` until it holds (or throws after `ms`, saying what it waited for). */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
