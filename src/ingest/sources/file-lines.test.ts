import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NotTextError, readLines, TruncatedInputError, type ReadLinesOptions } from './file-lines';

const dir = mkdtempSync(join(tmpdir(), 'logscope-lines-'));
let n = 0;
function file(content: string | Buffer): string {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, content);
  return p;
}

async function collect(path: string, opts: ReadLinesOptions = {}) {
  const lines: string[] = [];
  const firsts: number[] = [];
  for await (const c of readLines(path, opts)) {
    expect(c.firstLine).toBe(lines.length + 1);
    firsts.push(c.firstLine);
    lines.push(...c.lines);
  }
  return { lines, firsts };
}

describe('readLines', () => {
  it('reads lines with their numbers, CRLF or LF, with or without a final newline', async () => {
    expect((await collect(file('a\r\nb\nc'))).lines).toEqual(['a', 'b', 'c']);
    expect((await collect(file('a\nb\n'))).lines).toEqual(['a', 'b']);
  });

  it('keeps line numbers right across chunk boundaries', async () => {
    const many = Array.from({ length: 200_000 }, (_, i) => `line ${i + 1} ${'x'.repeat(i % 50)}`);
    const { lines } = await collect(file(many.join('\n') + '\n'));
    expect(lines.length).toBe(many.length);
    expect(lines[123_456]).toBe(many[123_456]);
  });

  it('reads .gz by its magic bytes, whatever the name', async () => {
    const { lines } = await collect(file(gzipSync('one\ntwo\n')));
    expect(lines).toEqual(['one', 'two']);
  });

  it('yields nothing for an empty file', async () => {
    expect((await collect(file(''))).lines).toEqual([]);
  });

  it('refuses a binary file before yielding anything', async () => {
    const bin = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0, 0]);
    await expect(collect(file(bin))).rejects.toThrow(NotTextError);
    await expect(collect(file(bin))).rejects.toThrow(/binary file/);
  });

  it('keeps the lines before the damage in a corrupt .gz and says where it broke', async () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `record number ${i} ${Math.sin(i)}`).join('\n') + '\n';
    const gz = gzipSync(text);
    const broken = Buffer.from(gz.subarray(0, Math.floor(gz.length * 0.6)));
    broken.fill(0x55, broken.length - 200); // damaged tail, not only truncated
    const got: string[] = [];
    let error: Error | null = null;
    try {
      for await (const c of readLines(file(broken))) got.push(...c.lines);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(TruncatedInputError);
    expect(error!.message).toMatch(/compressed data broke after line \d+/);
    expect(got.length).toBeGreaterThan(1000);
    // Deflate has no per-block checksum: the output just before the detected break can be
    // garbage, but everything before the damaged region is the file's own start.
    const intact = got.length - 100;
    expect(got.slice(0, intact)).toEqual(text.split('\n').slice(0, intact));
  });

  it('replaces invalid UTF-8 and says so once', async () => {
    const warnings: string[] = [];
    const { lines } = await collect(file(Buffer.from([0x61, 0xff, 0x62, 0x0a, 0x63, 0x0a])), { onWarning: (w) => warnings.push(w) });
    expect(lines).toEqual(['a\uFFFDb', 'c']);
    expect(warnings).toEqual(['invalid UTF-8 was replaced with U+FFFD']);
  });

  it('cuts a 10 MB single line to the limit and goes on with the next lines', async () => {
    const warnings: string[] = [];
    const big = 'y'.repeat(10 * 1024 * 1024);
    const { lines } = await collect(file(`first\n${big}\nafter\n`), { maxLineBytes: 1 << 20, onWarning: (w) => warnings.push(w) });
    expect(lines.length).toBe(3);
    expect(lines[1]!.length).toBe(1 << 20);
    expect(lines[2]).toBe('after');
    expect(warnings.join()).toMatch(/line 2: longer than/);
  });

  it('reads from an offset of an open handle, holds a line without newline, reports where each line ends', async () => {
    const { open } = await import('node:fs/promises');
    const path = file('one\ntwo\r\nthree\npart');
    const fh = await open(path, 'r');
    try {
      const chunks = [];
      for await (const c of readLines(path, { handle: fh, start: 4, firstLine: 2, holdPartial: true, lineEnds: true })) chunks.push(c);
      expect(chunks.map((c) => [c.lines, c.firstLine, c.offset, c.lineEnds])).toEqual([[['two', 'three'], 2, 15, [9, 15]]]);
      // Up to a byte: the line cut there waits too.
      const upTo = [];
      for await (const c of readLines(path, { handle: fh, end: 12, holdPartial: true })) upTo.push(...c.lines);
      expect(upTo).toEqual(['one', 'two']);
      // Without holdPartial the last line counts; the handle is still open after every read.
      const all = [];
      for await (const c of readLines(path, { handle: fh, start: 15, lineEnds: true })) all.push([c.lines, c.offset, c.lineEnds]);
      expect(all).toEqual([[['part'], 19, [19]]]);
      expect((await fh.stat()).size).toBe(19);
    } finally {
      await fh.close();
    }
  });

  it('starts a .gz at an offset of its text', async () => {
    const got = [];
    for await (const c of readLines(file(gzipSync('a\nbb\nccc\n')), { start: 2, firstLine: 2 })) got.push([c.lines, c.firstLine, c.offset]);
    expect(got).toEqual([[['bb', 'ccc'], 2, 9]]);
  });
});
