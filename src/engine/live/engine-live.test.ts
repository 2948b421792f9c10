import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventData } from '../../shared/protocol';
import { run, sendUdp } from '../../ingest/sources/syslog/testing';
import { Engine } from '../engine';
import { tempDir } from '../testing/fixtures';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

async function open(): Promise<Engine> {
  const engine = await Engine.open({ dataDir: tempDir(), defaultZone: 'UTC' });
  engines.push(engine);
  return engine;
}

async function until<T>(get: () => T | Promise<T>, ok: (v: T) => boolean, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('engine with live sources on real sockets', () => {
  it('receives over HTTP, syslog (logger) and GELF; the tail shows the matches; health and liveSources count them', async () => {
    const engine = await open();
    const batches: Array<EventData<'tailRecords'>> = [];
    engine.on('tailRecords', (b) => batches.push(b));
    const { tailId } = await engine.call('tailStart', { query: 'level:error' });

    const http = await engine.call('liveSourceAdd', { kind: 'http', config: { port: 0 } });
    const udp = await engine.call('liveSourceAdd', { kind: 'syslog-udp', config: { port: 0, flushMs: 5 } });
    const gelf = await engine.call('liveSourceAdd', { kind: 'gelf-udp', config: { port: 0, flushMs: 5 } });
    for (const s of [http, udp, gelf]) expect(s).toMatchObject({ state: 'running', enabled: true });
    expect(http.address).toBe(`http://127.0.0.1:${http.port}`);

    const res = await fetch(`http://127.0.0.1:${http.port}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: '{"level":"error","msg":"payment failed"}\n{"level":"info","msg":"all good"}\n',
    });
    expect(res.status).toBeLessThan(300);
    await run('logger', [
      '--rfc5424',
      '-n',
      '127.0.0.1',
      '-P',
      String(udp.port),
      '-d',
      '-t',
      'billing',
      '-p',
      'user.err',
      'disk full',
    ]);
    await sendUdp(gelf.port!, [JSON.stringify({ version: '1.1', host: 'g1', short_message: 'gelf broke', level: 3 })]);

    const seen = await until(
      () => batches.flatMap((b) => b.records.map((r) => r.message)).sort(),
      (m) => m.length >= 3,
      'three errors in the tail',
    );
    expect(seen).toEqual(['disk full', 'gelf broke', 'payment failed']);
    expect(batches.every((b) => b.tailId === tailId)).toBe(true);

    const total = await engine.call('search', { query: '', limit: 10 });
    expect(total.total).toBe(4);
    const list = await until(
      () => engine.call('liveSources', {}),
      (l) => l.sources.reduce((n, s) => n + s.stored, 0) === 4,
      'stored counters',
    );
    expect(list.available).toEqual(
      expect.arrayContaining(['http', 'syslog-udp', 'syslog-tcp', 'gelf-udp', 'gelf-tcp', 'follow']),
    );
    const health = await engine.call('health', {});
    expect(health.live).toMatchObject({ running: 3, failed: 0, stored: 4 });

    // Off: the port closes; the entry stays; on again: it listens again.
    const off = await engine.call('liveSourceSetEnabled', { id: 'http', enabled: false });
    expect(off).toMatchObject({ state: 'stopped', enabled: false });
    await expect(fetch(`http://127.0.0.1:${http.port}/health`)).rejects.toThrow();
    expect(await engine.call('liveSourceRemove', { id: 'http' })).toEqual({ removed: true });
    expect((await engine.call('liveSources', {})).sources.map((s) => s.id).sort()).toEqual(['gelf-udp', 'syslog-udp']);
    await expect(engine.call('liveSourceAdd', { kind: 'http', config: { port: 70000 } })).rejects.toMatchObject({
      info: { code: 'bad_request', message: expect.stringMatching(/http source config: port:/) },
    });
  });

  it('follows a file: appended lines are stored and tailed, with its offset and lag in liveSources', async () => {
    const engine = await open();
    const dir = tempDir();
    const file = join(dir, 'app.log');
    writeFileSync(file, '2024-05-01T10:00:00Z ERROR old line, before following\n');
    const batches: Array<EventData<'tailRecords'>> = [];
    engine.on('tailRecords', (b) => batches.push(b));
    await engine.call('tailStart', { query: '' });
    const info = await engine.call('liveSourceAdd', { kind: 'follow', config: { paths: [file], checkIntervalMs: 50 } });
    expect(info).toMatchObject({ id: `follow:${file}`, kind: 'follow', state: 'running', address: file, port: null });

    appendFileSync(file, '2024-05-01T10:00:01Z ERROR new line one\n2024-05-01T10:00:02Z INFO new line two\n');
    const got = await until(
      () => batches.flatMap((b) => b.records.map((r) => r.message)),
      (m) => m.length >= 2,
      'two followed lines',
    );
    expect(got.join('\n')).toMatch(/new line one[\s\S]*new line two/);
    expect(got.join('\n')).not.toMatch(/old line/);
    const size = Buffer.byteLength(
      '2024-05-01T10:00:00Z ERROR old line, before following\n2024-05-01T10:00:01Z ERROR new line one\n2024-05-01T10:00:02Z INFO new line two\n',
    );
    const f = await until(
      async () => (await engine.call('liveSources', {})).sources[0]!.files[0],
      (x) => x?.offset === size,
      'the offset at the end of the file',
    );
    expect(f).toMatchObject({ path: file, size, lag: 0, state: 'following' });
  });

  it('runs the receivers the settings ask for, and follows changes to them', async () => {
    const engine = await open();
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    const report = await engine.call('settingsGet', {});
    const on = { ...report.settings, receivers: { ...report.settings.receivers, syslogUdp: { enabled: true, port } } };
    await engine.call('settingsSet', { settings: on });
    const started = await until(
      () => engine.call('liveSources', {}),
      (l) => l.sources.some((x) => x.id === 'syslog-udp' && x.state === 'running'),
      'the receiver',
    );
    expect(started.sources.find((x) => x.id === 'syslog-udp')!.port).toBe(port);
    await sendUdp(port, ['<14>1 2024-05-01T10:00:00Z h app - - - from settings']);
    await until(
      () => engine.call('search', { query: '"from settings"', limit: 1 }),
      (r) => r.rows.length === 1,
      'the record',
    );

    // Another setting changes: the receiver is left alone (its counters go on).
    await engine.call('settingsSet', { settings: { ...on, theme: on.theme === 'dark' ? 'light' : 'dark' } });
    expect((await engine.call('liveSources', {})).sources.find((x) => x.id === 'syslog-udp')).toMatchObject({
      state: 'running',
      stored: 1,
    });

    await engine.call('settingsSet', { settings: report.settings });
    await until(
      () => engine.call('liveSources', {}),
      (l) => l.sources.length === 0,
      'the receiver to go',
    );
  });
});
