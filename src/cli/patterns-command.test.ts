import { rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { nginxLines, tempDir, writeFile } from '../engine/testing/fixtures';
import { main } from './index';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

/** The --ndjson output as objects (a write may hold many lines). */
const objects = (out: string[]) => out.flatMap((chunk) => chunk.split('\n')).map((l) => JSON.parse(l) as Record<string, unknown>);

const dirs: string[] = [];
function dir(): string {
  const d = tempDir('logscope-patterns-cli-');
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const JAVA = [
  '2024-05-01 10:00:00,123 ERROR [main] com.example.App - request failed',
  'java.lang.IllegalStateException: bad state',
  '\tat com.example.App.run(App.java:10)',
  '',
  '\tat com.example.Main.main(Main.java:3)',
  '',
  '',
  '2024-05-01 10:00:01,123 INFO [main] com.example.App - started in 5 ms',
  '2024-05-01 10:00:02,123 INFO [main] com.example.App - started in 7 ms',
  '',
];

const SESSIONS = ['alice', 'bob', 'carol', 'dave', 'erin'].map(
  (u, i) => `Mar 10 00:00:0${i} host sshd[${100 + i}]: session opened for user ${u} by (uid=0)`,
);

describe('logscope patterns', () => {
  it('gives every physical line of a multi-line record its pattern, and blank lines outside records none', async () => {
    const file = writeFile(dir(), 'app.log', JAVA.join('\n'));
    const r = io();
    expect(await main(['patterns', '--ndjson', file], r.io)).toBe(0);
    const lines = objects(r.out);
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Object.keys(lines[0]!)).toEqual(['line', 'template', 'pattern']);
    const trace = lines[0]!.pattern;
    expect(typeof trace).toBe('number');
    // The record runs from line 1 to line 5, the blank line 4 inside it included.
    expect(lines.slice(0, 5).map((l) => l.pattern)).toEqual([trace, trace, trace, trace, trace]);
    // Lines 6 and 7 are blank after the record's end: import stores them nowhere.
    expect(lines.slice(5, 7)).toEqual([
      { line: 6, template: null, pattern: null },
      { line: 7, template: null, pattern: null },
    ]);
    expect(lines[7]!.pattern).toBe(lines[8]!.pattern);
    expect(lines[7]!.pattern).not.toBe(trace);
    expect(lines[7]!.template).toBe('started in <*> <*>');
  });

  it('prints ids and templates as they are at the end: merged patterns report their survivor', async () => {
    const file = writeFile(dir(), 'auth.log', [SESSIONS[0], SESSIONS[1], '', ...SESSIONS.slice(2)].join('\n'));
    const r = io();
    expect(await main(['patterns', '--ndjson', file], r.io)).toBe(0);
    const lines = objects(r.out);
    // The first lines were new patterns of their own when mined; four users made the user a variable.
    const ids = new Set(lines.filter((l) => l.pattern !== null).map((l) => l.pattern));
    expect(ids.size).toBe(1);
    expect(lines[0]).toEqual({ line: 1, template: 'session opened for user <*> by (uid=<*>)', pattern: 1 });
    expect(lines[2]).toEqual({ line: 3, template: null, pattern: null });
    expect(lines).toHaveLength(6);

    const s = io();
    expect(await main(['patterns', file], s.io)).toBe(0);
    expect(s.out[0]).toBe('1 patterns in 5 records (6 lines) of 1 file(s)');
    expect(s.out[2]).toMatch(/^\s+5\s+1\s+session opened for user <\*> by \(uid=<\*>\)$/);
    expect(s.out[3]).toContain('e.g. session opened for user alice by (uid=0)');
  });

  it('numbers lines per file, names the file when there are several, and reads .gz', async () => {
    const d = dir();
    const a = writeFile(d, 'a.log', nginxLines(3).join('\n'));
    const b = writeFile(d, 'b.log.gz', gzipSync(nginxLines(2).join('\n') + '\n'));
    const r = io();
    expect(await main(['patterns', '--ndjson', a, b], r.io)).toBe(0);
    const lines = objects(r.out);
    expect(lines.map((l) => [l.file, l.line])).toEqual([
      [a, 1],
      [a, 2],
      [a, 3],
      [b, 1],
      [b, 2],
    ]);
    // One miner for all files: the same kind of line has the same id in both.
    expect(new Set(lines.map((l) => l.pattern)).size).toBe(1);
  });

  it('summarises by count, with an example each, and --top', async () => {
    const lines = [...nginxLines(30), ...SESSIONS, ...SESSIONS];
    const file = writeFile(dir(), 'mixed.log', lines.join('\n'));
    const r = io();
    expect(await main(['patterns', '--top', '1', file], r.io)).toBe(0);
    expect(r.out[0]).toMatch(/^2 patterns in 40 records \(40 lines\) of 1 file\(s\)$/);
    expect(r.out[1]).toMatch(/^count\s+id\s+template$/);
    expect(r.out[2]).toMatch(/^\s+30\s+\d+\s+<\*> - - \[/);
    expect(r.out[3]).toMatch(/e\.g\. 10\.0\.0\.0 - - \[/);
    expect(r.out[4]).toBe('… 1 more patterns with 10 records (--top N shows more)');
  });

  it('says what is wrong with a missing or binary file, mines the others, and exits 1', async () => {
    const d = dir();
    const good = writeFile(d, 'good.log', SESSIONS.join('\n'));
    const binary = writeFile(d, 'blob.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0, 0]));
    const missing = `${d}/nope.log`;
    const r = io();
    expect(await main(['patterns', '--ndjson', missing, binary, good], r.io)).toBe(1);
    expect(r.err).toEqual([`logscope: ${missing}: no such file: nope.log`, expect.stringMatching(/^logscope: .*blob\.bin: binary file \(NUL bytes/)]);
    const lines = objects(r.out);
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => l.file === good)).toBe(true);

    const s = io();
    expect(await main(['patterns', missing], s.io)).toBe(1);
    expect(s.out[0]).toBe('0 patterns in 0 records (0 lines) of 1 file(s)');

    const u = io();
    expect(await main(['patterns'], u.io)).toBe(2);
    expect(u.err[0]).toMatch(/^logscope: patterns needs at least one file/);
    const t = io();
    expect(await main(['patterns', '--top', 'x', good], t.io)).toBe(2);
    expect(t.err[0]).toMatch(/--top must be a whole number/);
  });

  it('an empty file is no error, and a folder is mined file by file', async () => {
    const d = dir();
    writeFile(d, 'empty.log', '');
    writeFile(d, 'z.log', SESSIONS.slice(0, 2).join('\n'));
    const r = io();
    expect(await main(['patterns', '--ndjson', d], r.io)).toBe(0);
    expect(r.err).toEqual([`logscope: ${d}/empty.log: warning: empty file`]);
    expect(objects(r.out).map((l) => [l.file, l.line])).toEqual([
      [`${d}/z.log`, 1],
      [`${d}/z.log`, 2],
    ]);
  });
});
