import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readHandle } from '../file-lines';

/** A place in a file's text: bytes consumed and lines consumed (the next line is line + 1). */
export interface Position {
  pos: number;
  line: number;
}

/**
 * Just past the last complete line of a file, and how many lines that is: where "start
 * at the end" begins, so a line being written at that moment is read whole once its
 * newline comes. A .gz is complete, so its last line counts even without a newline.
 */
export async function endOfText(fh: FileHandle, gz: boolean): Promise<Position> {
  const raw = Readable.from(readHandle(fh), { objectMode: false });
  const text = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => text.destroy(e));
  let pos = 0;
  let line = 0;
  let total = 0;
  try {
    for await (const b of text as AsyncIterable<Buffer>) {
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) {
        line++;
        pos = total + i + 1;
      }
      total += b.length;
    }
  } catch {
    // A damaged .gz: its readable part is what there is.
  } finally {
    raw.destroy();
  }
  if (gz && total > pos) return { pos: total, line: line + 1 };
  return { pos, line };
}
