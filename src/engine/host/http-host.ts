import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../engine';
import { serveConnection } from './connection';

export interface HostOptions {
  host?: string;
  port?: number;
  /** The built UI (out/renderer); without it only the protocol is served. */
  uiDir?: string | null;
  /** Fixed session token (tests); a random one otherwise. */
  token?: string;
}

export interface RunningHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Headless mode's front door: serves the UI, the protocol over a WebSocket at /ws, and
 * browser uploads at /api/upload. Every request must name this server in Host (no DNS
 * rebinding); the protocol and uploads need the session token; a browser's Origin must be
 * this server's own (another web page must not reach your logs).
 *
 * `engine` may still be opening: the server listens at once, so a browser loads the page
 * while the database opens, and calls made meanwhile wait for it. If it fails to open,
 * sockets close with 1011 and the reason, uploads get 503.
 */
export async function startHttpHost(engine: Engine | Promise<Engine>, opts: HostOptions = {}): Promise<RunningHost> {
  const ready = Promise.resolve(engine);
  // Whoever opens the engine reports its failure; here it only refuses what comes in.
  ready.catch(() => undefined);
  const bindHost = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const uiDir = opts.uiDir ? resolve(opts.uiDir) : null;
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 << 20 });
  let port = 0;

  const allowedHosts = () => {
    const names = ['127.0.0.1', 'localhost', '[::1]'];
    if (bindHost !== '0.0.0.0' && bindHost !== '::') names.push(bindHost.includes(':') ? `[${bindHost}]` : bindHost);
    return new Set(names.map((n) => `${n}:${port}`));
  };
  const hostOk = (req: IncomingMessage) => bindHost === '0.0.0.0' || bindHost === '::' || allowedHosts().has(String(req.headers.host ?? '').toLowerCase());
  const originOk = (req: IncomingMessage) => {
    const origin = req.headers.origin;
    return origin === undefined || origin === `http://${req.headers.host}`;
  };
  const tokenOk = (given: string | null | undefined) => {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  server.on('request', (req, res) => {
    void handle(req, res).catch((err) => sendJson(res, 500, { error: (err as Error).message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostOk(req)) return sendJson(res, 403, { error: `refused: Host ${req.headers.host ?? '(none)'} is not this server` });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/upload') {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
      if (!originOk(req)) return sendJson(res, 403, { error: 'refused: cross-origin request' });
      const auth = String(req.headers.authorization ?? '');
      if (!tokenOk(auth.startsWith('Bearer ') ? auth.slice(7) : null)) return sendJson(res, 401, { error: 'missing or wrong session token' });
      return upload(req, res);
    }
    if (url.pathname === '/api/health') return sendJson(res, 200, { ok: true });
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' });
    return serveStatic(url.pathname, res);
  }

  async function upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let name: string;
    try {
      name = basename(decodeURIComponent(String(req.headers['x-filename'] ?? '')));
    } catch {
      return sendJson(res, 400, { error: 'X-Filename is not valid percent-encoding' });
    }
    name = name.replace(/[^\w.\-() ]+/g, '_').slice(0, 200);
    if (!name || name === '.' || name === '..') return sendJson(res, 400, { error: 'X-Filename header is required' });
    let engine: Engine;
    try {
      engine = await ready;
    } catch (err) {
      return sendJson(res, 503, { error: `the engine is not available: ${(err as Error).message}` });
    }
    const dir = join(engine.opts.dataDir, 'uploads');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${Date.now()}-${randomBytes(4).toString('hex')}-${name}`);
    await pipeline(req, createWriteStream(file));
    const importId = engine.importFiles([{ path: file, name, kind: 'upload' }]);
    sendJson(res, 202, { importId });
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    if (!uiDir) return sendJson(res, 404, { error: 'no UI built here (run npm run build)' });
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = resolve(uiDir, rel);
    if (!(file === uiDir || file.startsWith(uiDir + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      return sendJson(res, 404, { error: 'not found' });
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': type.startsWith('text/html') ? 'no-store' : 'max-age=3600',
    };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    }
    res.writeHead(200, headers);
    res.end(await readFile(file));
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const refuse = (status: number, why: string) => {
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    if (!hostOk(req)) return refuse(403, 'Forbidden');
    if (!originOk(req)) return refuse(403, 'Forbidden');
    if (!tokenOk(url.searchParams.get('token'))) {
      // A browser cannot read a refused handshake's status, so say it in a close code the
      // UI understands (4401); nothing is served on this socket.
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(4401, 'session token refused'));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    // Requests that arrive while the engine opens are kept, in order, until it is ready.
    let conn: ReturnType<typeof serveConnection> | null = null;
    let early: unknown[] | null = [];
    let closed = false;
    ready.then(
      (engine) => {
        if (closed) return;
        conn = serveConnection(
          engine,
          (msg) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
          },
          () => ws.bufferedAmount,
        );
        for (const msg of early ?? []) conn.receive(msg);
        early = null;
      },
      (err: Error) => ws.close(1011, closeReason(`the engine is not available: ${err.message}`)),
    );
    ws.on('message', (data) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        ws.send(JSON.stringify({ t: 'res', id: -1, ok: false, error: { code: 'bad_request', message: 'message is not JSON' } }));
        return;
      }
      if (conn) conn.receive(msg);
      else if (early && early.length >= MAX_EARLY_REQUESTS) ws.close(1013, 'the engine is still opening: too many requests meanwhile');
      else early?.push(msg);
    });
    ws.on('close', () => {
      closed = true;
      early = null;
      conn?.close();
    });
  }

  await listen(server, opts.port ?? 0, bindHost);
  port = (server.address() as AddressInfo).port;
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((done) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
}

/** Requests one socket may send before the engine is ready (the UI sends about ten). */
const MAX_EARLY_REQUESTS = 256;

/** A WebSocket close reason is at most 123 bytes of UTF-8. */
function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -2) + '…';
  return out;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
