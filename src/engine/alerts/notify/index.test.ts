import { describe, expect, it } from 'vitest';
import type { AlertNotice } from '../../../shared/alerts';
import { ManualClock } from '../../testing/manual-clock';
import { startReceiver } from '../../testing/webhook-receiver';
import { firing, transition } from './fixtures';
import { GROUP_MS } from './group';
import { createNotifier, type NotifierOptions } from './index';

function setup(over: Partial<NotifierOptions> = {}) {
  const clock = new ManualClock();
  const notices: AlertNotice[] = [];
  const n = createNotifier({ clock, emitNotice: (x) => notices.push(x), ...over });
  return { clock, notices, n };
}

describe('which transitions are told', () => {
  it('a live change to firing, once; not pending, not history, not a repeat', () => {
    const { clock, notices, n } = setup();
    n.push(transition('web-1', null, 'pending'));
    n.push({ ...firing('web-2'), live: false });
    n.push(transition('web-3', 'firing', 'firing'));
    clock.advance(GROUP_MS);
    expect(notices).toEqual([]);
    n.push(firing('web-1'));
    clock.advance(GROUP_MS - 1);
    expect(notices).toEqual([]);
    clock.advance(1);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      title: 'Disk full on web-1',
      body: 'Disk full on web-1: 42 records in 1m (above 20)',
      more: 0,
      target: { view: 'explore', query: 'level>=error "disk full" host:web-1' },
      channels: ['os', 'toast'],
    });
    expect(n.status().map((s) => [s.channel, s.sent])).toEqual([['os', 1], ['toast', 1]]);
  });

  it('silenced and acknowledged alerts are not announced in the app; resolutions never are', () => {
    const { clock, notices, n } = setup();
    n.push(firing('a', ['os'], { silencedUntil: clock.now() + 60_000 }));
    n.push(firing('b', ['os'], { acknowledged: true }));
    n.push(transition('c', 'firing', 'resolved', ['os', 'toast']));
    clock.advance(GROUP_MS);
    expect(notices).toEqual([]);
    // A silence that has ended holds nothing.
    n.push(firing('a', ['os'], { silencedUntil: clock.now() - 1 }));
    clock.advance(GROUP_MS);
    expect(notices.map((x) => [x.title, x.channels])).toEqual([['Disk full on a', ['os']]]);
  });

  it('a rule that asks for no in-app channel gets no notice', () => {
    const { clock, notices, n } = setup({ fetch: () => Promise.resolve(new Response('ok')) });
    n.push(firing('a', ['webhook:http://127.0.0.1:9/hook']));
    clock.advance(GROUP_MS);
    expect(notices).toEqual([]);
  });
});

describe('grouping', () => {
  it('241 alerts at once are one notice: 20 listed, the rest counted', () => {
    const { clock, notices, n } = setup();
    for (let i = 1; i <= 241; i++) n.push(firing(`web-${i}`));
    clock.advance(GROUP_MS);
    expect(notices).toHaveLength(1);
    const [x] = notices;
    expect(x!.title).toBe('Disk full on web-1 and 240 more');
    expect(x!.alerts.map((a) => a.group.host)).toEqual(Array.from({ length: 20 }, (_, i) => `web-${i + 1}`));
    expect(x!.more).toBe(221);
    expect(x!.body.split('\n')).toEqual([
      'Disk full on web-1: 42 records in 1m (above 20)',
      'Disk full on web-2: 42 records in 1m (above 20)',
      'Disk full on web-3: 42 records in 1m (above 20)',
      '…and 238 more',
    ]);
    expect(x!.target).toEqual({ view: 'alerts' });
  });

  it('changes further apart than the window are separate notices; the same alert twice is listed once', () => {
    const { clock, notices, n } = setup();
    n.push(firing('a'));
    n.push(firing('a'));
    clock.advance(GROUP_MS);
    n.push(firing('b'));
    clock.advance(GROUP_MS);
    expect(notices.map((x) => x.title)).toEqual(['Disk full on a', 'Disk full on b']);
  });
});

describe('rate limit', () => {
  it('past 10 a minute, notices are held and summed up in one when the minute is over', () => {
    const { clock, notices, n } = setup({ rateLimit: { count: 10, periodMs: 60_000 } });
    for (let i = 1; i <= 15; i++) {
      n.push(firing(`h${i}`));
      clock.advance(1000);
    }
    expect(notices).toHaveLength(10);
    expect(n.status().find((s) => s.channel === 'os')).toMatchObject({ sent: 10, limited: 5 });
    // The first went out at GROUP_MS; its slot opens a minute later.
    clock.advance(GROUP_MS + 60_000 - 15_000 - 1);
    expect(notices).toHaveLength(10);
    clock.advance(1);
    expect(notices).toHaveLength(11);
    const summary = notices[10]!;
    expect(summary.title).toBe('Disk full on h11 and 4 more');
    expect(summary.alerts.map((a) => a.group.host)).toEqual(['h11', 'h12', 'h13', 'h14', 'h15']);
    expect(summary.body).toContain('5 notifications held back by the rate limit');
    expect(n.status().find((s) => s.channel === 'os')).toMatchObject({ sent: 11, limited: 5 });
  });

  it('a clock jumping back does not hold notices for the length of the jump', () => {
    const { clock, notices, n } = setup({ rateLimit: { count: 1, periodMs: 60_000 } });
    n.push(firing('a'));
    clock.advance(GROUP_MS);
    n.push(firing('b'));
    clock.advance(GROUP_MS);
    expect(notices).toHaveLength(1);
    clock.set(clock.now() - 3_600_000);
    n.push(firing('c'));
    clock.advance(GROUP_MS);
    // b was held behind a; once the clock is back before a, there is room for b and c.
    expect(notices.map((x) => x.alerts.map((a) => a.group.host))).toEqual([['a'], ['b', 'c']]);
  });

  it('close sends what is gathered and held', async () => {
    const { notices, n } = setup({ rateLimit: { count: 1, periodMs: 60_000 } });
    n.push(firing('a'));
    await n.close();
    expect(notices).toHaveLength(1);
    n.push(firing('b'));
    expect(notices).toHaveLength(1);
  });
});

describe('test messages and bad channels', () => {
  it('an in-app test is a notice on that channel alone', async () => {
    const { notices, n } = setup();
    expect(await n.test('toast')).toEqual({ ok: true, error: null });
    expect(notices).toEqual([expect.objectContaining({ title: 'LogScope test notification', channels: ['toast'], alerts: [], more: 0 })]);
  });

  it("a webhook's test message is the editor's payload template filled in, and a broken template says why", async () => {
    const rx = await startReceiver();
    try {
      const { n } = setup();
      expect(await n.test(`webhook:${rx.url}/hook`, '{"text": "{{rule}} is {{state}}", "n": {{value}}}')).toEqual({ ok: true, error: null });
      expect(JSON.parse(rx.received[0]!.body)).toEqual({ text: 'LogScope test is test', n: 0 });
      expect(await n.test(`webhook:${rx.url}/hook`)).toEqual({ ok: true, error: null });
      expect(JSON.parse(rx.received[1]!.body)).toMatchObject({ source: 'logscope', test: true });
      const bad = await n.test(`webhook:${rx.url}/hook`, '{"text": {{rule}');
      expect(bad.ok).toBe(false);
      expect(bad.error).toMatch(/payload template/);
      expect(rx.received).toHaveLength(2);
    } finally {
      await rx.close();
    }
  });

  it('a channel that is not http(s) is never sent to, and says why', async () => {
    let calls = 0;
    const { clock, n } = setup({ fetch: () => (calls++, Promise.resolve(new Response('ok'))) });
    expect(await n.test('webhook:file:///etc/passwd')).toEqual({ ok: false, error: 'webhook:file:///etc/passwd: only http:// and https:// URLs are sent to' });
    n.push(firing('a', ['webhook:ftp://example.com/x', 'gopher:x']));
    clock.advance(GROUP_MS);
    expect(calls).toBe(0);
    expect(n.status().map((s) => [s.channel, s.failed])).toEqual([['webhook:ftp://example.com/x', 1], ['gopher:x', 1]]);
  });

  it('push never throws, whatever it is given', () => {
    const { clock, n } = setup({ emitNotice: () => { throw new Error('renderer gone'); } });
    expect(() => n.push({} as never)).not.toThrow();
    n.push(firing('a'));
    expect(() => clock.advance(GROUP_MS)).not.toThrow();
    expect(n.status().find((s) => s.channel === 'os')).toMatchObject({ failed: 1, lastError: 'renderer gone' });
  });
});
