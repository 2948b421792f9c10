import type { IngestRecord } from '../../record';
import type { RecordSink, SinkSource } from '../sink';

export interface BatcherOptions {
  /** Records per write; 5,000 keeps a batch in V8's young generation (docs/ARCHITECTURE.md). */
  maxBatch: number;
  /** A batch that is not full is written after this long, so a trickle of messages shows up promptly. */
  flushMs: number;
  /**
   * Records written but not committed beyond which a stream receiver stops reading
   * (`whenLight`); the sink's own `full` is the main brake, this bounds what one receiver
   * holds when a sink is slow without saying so.
   */
  maxInFlight: number;
}

/**
 * Gathers a receiver's records into batches for the sink: written when a batch is full
 * or `flushMs` after its first record, whichever comes first. Counts what the sink
 * committed and what it refused; `inFlight` (records written but not committed) lets a
 * receiver bound what it holds.
 */
export class RecordBatcher {
  private batch: IngestRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writes = new Set<Promise<void>>();
  /** Records handed to the sink and not yet committed or refused. */
  inFlight = 0;
  stored = 0;
  rejected = 0;
  lastError: string | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly sink: RecordSink,
    private readonly source: SinkSource,
    private readonly opts: BatcherOptions,
  ) {}

  push(r: IngestRecord): void {
    this.batch.push(r);
    if (this.batch.length >= this.opts.maxBatch) this.flush();
    else if (this.timer === null) this.timer = setTimeout(this.onTimer, this.opts.flushMs);
  }

  /** Records waiting in the current batch. */
  get buffered(): number {
    return this.batch.length;
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.flush();
  };

  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.batch.length) return;
    const records = this.batch;
    this.batch = [];
    this.inFlight += records.length;
    const p: Promise<void> = this.sink.write(this.source, records).then(
      () => {
        this.stored += records.length;
      },
      (err: unknown) => {
        this.rejected += records.length;
        this.lastError = `the store refused ${records.length} records: ${(err as Error)?.message ?? String(err)}`;
      },
    );
    this.writes.add(p);
    void p.finally(() => {
      this.inFlight -= records.length;
      this.writes.delete(p);
      if (this.inFlight <= this.opts.maxInFlight) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
  }

  get heavy(): boolean {
    return this.inFlight > this.opts.maxInFlight;
  }

  /** Resolves once no more than maxInFlight records are in flight (a receiver waits here before reading on). */
  async whenLight(): Promise<void> {
    while (this.inFlight > this.opts.maxInFlight) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Writes what is buffered and waits until every write has been committed or refused. */
  async drain(): Promise<void> {
    this.flush();
    while (this.writes.size) await Promise.all([...this.writes]);
  }
}
