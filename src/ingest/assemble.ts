/**
 * Lines of one source into records. Joins continuation lines into multi-line records,
 * gives lines that the source's format does not parse to the other formats (files do
 * mix), keeps what nothing parses as a raw, marked record, carries the last timestamp
 * forward to lines without one, and bounds every record's size.
 */
import type { CompiledFormat, ParsedLine } from './formats/spec';
import type { IngestRecord } from './record';
import { TimeContext, type TimeOptions } from './time';

export interface AssemblerOptions {
  /** Every format in priority order, for lines the source's own format does not parse. */
  formats: readonly CompiledFormat[];
  time: TimeOptions;
  /** A record (and a single line) is cut at this many UTF-8 bytes. Default 1 MiB. */
  maxRecordBytes?: number;
  /** A multi-line record ends after this many lines. Default 1000. */
  maxLines?: number;
}

const MIB = 1 << 20;

export class RecordAssembler {
  private readonly tc: TimeContext;
  private readonly maxBytes: number;
  private readonly maxLines: number;
  /** Lines of at most this many UTF-16 units cannot exceed maxBytes: no need to measure them. */
  private readonly safeLength: number;
  private readonly others: CompiledFormat[];
  /** The other format that matched last: mixed files tend to mix two formats, not ten. */
  private lastOther: CompiledFormat | null = null;
  private lastTs: number | null = null;
  private pending: IngestRecord | null = null;
  private pendingLines = 0;
  private pendingBytes = 0;
  /** Length of the blank lines at the end of the pending record, trimmed when it is emitted. */
  private trailingBlank = 0;

  constructor(
    private readonly format: CompiledFormat,
    opts: AssemblerOptions,
  ) {
    this.tc = new TimeContext(opts.time);
    this.maxBytes = opts.maxRecordBytes ?? MIB;
    this.maxLines = opts.maxLines ?? 1000;
    this.safeLength = Math.floor(this.maxBytes / 3);
    this.others = opts.formats.filter((f) => f.name !== format.name && !f.fallback);
  }

  push(line: string, lineNo: number, out: IngestRecord[]): void {
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    let truncated = false;
    if (line.length > this.safeLength && Buffer.byteLength(line) > this.maxBytes) {
      line = cutToBytes(line, this.maxBytes);
      truncated = true;
    }
    if (isBlank(line)) {
      if (this.pending) this.continueRecord(line, lineNo, out, true);
      return;
    }
    const parsed = this.format.parse(line, this.tc);
    if (parsed) {
      const rec = this.record(parsed, lineNo, truncated);
      if (this.format.multiline) {
        this.emitPending(out);
        this.startPending(rec, line);
      } else {
        out.push(rec);
      }
      return;
    }
    if (this.pending) {
      this.continueRecord(line, lineNo, out, false);
      if (truncated) this.pending.fields = { ...this.pending.fields, _truncated: true };
      return;
    }
    out.push(this.fromOthers(line, lineNo, truncated));
  }

  /**
   * Line number of the record held back (a multi-line record that later lines may still
   * continue), or null. A followed file commits its read offset up to this line only.
   */
  get pendingLine(): number | null {
    return this.pending ? this.pending.line : null;
  }

  /** Emits the record still open (end of input, or the caller wants it out now). */
  flush(out: IngestRecord[]): void {
    this.emitPending(out);
  }

  private fromOthers(line: string, lineNo: number, truncated: boolean): IngestRecord {
    const last = this.lastOther;
    const tc = this.tc;
    let parsed: ParsedLine | null = last ? last.parse(line, tc) : null;
    if (!parsed) {
      for (const f of this.others) {
        if (f === last) continue;
        parsed = f.parse(line, tc);
        if (parsed) {
          this.lastOther = f;
          break;
        }
      }
    }
    if (parsed) return this.record(parsed, lineNo, truncated);
    return {
      ts: this.lastTs,
      level: null,
      host: null,
      app: null,
      message: line,
      fields: truncated ? { _truncated: true } : null,
      format: 'raw',
      line: lineNo,
      parseError: `line ${lineNo}: does not match ${this.format.name}`,
    };
  }

  /** Completes a parsed line into its record, in place: the line's number, the carried-over time. */
  private record(rec: ParsedLine, lineNo: number, truncated: boolean): IngestRecord {
    if (rec.ts === null) rec.ts = this.lastTs;
    else this.lastTs = rec.ts;
    rec.line = lineNo;
    if (truncated) rec.fields = { ...rec.fields, _truncated: true };
    return rec;
  }

  private startPending(rec: IngestRecord, line: string): void {
    this.pending = rec;
    this.pendingLines = 1;
    this.pendingBytes = line.length > this.safeLength ? Buffer.byteLength(line) : line.length;
    this.trailingBlank = 0;
  }

  private continueRecord(line: string, lineNo: number, out: IngestRecord[], blank: boolean): void {
    const pending = this.pending!;
    const bytes = Buffer.byteLength(line) + 1;
    if (this.pendingLines >= this.maxLines || this.pendingBytes + bytes > this.maxBytes) {
      this.emitPending(out);
      if (blank) return;
      // The rest of an over-long record goes on in a new one, marked as a continuation.
      this.startPending({ ...pending, message: line, fields: { _continued: true }, line: lineNo }, line);
      return;
    }
    pending.message += '\n' + line;
    this.pendingLines++;
    this.pendingBytes += bytes;
    this.trailingBlank = blank ? this.trailingBlank + line.length + 1 : 0;
  }

  private emitPending(out: IngestRecord[]): void {
    const rec = this.pending;
    if (!rec) return;
    if (this.trailingBlank) rec.message = rec.message.slice(0, rec.message.length - this.trailingBlank);
    out.push(rec);
    this.pending = null;
  }
}

function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  // Most lines start with a visible character; only the rest need the full check.
  return (c === 32 || c === 9) && line.trim() === '';
}

/** The longest prefix of at most maxBytes UTF-8 bytes that does not split a character. */
function cutToBytes(line: string, maxBytes: number): string {
  const { read } = new TextEncoder().encodeInto(line, new Uint8Array(maxBytes));
  return line.slice(0, read);
}
