import type { IngestRecord } from '../../record';
import type { RecordSink, SinkSource, WriteOptions } from '../sink';

export interface StoredRecord extends IngestRecord {
  /** The source the record was written under. */
  source: SinkSource;
}

/**
 * A RecordSink over an array, for tests of live sources. `setFull(true)` makes it report
 * a full queue (sources must pause or count drops) until `setFull(false)`; writes made
 * while full are still taken, as the engine's writer takes them (it only says "full").
 * `failNext(err)` makes the next write reject, as a store that cannot take records does.
 */
export class MemorySink implements RecordSink {
  readonly records: StoredRecord[] = [];
  writes = 0;
  private isFull = false;
  private spaceWaiters: Array<() => void> = [];
  private arrivalWaiters: Array<{ n: number; resolve: () => void }> = [];
  private failure: Error | null = null;

  get full(): boolean {
    return this.isFull;
  }

  setFull(full: boolean): void {
    this.isFull = full;
    if (!full) {
      const waiters = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const w of waiters) w();
    }
  }

  failNext(err: Error): void {
    this.failure = err;
  }

  async whenSpace(): Promise<void> {
    while (this.isFull) await new Promise<void>((r) => this.spaceWaiters.push(r));
  }

  async write(source: SinkSource, records: IngestRecord[], opts: WriteOptions = {}): Promise<void> {
    // Committed "later", as a real store commits asynchronously.
    await Promise.resolve();
    if (this.failure) {
      const err = this.failure;
      this.failure = null;
      throw err;
    }
    this.writes++;
    const fallback = opts.fallbackTs ?? Date.now();
    for (const r of records) this.records.push({ ...r, ts: r.ts ?? fallback, source });
    this.arrivalWaiters = this.arrivalWaiters.filter((w) => {
      if (this.records.length < w.n) return true;
      w.resolve();
      return false;
    });
  }

  /**
   * Resolves when at least `n` records are stored; rejects after `timeoutMs` saying how
   * many arrived (a safety net so a broken receiver fails the test instead of hanging it).
   */
  waitFor(n: number, timeoutMs = 10_000): Promise<StoredRecord[]> {
    if (this.records.length >= n) return Promise.resolve(this.records);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`waited for ${n} records, ${this.records.length} arrived`)),
        timeoutMs,
      );
      this.arrivalWaiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.records);
        },
      });
    });
  }
}

/** Polls `cond` until it holds; rejects with `what` after `timeoutMs` (for counters that are not records). */
export async function waitUntil(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
