/**
 * Per-channel rate limit: at most `count` messages in any `periodMs`. What comes past it
 * is held, merged (each alert once, at its latest state) and sent as one summary as soon
 * as the channel may send again: an alert storm costs a chat a few messages a minute, and
 * nothing is silently lost.
 */
import type { Clock } from '../types';
import { makeMessage, type Item, type Message } from './message';

export interface RateLimit {
  count: number;
  periodMs: number;
}

/** Slack allows about one message a second per hook, Telegram 20 a minute per group; people less. */
export const DEFAULT_RATE_LIMIT: RateLimit = { count: 10, periodMs: 60_000 };

/** Alerts a held summary keeps by name; the rest of a storm is counted. */
const MAX_HELD = 1000;

export interface Limiter {
  offer(m: Message): void;
  /** Held messages waiting for the limit. */
  held(): number;
  /** Send the held summary now, limit or not (at close). */
  flush(): void;
  cancel(): void;
}

export function createLimiter(clock: Clock, limit: RateLimit, deliver: (m: Message) => void, onHeld: (m: Message) => void): Limiter {
  const sentAt: number[] = [];
  let held = new Map<string, Item>();
  let heldCount = 0;
  let overflow = 0;
  let timer: { cancel(): void } | null = null;

  const prune = (now: number) => {
    // A clock that jumps back must not hold messages for the size of the jump.
    while (sentAt.length > 0 && (sentAt[0]! <= now - limit.periodMs || sentAt[0]! > now)) sentAt.shift();
  };
  const send = (m: Message) => {
    sentAt.push(clock.now());
    deliver(m);
  };
  const summary = () => {
    const m = makeMessage([...held.values()], heldCount, overflow);
    held = new Map();
    heldCount = 0;
    overflow = 0;
    return m;
  };
  const hold = (m: Message) => {
    heldCount++;
    overflow += m.overflow;
    for (const it of m.items) {
      if (held.has(it.alert.id) || held.size < MAX_HELD) {
        held.delete(it.alert.id);
        held.set(it.alert.id, it);
      } else overflow++;
    }
  };
  const release = () => {
    timer = null;
    const now = clock.now();
    prune(now);
    if (sentAt.length < limit.count) send(summary());
    else schedule(now);
  };
  const schedule = (now: number) => {
    // The next slot opens when the oldest of the last `count` sends leaves the period.
    const oldest = sentAt.length < limit.count ? null : sentAt[sentAt.length - limit.count]!;
    timer ??= clock.setTimeout(release, oldest === null ? 1 : Math.max(1, oldest + limit.periodMs - now));
  };

  return {
    offer(m) {
      const now = clock.now();
      prune(now);
      if (heldCount === 0 && sentAt.length < limit.count) return send(m);
      hold(m);
      onHeld(m);
      // Room again (the clock jumped back, or a slot opened before the timer): go now.
      if (sentAt.length < limit.count) {
        timer?.cancel();
        timer = null;
        send(summary());
      } else schedule(now);
    },
    held: () => heldCount,
    flush() {
      timer?.cancel();
      timer = null;
      if (heldCount > 0) send(summary());
    },
    cancel() {
      timer?.cancel();
      timer = null;
    },
  };
}
