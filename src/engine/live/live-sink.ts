import type { RecordSink, SinkSource, WriteOptions } from '../../ingest/sources/sink';
import type { IngestRecord } from '../../ingest/record';
import type { LogWriter } from '../store/writer';

/**
 * The engine's side of a live source: records are mined for patterns, then queued on the
 * store's one writer; `write` resolves when they are committed, which is when a receiver
 * may acknowledge them.
 */
export function createLiveSink(writer: LogWriter, mine: (records: IngestRecord[]) => void): RecordSink {
  return {
    async write(source: SinkSource, records: IngestRecord[], opts: WriteOptions = {}): Promise<void> {
      if (!records.length && !opts.alsoCommit) return;
      mine(records);
      await writer.append({
        source: { name: source.name, kind: source.kind, format: source.format },
        records,
        fallbackTs: opts.fallbackTs ?? Date.now(),
        alsoCommit: opts.alsoCommit,
      });
    },
    get full() {
      return writer.full;
    },
    whenSpace: () => writer.whenSpace(),
  };
}
