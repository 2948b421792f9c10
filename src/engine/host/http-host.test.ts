import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Engine } from '../engine';
import { nginxLines, tempDir } from '../testing/fixtures';
import { startHttpHost, type RunningHost } from './http-host';

let engine: Engine;
let host: RunningHost;
const ui = tempDir();

beforeAll(async () => {
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>LogScope</title>');
  mkdirSync(join(ui, 'assets'));
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  engine = await Engine.open({ dataDir: tempDir(), defaultZone: 'UTC' });
  host = await startHttpHost(engine, { uiDir: ui });
});
afterAll(async () => {
  await host.close();
  await engine.close();
});

function http(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${host.port}`, ...opts.headers } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function ws(query: string, headers: Record<string, string> = {}) {
  return new Promise<{ ok: boolean; status?: number; closeCode?: number; socket?: WebSocket }>((resolve) => {
    const s = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers });
    let opened = false;
    // A refused token is told as close code 4401 right after the handshake.
    s.once('close', (code) => opened && resolve({ ok: false, closeCode: code }));
    s.once('open', () => {
      opened = true;
      setTimeout(() => s.readyState === s.OPEN && resolve({ ok: true, socket: s }), 100);
    });
    s.once('unexpected-response', (_req, res) => resolve({ ok: false, status: res.statusCode }));
    s.once('error', () => resolve({ ok: false }));
  });
}

describe('headless host', () => {
  it('listens on 127.0.0.1 and prints a URL that carries the session token', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[\\w-]{20,}$`));
  });

  it('serves the UI with a strict CSP, and nothing outside its folder', async () => {
    const index = await http('/');
    expect(index.status).toBe(200);
    expect(String(index.headers['content-security-policy'])).toMatch(/script-src 'self'/);
    expect(String(index.headers['content-security-policy'])).not.toMatch(/unsafe-eval/);
    expect((await http('/assets/app.js')).status).toBe(200);
    expect((await http('/../../etc/passwd')).status).toBe(404);
    expect((await http('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  it('refuses a Host header that is not this server (DNS rebinding)', async () => {
    expect((await http('/', { headers: { host: `evil.example:${host.port}` } })).status).toBe(403);
    expect((await ws(`?token=${host.token}`, { host: `evil.example:${host.port}` })).status).toBe(403);
  });

  it('needs the token for the protocol, and a browser must come from this origin', async () => {
    expect((await ws('')).closeCode).toBe(4401);
    expect((await ws('?token=wrong')).closeCode).toBe(4401);
    expect((await ws(`?token=${host.token}`, { origin: 'http://evil.example' })).status).toBe(403);
    const good = await ws(`?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` });
    expect(good.ok).toBe(true);
    good.socket!.close();
  });

  it('answers protocol calls over the WebSocket and says what is wrong with a bad one', async () => {
    const { socket } = await ws(`?token=${host.token}`);
    const replies: unknown[] = [];
    socket!.on('message', (d) => replies.push(JSON.parse(String(d))));
    socket!.send(JSON.stringify({ t: 'req', id: 1, method: 'health', params: {} }));
    socket!.send(JSON.stringify({ t: 'req', id: 2, method: 'dropTables', params: {} }));
    socket!.send('not json');
    socket!.send(JSON.stringify({ t: 'req', id: 3, method: 'search', params: { limit: -1 } }));
    await expect.poll(() => replies.length).toBe(4);
    const byId = Object.fromEntries(replies.map((r) => [(r as { id: number }).id, r]));
    expect(byId[1]).toMatchObject({ ok: true, result: { mode: 'headless' } });
    expect(byId[2]).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(byId[-1]).toMatchObject({ ok: false, error: { message: 'message is not JSON' } });
    expect(byId[3]).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/limit/) } });
    socket!.close();
  });

  it('takes uploads only with the token and imports them', async () => {
    const body = nginxLines(7).join('\n');
    const noToken = await http('/api/upload', { method: 'POST', headers: { 'x-filename': 'a.log' }, body });
    expect(noToken.status).toBe(401);
    const crossSite = await http('/api/upload', {
      method: 'POST',
      headers: { 'x-filename': 'a.log', authorization: `Bearer ${host.token}`, origin: 'http://evil.example' },
      body,
    });
    expect(crossSite.status).toBe(403);
    const ok = await http('/api/upload', {
      method: 'POST',
      headers: { 'x-filename': encodeURIComponent('../../web access.log'), authorization: `Bearer ${host.token}` },
      body,
    });
    expect(ok.status).toBe(202);
    const { importId } = JSON.parse(ok.body);
    const done = await engine.importer.wait(importId);
    expect(done.files[0]).toMatchObject({ records: 7, error: null });
    const sources = await engine.call('sources', {});
    expect(sources.sources.map((s) => s.name)).toContain('web access.log');
  });
});

describe('headless host while the engine opens', () => {
  function held() {
    let open!: (e: Engine) => void;
    let fail!: (err: Error) => void;
    const opening = new Promise<Engine>((res, rej) => {
      open = res;
      fail = rej;
    });
    return { opening, open, fail };
  }
  const connect = (port: number, token: string) => new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  /** An open socket and the replies it gets, as [id, ok] (an engine event, such as dataChanged from an earlier test's import, may come too and is left out). */
  async function openSocket(host: RunningHost) {
    const socket = connect(host.port, host.token);
    const messages: { t: string; id: number; ok: boolean }[] = [];
    socket.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((r) => socket.once('open', r));
    const replies = () => messages.filter((m) => m.t === 'res').map((m) => [m.id, m.ok]);
    return { socket, replies };
  }

  it('serves the page at once, and answers the calls made before the engine is ready once it is', async () => {
    const pending = held();
    const early = await startHttpHost(pending.opening, { uiDir: ui });
    try {
      const page = await new Promise<number>((resolve, reject) =>
        request({ host: '127.0.0.1', port: early.port, path: '/', headers: { host: `127.0.0.1:${early.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
          .on('error', reject)
          .end(),
      );
      expect(page).toBe(200);
      const { socket, replies } = await openSocket(early);
      socket.send(JSON.stringify({ t: 'req', id: 1, method: 'health', params: {} }));
      socket.send(JSON.stringify({ t: 'req', id: 2, method: 'dropTables', params: {} }));
      await new Promise((r) => setTimeout(r, 100));
      expect(replies()).toEqual([]);
      pending.open(engine);
      await expect.poll(replies).toEqual([
        [2, false],
        [1, true],
      ]);
      socket.close();
    } finally {
      await early.close();
    }
  });

  it('closes a socket that sends too many requests before the engine is ready (1013), and keeps serving others', async () => {
    const pending = held();
    const early = await startHttpHost(pending.opening, { uiDir: ui });
    try {
      const flood = connect(early.port, early.token);
      const closed = new Promise<number>((r) => flood.once('close', (code) => r(code)));
      await new Promise((r) => flood.once('open', r));
      for (let i = 0; i < 300; i++) flood.send(JSON.stringify({ t: 'req', id: i, method: 'health', params: {} }));
      expect(await closed).toBe(1013);
      const calm = await openSocket(early);
      calm.socket.send(JSON.stringify({ t: 'req', id: 1, method: 'health', params: {} }));
      pending.open(engine);
      await expect.poll(calm.replies).toEqual([[1, true]]);
      calm.socket.close();
    } finally {
      await early.close();
    }
  });

  it('closes sockets with the reason, and refuses uploads with 503, when the engine fails to open', async () => {
    const pending = held();
    const early = await startHttpHost(pending.opening, { uiDir: ui });
    try {
      const socket = connect(early.port, early.token);
      const closed = new Promise<{ code: number; reason: string }>((r) => socket.once('close', (code, reason) => r({ code, reason: String(reason) })));
      await new Promise((r) => socket.once('open', r));
      pending.fail(new Error(`cannot open the data folder /x: ${'lock held by another process '.repeat(8)}`));
      const how = await closed;
      expect(how.code).toBe(1011);
      expect(how.reason).toMatch(/^the engine is not available: cannot open the data folder \/x: lock held/);
      expect(Buffer.byteLength(how.reason)).toBeLessThanOrEqual(123);
      const upload = await new Promise<{ status: number; body: string }>((resolve, reject) =>
        request(
          {
            host: '127.0.0.1',
            port: early.port,
            path: '/api/upload',
            method: 'POST',
            headers: { host: `127.0.0.1:${early.port}`, 'x-filename': 'a.log', authorization: `Bearer ${early.token}` },
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          },
        )
          .on('error', reject)
          .end('a line'),
      );
      expect(upload.status).toBe(503);
      expect(upload.body).toMatch(/not available: cannot open the data folder/);
    } finally {
      await early.close();
    }
  });
});
