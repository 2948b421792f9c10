/**
 * One outgoing channel's queue: POSTs in order, one at a time, each attempt bounded by a
 * timeout; network errors, 5xx and 429 retried with exponential back-off and jitter
 * (Retry-After honoured), up to a bound, then counted failed with the reason. The queue is
 * bounded too, so a dead endpoint costs memory for a few messages, never the ingest path.
 * Timers come from the Clock, so tests drive the back-off without waiting for it.
 */
import type { ChannelStatus } from '../../../shared/alerts';
import type { Clock } from '../types';

export interface RetryPolicy {
  /** Attempts per message, the first included. */
  attempts: number;
  /** Back-off before retry n is baseMs·2^(n−1), capped at maxMs, then jittered to 50–100 %. */
  baseMs: number;
  maxMs: number;
  /** A Retry-After longer than this is not waited for: the message fails. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 1000, maxMs: 30_000, maxRetryAfterMs: 300_000 };
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_QUEUE_MAX = 50;

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SenderOptions {
  clock: Clock;
  fetch: typeof fetch;
  timeoutMs: number;
  retry: RetryPolicy;
  queueMax: number;
  random: () => number;
  status: ChannelStatus;
  /** Takes the channel's secrets out of an error before it is kept or logged. */
  scrub: (text: string) => string;
}

type Outcome = { ok: true } | { ok: false; error: string; retry: boolean; afterMs: number | null };

export interface Sender {
  enqueue(req: PostRequest): void;
  /** One attempt now, outside the queue (a test message); null when it arrived. */
  once(req: PostRequest): Promise<string | null>;
  /** Stop retrying, wait up to graceMs for what is in flight, then drop the rest. */
  close(graceMs: number): Promise<void>;
}

/** The reason in a few hundred characters: the answer's text, or the error's cause. */
function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause ? `: ${e.cause.code ?? e.cause.message ?? ''}` : '';
  return `${e.message ?? String(err)}${cause}`;
}

/** Retry-After (seconds or an HTTP date) or Telegram's parameters.retry_after, in ms. */
export function retryAfterMs(header: string | null, body: string, now: number): number | null {
  if (header !== null && header.trim() !== '') {
    const secs = Number(header.trim());
    if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  try {
    const after = (JSON.parse(body) as { parameters?: { retry_after?: unknown } }).parameters?.retry_after;
    if (typeof after === 'number' && after >= 0) return after * 1000;
  } catch {
    // not JSON: no hint
  }
  return null;
}

/** At most `max` bytes of the answer: enough for an error, and a huge answer is not read. */
async function readSome(res: Response, max = 2048): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= max) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, max);
}

/** Telegram says why in `description`; others in their text. */
function answerText(body: string): string {
  try {
    const d = (JSON.parse(body) as { description?: unknown; error?: unknown }) ?? {};
    if (typeof d.description === 'string') return d.description;
    if (typeof d.error === 'string') return d.error;
  } catch {
    // plain text
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function createSender(o: SenderOptions): Sender {
  const waiting: PostRequest[] = [];
  let busy = false;
  let closing = false;
  let inflight: AbortController | null = null;
  let wake: (() => void) | null = null;
  let idle: (() => void) | null = null;
  let pumping: Promise<void> | null = null;
  const s = o.status;
  const count = () => (s.queued = waiting.length + (busy ? 1 : 0));

  /** `queued`: the queue's own attempt (close aborts it), not a test message. */
  async function attempt(req: PostRequest, queued: boolean): Promise<Outcome> {
    const ctrl = new AbortController();
    if (queued) inflight = ctrl;
    const timer = o.clock.setTimeout(() => ctrl.abort(new Error(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    try {
      const res = await o.fetch(req.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'LogScope alerts', ...req.headers },
        body: req.body,
        signal: ctrl.signal,
        // A redirect would carry the alert somewhere the person did not write down.
        redirect: 'manual',
      });
      const text = await readSome(res);
      if (res.status >= 200 && res.status < 300) return { ok: true };
      const why = answerText(text);
      const error = `HTTP ${res.status}${why ? `: ${why}` : ''}`;
      if (res.status === 429 || res.status >= 500) {
        return { ok: false, error, retry: true, afterMs: retryAfterMs(res.headers.get('retry-after'), text, o.clock.now()) };
      }
      if (res.status >= 300 && res.status < 400) return { ok: false, error: `HTTP ${res.status}: redirects are not followed`, retry: false, afterMs: null };
      return { ok: false, error, retry: false, afterMs: null };
    } catch (err) {
      return { ok: false, error: describe(ctrl.signal.aborted ? ctrl.signal.reason : err), retry: true, afterMs: null };
    } finally {
      timer.cancel();
      if (queued) inflight = null;
    }
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = o.clock.setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        t.cancel();
        wake = null;
        resolve();
      };
    });

  function fail(error: string) {
    s.failed++;
    s.lastError = o.scrub(error);
    s.lastErrorAt = o.clock.now();
  }

  async function deliver(req: PostRequest): Promise<void> {
    for (let n = 1; ; n++) {
      const out = await attempt(req, true);
      if (out.ok) {
        s.sent++;
        return;
      }
      if (!out.retry || closing) return fail(out.error);
      if (n >= o.retry.attempts) return fail(`gave up after ${n} attempts: ${out.error}`);
      if (out.afterMs !== null && out.afterMs > o.retry.maxRetryAfterMs) {
        return fail(`${out.error} (asked to retry after ${Math.round(out.afterMs / 1000)} s; not waiting that long)`);
      }
      const backoff = Math.min(o.retry.maxMs, o.retry.baseMs * 2 ** (n - 1));
      const delay = out.afterMs ?? Math.round(backoff * (0.5 + o.random() / 2));
      s.retried++;
      s.lastError = o.scrub(`${out.error} (retrying)`);
      s.lastErrorAt = o.clock.now();
      await sleep(delay);
      if (closing) return fail(`${out.error} (closed before the retry)`);
    }
  }

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    while (waiting.length > 0) {
      const next = waiting.shift()!;
      count();
      await deliver(next);
    }
    busy = false;
    count();
    idle?.();
  }

  return {
    enqueue(req) {
      if (closing) return fail('the notifier is closed');
      if (waiting.length >= o.queueMax) {
        waiting.shift();
        fail(`queue full (${o.queueMax} waiting): the oldest message was dropped`);
      }
      waiting.push(req);
      count();
      if (!busy) pumping = pump();
    },
    async once(req) {
      const out = await attempt(req, false);
      return out.ok ? null : o.scrub(out.error);
    },
    async close(graceMs) {
      closing = true;
      wake?.();
      if (busy) {
        // Wall-clock time, not the Clock's: shutting down must end even when a test's clock stands still.
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, graceMs);
          t.unref?.();
          idle = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      if (waiting.length > 0) fail(`closed with ${waiting.length} message${waiting.length === 1 ? '' : 's'} unsent`);
      s.failed += Math.max(0, waiting.length - 1);
      waiting.length = 0;
      inflight?.abort(new Error('the notifier closed'));
      await pumping;
      count();
    },
  };
}
