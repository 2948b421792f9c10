import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Engine } from '../engine/engine';
import { readEngineFile } from '../engine/host/engine-file';
import { loadOrCreateReceiverToken, receiverSpecs } from '../engine/live/receivers';
import { tempDir } from '../engine/testing/fixtures';
import { main } from './index';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/**
 * The CLI as a user runs it, in its own process (signals and exit codes are the point):
 * the built bundle, as the browser tests use it (`npm test` builds first).
 */
function cli(args: string[]) {
  const proc = spawn(process.execPath, ['bin/logscope.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  const out = { stdout: '', stderr: '' };
  proc.stdout!.on('data', (d) => (out.stdout += d));
  proc.stderr!.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, out, exited };
}

async function until(test: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const NO_RECEIVERS = ['--syslog-udp-port', '0', '--syslog-tcp-port', '0', '--gelf-udp-port', '0'];

describe('logscope serve with receivers, and logscope tail', () => {
  it('tail without a running engine says so and exits 1', async () => {
    const err: string[] = [];
    expect(await main(['tail', '--data', tempDir(), 'level:error'], { out: () => {}, err: (l) => err.push(l) })).toBe(
      1,
    );
    expect(err.join('\n')).toMatch(/no LogScope engine is running on .*logscope serve/);
  });

  it('serve receives over HTTP; tail prints the matches live; SIGTERM with clients attached stops cleanly with what was received stored', async () => {
    const data = tempDir();
    const httpPort = await freePort();
    const serve = cli(['serve', '--data', data, '--port', '0', '--http-port', String(httpPort), ...NO_RECEIVERS]);
    await until(() => /LogScope is serving/.test(serve.out.stdout), `serve to start (${serve.out.stderr})`);
    expect(serve.out.stdout).toContain(`receiving HTTP on http://127.0.0.1:${httpPort}`);

    const tail = cli(['tail', '--data', data, 'level:error']);
    await until(() => /tailing "level:error"/.test(tail.out.stderr), `tail to start (${tail.out.stderr})`);

    // A browser-like client stays attached through the shutdown.
    const info = readEngineFile(data)!;
    const ws = new WebSocket(`ws://127.0.0.1:${info.port}/ws?token=${info.token}`);
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    ws.send(JSON.stringify({ t: 'req', id: 1, method: 'tailStart', params: { query: '' } }));

    const res = await fetch(`http://127.0.0.1:${httpPort}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: '{"level":"error","msg":"card declined"}\n{"level":"info","msg":"hello"}\n{"level":"error","msg":"db timeout"}\n',
    });
    expect(res.status).toBeLessThan(300);
    await until(() => /db timeout/.test(tail.out.stdout), 'the tail to print the errors');
    const lines = tail.out.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/ERROR .*card declined$/);
    expect(lines[1]).toMatch(/ERROR .*db timeout$/);

    tail.proc.kill('SIGINT');
    expect(await tail.exited).toBe(0);

    serve.proc.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.out.stderr).toContain('stopping…');
    ws.terminate();
    expect(readEngineFile(data)).toBeNull();

    const engine = await Engine.open({ dataDir: data });
    try {
      expect((await engine.call('search', { query: '', limit: 10 })).total).toBe(3);
    } finally {
      await engine.close();
    }
  });

  it('tail ends with exit 1 when the engine goes away; serve stops cleanly on a signal that comes during start-up', async () => {
    const data = tempDir();
    const serve = cli(['serve', '--data', data, '--port', '0', '--http-port', '0', ...NO_RECEIVERS]);
    await until(() => /LogScope is serving/.test(serve.out.stdout), 'serve to start');
    const tail = cli(['tail', '--data', data, '--json', '']);
    await until(() => /tailing every record/.test(tail.out.stderr), 'tail to start');
    serve.proc.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(await tail.exited).toBe(1);
    expect(tail.out.stderr).toMatch(/the engine went away/);

    // A signal while the engine is still opening: a clean stop, exit 0 (a default handler would give 143).
    const out: string[] = [];
    const starting = main(['serve', '--data', data, '--port', '0', '--http-port', '0', ...NO_RECEIVERS], {
      out: (l) => out.push(l),
      err: () => {},
    });
    process.emit('SIGTERM', 'SIGTERM');
    expect(await starting).toBe(0);
    expect(out.join('\n')).not.toMatch(/LogScope is serving/);
    expect(readEngineFile(data)).toBeNull();
    expect(process.listeners('SIGTERM')).toHaveLength(0);
  });
});

describe('receiver plan', () => {
  it('turns flags into specs: loopback by default, ports of 0 off, remote needs allowRemote and the token', () => {
    const base = {
      listen: '127.0.0.1',
      token: null,
      http: 9880,
      syslogUdp: 5514,
      syslogTcp: 0,
      gelfUdp: 12201,
      follow: ['x.log'],
    };
    const specs = receiverSpecs(base);
    expect(specs.map((s) => s.kind)).toEqual(['http', 'syslog-udp', 'gelf-udp', 'follow']);
    expect(specs[0]!.config).toEqual({ host: '127.0.0.1', port: 9880 });
    expect(specs[3]!.config).toEqual({ paths: [join(process.cwd(), 'x.log')] });
    const remote = receiverSpecs({ ...base, listen: '0.0.0.0', token: 't'.repeat(32) });
    expect(remote[0]!.config).toEqual({ host: '0.0.0.0', port: 9880, token: 't'.repeat(32) });
    expect(remote[1]!.config).toMatchObject({ allowRemote: true });
  });

  it('keeps the receiver token in the data folder, readable by this user only, and reuses it', () => {
    const dir = tempDir();
    const a = loadOrCreateReceiverToken(dir);
    expect(a.created).toBe(true);
    expect(a.token.length).toBeGreaterThanOrEqual(16);
    expect(statSync(a.file).mode & 0o777).toBe(0o600);
    const b = loadOrCreateReceiverToken(dir);
    expect(b).toMatchObject({ token: a.token, created: false });
  });
});
