import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** A run of consecutive lines of a file. */
export interface LineChunk {
  lines: string[];
  /** Line number of lines[0], from 1. */
  firstLine: number;
  /** Bytes of the file read so far (compressed bytes for .gz), for progress. */
  bytesRead: number;
}

export interface ReadLinesOptions {
  /** Longer lines are cut to this many bytes (a warning says which). */
  maxLineBytes?: number;
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
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
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
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
  const gz = await isGzip(path);
  const raw = createReadStream(path, { highWaterMark: CHUNK, signal: opts.signal });
  let bytesRead = 0;
  raw.on('data', (b) => (bytesRead += (b as Buffer).length));
  const text: Readable = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => text.destroy(e));

  let lineNo = 1;
  let rest: Buffer | null = null;
  let checked = false;
  let invalidUtf8 = 0;
  let skippingLongLine = false;
  const warn = (m: string) => opts.onWarning?.(m);

  try {
    for await (const chunk of text as AsyncIterable<Buffer>) {
      if (!checked) {
        checked = true;
        const why = binaryReason(chunk);
        if (why) throw new NotTextError(`${why}; not imported`);
      }
      let buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
      rest = null;
      if (skippingLongLine) {
        const nl = buf.indexOf(NL);
        if (nl < 0) continue;
        skippingLongLine = false;
        buf = buf.subarray(nl + 1);
        lineNo++;
      }
      const lastNl = buf.lastIndexOf(NL);
      if (lastNl < 0) {
        if (buf.length > maxLine) {
          warn(`line ${lineNo}: longer than ${maxLine} bytes, kept the first ${maxLine}`);
          const lines = [decode(buf.subarray(0, maxLine))];
          yield { lines, firstLine: lineNo, bytesRead };
          skippingLongLine = true;
        } else rest = buf;
        continue;
      }
      const body = buf.subarray(0, lastNl);
      if (!isUtf8(body)) invalidUtf8++;
      const lines = splitLines(decode(body), maxLine, lineNo, warn);
      yield { lines, firstLine: lineNo, bytesRead };
      lineNo += lines.length;
      if (lastNl + 1 < buf.length) rest = Buffer.from(buf.subarray(lastNl + 1));
    }
  } catch (err) {
    if (err instanceof NotTextError || (err as Error).name === 'AbortError') throw err;
    if (rest?.length) yield { lines: [decode(rest)], firstLine: lineNo, bytesRead };
    const where = gz ? `compressed data broke after line ${lineNo - 1 + (rest?.length ? 1 : 0)}` : `read failed after line ${lineNo - 1}`;
    throw new TruncatedInputError(`${where}: ${(err as Error).message}; the lines before were kept`);
  }
  if (rest?.length) {
    if (!isUtf8(rest)) invalidUtf8++;
    yield { lines: splitLines(decode(rest), maxLine, lineNo, warn), firstLine: lineNo, bytesRead };
  }
  if (invalidUtf8) warn('invalid UTF-8 was replaced with U+FFFD');
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
