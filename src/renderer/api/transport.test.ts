import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngineClient, EngineError } from '../../shared/client';
import type { RequestMsg } from '../../shared/protocol';
import {
  backoffDelay,
  createPortTransport,
  createWebSocketTransport,
  isPortMessage,
  takeToken,
  webSocketUrl,
  TOKEN_KEY,
  type ConnStatus,
  type PortLike,
  type PortMessageEvent,
  type WebSocketLike,
} from './transport';

// ---------------------------------------------------------------------------------------
// A fake WebSocket: records what was sent, lets the test open, speak and drop it.

class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closedWith: number | undefined;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }
  close(code?: number) {
    this.closedWith = code;
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code: code ?? 1005, reason: '' } as CloseEvent);
  }
  // test side
  open() {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }
  receive(data: unknown) {
    this.onmessage?.({ data } as MessageEvent);
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }
  sentMessages(): RequestMsg[] {
    return this.sent.map((s) => JSON.parse(s) as RequestMsg);
  }
}
const last = () => FakeSocket.all[FakeSocket.all.length - 1]!;

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function wsTransport() {
  return createWebSocketTransport({ url: 'ws://h/ws?token=t', WebSocketImpl: FakeSocket, random: () => 0.5 });
}

describe('backoffDelay', () => {
  it('doubles from half a second to a 2 s ceiling, with ±20 % jitter', () => {
    expect(backoffDelay(1, () => 0.5)).toBe(500);
    expect(backoffDelay(2, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, () => 0.5)).toBe(2000);
    expect(backoffDelay(5, () => 0.5)).toBe(2000);
    expect(backoffDelay(50, () => 0.5)).toBe(2000);
    expect(backoffDelay(1, () => 0)).toBe(400);
    expect(backoffDelay(1, () => 1)).toBe(600);
  });
});

describe('webSocketUrl', () => {
  it('uses ws on http and wss on https, on the page host, with the token', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:4000' }, 'a b')).toBe(
      'ws://127.0.0.1:4000/ws?token=a%20b',
    );
    expect(webSocketUrl({ protocol: 'https:', host: 'logs.example' }, null)).toBe('wss://logs.example/ws');
  });
});

describe('WebSocket transport', () => {
  it('queues requests until open, then sends JSON text frames', () => {
    const t = wsTransport();
    expect(last().url).toBe('ws://h/ws?token=t');
    t.send({ t: 'req', id: 1, method: 'health', params: {} });
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sentMessages()).toEqual([{ t: 'req', id: 1, method: 'health', params: {} }]);
    t.send({ t: 'req', id: 2, method: 'sources', params: {} });
    expect(last().sentMessages()[1]!.id).toBe(2);
    expect(t.status().state).toBe('open');
  });

  it('decodes JSON frames and ignores what is not JSON text', () => {
    const t = wsTransport();
    const got: unknown[] = [];
    t.onMessage((m) => got.push(m));
    last().open();
    last().receive('{"t":"evt","event":"dataChanged","data":{"records":1}}');
    last().receive('not json {');
    last().receive(new ArrayBuffer(2));
    expect(got).toEqual([{ t: 'evt', event: 'dataChanged', data: { records: 1 } }]);
  });

  it('on a drop: reports it, fails pending calls, and reconnects with back-off', () => {
    const t = wsTransport();
    const statuses: ConnStatus[] = [];
    const closes: string[] = [];
    t.onStatus((s) => statuses.push(s));
    t.onClose((r) => closes.push(r));
    last().open();
    last().drop();
    expect(closes).toEqual(['Lost the connection to the engine.']);
    expect(t.status()).toMatchObject({ state: 'closed', attempt: 1, reason: 'Lost the connection to the engine.' });
    expect(t.status().retryAt).toBe(Date.now() + 500);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(499);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);
    expect(t.status().state).toBe('connecting');
    // The second attempt fails too: the wait doubles.
    last().drop();
    expect(t.status()).toMatchObject({ state: 'closed', attempt: 2, reason: 'Cannot reach the engine.' });
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(3);
    last().open();
    expect(t.status()).toMatchObject({ state: 'open', attempt: 0 });
    expect(statuses.map((s) => s.state)).toEqual(['open', 'closed', 'connecting', 'closed', 'connecting', 'open']);
  });

  it('drops queued requests with the pipe, so they are not sent later', () => {
    const t = wsTransport();
    t.send({ t: 'req', id: 1, method: 'health', params: {} });
    last().drop();
    vi.advanceTimersByTime(500);
    last().open();
    expect(last().sent).toEqual([]);
  });

  it('says when the engine refused the token', () => {
    const t = wsTransport();
    last().drop(4401, 'bad token');
    expect(t.status().reason).toContain('refused this page’s token');
    expect(t.status().reason).toContain('bad token');
  });

  it('gives up on an attempt that never opens', () => {
    const t = wsTransport();
    vi.advanceTimersByTime(10_000);
    expect(t.status().state).toBe('closed');
  });

  it('retries at once on retryNow, and stops for good on close', () => {
    const t = wsTransport();
    last().drop();
    t.retryNow();
    expect(FakeSocket.all).toHaveLength(2);
    last().open();
    const closes: string[] = [];
    t.onClose((r) => closes.push(r));
    t.close();
    expect(last().closedWith).toBe(1000);
    expect(closes).toEqual(['closed']);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('carries a whole client conversation, and fails calls in flight on a drop', async () => {
    const t = wsTransport();
    const client = createEngineClient(t);
    const events: unknown[] = [];
    client.subscribe('dataChanged', (d) => events.push(d));
    const health = client.api.health({});
    last().open();
    const req = last().sentMessages()[0]!;
    expect(req.method).toBe('health');
    last().receive(
      JSON.stringify({
        t: 'res',
        id: req.id,
        ok: true,
        result: { version: '1', dataDir: '/d', records: 3, startedAt: 1, mode: 'headless' },
      }),
    );
    await expect(health).resolves.toMatchObject({ records: 3 });

    last().receive(JSON.stringify({ t: 'evt', event: 'dataChanged', data: { records: 5 } }));
    last().receive(JSON.stringify({ t: 'evt', event: 'dataChanged', data: { records: 'x' } })); // invalid: dropped
    expect(events).toEqual([{ records: 5 }]);

    const search = client.api.search({ query: 'level:error' });
    const sreq = last().sentMessages()[1]!;
    last().receive(
      JSON.stringify({
        t: 'res',
        id: sreq.id,
        ok: false,
        error: { code: 'query', message: 'bad', query: { message: 'bad', start: 1, end: 2 } },
      }),
    );
    await expect(search).rejects.toMatchObject({ info: { code: 'query', query: { start: 1, end: 2 } } });

    const pending = client.api.sources({});
    last().drop();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).info.code).toBe('unavailable');
  });
});

// ---------------------------------------------------------------------------------------
// Desktop: MessagePort posted into the page.

class FakePort implements PortLike {
  posted: unknown[] = [];
  closed = false;
  onmessage: PortLike['onmessage'] = null;
  private closeListeners: (() => void)[] = [];
  postMessage(msg: unknown) {
    this.posted.push(msg);
  }
  close() {
    this.closed = true;
  }
  addEventListener(_type: 'close', l: () => void) {
    this.closeListeners.push(l);
  }
  // test side
  receive(data: unknown) {
    this.onmessage?.({ data });
  }
  otherEndGone() {
    for (const l of this.closeListeners) l();
  }
}

interface FakeWindow {
  addEventListener(t: 'message', l: (ev: PortMessageEvent) => void): void;
  post(data: unknown, ports: FakePort[], source?: unknown): void;
}

function fakeWindow(): FakeWindow {
  const listeners: ((ev: PortMessageEvent) => void)[] = [];
  const win: FakeWindow = {
    addEventListener: (_t, l) => void listeners.push(l),
    post(data, ports, source = win) {
      for (const l of listeners) l({ data, ports, source });
    },
  };
  return win;
}

describe('MessagePort transport', () => {
  it('accepts only the preload’s port message from its own window', () => {
    const self = {};
    const port = new FakePort();
    expect(isPortMessage({ data: { kind: 'logscope-engine-port' }, ports: [port], source: self }, self)).toBe(true);
    expect(isPortMessage({ data: { kind: 'logscope-engine-port' }, ports: [port], source: {} }, self)).toBe(false);
    expect(isPortMessage({ data: { kind: 'other' }, ports: [port], source: self }, self)).toBe(false);
    expect(isPortMessage({ data: { kind: 'logscope-engine-port' }, ports: [], source: self }, self)).toBe(false);
    expect(isPortMessage({ data: null, ports: [port], source: self }, self)).toBe(false);
  });

  it('queues until the port arrives, then posts plain objects', () => {
    const win = fakeWindow();
    const t = createPortTransport(win);
    expect(t.kind).toBe('desktop');
    expect(t.status().state).toBe('connecting');
    const msg: RequestMsg = { t: 'req', id: 1, method: 'health', params: {} };
    t.send(msg);
    const port = new FakePort();
    win.post({ kind: 'logscope-engine-port' }, [port]);
    expect(port.posted).toEqual([msg]);
    expect(t.status().state).toBe('open');
    const got: unknown[] = [];
    t.onMessage((m) => got.push(m));
    port.receive({ t: 'evt', event: 'dataChanged', data: { records: 1 } });
    expect(got).toHaveLength(1);
  });

  it('ignores port messages from another source', () => {
    const win = fakeWindow();
    const t = createPortTransport(win);
    win.post({ kind: 'logscope-engine-port' }, [new FakePort()], { evil: true });
    expect(t.status().state).toBe('connecting');
  });

  it('swaps to a new port when the engine restarts, failing calls on the old one', async () => {
    const win = fakeWindow();
    const t = createPortTransport(win);
    const client = createEngineClient(t);
    const first = new FakePort();
    win.post({ kind: 'logscope-engine-port' }, [first]);
    const pending = client.api.health({});
    const second = new FakePort();
    win.post({ kind: 'logscope-engine-port' }, [second]);
    expect(first.closed).toBe(true);
    await expect(pending).rejects.toMatchObject({ info: { code: 'unavailable', message: 'The engine restarted.' } });
    // Late answers on the old port are not delivered.
    first.receive({ t: 'res', id: 1, ok: true, result: {} });
    const next = client.api.sources({});
    const req = second.posted[0] as RequestMsg;
    second.receive({ t: 'res', id: req.id, ok: true, result: { sources: [] } });
    await expect(next).resolves.toEqual({ sources: [] });
  });

  it('waits for a new port when the other end closes', () => {
    const win = fakeWindow();
    const t = createPortTransport(win);
    const closes: string[] = [];
    t.onClose((r) => closes.push(r));
    const port = new FakePort();
    win.post({ kind: 'logscope-engine-port' }, [port]);
    port.otherEndGone();
    expect(closes).toEqual(['Lost the connection to the engine.']);
    expect(t.status().state).toBe('connecting');
    const msg: RequestMsg = { t: 'req', id: 9, method: 'health', params: {} };
    t.send(msg);
    const next = new FakePort();
    win.post({ kind: 'logscope-engine-port' }, [next]);
    expect(next.posted).toEqual([msg]);
  });
});

// ---------------------------------------------------------------------------------------

describe('takeToken', () => {
  function env(href: string, stored: string | null = null) {
    const store = new Map<string, string>(stored ? [[TOKEN_KEY, stored]] : []);
    const replaced: string[] = [];
    return {
      replaced,
      store,
      env: {
        location: { href },
        history: {
          state: null,
          replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)),
        },
        storage: {
          getItem: (k: string) => store.get(k) ?? null,
          setItem: (k: string, v: string) => void store.set(k, v),
        },
      },
    };
  }

  it('keeps the token from the address in sessionStorage and removes it from the address', () => {
    const e = env('http://127.0.0.1:4000/?token=abc&x=1#frag');
    expect(takeToken(e.env)).toBe('abc');
    expect(e.store.get(TOKEN_KEY)).toBe('abc');
    expect(e.replaced).toEqual(['/?x=1#frag']);
  });

  it('falls back to the stored token on reload', () => {
    const e = env('http://127.0.0.1:4000/', 'saved');
    expect(takeToken(e.env)).toBe('saved');
    expect(e.replaced).toEqual([]);
  });

  it('has no token when neither has one', () => {
    expect(takeToken(env('http://h/').env)).toBeNull();
  });
});
