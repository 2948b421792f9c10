import { RecordAssembler } from './assemble';
import { detectFormat } from './detect';
import { builtinFormats } from './formats/load';
import type { CompiledFormat } from './formats/load';
import type { IngestRecord } from './record';
import type { LineChunk } from './sources/file-lines';
import type { TimeOptions } from './time';

export interface RecordBatch {
  records: IngestRecord[];
  /** Number of the last line consumed so far. */
  lastLine: number;
  bytesRead: number;
}

export interface AssembleOptions {
  time: TimeOptions;
  batchRecords?: number;
  formats?: CompiledFormat[];
  /** How many leading lines detection looks at. */
  detectLines?: number;
  /** Told the detected format's name once it is known. */
  onFormat?: (name: string) => void;
}

/**
 * The framing → format → parse stages for one source: detects the format from the first
 * lines, then turns lines into records (joining multi-line records) in batches.
 */
export async function* assembleRecords(chunks: AsyncIterable<LineChunk>, opts: AssembleOptions): AsyncGenerator<RecordBatch> {
  const formats = opts.formats ?? builtinFormats();
  const batchSize = opts.batchRecords ?? 5_000;
  let assembler: RecordAssembler | null = null;
  let out: IngestRecord[] = [];
  let lastLine = 0;
  let bytesRead = 0;
  for await (const chunk of chunks) {
    if (!assembler) {
      const head = chunk.lines.filter((l) => l.trim() !== '').slice(0, opts.detectLines ?? 200);
      const format = detectFormat(head, formats);
      opts.onFormat?.(format.name);
      assembler = new RecordAssembler(format, { formats, time: opts.time });
    }
    const lines = chunk.lines;
    for (let i = 0; i < lines.length; i++) {
      assembler.push(lines[i]!, chunk.firstLine + i, out);
      if (out.length >= batchSize) {
        yield { records: out, lastLine: chunk.firstLine + i, bytesRead: chunk.bytesRead };
        out = [];
      }
    }
    lastLine = chunk.firstLine + lines.length - 1;
    bytesRead = chunk.bytesRead;
  }
  if (assembler) assembler.flush(out);
  if (out.length || lastLine) yield { records: out, lastLine, bytesRead };
}
