import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileFollower, type FileFollower } from './follower';
import type { FollowConfigInput } from './config';
import { MemorySink, memoryOffsets, waitFor } from './test-kit';

const dirs: string[] = [];
const followers: FileFollower[] = [];
afterEach(async () => {
  await Promise.all(followers.splice(0).map((f) => f.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'logscope-follow-'));
  dirs.push(d);
  return d;
}

/** Lines "<tag> 1" … "<tag> n", each with its newline. */
function lines(tag: string, from: number, to: number): string {
  let s = '';
  for (let i = from; i <= to; i++) s += `${tag} line ${i} of the test log\n`;
  return s;
}

function expected(tag: string, from: number, to: number): string[] {
  return lines(tag, from, to).split('\n').slice(0, -1);
}

const fast = { checkIntervalMs: 40, rotateWaitMs: 300, multilineIdleMs: 300, retryMs: 100 };

async function follow(config: FollowConfigInput, sink = new MemorySink()) {
  const f = createFileFollower({ ...fast, ...config }, sink, memoryOffsets(sink));
  followers.push(f);
  await f.start();
  return { f, sink };
}

async function storedAre(sink: MemorySink, want: string[], what = 'the lines to be stored'): Promise<void> {
  await waitFor(what, () => sink.stored.length >= want.length);
  // Whatever else might still come would be a repeat: give it the check interval to show up.
  await new Promise((r) => setTimeout(r, 150));
  expect([...sink.messages()].sort()).toEqual([...want].sort());
}

describe('file follower', () => {
  it('reads appended lines, starting at the end of a file that exists', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, lines('old', 1, 3));
    const { f, sink } = await follow({ paths: [path] });
    appendFileSync(path, lines('new', 1, 2));
    appendFileSync(path, lines('new', 3, 5));
    await storedAre(sink, expected('new', 1, 5));
    expect(sink.stored.map((s) => s.record.line)).toEqual([4, 5, 6, 7, 8]);
    expect(sink.stored[0]!.source).toBe(path);
    const [st] = f.files();
    expect(st).toMatchObject({ path, state: 'following', lag: 0, lines: 8, error: null });
    expect(st!.offset).toBe(st!.size);
  });

  it('polls instead of using events when asked', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, '');
    // The check interval is long, so only chokidar's polling can notice the appends.
    const { sink } = await follow({ paths: [path], poll: true, pollIntervalMs: 50, checkIntervalMs: 60_000 });
    appendFileSync(path, lines('a', 1, 2));
    await storedAre(sink, expected('a', 1, 2));
  });

  it('starts at the beginning when asked', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, lines('old', 1, 3));
    const { sink } = await follow({ paths: [path], start: 'beginning' });
    appendFileSync(path, lines('new', 1, 1));
    await storedAre(sink, [...expected('old', 1, 3), ...expected('new', 1, 1)]);
  });

  it('starting at the end, a half-written last line is read whole once its newline comes', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, lines('old', 1, 2) + 'half of a li');
    const { sink } = await follow({ paths: [path] });
    appendFileSync(path, 'ne\n');
    await storedAre(sink, ['half of a line']);
  });

  it('holds a line without a newline until its newline arrives', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, '');
    const { f, sink } = await follow({ paths: [path] });
    appendFileSync(path, 'complete line\nincompl');
    await waitFor('the complete line', () => sink.stored.length === 1);
    // The follower has seen the partial line: its offset stops before it.
    await waitFor('a look at the partial line', () => f.files()[0]!.size === 'complete line\nincompl'.length);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages()).toEqual(['complete line']);
    expect(f.files()[0]!.offset).toBe('complete line\n'.length);
    appendFileSync(path, 'ete line\n');
    await storedAre(sink, ['complete line', 'incomplete line']);
  });

  it('joins a stack trace that arrives in two appends into one record', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    const head = Array.from({ length: 5 }, (_, i) => `2024-01-02 13:04:0${i},123 INFO [main] com.foo.App - started step ${i}`).join('\n') + '\n';
    writeFileSync(path, head);
    const { f, sink } = await follow({ paths: [path], start: 'beginning' });
    await waitFor('the first lines', () => sink.stored.length === 4); // the fifth may still be continued
    appendFileSync(path, '2024-01-02 13:04:05,123 ERROR [main] com.foo.OrderService - order 42 failed\njava.lang.IllegalStateException: no stock\n');
    await waitFor('the first half to be read', () => f.status().received === 7);
    appendFileSync(path, '\tat com.foo.OrderService.place(OrderService.java:87)\n\tat com.foo.Api.post(Api.java:12)\n');
    appendFileSync(path, '2024-01-02 13:04:06,000 INFO [main] com.foo.App - next\n');
    // The last record is stored after the idle time, as nothing continues it.
    await waitFor('every record', () => sink.stored.length === 7);
    const trace = sink.stored.find((s) => s.record.message.startsWith('order 42'))!.record;
    expect(trace.message).toBe(
      'order 42 failed\njava.lang.IllegalStateException: no stock\n\tat com.foo.OrderService.place(OrderService.java:87)\n\tat com.foo.Api.post(Api.java:12)',
    );
    expect(trace.level).toBe('error');
    expect(trace.line).toBe(6);
    expect(sink.stored.at(-1)!.record.message).toBe('next');
    expect(f.files()[0]!.lag).toBe(0);
  });

  it('follows rename-and-create rotation without losing lines written to the old file after the rename', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, '');
    const { f, sink } = await follow({ paths: [path] });
    appendFileSync(path, lines('a', 1, 3));
    await waitFor('the first lines', () => sink.stored.length === 3);
    renameSync(path, `${path}.1`);
    writeFileSync(path, lines('b', 1, 2));
    // The program still has the old file open and writes on, then reopens.
    appendFileSync(`${path}.1`, lines('a', 4, 6) + 'a last line without newline');
    appendFileSync(path, lines('b', 3, 4));
    await storedAre(sink, [...expected('a', 1, 6), 'a last line without newline', ...expected('b', 1, 4)]);
    // Everything is under the followed path's name; the old file is let go once quiet.
    expect(new Set(sink.stored.map((s) => s.source))).toEqual(new Set([path]));
    await waitFor('the rotated file to be let go', () => f.files().length === 1);
    expect(f.files()[0]).toMatchObject({ path, state: 'following' });
  });

  it('copytruncate: reads what only the copy holds, then the file again from its start', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, lines('a', 1, 20));
    // Events and checks so slow that the rotation happens between two looks.
    const { f, sink } = await follow({ paths: [path], start: 'beginning', poll: true, pollIntervalMs: 60_000, checkIntervalMs: 60_000 });
    await waitFor('the first lines', () => sink.stored.length === 20);
    appendFileSync(path, lines('a', 21, 22)); // not read yet when the copy is taken
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, lines('b', 1, 2));
    await waitFor('the copy and the new content', async () => {
      await f.checkNow();
      return sink.stored.length >= 24;
    });
    await f.checkNow();
    expect([...sink.messages()].sort()).toEqual([...expected('a', 1, 22), ...expected('b', 1, 2)].sort());
    expect(f.files().find((s) => s.path === path)!.warning).toMatch(/truncated/);
  });

  it('copytruncate rewritten past the old size before it is noticed: the changed first bytes tell', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, lines('a', 1, 5));
    const { f, sink } = await follow({ paths: [path], start: 'beginning', poll: true, pollIntervalMs: 60_000, checkIntervalMs: 60_000 });
    await waitFor('the first lines', () => sink.stored.length === 5);
    appendFileSync(path, lines('a', 6, 6));
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, lines('bbbbbbbb', 1, 10)); // longer than the old content
    await waitFor('the copy and the new content', async () => {
      await f.checkNow();
      return sink.stored.length >= 16;
    });
    await f.checkNow();
    expect([...sink.messages()].sort()).toEqual([...expected('a', 1, 6), ...expected('bbbbbbbb', 1, 10)].sort());
    expect(f.files().find((s) => s.path === path)!.warning).toMatch(/rewritten/);
  });

  it('reads a truncated file again from its start', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, lines('a', 1, 10));
    const { sink } = await follow({ paths: [path], start: 'beginning' });
    await waitFor('the first lines', () => sink.stored.length === 10);
    truncateSync(path, 0);
    appendFileSync(path, lines('b', 1, 2));
    await storedAre(sink, [...expected('a', 1, 10), ...expected('b', 1, 2)]);
    expect(sink.stored.at(-1)!.record.line).toBe(2);
  });

  it('follows a file that is deleted and created again', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    const { f, sink } = await follow({ paths: [path] });
    expect(f.files()).toEqual([expect.objectContaining({ path, state: 'waiting' })]);
    writeFileSync(path, lines('a', 1, 3)); // created after following began: read from its start
    await waitFor('the first file', () => sink.stored.length === 3);
    unlinkSync(path);
    writeFileSync(path, lines('b', 1, 2));
    await storedAre(sink, [...expected('a', 1, 3), ...expected('b', 1, 2)]);
  });

  it('picks up new files in a followed folder; existing ones start at their end', async () => {
    const d = tmp();
    writeFileSync(join(d, 'old.log'), lines('old', 1, 3));
    writeFileSync(join(d, '.hidden'), lines('hidden', 1, 3));
    const { sink } = await follow({ paths: [d] });
    writeFileSync(join(d, 'new.log'), lines('new', 1, 2));
    appendFileSync(join(d, 'old.log'), lines('old', 4, 4));
    appendFileSync(join(d, '.hidden'), lines('hidden', 4, 4));
    await storedAre(sink, [...expected('new', 1, 2), ...expected('old', 4, 4)]);
    expect(sink.messages(join(d, 'new.log'))).toEqual(expected('new', 1, 2));
  });

  it('follows a glob: matching files only, new ones too, across sub-folders with **', async () => {
    const d = tmp();
    mkdirSync(join(d, 'svc', 'deep'), { recursive: true });
    const { sink } = await follow({ paths: [join(d, '**', '*.log')], start: 'beginning' });
    writeFileSync(join(d, 'top.log'), lines('top', 1, 1));
    writeFileSync(join(d, 'svc', 'deep', 'api.log'), lines('api', 1, 2));
    writeFileSync(join(d, 'svc', 'notes.txt'), lines('notes', 1, 2));
    await storedAre(sink, [...expected('top', 1, 1), ...expected('api', 1, 2)]);
  });

  it('imports a rotated .gz sibling once: only what was not read from the plain file', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, lines('a', 1, 50));
    const { f, sink } = await follow({ paths: [path], start: 'beginning', poll: true, pollIntervalMs: 60_000, checkIntervalMs: 60_000 });
    await waitFor('the first lines', () => sink.stored.length === 50);
    // Rotated and compressed before the follower looked again: 51–55 exist only in the .gz.
    appendFileSync(path, lines('a', 51, 55));
    writeFileSync(`${path}.1.gz`, gzipSync(lines('a', 1, 55)));
    unlinkSync(path);
    writeFileSync(path, lines('b', 1, 1));
    // A .gz of a file never seen is new to us: imported whole.
    writeFileSync(`${path}.2.gz`, gzipSync(lines('z', 1, 3)));
    await waitFor('everything', async () => {
      await f.checkNow();
      return sink.stored.length >= 59;
    });
    for (let i = 0; i < 3; i++) await f.checkNow(); // seen again: nothing more
    writeFileSync(`${path}.3.gz`, gzipSync(lines('a', 1, 55))); // renamed by the next rotation: known
    for (let i = 0; i < 3; i++) await f.checkNow();
    expect([...sink.messages()].sort()).toEqual([...expected('a', 1, 55), ...expected('b', 1, 1), ...expected('z', 1, 3)].sort());
  });

  it('shows an unreadable path as an error and retries it', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    symlinkSync(path, path); // a loop: even root cannot open it
    const { f, sink } = await follow({ paths: [path] });
    await waitFor('the error', () => /cannot read .*app\.log: .*retrying/.test(f.status().error ?? ''));
    expect(f.files()).toEqual([expect.objectContaining({ path, state: 'error' })]);
    unlinkSync(path);
    writeFileSync(path, lines('a', 1, 2));
    await storedAre(sink, expected('a', 1, 2));
    expect(f.status().error).toBeNull();
  });

  it('reads nothing more while the sink is full', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, lines('a', 1, 5));
    const sink = new MemorySink();
    sink.setFull(true);
    const { f } = await follow({ paths: [path], start: 'beginning', batchRecords: 2 }, sink);
    await waitFor('the follower to wait for space', () => sink.whenSpaceCalls > 0);
    appendFileSync(path, lines('a', 6, 8));
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.stored).toEqual([]);
    expect(f.files()[0]!.lag).toBeGreaterThan(0);
    sink.setFull(false);
    await storedAre(sink, expected('a', 1, 8));
  });

  it('stops while waiting for the sink to have space', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, lines('a', 1, 5));
    const sink = new MemorySink();
    sink.setFull(true);
    const { f } = await follow({ paths: [path], start: 'beginning' }, sink);
    await waitFor('the follower to wait for space', () => sink.whenSpaceCalls > 0);
    await f.stop();
    expect(f.status().state).toBe('stopped');
    expect(sink.stored).toEqual([]);
  });

  it('retries after the store refused a write, without losing or repeating a line', async () => {
    const d = tmp();
    const path = join(d, 'app.log');
    writeFileSync(path, '');
    const { f, sink } = await follow({ paths: [path] });
    sink.failing = 'disk full';
    appendFileSync(path, lines('a', 1, 3));
    await waitFor('the error', () => /disk full/.test(f.status().error ?? ''));
    sink.failing = null;
    appendFileSync(path, lines('a', 4, 4));
    await storedAre(sink, expected('a', 1, 4));
  });

  it('refuses a bad configuration, naming the setting', () => {
    const sink = new MemorySink();
    expect(() => createFileFollower({ paths: [] }, sink, memoryOffsets(sink))).toThrow(/follow config: paths: give at least one path/);
    expect(() => createFileFollower({ paths: ['/x'], start: 'middle' }, sink, memoryOffsets(sink))).toThrow(/follow config: start/);
    expect(() => createFileFollower({ paths: ['/x'], rotateWait: 5 }, sink, memoryOffsets(sink))).toThrow(/rotateWait/);
  });
});
