/**
 * Requests that finish in the same turn of the event loop share one sink write per source:
 * a shipper posting one event per request at 20,000 requests a second becomes a few
 * hundred writes a second, each of which costs the store a queue entry, a sources update
 * and a pattern-miner call whatever its size. Every request still waits for its own
 * records' commit — the shared write resolves when they are durable, and its failure
 * fails each request in it.
 */
import type { IngestRecord } from '../../record';
import type { RecordSink, SinkSource } from '../sink';

interface Pending {
  source: SinkSource;
  records: IngestRecord[];
  /** Whether `records` is an array this class made (safe to append to) or a caller's. */
  owned: boolean;
  done: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** A write this large goes out on its own: there is nothing to gain from waiting. */
const ALONE = 2_000;

export class WriteCoalescer {
  private pending = new Map<string, Pending>();
  private scheduled = false;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly sink: RecordSink) {}

  /**
   * Resolves when these records are committed. Records must carry their time: a shared
   * write has no per-request fallback (the receiver stamps records without one on arrival).
   */
  write(source: SinkSource, records: IngestRecord[]): Promise<void> {
    if (records.length >= ALONE) return this.track(this.sink.write(source, records));
    const key = source.format === null ? source.name : `${source.name}\u0000${source.format}`;
    let p = this.pending.get(key);
    if (p === undefined) {
      let resolve!: () => void;
      let reject!: (err: Error) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      p = { source, records, owned: false, done, resolve, reject };
      this.pending.set(key, p);
    } else {
      if (!p.owned) {
        p.records = p.records.slice();
        p.owned = true;
      }
      for (let i = 0; i < records.length; i++) p.records.push(records[i]!);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    return p.done;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const groups = this.pending;
    this.pending = new Map();
    for (const p of groups.values()) {
      this.track(this.sink.write(p.source, p.records)).then(p.resolve, p.reject);
    }
  };

  private track(w: Promise<void>): Promise<void> {
    this.inFlight.add(w);
    const forget = () => this.inFlight.delete(w);
    w.then(forget, forget);
    return w;
  }

  /** Resolves when every write handed to the sink so far has settled. */
  async drain(): Promise<void> {
    while (this.scheduled || this.inFlight.size) {
      if (this.scheduled) await new Promise((r) => setImmediate(r));
      await Promise.allSettled([...this.inFlight]);
    }
  }
}
