/**
 * A followed file is known by a fingerprint of its first bytes, not by its path, which
 * rotation hands from file to file. The key is `<n>:<sha256 of the first n bytes>`, n
 * being the fingerprint length (1 KiB) or the file's size if it is smaller, so a short
 * file has a key too. As a short file grows its key is taken again over more bytes (the
 * first n bytes of an appended-to file never change, so the old key still describes it)
 * and the stored row moves to the longer key in the same commit (`replaces`). Matching
 * tries every stored length, longest first: a file of 5 000 bytes whose row was saved
 * as `300:…` when it had 300 bytes is still recognised. Two files that begin with the
 * same bytes are one file to this scheme; lines that start with a timestamp make that
 * practically impossible once they reach the full length, and a tiny file is ambiguous
 * only until it grows.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readHandle } from '../file-lines';
import type { FileOffset } from './offsets';
import { isRotationOf } from './path-spec';

export function fingerprintOf(head: Buffer): string {
  return `${head.length}:${createHash('sha256').update(head).digest('hex')}`;
}

export function fingerprintLength(key: string): number {
  return Number(key.slice(0, key.indexOf(':')));
}

/** The first n bytes of an open file (fewer if it is shorter). */
export async function readHead(fh: FileHandle, n: number): Promise<Buffer> {
  const buf = Buffer.alloc(n);
  let got = 0;
  while (got < n) {
    const { bytesRead } = await fh.read(buf, got, n - got, got);
    if (!bytesRead) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** The first n bytes of a gzip file's text (fewer if it is shorter or broken). */
export async function readGzipHead(fh: FileHandle, n: number): Promise<Buffer> {
  const raw = Readable.from(readHandle(fh, 0, Infinity, 64 * 1024), { objectMode: false });
  const text = raw.pipe(createGunzip());
  raw.on('error', (e) => text.destroy(e));
  const parts: Buffer[] = [];
  let len = 0;
  try {
    for await (const c of text as AsyncIterable<Buffer>) {
      parts.push(c);
      len += c.length;
      if (len >= n) break;
    }
  } catch {
    // A damaged archive: what came out before the damage still identifies it.
  } finally {
    text.destroy();
    raw.destroy();
  }
  return Buffer.concat(parts).subarray(0, n);
}

/** The stored offsets by fingerprint, with the lookups identification needs. */
export class KnownFiles {
  private readonly byKey = new Map<string, FileOffset>();
  /** How many keys have each fingerprint length. */
  private readonly lengths = new Map<number, number>();

  constructor(rows: FileOffset[] = []) {
    for (const r of rows) this.set(r);
  }

  get(key: string): FileOffset | undefined {
    return this.byKey.get(key);
  }

  set(o: FileOffset): void {
    if (!this.byKey.has(o.fingerprint)) {
      const n = fingerprintLength(o.fingerprint);
      this.lengths.set(n, (this.lengths.get(n) ?? 0) + 1);
    }
    this.byKey.set(o.fingerprint, { ...o });
  }

  delete(key: string): void {
    if (!this.byKey.delete(key)) return;
    const n = fingerprintLength(key);
    const left = (this.lengths.get(n) ?? 1) - 1;
    if (left) this.lengths.set(n, left);
    else this.lengths.delete(n);
  }

  /** The stored file whose fingerprint is a prefix of `head`, the longest such; null if none. */
  match(head: Buffer): FileOffset | null {
    const lengths = [...this.lengths.keys()].filter((n) => n > 0 && n <= head.length).sort((a, b) => b - a);
    for (const n of lengths) {
      const hit = this.byKey.get(fingerprintOf(head.subarray(0, n)));
      if (hit) return hit;
    }
    return null;
  }

  /** Was a file at this path, or at one of its rotated names, ever read? */
  followedBefore(path: string): boolean {
    for (const o of this.byKey.values()) if (o.path === path || isRotationOf(o.path, path)) return true;
    return false;
  }
}
