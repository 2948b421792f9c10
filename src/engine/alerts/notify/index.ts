/**
 * The notifier: who is told when an alert changes state, and how. The evaluator pushes
 * every transition and never waits. Live transitions to firing (and, for outgoing
 * channels, back to resolved, as Alertmanager and Grafana send) are grouped over a short
 * window into one message per channel (group.ts), rate-limited per channel with what is
 * held summed up later (rate-limit.ts), then either handed to the engine as an
 * `alertNotice` for the in-app channels (`os`, `toast`) or POSTed from per-channel queues
 * with retries (sender.ts) in the channel's format (formats.ts).
 */
import type { AlertNotice, ChannelStatus } from '../../../shared/alerts';
import { maskChannel } from '../../../shared/alerts';
import type { AlertTransition, Clock } from '../types';
import { DEFAULT_ENDPOINTS, parseChannel, scrub, type InAppChannel, type ParsedChannel } from './channel';
import { alertsLink, slackBody, telegramBody, webhookBody } from './formats';
import { createBatcher, GROUP_MS } from './group';
import { makeMessage, toNotice, type Item, type Message } from './message';
import { createLimiter, DEFAULT_RATE_LIMIT, type Limiter, type RateLimit } from './rate-limit';
import { createSender, DEFAULT_QUEUE_MAX, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, type PostRequest, type RetryPolicy, type Sender } from './sender';

export interface NotifierOptions {
  clock: Clock;
  emitNotice: (notice: AlertNotice) => void;
  fetch?: typeof fetch;
  /** The UI's address (headless `serve`), for "open in LogScope" links; null: none. */
  uiUrl?: () => string | null;
  /** Telegram's Bot API base (default https://api.telegram.org); tests use a local server. */
  telegramApi?: string;
  /** Replaces the scheme and host of Slack hook URLs (tests); default: as written. */
  slackBase?: string;
  /** How long transitions are gathered into one notification. */
  groupMs?: number;
  /** Per channel. */
  rateLimit?: RateLimit;
  retry?: Partial<RetryPolicy>;
  /** Per attempt. */
  timeoutMs?: number;
  /** Messages waiting per outgoing channel. */
  queueMax?: number;
  /** How long close() waits for deliveries in flight. */
  closeGraceMs?: number;
  /** Jitter source (tests make back-off exact). */
  random?: () => number;
  /** Delivery failures, secrets removed. */
  log?: (line: string) => void;
}

export interface Notifier {
  push(t: AlertTransition): void;
  status(): ChannelStatus[];
  /** A test message to one channel; a webhook's is `payload` filled in when one is given. */
  test(channel: string, payload?: string): Promise<{ ok: boolean; error: string | null }>;
  close(): Promise<void>;
}

type Outgoing = Exclude<ParsedChannel, { kind: 'app' }>;

interface Route {
  status: ChannelStatus;
  parsed: Outgoing;
  limiter: Limiter;
  sender: Sender;
}

const IN_APP: readonly InAppChannel[] = ['os', 'toast'];

function emptyStatus(channel: string): ChannelStatus {
  return { channel: maskChannel(channel), sent: 0, failed: 0, retried: 0, limited: 0, queued: 0, lastError: null, lastErrorAt: null };
}

/** What a transition means for the person: told it fired, told it resolved, or nothing. */
function notifiable(t: AlertTransition, now: number): Item['state'] | null {
  if (!t.live) return null;
  const silenced = t.alert.silencedUntil !== null && t.alert.silencedUntil > now;
  if (silenced) return null;
  // Acknowledged: the person knows it fires; its resolution is still news to a team channel.
  if (t.to === 'firing' && t.from !== 'firing' && !t.alert.acknowledged) return 'firing';
  // A pending alert that never fired resolving is not news.
  if (t.to === 'resolved' && t.from === 'firing') return 'resolved';
  return null;
}

export function createNotifier(opts: NotifierOptions): Notifier {
  const { clock } = opts;
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const endpoints = { telegramApi: opts.telegramApi ?? DEFAULT_ENDPOINTS.telegramApi, slackBase: opts.slackBase ?? null };
  const retry = { ...DEFAULT_RETRY, ...opts.retry };
  const rateLimit = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
  const log = opts.log ?? (() => undefined);
  const statuses = new Map<string, ChannelStatus>();
  const routes = new Map<string, Route | { error: string }>();
  let closed = false;

  const statusOf = (channel: string) => {
    let s = statuses.get(channel);
    if (!s) statuses.set(channel, (s = emptyStatus(channel)));
    return s;
  };
  const link = () => {
    try {
      return alertsLink(opts.uiUrl?.() ?? null);
    } catch {
      return null;
    }
  };

  // In-app: one limiter for both channels, so a storm is one toast and one OS notification at a time.
  const inAppChannels = (m: Message) => IN_APP.filter((c) => m.items.some((i) => i.rule.notify.includes(c)));
  const app = createLimiter(
    clock,
    rateLimit,
    (m) => {
      const channels = inAppChannels(m);
      try {
        opts.emitNotice(toNotice(m, channels));
        for (const c of channels) statusOf(c).sent++;
      } catch (err) {
        for (const c of channels) {
          const s = statusOf(c);
          s.failed++;
          s.lastError = (err as Error).message;
          s.lastErrorAt = clock.now();
        }
      }
    },
    (m) => {
      for (const c of inAppChannels(m)) statusOf(c).limited++;
    },
  );

  function request(parsed: Outgoing, m: Message, payload = m.items[0]?.rule.payload): PostRequest {
    const url = link();
    const body =
      parsed.kind === 'slack'
        ? JSON.stringify(slackBody(m, url))
        : parsed.kind === 'telegram'
          ? JSON.stringify(telegramBody(m, parsed.chat!, url))
          : webhookBody(m, url, payload);
    return { url: parsed.url, headers: parsed.headers, body };
  }

  function route(channel: string): Route | { error: string } {
    let r = routes.get(channel);
    if (r) return r;
    const parsed = parseChannel(channel, endpoints);
    if ('error' in parsed || parsed.kind === 'app') {
      r = { error: 'error' in parsed ? parsed.error : `${channel} is an in-app channel` };
    } else {
      const status = statusOf(channel);
      const sender = createSender({
        clock,
        fetch: doFetch,
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        retry,
        queueMax: opts.queueMax ?? DEFAULT_QUEUE_MAX,
        random: opts.random ?? Math.random,
        status,
        scrub: (text) => scrub(text, parsed),
      });
      const limiter = createLimiter(
        clock,
        rateLimit,
        (m) => {
          let req: PostRequest;
          try {
            req = request(parsed, m);
          } catch (err) {
            status.failed++;
            status.lastError = scrub(`rule "${m.items[0]?.alert.rule}": ${(err as Error).message}`, parsed);
            status.lastErrorAt = clock.now();
            log(`alert notification to ${status.channel} not sent: ${status.lastError}`);
            return;
          }
          const failedBefore = status.failed;
          sender.enqueue(req);
          if (status.failed > failedBefore) log(`alert notification to ${status.channel}: ${status.lastError}`);
        },
        () => status.limited++,
      );
      r = { status, parsed, limiter, sender };
    }
    routes.set(channel, r);
    return r;
  }

  function unusable(channel: string, error: string) {
    const s = statusOf(channel);
    s.failed++;
    s.lastError = error;
    s.lastErrorAt = clock.now();
  }

  function flush(items: Item[]) {
    const inApp = items.filter((i) => i.state === 'firing' && i.rule.notify.some((c) => c === 'os' || c === 'toast'));
    if (inApp.length > 0) app.offer(makeMessage(inApp));
    const byChannel = new Map<string, Item[]>();
    for (const it of items) {
      for (const c of new Set(it.rule.notify)) {
        if (c === 'os' || c === 'toast') continue;
        let list = byChannel.get(c);
        if (!list) byChannel.set(c, (list = []));
        list.push(it);
      }
    }
    for (const [channel, list] of byChannel) {
      const r = route(channel);
      if ('error' in r) {
        unusable(channel, r.error);
        continue;
      }
      // Rules with their own payload template each get their own message on a shared hook.
      const byTemplate = new Map<string | undefined, Item[]>();
      for (const it of list) {
        const key = r.parsed.kind === 'webhook' ? it.rule.payload : undefined;
        byTemplate.set(key, [...(byTemplate.get(key) ?? []), it]);
      }
      for (const group of byTemplate.values()) r.limiter.offer(makeMessage(group));
    }
  }

  const batcher = createBatcher<Item>(clock, opts.groupMs ?? GROUP_MS, (items) => {
    try {
      flush(items);
    } catch (err) {
      log(`alert notifications not sent: ${(err as Error).message}`);
    }
  });

  return {
    push(t) {
      if (closed) return;
      try {
        const state = notifiable(t, clock.now());
        if (state && t.rule.notify.length > 0) batcher.push({ alert: t.alert, rule: t.rule, state });
      } catch (err) {
        log(`alert transition not notified: ${(err as Error).message}`);
      }
    },

    status: () => [...statuses.values()].map((s) => ({ ...s })),

    async test(channel, payload) {
      const parsed = parseChannel(channel, endpoints);
      if ('error' in parsed) return { ok: false, error: parsed.error };
      const m: Message = { items: [], overflow: 0, held: 0, test: true };
      if (parsed.kind === 'app') {
        try {
          opts.emitNotice(toNotice(m, [parsed.channel]));
          return { ok: true, error: null };
        } catch (err) {
          return { ok: false, error: (err as Error).message };
        }
      }
      const r = route(channel);
      if ('error' in r) return { ok: false, error: r.error };
      try {
        const error = await r.sender.once(request(parsed, m, payload));
        return { ok: error === null, error };
      } catch (err) {
        return { ok: false, error: scrub((err as Error).message, parsed) };
      }
    },

    async close() {
      if (closed) return;
      // What is gathered or held goes out now rather than never.
      batcher.flush();
      closed = true;
      app.flush();
      const senders: Promise<void>[] = [];
      for (const r of routes.values()) {
        if ('error' in r) continue;
        r.limiter.flush();
        senders.push(r.sender.close(opts.closeGraceMs ?? 2000));
      }
      await Promise.all(senders);
    },
  };
}

export { checkTemplate } from './template';
