/**
 * What the miner worker and its client say to each other (miner-worker.ts, miner-client.ts).
 * Both ends are ours, in one process: the messages are typed, not validated; the miner's
 * saved state is validated where it is loaded (TemplateMiner.fromJSON).
 *
 * Batches travel packed, so a structured clone copies a few flat blocks rather than one
 * object per string: messages as one joined string with their lengths, and parameters
 * back the same way, with a count per record.
 */
import type { MinerOptions, MinerStats, TemplateChange } from '../../ingest/patterns/miner';
import type { MinerState } from '../../ingest/patterns/state';

export interface MinerWorkerData {
  /** A saved state (TemplateMiner.toJSON), or null for a new miner. */
  state: unknown;
  options: Omit<MinerOptions, 'onChange'>;
}

export type ToWorker =
  | { type: 'mine'; seq: number; text: string; lengths: Uint32Array<ArrayBuffer> }
  | { type: 'save'; seq: number }
  | { type: 'stats'; seq: number };

export type FromWorker =
  | { type: 'ready'; templates: [number, string][] }
  | { type: 'failed'; seq: number | null; message: string }
  | { type: 'change'; change: TemplateChange }
  | {
      type: 'mined';
      seq: number;
      ids: Uint32Array<ArrayBuffer>;
      /** Every record's parameters, joined; paramLengths[k] is the k-th one's length. */
      paramText: string;
      paramLengths: Uint32Array<ArrayBuffer>;
      /** paramCounts[i]: how many parameters record i has. */
      paramCounts: Uint32Array<ArrayBuffer>;
      /** Patterns this batch created that are still live, with their text after the batch (the client mirrors every live text). */
      created: [number, string][];
    }
  | { type: 'saved'; seq: number; state: MinerState }
  | { type: 'stats'; seq: number; stats: MinerStats };

/** Messages → one string and their lengths. */
export function packStrings(parts: readonly string[]): { text: string; lengths: Uint32Array<ArrayBuffer> } {
  const lengths = new Uint32Array(parts.length);
  for (let i = 0; i < parts.length; i++) lengths[i] = parts[i]!.length;
  return { text: parts.join(''), lengths };
}

/** The inverse of packStrings (slices of `text`, no copies). */
export function unpackStrings(text: string, lengths: Uint32Array): string[] {
  const out = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const end = at + lengths[i]!;
    out[i] = text.slice(at, end);
    at = end;
  }
  if (at !== text.length) throw new Error(`packed strings: lengths add up to ${at}, text has ${text.length}`);
  return out;
}
