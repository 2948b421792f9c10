import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

/** A run of consecutive lines of a file. */
export interface LineChunk {
  lines: string[];
  /** Line number of lines[0], from 1. */
  firstLine: number;
  /** Bytes of the file read so far (compressed bytes for .gz), for progress. */
  bytesRead: number;
  /**
   * Text offset (bytes of the file, or of its decompressed text for .gz, from its start)
   * just past these lines: where reading resumes without repeating or skipping a line.
   */
  offset: number;
  /** With `lineEnds`: the text offset just past each line (past its newline, where it has one). */
  lineEnds?: number[];
}

export interface ReadLinesOptions {
  /** Longer lines are cut to this many bytes (a warning says which). */
  maxLineBytes?: number;
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
  /** Read this open file instead of opening `path` (a followed file stays readable after a rename or delete). */
  handle?: FileHandle;
  /** Start at this text offset, a line start (for .gz: decompressed bytes to skip). */
  start?: number;
  /** Stop before this byte of a plain file (the size a stat saw). */
  end?: number;
  /** Number of the first line read. Default 1. */
  firstLine?: number;
  /** Leave a last line that has no newline yet unread: its writer may be half way through it. */
  holdPartial?: boolean;
  /** Report each line's end offset (`LineChunk.lineEnds`). */
  lineEnds?: boolean;
}

/** The file cannot be read as text at all; nothing was imported from it. */
export class NotTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotTextError';
  }
}

/** The file broke part way (a corrupt .gz); the lines before the damage were delivered. */
export class TruncatedInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TruncatedInputError';
  }
}

const CHUNK = 1 << 20;
const NL = 0x0a;

/** Is this file gzip-compressed? Decided by its magic bytes, not its name. */
export async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    return await hasGzipMagic(fh);
  } finally {
    await fh.close();
  }
}

/**
 * The bytes of an open file from `start` up to `end` or its end, in chunks. Not a stream
 * of the handle: destroying one of those closes the handle, and a followed file's handle
 * must outlive every read of it.
 */
export async function* readHandle(fh: FileHandle, start = 0, end = Infinity, chunk = CHUNK): AsyncGenerator<Buffer> {
  let pos = start;
  while (pos < end) {
    const want = Math.min(chunk, end - pos);
    const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(want), 0, want, pos);
    if (!bytesRead) return;
    pos += bytesRead;
    yield bytesRead < want ? buffer.subarray(0, bytesRead) : buffer;
  }
}

/** Does this open file start with the gzip magic bytes? */
export async function hasGzipMagic(fh: FileHandle): Promise<boolean> {
  const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
  return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
}

/**
 * Reads a plain or gzip-compressed text file as lines, in chunks of many lines (one
 * await per chunk, not per line: this loop runs six million times a GiB).
 * Invalid UTF-8 is replaced (U+FFFD) and reported once; over-long lines are cut; a
 * binary file is refused before anything is yielded; a corrupt .gz yields every line
 * before the damage, then throws TruncatedInputError saying where it broke.
 */
export async function* readLines(path: string, opts: ReadLinesOptions = {}): AsyncGenerator<LineChunk> {
  const maxLine = opts.maxLineBytes ?? 1 << 20;
  const gz = opts.handle ? await hasGzipMagic(opts.handle) : await isGzip(path);
  const start = opts.start ?? 0;
  if (!gz && opts.end !== undefined && opts.end <= start) return;
  const range = gz ? {} : { start, end: opts.end === undefined ? undefined : opts.end - 1 };
  const raw: Readable = opts.handle
    ? Readable.from(readHandle(opts.handle, range.start ?? 0, range.end === undefined ? Infinity : range.end + 1), { objectMode: false })
    : createReadStream(path, { ...range, highWaterMark: CHUNK, signal: opts.signal });
  let bytesRead = 0;
  raw.on('data', (b) => (bytesRead += (b as Buffer).length));
  const text: Readable = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => text.destroy(e));

  let lineNo = opts.firstLine ?? 1;
  /** Text offset of the first byte not yet consumed (the start of `rest`). */
  let pos = start;
  /** Decompressed bytes still to skip before `start`. */
  let skip = gz ? start : 0;
  const ends = opts.lineEnds ? (from: Buffer, upTo: number) => lineEndsOf(from, upTo, pos) : () => undefined;
  let rest: Buffer | null = null;
  let checked = false;
  let invalidUtf8 = 0;
  let skippingLongLine = false;
  const warn = (m: string) => opts.onWarning?.(m);

  try {
    for await (let chunk of text as AsyncIterable<Buffer>) {
      if (skip) {
        const n = Math.min(skip, chunk.length);
        skip -= n;
        chunk = chunk.subarray(n);
        if (!chunk.length) continue;
      }
      if (!checked) {
        checked = true;
        const why = binaryReason(chunk);
        if (why) throw new NotTextError(`${why}; not imported`);
      }
      let buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
      rest = null;
      if (skippingLongLine) {
        const nl = buf.indexOf(NL);
        if (nl < 0) {
          pos += buf.length;
          continue;
        }
        skippingLongLine = false;
        buf = buf.subarray(nl + 1);
        pos += nl + 1;
        lineNo++;
      }
      const lastNl = buf.lastIndexOf(NL);
      if (lastNl < 0) {
        if (buf.length > maxLine) {
          warn(`line ${lineNo}: longer than ${maxLine} bytes, kept the first ${maxLine}`);
          const lines = [decode(buf.subarray(0, maxLine))];
          pos += buf.length;
          yield { lines, firstLine: lineNo, bytesRead, offset: pos, lineEnds: opts.lineEnds ? [pos] : undefined };
          skippingLongLine = true;
        } else rest = buf;
        continue;
      }
      const body = buf.subarray(0, lastNl);
      if (!isUtf8(body)) invalidUtf8++;
      const lines = splitLines(decode(body), maxLine, lineNo, warn);
      const lineEnds = ends(buf, lastNl);
      pos += lastNl + 1;
      yield { lines, firstLine: lineNo, bytesRead, offset: pos, lineEnds };
      lineNo += lines.length;
      if (lastNl + 1 < buf.length) rest = Buffer.from(buf.subarray(lastNl + 1));
    }
  } catch (err) {
    if (err instanceof NotTextError || (err as Error).name === 'AbortError') throw err;
    if (rest?.length && !opts.holdPartial) {
      const offset = pos + rest.length;
      yield { lines: [decode(rest)], firstLine: lineNo, bytesRead, offset, lineEnds: opts.lineEnds ? [offset] : undefined };
    }
    const where = gz ? `compressed data broke after line ${lineNo - 1 + (rest?.length ? 1 : 0)}` : `read failed after line ${lineNo - 1}`;
    throw new TruncatedInputError(`${where}: ${(err as Error).message}; the lines before were kept`);
  }
  if (rest?.length && !opts.holdPartial) {
    if (!isUtf8(rest)) invalidUtf8++;
    // `rest` holds no newline: it is one line.
    const offset = pos + rest.length;
    yield { lines: splitLines(decode(rest), maxLine, lineNo, warn), firstLine: lineNo, bytesRead, offset, lineEnds: opts.lineEnds ? [offset] : undefined };
  }
  if (invalidUtf8) warn('invalid UTF-8 was replaced with U+FFFD');
}

/** Offsets just past each newline in buf[0..upTo] (upTo is a newline), buf starting at text offset base. */
function lineEndsOf(buf: Buffer, upTo: number, base: number): number[] {
  const out: number[] = [];
  for (let i = buf.indexOf(NL); i >= 0 && i <= upTo; i = buf.indexOf(NL, i + 1)) out.push(base + i + 1);
  return out;
}

function decode(b: Buffer): string {
  return b.toString('utf8');
}

function splitLines(s: string, maxLine: number, firstLine: number, warn: (m: string) => void): string[] {
  const lines = s.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    if (l.length && l.charCodeAt(l.length - 1) === 13) l = l.slice(0, -1);
    if (l.length > maxLine) {
      warn(`line ${firstLine + i}: longer than ${maxLine} characters, kept the first ${maxLine}`);
      l = l.slice(0, maxLine);
    }
    lines[i] = l;
  }
  return lines;
}

/** Why the first block of a file says it is not text, or null. */
export function binaryReason(head: Buffer): string | null {
  const n = Math.min(head.length, 8192);
  let nul = 0;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    if (c === 0) nul++;
    else if (c < 9 || (c > 13 && c < 32)) control++;
  }
  if (nul > 0) return `binary file (NUL bytes in the first ${n} bytes)`;
  if (n > 0 && control / n > 0.1) return `binary file (${Math.round((100 * control) / n)}% control characters)`;
  return null;
}
