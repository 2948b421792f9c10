/**
 * Plain-text bodies (`text/plain`, Loki lines): the same detection and assembly as a file
 * import (src/ingest/detect.ts, assemble.ts), so a posted nginx or syslog line is read by
 * its format, and a posted stack trace stays one record.
 */
import { RecordAssembler } from '../../assemble';
import { detectFormat } from '../../detect';
import { builtinFormats, type CompiledFormat } from '../../formats/load';
import type { IngestRecord } from '../../record';
import type { TimeOptions } from '../../time';

/** Detection looks at this many leading lines of a body, as an import looks at a file's. */
const DETECT_LINES = 200;

/**
 * Remembers the last format detected, so a shipper posting one line per request (the
 * common case) is not scored against every format each time: the last winner is tried
 * first and kept while it parses the first line.
 */
export class TextBodyDecoder {
  private last: CompiledFormat | null = null;
  private readonly formats = builtinFormats();

  /** The format of these lines. */
  detect(lines: readonly string[]): CompiledFormat {
    const head: string[] = [];
    for (let i = 0; i < lines.length && head.length < DETECT_LINES; i++) if (lines[i]!.trim() !== '') head.push(lines[i]!);
    const last = this.last;
    if (last && !last.fallback && head.length > 0 && last.parse(head[0]!) !== null) return last;
    const f = detectFormat(head, this.formats);
    this.last = f;
    return f;
  }

  /** Lines into records: multi-line records joined, unparsed lines kept raw and marked. */
  decode(text: string, time: TimeOptions): { records: IngestRecord[]; format: string } {
    const lines = text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const format = this.detect(lines);
    const asm = new RecordAssembler(format, { formats: this.formats, time });
    const out: IngestRecord[] = [];
    for (let i = 0; i < lines.length; i++) asm.push(lines[i]!, i + 1, out);
    asm.flush(out);
    return { records: out, format: format.name };
  }

  /**
   * One record per entry (Loki: each entry is an event, even when its line does not
   * parse): the entries' format is detected together, and each is parsed alone.
   */
  decodeEach(entries: readonly string[], time: TimeOptions): { records: IngestRecord[]; format: string } {
    const format = this.detect(entries);
    // Each entry is a whole record: no joining of continuation lines across entries.
    const single: CompiledFormat = format.multiline ? { ...format, multiline: false, parse: format.parse } : format;
    const asm = new RecordAssembler(single, { formats: this.formats, time });
    const out: IngestRecord[] = [];
    for (let i = 0; i < entries.length; i++) {
      const before = out.length;
      const entry = entries[i]!;
      const nl = entry.indexOf('\n');
      // A multi-line entry (a stack trace) is parsed by its first line and kept whole.
      asm.push(nl < 0 ? entry : entry.slice(0, nl), i + 1, out);
      if (out.length === before) {
        // Blank entries make no record in a file; here every entry was sent, so keep it.
        out.push({ ts: null, level: null, host: null, app: null, message: entry, fields: null, format: 'raw', line: i + 1, parseError: null });
      } else if (nl >= 0) {
        const rec = out[out.length - 1]!;
        rec.message = rec.format === 'raw' || rec.message === entry.slice(0, nl) ? entry : rec.message + entry.slice(nl);
      }
    }
    return { records: out, format: format.name };
  }
}
