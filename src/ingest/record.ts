import type { Level } from '../shared/levels';

/** A field value as parsed from a line; numbers only where the format declares them. */
export type FieldValue = string | number | boolean | null;

/**
 * One record as it leaves the parsing stages and enters the store: a line, or several
 * lines joined (a stack trace), with what its format could read from it.
 */
export interface IngestRecord {
  /** Event time in ms since the epoch, UTC; null when the line carried none (the pipeline fills it in). */
  ts: number | null;
  level: Level | null;
  host: string | null;
  app: string | null;
  message: string;
  /**
   * Every other field, by canonical name where one exists (status, method, path, client,
   * bytes, duration_ms are stored as columns; see src/engine/store/schema.ts).
   */
  fields: Record<string, FieldValue> | null;
  /** The format that parsed it; 'raw' when none did. */
  format: string;
  /** Line number of the record's first line in its source, from 1. */
  line: number;
  /** Set when no format parsed the line: the record is the raw line, marked. */
  parseError: string | null;
  /** The record's pattern, once the miner has seen it (src/ingest/patterns). */
  templateId?: number | null;
  /** The pattern's variable values in this record, in order. */
  params?: string[] | null;
  /** The per-record anomaly model's answer (set in the engine before the record is stored). */
  anomaly?: number | null;
  anomalous?: boolean | null;
  /** Why it is anomalous (JSON array of reasons), for anomalous records only. */
  anomalyReasons?: string | null;
}
