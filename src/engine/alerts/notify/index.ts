/**
 * The notifier: who is told when an alert changes state, and how. The evaluator pushes
 * every transition here and never waits; transitions that come together are grouped into
 * one notice, in-app channels (`os`, `toast`) go out through `emitNotice`, webhooks are
 * POSTed from per-channel queues off the ingest path.
 */
import type { AlertNotice, ChannelStatus } from '../../../shared/alerts';
import { maskChannel } from '../../../shared/alerts';
import type { AlertTransition, Clock } from '../types';

export interface NotifierOptions {
  clock: Clock;
  emitNotice: (notice: AlertNotice) => void;
  fetch?: typeof fetch;
  uiUrl?: () => string | null;
}

export interface Notifier {
  push(t: AlertTransition): void;
  status(): ChannelStatus[];
  test(channel: string): Promise<{ ok: boolean; error: string | null }>;
  close(): Promise<void>;
}

const GROUP_MS = 300;

function emptyStatus(channel: string): ChannelStatus {
  return { channel: maskChannel(channel), sent: 0, failed: 0, retried: 0, limited: 0, queued: 0, lastError: null, lastErrorAt: null };
}

export function createNotifier(opts: NotifierOptions): Notifier {
  const doFetch = opts.fetch ?? fetch;
  const statuses = new Map<string, ChannelStatus>();
  const stat = (channel: string) => {
    let s = statuses.get(channel);
    if (!s) statuses.set(channel, (s = emptyStatus(channel)));
    return s;
  };
  let batch: AlertTransition[] = [];
  let timer: { cancel(): void } | null = null;

  const post = async (channel: string, body: unknown): Promise<string | null> => {
    const url = channel.slice(channel.indexOf(':') + 1);
    try {
      const res = await doFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      return (err as Error).message;
    }
  };

  const flush = () => {
    timer = null;
    const items = batch;
    batch = [];
    const firing = items.filter((t) => t.to === 'firing');
    if (firing.length > 0) {
      const alerts = firing.map((t) => t.alert);
      const first = alerts[0]!;
      const more = Math.max(0, alerts.length - 20);
      const title = alerts.length === 1 ? `${first.rule} is firing` : `${first.rule} and ${alerts.length - 1} more are firing`;
      opts.emitNotice({ title, body: first.query, alerts: alerts.slice(0, 20), more, target: { view: 'alerts' } });
    }
    for (const t of items) {
      for (const channel of t.rule.notify) {
        if (!channel.startsWith('webhook:')) continue;
        const s = stat(channel);
        s.queued++;
        void post(channel, { state: t.to, alert: t.alert }).then((error) => {
          s.queued--;
          if (error === null) s.sent++;
          else {
            s.failed++;
            s.lastError = error;
            s.lastErrorAt = opts.clock.now();
          }
        });
      }
    }
  };

  return {
    push(t) {
      if (!t.live || t.alert.silencedUntil !== null && t.alert.silencedUntil > t.at) return;
      if (t.to !== 'firing' && t.to !== 'resolved') return;
      batch.push(t);
      timer ??= opts.clock.setTimeout(flush, GROUP_MS);
    },
    status: () => [...statuses.values()].map((s) => ({ ...s })),
    async test(channel) {
      if (!channel.startsWith('webhook:')) return { ok: true, error: null };
      const error = await post(channel, { test: true, text: 'LogScope test message' });
      return { ok: error === null, error };
    },
    async close() {
      timer?.cancel();
      timer = null;
    },
  };
}
