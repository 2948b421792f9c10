/**
 * The pipes to the engine. Both implement the shared `Transport` and add what the UI needs
 * to live with a pipe that can drop: a status stream, and a queue so calls made while
 * (re)connecting go out once the pipe is up. Every drop fires `onClose`, so the client
 * fails the calls in flight; the app re-runs its queries when the status is open again.
 *
 * - Desktop (the preload set `window.logscopeShell`): the preload posts the engine's
 *   MessagePort into the page; messages are plain objects (structured clone). When the
 *   engine restarts, a new port arrives and replaces the old.
 * - Browser (headless `logscope serve`): a WebSocket to `/ws?token=…` on the page's host,
 *   JSON text frames, reconnecting with back-off.
 */
import type { Transport } from '../../shared/client';
import type { RequestMsg } from '../../shared/protocol';

export type ConnState = 'connecting' | 'open' | 'closed';

export interface ConnStatus {
  state: ConnState;
  /** Failed attempts since the last open. */
  attempt: number;
  /** When the next attempt is due (epoch ms), while closed. */
  retryAt: number | null;
  /** Why the pipe is not open, for the person. */
  reason: string | null;
}

export interface ManagedTransport extends Transport {
  readonly kind: 'desktop' | 'browser';
  onStatus(handler: (status: ConnStatus) => void): () => void;
  status(): ConnStatus;
  /** Try again now instead of waiting out the back-off. */
  retryNow(): void;
}

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * 0.5 s, 1 s, then every 2 s; ±20 % jitter so many tabs do not stampede. The ceiling is
 * low on purpose: the engine is usually on this machine, a refused connect costs nothing,
 * and a restarted engine should show data again within about 2 s, not wait out a long
 * back-off (e2e/reconnect.test.ts measures it).
 */
export const MAX_BACKOFF_MS = 2_000;

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The shared parts: handler lists, status, and the send queue. */
class Pipe {
  private messageHandlers: ((msg: unknown) => void)[] = [];
  private closeHandlers: ((reason: string) => void)[] = [];
  private statusHandlers = new Set<(s: ConnStatus) => void>();
  queue: RequestMsg[] = [];
  current: ConnStatus = { state: 'connecting', attempt: 0, retryAt: null, reason: null };

  onMessage(h: (msg: unknown) => void) {
    this.messageHandlers.push(h);
  }
  onClose(h: (reason: string) => void) {
    this.closeHandlers.push(h);
  }
  onStatus(h: (s: ConnStatus) => void) {
    this.statusHandlers.add(h);
    return () => void this.statusHandlers.delete(h);
  }
  emitMessage(msg: unknown) {
    for (const h of this.messageHandlers) h(msg);
  }
  /** The pipe dropped: queued requests are dropped with it and pending calls fail. */
  emitClose(reason: string) {
    this.queue = [];
    for (const h of this.closeHandlers) h(reason);
  }
  setStatus(s: ConnStatus) {
    this.current = s;
    for (const h of this.statusHandlers) h(s);
  }
}

// ---------------------------------------------------------------------------------------
// WebSocket (browser / headless)

/** The part of the DOM WebSocket we use, so tests can pass a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}
export type WebSocketCtor = new (url: string) => WebSocketLike;

const OPEN = 1;

export interface WebSocketTransportOptions {
  url: string;
  WebSocketImpl: WebSocketCtor;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
  /** Give up on an attempt that has not opened after this long. */
  connectTimeoutMs?: number;
}

/** Close codes the engine may use to say the token was refused. */
export const AUTH_CLOSE_CODES = new Set([1008, 4001, 4003, 4401, 4403]);

export function createWebSocketTransport(opts: WebSocketTransportOptions): ManagedTransport {
  const timers = opts.timers ?? defaultTimers;
  const now = opts.now ?? Date.now;
  const pipe = new Pipe();
  let ws: WebSocketLike | null = null;
  let retryTimer: unknown = null;
  let connectTimer: unknown = null;
  let attempt = 0;
  let closedByUs = false;

  const connect = () => {
    if (closedByUs) return;
    retryTimer = null;
    pipe.setStatus({ state: 'connecting', attempt, retryAt: null, reason: pipe.current.reason });
    let sock: WebSocketLike;
    try {
      sock = new opts.WebSocketImpl(opts.url);
    } catch (e) {
      dropped(`Cannot open a WebSocket: ${(e as Error).message}`);
      return;
    }
    ws = sock;
    connectTimer = timers.setTimeout(() => {
      if (ws === sock && sock.readyState !== OPEN) sock.close();
    }, opts.connectTimeoutMs ?? 10_000);
    sock.onopen = () => {
      if (ws !== sock) return;
      timers.clearTimeout(connectTimer);
      attempt = 0;
      const queued = pipe.queue;
      pipe.queue = [];
      for (const msg of queued) sock.send(JSON.stringify(msg));
      pipe.setStatus({ state: 'open', attempt: 0, retryAt: null, reason: null });
    };
    sock.onmessage = (ev) => {
      const data: unknown = ev.data;
      if (ws !== sock || typeof data !== 'string') return;
      let msg: unknown;
      try {
        msg = JSON.parse(data);
      } catch {
        return; // not JSON: not ours
      }
      pipe.emitMessage(msg);
    };
    sock.onerror = () => {
      // onclose follows with the code; nothing to add here
    };
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      timers.clearTimeout(connectTimer);
      ws = null;
      if (closedByUs) return;
      const wasOpen = pipe.current.state === 'open';
      const reason = AUTH_CLOSE_CODES.has(ev.code)
        ? 'The engine refused this page’s token. Open the address that `logscope serve` printed.'
        : wasOpen
          ? 'Lost the connection to the engine.'
          : 'Cannot reach the engine.';
      dropped(ev.reason ? `${reason} (${ev.reason})` : reason);
    };
  };

  const dropped = (reason: string) => {
    attempt++;
    const delay = backoffDelay(attempt, opts.random);
    pipe.emitClose(reason);
    pipe.setStatus({ state: 'closed', attempt, retryAt: now() + delay, reason });
    retryTimer = timers.setTimeout(connect, delay);
  };

  connect();

  return {
    kind: 'browser',
    send(msg) {
      if (ws && ws.readyState === OPEN && pipe.current.state === 'open') ws.send(JSON.stringify(msg));
      else pipe.queue.push(msg);
    },
    onMessage: (h) => pipe.onMessage(h),
    onClose: (h) => pipe.onClose(h),
    onStatus: (h) => pipe.onStatus(h),
    status: () => pipe.current,
    retryNow() {
      if (closedByUs || pipe.current.state !== 'closed') return;
      timers.clearTimeout(retryTimer);
      connect();
    },
    close() {
      if (closedByUs) return;
      closedByUs = true;
      timers.clearTimeout(retryTimer);
      timers.clearTimeout(connectTimer);
      ws?.close(1000, 'closing');
      ws = null;
      pipe.emitClose('closed');
      pipe.setStatus({ state: 'closed', attempt, retryAt: null, reason: 'Closed.' });
    },
  };
}

/** `ws://host/ws?token=…` (wss on an https page). */
export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${proto}//${location.host}/ws${query}`;
}

// ---------------------------------------------------------------------------------------
// MessagePort (desktop)

/** `data.kind` of the window message that carries the port (see src/main/shell-contract.ts). */
export const PORT_MESSAGE_KIND = 'logscope-engine-port';

/** The part of a MessagePort we use. */
export interface PortLike {
  postMessage(msg: unknown): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(): void;
  addEventListener?(type: 'close', listener: () => void): void;
}

export interface PortMessageEvent {
  data: unknown;
  source: unknown;
  ports: readonly PortLike[];
}

/** Where the preload's `postMessage` lands: the page's window. */
export interface PortSource {
  addEventListener(type: 'message', listener: (ev: PortMessageEvent) => void): void;
}

export function isPortMessage(ev: PortMessageEvent, self: unknown): boolean {
  const data = ev.data as { kind?: unknown } | null;
  return (
    ev.source === self &&
    typeof data === 'object' &&
    data !== null &&
    data.kind === PORT_MESSAGE_KIND &&
    ev.ports.length > 0
  );
}

/**
 * The preload posts the port after the page's `load` (so our listener is there) and posts
 * a new one whenever the engine restarts; the newest port wins.
 */
export function createPortTransport(win: PortSource): ManagedTransport {
  const pipe = new Pipe();
  let port: PortLike | null = null;
  let closedByUs = false;

  const detach = (reason: string) => {
    if (!port) return;
    const old = port;
    port = null;
    old.onmessage = null;
    try {
      old.close();
    } catch {
      // already gone
    }
    pipe.emitClose(reason);
  };

  const attach = (next: PortLike) => {
    if (closedByUs) return;
    detach('The engine restarted.');
    port = next;
    next.onmessage = (ev) => {
      if (port === next) pipe.emitMessage(ev.data);
    };
    // Chromium fires `close` on a MessagePort whose other end went away.
    next.addEventListener?.('close', () => {
      if (port !== next) return;
      detach('Lost the connection to the engine.');
      pipe.setStatus({
        state: 'connecting',
        attempt: 1,
        retryAt: null,
        reason: 'The engine stopped; waiting for it to restart.',
      });
    });
    const queued = pipe.queue;
    pipe.queue = [];
    for (const msg of queued) next.postMessage(msg);
    pipe.setStatus({ state: 'open', attempt: 0, retryAt: null, reason: null });
  };

  win.addEventListener('message', (ev) => {
    if (isPortMessage(ev, win)) attach(ev.ports[0]!);
  });

  return {
    kind: 'desktop',
    send(msg) {
      if (port) port.postMessage(msg);
      else pipe.queue.push(msg);
    },
    onMessage: (h) => pipe.onMessage(h),
    onClose: (h) => pipe.onClose(h),
    onStatus: (h) => pipe.onStatus(h),
    status: () => pipe.current,
    // Nothing to dial: main restarts the engine and the preload posts the new port.
    retryNow: () => undefined,
    close() {
      if (closedByUs) return;
      closedByUs = true;
      detach('closed');
      pipe.setStatus({ state: 'closed', attempt: 0, retryAt: null, reason: 'Closed.' });
    },
  };
}

// ---------------------------------------------------------------------------------------
// The token (browser mode)

export const TOKEN_KEY = 'logscope.token';

export interface TokenEnv {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
}

/**
 * The token comes in the page address (`?token=…`). Keep it in sessionStorage, for
 * reloads of this tab, and take it out of the address bar so it is not bookmarked,
 * shared in a screenshot, or left in history.
 */
export function takeToken(env: TokenEnv): string | null {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      env.storage?.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // storage blocked: the token lives for this page only
    }
    url.searchParams.delete('token');
    env.history.replaceState(env.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return env.storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}
