import { spawn } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileFollower, type FileFollower } from '../../ingest/sources/follow/follower';
import { waitFor } from '../../ingest/sources/follow/test-kit';
import type { RecordSink } from '../../ingest/sources/sink';
import { Store } from '../store/store';
import { LogWriter } from '../store/writer';
import { tempDir as makeTempDir } from '../testing/fixtures';
import { createFileOffsets } from './file-offsets';
import { createLiveSink } from './live-sink';

interface Opened {
  store: Store;
  writer: LogWriter;
  sink: RecordSink;
}

const opened: Opened[] = [];
const dirs: string[] = [];
function tempDir(): string {
  const d = makeTempDir();
  dirs.push(d);
  return d;
}
const followers: FileFollower[] = [];
afterEach(async () => {
  for (const f of followers.splice(0)) await f.stop();
  for (const o of opened.splice(0)) {
    await o.writer.close();
    o.store.close();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function openStore(dataDir: string): Promise<Opened> {
  const store = await Store.open(dataDir);
  const writer = await LogWriter.create(store);
  const o = { store, writer, sink: createLiveSink(writer, () => {}) };
  opened.push(o);
  return o;
}

async function follow(o: Opened, path: string, sink: RecordSink = o.sink, extra: object = {}): Promise<FileFollower> {
  const f = createFileFollower({ paths: [path], start: 'beginning', batchRecords: 500, checkIntervalMs: 40, multilineIdleMs: 200, rotateWaitMs: 300, ...extra }, sink, createFileOffsets(o.store));
  followers.push(f);
  await f.start();
  return f;
}

async function stopFollower(f: FileFollower): Promise<void> {
  followers.splice(followers.indexOf(f), 1);
  await f.stop();
}

/** Java-style records i in [from, to]; every 7th is an error with a two-line stack trace. */
function javaLog(from: number, to: number): { text: string; messages: string[] } {
  let text = '';
  const messages: string[] = [];
  for (let i = from; i <= to; i++) {
    const sec = String(i % 60).padStart(2, '0');
    if (i % 7 === 0) {
      const trace = `\tat com.foo.Orders.place${i}(Orders.java:${i})\n\tat com.foo.Api.post(Api.java:12)`;
      text += `2024-01-02 13:04:${sec},123 ERROR [main] com.foo.Orders - event ${i} failed\n${trace}\n`;
      messages.push(`event ${i} failed\n${trace}`);
    } else {
      text += `2024-01-02 13:04:${sec},123 INFO [main] com.foo.App - event ${i}\n`;
      messages.push(`event ${i}`);
    }
  }
  return { text, messages };
}

async function storedMessages(store: Store): Promise<string[]> {
  const rows = await store.read('SELECT message FROM logs ORDER BY message');
  return rows.map((r) => String(r.message));
}

async function count(store: Store): Promise<number> {
  const [row] = await store.read('SELECT count(*)::INTEGER AS n FROM logs');
  return Number(row!.n);
}

/** Every line once: the counts, the messages, and no line number twice. */
async function expectExactlyOnce(store: Store, messages: string[]): Promise<void> {
  expect(await count(store)).toBe(messages.length);
  expect(await storedMessages(store)).toEqual([...messages].sort());
  const [dup] = await store.read('SELECT count(*)::INTEGER AS n FROM (SELECT line FROM logs GROUP BY source, line HAVING count(*) > 1)');
  expect(dup!.n).toBe(0);
}

describe('file follower on a real store: every line exactly once', () => {
  it('resumes after a stop in the middle of a file, where the last commit left it', async () => {
    const dataDir = tempDir();
    const path = join(tempDir(), 'app.log');
    const first = javaLog(1, 1000);
    writeFileSync(path, first.text);
    const o = await openStore(dataDir);
    // Hold the third write until stop() has been asked for: the follower stops mid-file.
    let writes = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gated: RecordSink = {
      get full() {
        return o.sink.full;
      },
      whenSpace: () => o.sink.whenSpace(),
      write: async (...args) => {
        if (++writes === 3) await gate;
        return o.sink.write(...args);
      },
    };
    const a = await follow(o, path, gated, { batchRecords: 150 });
    await waitFor('the third write', () => writes >= 3);
    const stopping = stopFollower(a);
    release();
    await stopping;
    const partial = await count(o.store);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(first.messages.length);

    const more = javaLog(1001, 1200);
    appendFileSync(path, more.text);
    const b = await follow(o, path);
    const all = [...first.messages, ...more.messages];
    await waitFor('every record', async () => (await count(o.store)) >= all.length);
    await b.checkNow();
    await expectExactlyOnce(o.store, all);
    const [row] = await o.store.read('SELECT byte_offset::DOUBLE AS off, line::DOUBLE AS line FROM file_offsets');
    expect(row).toEqual({ off: Buffer.byteLength(first.text + more.text), line: (first.text + more.text).split('\n').length - 1 });
  });

  it('after writes that never reached the store (a crash), a new follower stores each line once', async () => {
    const dataDir = tempDir();
    const path = join(tempDir(), 'app.log');
    const log = javaLog(1, 800);
    writeFileSync(path, log.text);
    const o = await openStore(dataDir);
    let writes = 0;
    let crashed = false;
    const crashing: RecordSink = {
      get full() {
        return o.sink.full;
      },
      whenSpace: () => o.sink.whenSpace(),
      write: async (...args) => {
        if (++writes > 2) crashed = true;
        // After the crash nothing reaches the store: not the rows, not their offsets.
        if (crashed) throw new Error('the process died');
        return o.sink.write(...args);
      },
    };
    const a = await follow(o, path, crashing, { retryMs: 60_000, batchRecords: 100 });
    await waitFor('the crash', () => crashed);
    await stopFollower(a);
    const before = await count(o.store);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(log.messages.length);

    const b = await follow(o, path);
    await waitFor('every record', async () => (await count(o.store)) >= log.messages.length);
    await b.checkNow();
    await expectExactlyOnce(o.store, log.messages);
  });

  it('after SIGKILL part way through, a new follower stores each line once', async () => {
    const dataDir = tempDir();
    const path = join(tempDir(), 'app.log');
    const log = javaLog(1, 1500);
    writeFileSync(path, log.text);
    const child = spawn(
      process.execPath,
      // tsx as a loader in this one process (its CLI would run the script in a grandchild the kill misses).
      ['--import', 'tsx', fileURLToPath(new URL('./file-follow.child.ts', import.meta.url)), dataDir, path],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    const exited = new Promise((r) => child.on('exit', r));
    try {
      await waitFor('commits in the child', () => (out.match(/committed/g)?.length ?? 0) >= 3 || child.exitCode !== null, 15_000);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(err).toBe('');
    const more = javaLog(1501, 1600);
    appendFileSync(path, more.text);
    const o = await openStore(dataDir);
    const killedAt = await count(o.store);
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(log.messages.length);
    const all = [...log.messages, ...more.messages];
    const b = await follow(o, path);
    await waitFor('every record', async () => (await count(o.store)) >= all.length);
    await b.checkNow();
    await expectExactlyOnce(o.store, all);
  });

  it('imports a rotated .gz once, and moves a short file’s offset to its longer fingerprint', async () => {
    const dataDir = tempDir();
    const dir = tempDir();
    const path = join(dir, 'app.log');
    const small = javaLog(1, 3); // under 1 KiB
    writeFileSync(path, small.text);
    const o = await openStore(dataDir);
    const a = await follow(o, path);
    await waitFor('the first records', async () => (await count(o.store)) === 3);
    await stopFollower(a);
    const keys = async () => (await o.store.read('SELECT fingerprint FROM file_offsets')).map((r) => String(r.fingerprint).split(':')[0]);
    expect(await keys()).toEqual([String(Buffer.byteLength(small.text))]);

    const big = javaLog(4, 40);
    appendFileSync(path, big.text);
    const b = await follow(o, path);
    await waitFor('the rest', async () => (await count(o.store)) === 40);
    expect(await keys()).toEqual(['1024']); // one row: the short key was replaced in the same commit

    // Rotated and compressed; the compressed copy has nothing new, then is renamed again.
    await stopFollower(b);
    writeFileSync(`${path}.1.gz`, gzipSync(small.text + big.text));
    writeFileSync(path, '');
    const c = await follow(o, path);
    await c.checkNow();
    writeFileSync(`${path}.2.gz`, gzipSync(small.text + big.text));
    const tail = javaLog(41, 45);
    writeFileSync(`${path}.3.gz`, gzipSync(small.text + big.text + tail.text)); // rotated with lines not read yet
    await waitFor('the new lines of the .gz', async () => (await count(o.store)) >= 45);
    for (let i = 0; i < 3; i++) await c.checkNow();
    await expectExactlyOnce(o.store, [...small.messages, ...big.messages, ...tail.messages]);
  });
});
