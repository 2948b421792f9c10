/** Slack and Telegram requests, checked where they arrive: a real server on 127.0.0.1. */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../testing/manual-clock';
import { startReceiver, until, type Receiver, type Responder } from '../../testing/webhook-receiver';
import { firing, transition } from './fixtures';
import { GROUP_MS } from './group';
import { createNotifier, type Notifier, type NotifierOptions } from './index';

const open: (Receiver | Notifier)[] = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

async function setup(over: (rx: Receiver) => Partial<NotifierOptions>, respond?: Responder) {
  const rx = await startReceiver(respond);
  const clock = new ManualClock();
  const n = createNotifier({ clock, emitNotice: () => undefined, random: () => 1, retry: { baseMs: 1000 }, ...over(rx) });
  open.push(rx, n);
  const status = (channel: string) => n.status().find((s) => s.channel === channel);
  return { rx, clock, n, status };
}

const SLACK = 'slack:https://hooks.slack.com/services/T0001/B0001/XXXXsecretXXXX';
const SLACK_MASKED = 'slack:https://hooks.slack.com/services/T0001/B0001/***';

describe('Slack incoming webhook', () => {
  it('text and blocks, at the hook path; markup in names is escaped; the key never shows', async () => {
    const { rx, clock, n, status } = await setup((rx) => ({ slackBase: rx.url, uiUrl: () => 'http://127.0.0.1:4000' }));
    n.push(firing('<!channel> & web-1', [SLACK]));
    for (let i = 2; i <= 25; i++) n.push(firing(`web-${i}`, [SLACK]));
    clock.advance(GROUP_MS);
    await until(() => status(SLACK_MASKED)?.sent === 1, 'the Slack POST');
    const r = rx.received[0]!;
    expect(r.path).toBe('/services/T0001/B0001/XXXXsecretXXXX');
    const body = JSON.parse(r.body) as { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[] };
    expect(body.text).toBe('Disk full on &lt;!channel&gt; &amp; web-1 and 24 more');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(body.blocks[0]!.text).toEqual({ type: 'plain_text', text: 'Disk full on <!channel> & web-1 and 24 more', emoji: true });
    const lines = body.blocks[1]!.text!.text.split('\n');
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe(':red_circle: *Disk full on &lt;!channel&gt; &amp; web-1*: 42 records in 1m (above 20)');
    expect(body.blocks[2]!.elements![0]!.text).toBe('and 5 more · <http://127.0.0.1:4000/#/alerts|Open in LogScope>');
    expect(JSON.stringify(n.status())).not.toContain('XXXXsecretXXXX');
  });

  it('a resolution says so', async () => {
    const { rx, clock, n, status } = await setup((rx) => ({ slackBase: rx.url }));
    n.push(transition('web-1', 'firing', 'resolved', [SLACK]));
    clock.advance(GROUP_MS);
    await until(() => status(SLACK_MASKED)?.sent === 1, 'the Slack POST');
    const body = JSON.parse(rx.received[0]!.body) as { text: string; blocks: { text?: { text: string } }[] };
    expect(body.text).toBe('Resolved: Disk full on web-1');
    expect(body.blocks[1]!.text!.text).toBe(':white_check_mark: *Disk full on web-1*: resolved after 5m');
  });
});

const TG = 'telegram:123456:ABC-def_SECRET/-100200300';
const TG_MASKED = 'telegram:123456:***/-100200300';

describe('Telegram bot sendMessage', () => {
  it('to /bot<TOKEN>/sendMessage with chat_id and HTML text, escaped', async () => {
    const { rx, clock, n, status } = await setup((rx) => ({ telegramApi: rx.url }));
    n.push(firing('<b>web-1</b>', [TG], {}, { name: 'Disk full' }));
    clock.advance(GROUP_MS);
    await until(() => status(TG_MASKED)?.sent === 1, 'the Telegram POST');
    const r = rx.received[0]!;
    expect(r.path).toBe('/bot123456:ABC-def_SECRET/sendMessage');
    expect(JSON.parse(r.body)).toEqual({
      chat_id: '-100200300',
      text: '🔴 <b>Disk full on &lt;b&gt;web-1&lt;/b&gt;</b>\nDisk full on &lt;b&gt;web-1&lt;/b&gt;: 42 records in 1m (above 20)',
      parse_mode: 'HTML',
      disable_web_page_preview: true,
    });
  });

  it("honours the API's retry_after, and says why a message is refused without the token", async () => {
    const { rx, clock, n, status } = await setup(
      (rx) => ({ telegramApi: rx.url }),
      (_r, res, i) => {
        res.setHeader('content-type', 'application/json');
        if (i === 0) {
          res.statusCode = 429;
          res.end(JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } }));
        } else {
          res.statusCode = 400;
          res.end(JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: chat not found for bot123456:ABC-def_SECRET' }));
        }
      },
    );
    n.push(firing('web-1', [TG]));
    clock.advance(GROUP_MS);
    await until(() => status(TG_MASKED)?.retried === 1, 'the retry');
    expect(clock.pending()).toEqual([3000]);
    clock.advance(3000);
    await until(() => status(TG_MASKED)?.failed === 1, 'the refusal');
    expect(status(TG_MASKED)!.lastError).toBe('HTTP 400: Bad Request: chat not found for bot***');
    expect(rx.received).toHaveLength(2);
  });
});
