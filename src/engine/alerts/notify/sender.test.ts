/**
 * Webhook delivery against a real HTTP server on 127.0.0.1: answers, retries, back-off,
 * Retry-After, timeouts, refused connections, the bounded queue and secrets. Back-off and
 * timeouts run on a ManualClock, so each wait is checked exactly and nothing sleeps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertNotice } from '../../../shared/alerts';
import { ManualClock } from '../../testing/manual-clock';
import { closedPort, startReceiver, until, type Receiver, type Responder } from '../../testing/webhook-receiver';
import { firing, transition } from './fixtures';
import { GROUP_MS } from './group';
import { createNotifier, type Notifier, type NotifierOptions } from './index';

const open: (Receiver | Notifier)[] = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

async function receiver(respond?: Responder) {
  const rx = await startReceiver(respond);
  open.push(rx);
  return rx;
}

function notifier(over: Partial<NotifierOptions> = {}) {
  const clock = new ManualClock();
  const notices: AlertNotice[] = [];
  const n = createNotifier({
    clock,
    emitNotice: (x) => notices.push(x),
    retry: { attempts: 4, baseMs: 1000, maxMs: 8000 },
    random: () => 1,
    timeoutMs: 1000,
    ...over,
  });
  open.push(n);
  const status = (channel: string) => n.status().find((s) => s.channel === channel)!;
  return { clock, n, notices, status };
}

const json = (body: string) => JSON.parse(body) as Record<string, unknown> & { alerts: Record<string, unknown>[] };

describe('generic webhook', () => {
  it('POSTs the alerts as JSON', async () => {
    const rx = await receiver();
    const { clock, n, status } = notifier({ uiUrl: () => 'http://127.0.0.1:4000/' });
    const channel = `webhook:${rx.url}/hook`;
    n.push(firing('web-1', [channel]));
    n.push(firing('web-2', [channel, 'os']));
    clock.advance(GROUP_MS);
    await until(() => status(channel).sent === 1, 'the POST');
    expect(rx.received).toHaveLength(1);
    const [r] = rx.received;
    expect(r!.method).toBe('POST');
    expect(r!.path).toBe('/hook');
    expect(r!.headers['content-type']).toBe('application/json');
    const body = json(r!.body);
    expect(body).toMatchObject({ status: 'firing', title: 'Disk full on web-1 and 1 more', more: 0, url: 'http://127.0.0.1:4000/#/alerts', test: false });
    expect(body.alerts.map((a) => [a.group, a.state, a.value, a.condition, a.startedAt])).toEqual([
      [{ host: 'web-1' }, 'firing', 42, '42 records in 1m (above 20)', '2026-01-01T12:00:00.000Z'],
      [{ host: 'web-2' }, 'firing', 42, '42 records in 1m (above 20)', '2026-01-01T12:00:00.000Z'],
    ]);
    expect(status(channel)).toMatchObject({ sent: 1, failed: 0, retried: 0, queued: 0, lastError: null });
  });

  it('says when an alert resolved, and an acknowledged one still gets its resolution', async () => {
    const rx = await receiver();
    const { clock, n, status, notices } = notifier();
    const channel = `webhook:${rx.url}/hook`;
    n.push(transition('web-1', 'firing', 'resolved', [channel, 'os'], { acknowledged: true }));
    clock.advance(GROUP_MS);
    await until(() => status(channel).sent === 1, 'the POST');
    const body = json(rx.received[0]!.body);
    expect(body).toMatchObject({ status: 'resolved', title: 'Resolved: Disk full on web-1', text: '✓ Disk full on web-1: resolved after 5m' });
    expect(body.alerts[0]).toMatchObject({ state: 'resolved', resolvedAt: '2026-01-01T12:05:00.000Z' });
    expect(notices).toEqual([]);
  });

  it('retries a 500 after the back-off, and counts it', async () => {
    const rx = await receiver((_r, res, i) => {
      res.statusCode = i === 0 ? 500 : 200;
      res.end(i === 0 ? 'database down' : 'ok');
    });
    const { clock, n, status } = notifier();
    const channel = `webhook:${rx.url}/hook`;
    n.push(firing('web-1', [channel]));
    clock.advance(GROUP_MS);
    await until(() => status(channel).retried === 1, 'the first retry');
    expect(status(channel)).toMatchObject({ sent: 0, queued: 1, lastError: 'HTTP 500: database down (retrying)' });
    expect(clock.pending()).toEqual([1000]);
    clock.advance(999);
    expect(rx.received).toHaveLength(1);
    clock.advance(1);
    await until(() => status(channel).sent === 1, 'the retried POST');
    expect(rx.received).toHaveLength(2);
    expect(rx.received[1]!.body).toBe(rx.received[0]!.body);
    expect(status(channel)).toMatchObject({ sent: 1, failed: 0, retried: 1, queued: 0 });
  });

  it('waits as long as a 429 Retry-After says', async () => {
    const rx = await receiver((_r, res, i) => {
      if (i === 0) res.writeHead(429, { 'retry-after': '7' });
      res.end();
    });
    const { clock, n, status } = notifier();
    const channel = `webhook:${rx.url}/hook`;
    n.push(firing('web-1', [channel]));
    clock.advance(GROUP_MS);
    await until(() => status(channel).retried === 1, 'the retry');
    expect(clock.pending()).toEqual([7000]);
    clock.advance(7000);
    await until(() => status(channel).sent === 1, 'the retried POST');
  });

  it('a Retry-After too long to wait for fails the message with the reason', async () => {
    const rx = await receiver((_r, res) => {
      res.writeHead(503, { 'retry-after': '3600' });
      res.end();
    });
    const { clock, n, status } = notifier();
    const channel = `webhook:${rx.url}/hook`;
    n.push(firing('web-1', [channel]));
    clock.advance(GROUP_MS);
    await until(() => status(channel).failed === 1, 'the failure');
    expect(status(channel).lastError).toBe('HTTP 503 (asked to retry after 3600 s; not waiting that long)');
  });

  it('an endpoint that does not answer in time is retried', async () => {
    const rx = await receiver((_r, res, i) => {
      if (i > 0) res.end('ok');
      // the first request is never answered
    });
    const { clock, n, status } = notifier();
    const channel = `webhook:${rx.url}/hook`;
    n.push(firing('web-1', [channel]));
    clock.advance(GROUP_MS);
    await until(() => rx.received.length === 1, 'the first request');
    expect(clock.pending()).toEqual([1000]); // its timeout
    clock.advance(1000);
    await until(() => status(channel).retried === 1, 'the retry after the timeout');
    expect(status(channel).lastError).toBe('no answer within 1000 ms (retrying)');
    clock.advance(1000);
    await until(() => status(channel).sent === 1, 'the second attempt');
  });

  it('a refused connection is retried with growing waits, then given up and counted', async () => {
    const port = await closedPort();
    const { clock, n, status } = notifier();
    const channel = `webhook:http://127.0.0.1:${port}/hook`;
    n.push(firing('web-1', [channel]));
    clock.advance(GROUP_MS);
    const waits: number[] = [];
    for (let retry = 1; retry <= 3; retry++) {
      await until(() => status(channel).retried === retry, `retry ${retry}`);
      waits.push(...clock.pending());
      clock.advance(clock.pending()[0]!);
    }
    expect(waits).toEqual([1000, 2000, 4000]);
    await until(() => status(channel).failed === 1, 'giving up');
    expect(status(channel)).toMatchObject({ sent: 0, failed: 1, retried: 3, queued: 0 });
    expect(status(channel).lastError).toBe('gave up after 4 attempts: fetch failed: ECONNREFUSED');
    expect(status(channel).lastErrorAt).toBe(clock.now());
  });

  it('a 4xx is not retried', async () => {
    const rx = await receiver((_r, res) => {
      res.statusCode = 404;
      res.end('no such hook');
    });
    const { clock, n, status } = notifier();
    const channel = `webhook:${rx.url}/nope`;
    n.push(firing('web-1', [channel]));
    clock.advance(GROUP_MS);
    await until(() => status(channel).failed === 1, 'the failure');
    expect(status(channel)).toMatchObject({ retried: 0, lastError: 'HTTP 404: no such hook' });
    expect(rx.received).toHaveLength(1);
  });

  it('a redirect is not followed', async () => {
    const elsewhere = await receiver();
    const rx = await receiver((_r, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/stolen` });
      res.end();
    });
    const { clock, n, status } = notifier();
    const channel = `webhook:${rx.url}/hook`;
    n.push(firing('web-1', [channel]));
    clock.advance(GROUP_MS);
    await until(() => status(channel).failed === 1, 'the failure');
    expect(status(channel).lastError).toBe('HTTP 307: redirects are not followed');
    expect(elsewhere.received).toEqual([]);
  });

  it('a hung endpoint costs a bounded queue; pushing never waits for it', async () => {
    const rx = await receiver(() => undefined);
    const { clock, n, status } = notifier({ queueMax: 2, timeoutMs: 60_000, rateLimit: { count: 1000, periodMs: 60_000 } });
    const channel = `webhook:${rx.url}/hook`;
    for (let i = 0; i < 5; i++) {
      n.push(firing(`web-${i}`, [channel]));
      clock.advance(GROUP_MS);
    }
    await until(() => rx.received.length === 1, 'the first request');
    // One in flight, two waiting, the two oldest waiting dropped.
    expect(status(channel)).toMatchObject({ queued: 3, failed: 2, sent: 0 });
    expect(status(channel).lastError).toBe('queue full (2 waiting): the oldest message was dropped');
    // A storm while it hangs: one more message (grouped), the queue stays at its bound.
    for (let i = 0; i < 10_000; i++) n.push(firing(`storm-${i}`, [channel]));
    clock.advance(GROUP_MS);
    expect(status(channel)).toMatchObject({ queued: 3, failed: 3 });
    expect(rx.received).toHaveLength(1);
  });

  it('user info becomes basic auth; status and errors never show the secrets', async () => {
    const rx = await receiver((_r, res) => {
      res.statusCode = 401;
      res.end('token s3cret-value is wrong, p@ss too');
    });
    const { clock, n, status } = notifier();
    const channel = `webhook:http://alice:p%40ss@127.0.0.1:${rx.port}/hook?token=s3cret-value`;
    n.push(firing('web-1', [channel]));
    clock.advance(GROUP_MS);
    const masked = `webhook:http://***@127.0.0.1:${rx.port}/hook?token=***`;
    await until(() => status(masked)?.failed === 1, 'the failure');
    const r = rx.received[0]!;
    expect(r.path).toBe('/hook?token=s3cret-value');
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from('alice:p@ss').toString('base64')}`);
    const shown = JSON.stringify(n.status());
    expect(shown).not.toContain('s3cret');
    expect(shown).not.toContain('p@ss');
    expect(status(masked).lastError).toBe('HTTP 401: token *** is wrong, *** too');
  });

  it('a payload template is filled in, and hostile values stay inside their strings', async () => {
    const rx = await receiver();
    const { clock, n, status } = notifier();
    const channel = `webhook:${rx.url}/hook`;
    const payload = '{"text": "{{rule}} is {{state}} on {{group.host}}", "value": {{value}}, "group": {{group}}, "q": {{query}}}';
    const host = 'web-1", "admin": true, "x": "\\';
    n.push(firing(host, [channel], { query: '"}]}' }, { payload, name: 'Disk full' }));
    clock.advance(GROUP_MS);
    await until(() => status(channel).sent === 1, 'the POST');
    expect(JSON.parse(rx.received[0]!.body)).toEqual({ text: `Disk full is firing on ${host}`, value: 42, group: { host }, q: '"}]}' });
  });

  it('a template that is not JSON fails with the reason, and other channels still go', async () => {
    const rx = await receiver();
    const { clock, n, status } = notifier();
    const bad = `webhook:${rx.url}/bad`;
    const good = `webhook:${rx.url}/good`;
    n.push(firing('a', [bad], {}, { payload: '{"text": {{nosuch}}}' }));
    n.push(firing('b', [good]));
    clock.advance(GROUP_MS);
    await until(() => status(good).sent === 1, 'the good POST');
    expect(status(bad)).toMatchObject({ failed: 1, sent: 0 });
    expect(status(bad).lastError).toMatch(/^rule "Disk full": unknown placeholder \{\{nosuch\}\} at character 10/);
    expect(rx.received.map((r) => r.path)).toEqual(['/good']);
  });

  it('rules with different templates on one hook each get their own message', async () => {
    const rx = await receiver();
    const { clock, n, status } = notifier();
    const channel = `webhook:${rx.url}/hook`;
    n.push(firing('a', [channel], {}, { payload: '{"one": {{group.host}}}' }));
    n.push(firing('b', [channel], {}, { payload: '{"two": {{group.host}}}' }));
    clock.advance(GROUP_MS);
    await until(() => status(channel).sent === 2, 'both POSTs');
    expect(rx.received.map((r) => JSON.parse(r.body))).toEqual([{ one: 'a' }, { two: 'b' }]);
  });

  it('a storm is rate-limited per channel and summed up, each alert at its latest state', async () => {
    const rx = await receiver();
    const { clock, n, status } = notifier({ rateLimit: { count: 2, periodMs: 60_000 } });
    const channel = `webhook:${rx.url}/hook`;
    n.push(firing('a', [channel]));
    clock.advance(GROUP_MS);
    n.push(firing('b', [channel]));
    clock.advance(GROUP_MS);
    n.push(firing('c', [channel]));
    clock.advance(GROUP_MS);
    n.push(transition('c', 'firing', 'resolved', [channel]));
    n.push(firing('d', [channel]));
    clock.advance(GROUP_MS);
    await until(() => status(channel).sent === 2, 'the first two');
    expect(status(channel).limited).toBe(2);
    clock.advance(60_000);
    await until(() => status(channel).sent === 3, 'the summary');
    const summary = json(rx.received[2]!.body);
    expect(summary.alerts.map((a) => [a.group, a.state])).toEqual([[{ host: 'd' }, 'firing'], [{ host: 'c' }, 'resolved']]);
    expect(summary).toMatchObject({ held: 2, title: 'Disk full on d' });
    expect(summary.text).toContain('(2 notifications held back by the rate limit, summed up here)');
  });
});

describe('close', () => {
  it('waits a bounded time for a hung endpoint, then counts what was not sent', async () => {
    const rx = await receiver(() => undefined);
    const { clock, n, status } = notifier({ timeoutMs: 60_000, closeGraceMs: 50, rateLimit: { count: 100, periodMs: 60_000 } });
    const channel = `webhook:${rx.url}/hook`;
    for (let i = 0; i < 3; i++) {
      n.push(firing(`web-${i}`, [channel]));
      clock.advance(GROUP_MS);
    }
    await until(() => rx.received.length === 1, 'the first request');
    await n.close();
    expect(status(channel)).toMatchObject({ sent: 0, failed: 3, queued: 0 });
    expect(status(channel).lastError).toBe('the notifier closed');
  });
});

describe('test(channel)', () => {
  it('sends a test message now and says whether it arrived', async () => {
    const rx = await receiver((_r, res, i) => {
      res.statusCode = i === 0 ? 200 : 500;
      res.end(i === 0 ? 'ok' : 'broken');
    });
    const { n, status } = notifier();
    const channel = `webhook:${rx.url}/hook`;
    expect(await n.test(channel)).toEqual({ ok: true, error: null });
    expect(json(rx.received[0]!.body)).toMatchObject({ test: true, title: 'LogScope test notification', alerts: [] });
    expect(await n.test(channel)).toEqual({ ok: false, error: 'HTTP 500: broken' });
    const port = await closedPort();
    expect(await n.test(`webhook:http://127.0.0.1:${port}/`)).toEqual({ ok: false, error: 'fetch failed: ECONNREFUSED' });
    // A test is not a notification: the figures count alerts only.
    expect(status(channel)).toMatchObject({ sent: 0, failed: 0 });
  });
});
