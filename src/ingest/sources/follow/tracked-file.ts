import type { FileHandle } from 'node:fs/promises';
import { RecordAssembler } from '../../assemble';
import { detectFormat } from '../../detect';
import type { CompiledFormat } from '../../formats/spec';
import type { IngestRecord } from '../../record';
import { readLines, type LineChunk } from '../file-lines';
import type { RecordSink } from '../sink';
import type { FollowConfig } from './config';
import { fingerprintLength, fingerprintOf, readHead, type KnownFiles } from './fingerprint';
import type { FileOffset, FollowOffsets } from './offsets';
import type { Position } from './positions';

/** What every followed file shares: settings, the sink, the offsets and the follower's counters. */
export interface FollowContext {
  config: FollowConfig;
  sink: RecordSink;
  offsets: FollowOffsets;
  known: KnownFiles;
  formats: readonly CompiledFormat[];
  stopping(): boolean;
  /** Resolves when stop() is called: a wait for the sink's space ends there too. */
  stopped: Promise<void>;
  counters: { received: number; stored: number; rejected: number };
  /** A file was truncated: its old identity is finished, and a copy of it may hold its last lines. */
  onRetired(file: TrackedFile): void;
}

export type TrackedState = 'following' | 'rotated';

/** Lines read per pass at most, so one large file does not keep the others waiting. */
const PASS_BYTES = 16 << 20;
/** Detection looks at this much of a file's start. */
const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_LINES = 200;
/** Detection on fewer lines than this is tried again as the file grows. */
const CONFIDENT_LINES = 20;

/**
 * One open file being followed. It is read through its own handle, so it stays readable
 * after a rename or delete. Three positions matter: `read` (lines handed to the
 * assembler), `committed` (stored with the rows; always at a line start, before any
 * record the assembler still holds back), and the file's size. Offsets only move forward
 * in a commit that also stores the rows they cover.
 */
export class TrackedFile {
  state: TrackedState;
  error: string | null = null;
  warning: string | null = null;
  /** A binary file: not read until it is replaced or truncated. */
  blocked = false;
  retryAt = 0;
  /** Size at the last look (compressed size for .gz). */
  size = 0;
  /** The fingerprint of the file's first bytes (fingerprint.ts); null while it is empty. */
  key: string | null;
  /** The key its stored row has; differs from `key` after a short file's fingerprint grew. */
  savedKey: string | null;
  read: Position;
  committed: Position;
  /** When lines last arrived or the file last changed hands (ms). */
  lastActivity = Date.now();
  closed = false;
  private pendingStart: Position | null = null;
  private assembler: RecordAssembler | null = null;
  private format: CompiledFormat | null = null;
  private sampled = -1;

  constructor(
    private readonly ctx: FollowContext,
    readonly fh: FileHandle,
    readonly dev: bigint,
    readonly ino: bigint,
    public path: string,
    /** The source name its records are stored under (the followed path it belongs to). */
    readonly source: string,
    readonly gz: boolean,
    opts: { start: Position; key: string | null; savedKey: string | null; state: TrackedState },
  ) {
    this.read = { ...opts.start };
    this.committed = { ...opts.start };
    this.key = opts.key;
    this.savedKey = opts.savedKey;
    this.state = opts.state;
  }

  get formatName(): string | null {
    return this.format?.name ?? null;
  }

  /** A multi-line record is held back, waiting for lines that may continue it. */
  get holdsRecord(): boolean {
    return this.assembler?.pendingLine != null;
  }

  /**
   * Reads what was appended since the last pass (at most PASS_BYTES) and stores it.
   * Returns true when more is waiting. A truncated or rewritten file is read again from
   * its start, after what the assembler held of the old content is stored.
   */
  async pump(): Promise<boolean> {
    if (this.closed || this.blocked) return false;
    const { size } = await this.fh.stat();
    this.size = size;
    if (!this.gz) {
      if (size < this.read.pos) await this.restart(`truncated to ${size} bytes`);
      else if (this.key && this.read.pos > 0 && !(await this.prefixUnchanged())) await this.restart('rewritten (its first bytes changed)');
      await this.growKey(size);
      if (size <= this.read.pos) return false;
    }
    await this.ensureAssembler();
    const from = this.read.pos;
    const end = this.gz ? undefined : Math.min(size, from + PASS_BYTES);
    await this.consume({ start: from, end, holdPartial: !this.gz });
    if (this.read.pos > from) this.lastActivity = Date.now();
    return end !== undefined && end < size && this.read.pos > from;
  }

  /**
   * The file will not be written again (rotated away and quiet, or a .gz read to its
   * end): its last line counts even without a newline, the held record is stored, and
   * the offset is committed even when no row came with it, so a compressed copy that
   * appears later is known to be read already.
   */
  async finish(): Promise<void> {
    if (this.closed) return;
    if (!this.gz && !this.blocked) {
      const { size } = await this.fh.stat();
      this.size = size;
      if (size > this.read.pos) {
        await this.ensureAssembler();
        await this.consume({ start: this.read.pos, end: size, holdPartial: false });
      }
    }
    if (this.ctx.stopping()) return;
    await this.flushHeld(true);
  }

  /** Stores the record the assembler holds back (after the multi-line idle time). */
  async flushHeld(force = false): Promise<void> {
    const out: IngestRecord[] = [];
    this.assembler?.flush(out);
    this.pendingStart = null;
    await this.emit(out, { ...this.read }, force);
  }

  /** Commits the current position with no rows (a file first seen at its end). */
  async saveNow(): Promise<void> {
    await this.emit([], { ...this.read }, true);
  }

  /** After a failed write: forget what was read past the commit, read it again later. */
  rewind(): void {
    this.read = { ...this.committed };
    this.pendingStart = null;
    this.assembler = null;
    this.sampled = -1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => {});
  }

  private async consume(range: { start: number; end: number | undefined; holdPartial: boolean }): Promise<void> {
    const { config, counters } = this.ctx;
    const chunks = readLines(this.path, {
      handle: this.fh,
      start: range.start,
      end: range.end,
      firstLine: this.read.line + 1,
      holdPartial: range.holdPartial,
      lineEnds: true,
      maxLineBytes: config.maxLineBytes,
      onWarning: (w) => (this.warning = w),
    });
    const asm = this.assembler!;
    let out: IngestRecord[] = [];
    let point = this.commitPoint(null, range.start, { ...this.read });
    for await (const chunk of chunks) {
      if (this.ctx.stopping()) return; // nothing past the last commit is stored; a restart reads it again
      const chunkStart = this.read.pos;
      const lines = chunk.lines;
      const ends = chunk.lineEnds!;
      for (let i = 0; i < lines.length; i++) {
        asm.push(lines[i]!, chunk.firstLine + i, out);
        if (out.length >= config.batchRecords) {
          await this.emit(out, this.commitPoint(chunk, chunkStart, { pos: ends[i]!, line: chunk.firstLine + i }));
          out = [];
          if (this.ctx.stopping()) return;
        }
      }
      counters.received += lines.length;
      this.read = { pos: chunk.offset, line: chunk.firstLine + lines.length - 1 };
      point = this.commitPoint(chunk, chunkStart, { ...this.read });
      // Back-pressure: read no further while the store is behind.
      await this.space();
    }
    if (this.ctx.stopping()) return;
    await this.emit(out, point);
  }

  /**
   * Where a commit may put the offset once the assembler has had the lines up to `after`:
   * past them, or at the start of the record it holds back (its lines are read again
   * after a restart, so it is stored whole, once).
   */
  private commitPoint(chunk: LineChunk | null, chunkStart: number, after: Position): Position {
    const held = this.assembler?.pendingLine ?? null;
    if (held === null) {
      this.pendingStart = null;
      return after;
    }
    if (this.pendingStart?.line !== held - 1) {
      const i = chunk ? held - chunk.firstLine : 0;
      const pos = i <= 0 ? chunkStart : chunk!.lineEnds![i - 1]!;
      this.pendingStart = { pos, line: held - 1 };
    }
    return { ...this.pendingStart };
  }

  private async emit(records: IngestRecord[], point: Position, force = false): Promise<void> {
    if (!this.key) return; // nothing read from an empty file: nothing to remember
    if (!records.length && !force && point.pos === this.committed.pos && this.key === this.savedKey) return;
    const { sink, offsets, known, counters } = this.ctx;
    await this.space();
    if (this.ctx.stopping()) return;
    const row: FileOffset = { fingerprint: this.key, path: this.path, offset: point.pos, line: point.line };
    const replaces = this.savedKey !== null && this.savedKey !== this.key ? this.savedKey : null;
    try {
      await sink.write({ name: this.source, kind: 'follow', format: this.formatName }, records, {
        alsoCommit: offsets.saveStatement(row, replaces),
      });
    } catch (err) {
      counters.rejected += records.length;
      throw new Error(`the store did not take ${records.length} records: ${(err as Error).message}`);
    }
    this.committed = { ...point };
    this.savedKey = this.key;
    if (replaces) known.delete(replaces);
    known.set(row);
    counters.stored += records.length;
  }

  /** Back-pressure: read and write no more while the store is behind (or until stop). */
  private async space(): Promise<void> {
    while (this.ctx.sink.full && !this.ctx.stopping()) await Promise.race([this.ctx.sink.whenSpace(), this.ctx.stopped]);
  }

  /** Are the bytes the key was taken over still the same (no copytruncate rewrite)? */
  private async prefixUnchanged(): Promise<boolean> {
    const n = fingerprintLength(this.key!);
    const head = await readHead(this.fh, n);
    return head.length === n && fingerprintOf(head) === this.key;
  }

  /** A file shorter than the fingerprint length gets a longer key as it grows. */
  private async growKey(size: number): Promise<void> {
    const want = Math.min(this.ctx.config.fingerprintBytes, size);
    if (want > 0 && (!this.key || fingerprintLength(this.key) < want)) this.key = fingerprintOf(await readHead(this.fh, want));
  }

  /**
   * Truncation (size below the read offset) or a rewrite (first bytes changed): store
   * what was read of the old content, let it go as a finished identity, start over.
   */
  private async restart(why: string): Promise<void> {
    await this.flushHeld(true);
    this.warning = `${why} after ${this.read.pos} bytes were read; reading it again from the start`;
    this.ctx.onRetired(this);
    this.key = null;
    this.savedKey = null;
    this.read = { pos: 0, line: 0 };
    this.committed = { pos: 0, line: 0 };
    this.pendingStart = null;
    this.assembler = null;
    this.sampled = -1;
  }

  /**
   * Detects the format from the file's first lines (whatever offset reading starts at:
   * the start of a file says more than its latest line), again while the sample is
   * small and no record is held back.
   */
  private async ensureAssembler(): Promise<void> {
    if (this.assembler && (this.sampled >= CONFIDENT_LINES || this.assembler.pendingLine !== null)) return;
    const sample: string[] = [];
    const head = readLines(this.path, { handle: this.fh, end: this.gz ? undefined : SAMPLE_BYTES, holdPartial: !this.gz, maxLineBytes: this.ctx.config.maxLineBytes });
    for await (const chunk of head) {
      for (const l of chunk.lines) if (l.trim() !== '' && sample.length < SAMPLE_LINES) sample.push(l);
      if (sample.length >= SAMPLE_LINES) break;
    }
    if (this.assembler && sample.length <= this.sampled) return;
    this.sampled = sample.length;
    const format = detectFormat(sample, this.ctx.formats);
    if (this.assembler && format === this.format) return;
    this.format = format;
    this.assembler = new RecordAssembler(format, {
      formats: this.ctx.formats,
      time: { defaultZone: this.ctx.config.defaultZone, referenceMs: Date.now() },
    });
  }
}
