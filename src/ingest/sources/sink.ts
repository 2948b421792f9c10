import type { IngestRecord } from '../record';

/**
 * What a live source (receiver, followed file) writes into. The engine implements it over
 * its pattern miner and the store's one writer; tests implement it over an array. Ingest
 * code never sees the store: a source only learns when its records are durable and when
 * it must slow down.
 */
export interface RecordSink {
  /**
   * Hand records of one source to the store. Resolves once they are committed (a receiver
   * acknowledges only then); rejects when the store cannot take them. `fallbackTs` fills in
   * records whose line carried no time (default: now).
   */
  write(source: SinkSource, records: IngestRecord[], opts?: WriteOptions): Promise<void>;
  /** True while the store's queue is full: HTTP answers 429/503, TCP and file readers pause, UDP counts drops. */
  readonly full: boolean;
  /** Resolves when the queue has room again. */
  whenSpace(): Promise<void>;
}

export interface SinkSource {
  /** Shown in the UI and stored in logs.source, e.g. "http", "syslog-udp", "/var/log/app.log". */
  name: string;
  kind: 'http' | 'syslog' | 'gelf' | 'follow';
  /** The format that parsed these records, when one format did. */
  format: string | null;
}

export interface WriteOptions {
  fallbackTs?: number;
  /**
   * A statement to commit in the same transaction as these records (a followed file's read
   * offset), so a restart neither loses nor repeats a line.
   */
  alsoCommit?: { sql: string; params: unknown[] };
}

/** A receiver or watcher the engine starts and stops, and whose status the UI shows. */
export interface LiveSource {
  readonly name: string;
  start(): Promise<void>;
  /** Stops accepting, waits for what was accepted to be committed, then closes. */
  stop(): Promise<void>;
  status(): LiveSourceStatus;
}

export interface LiveSourceStatus {
  name: string;
  kind: SinkSource['kind'];
  /** Where it listens ("udp://127.0.0.1:5514") or what it follows (a path). */
  address: string;
  state: 'starting' | 'running' | 'stopped' | 'failed';
  error: string | null;
  /** Counters since start; Prometheus names in /metrics are derived from these keys. */
  received: number;
  stored: number;
  rejected: number;
  dropped: number;
}
