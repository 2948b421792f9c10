import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { tempDir, writeFile } from '../src/engine/testing/fixtures';
import { ephemeralPort, launchChromium, postNdjson, startServe } from './headless';

const artifacts = join(import.meta.dirname, 'artifacts');
let browser: Browser;
let context: BrowserContext;
let server: Awaited<ReturnType<typeof startServe>>;
let page: Page;
let httpPort = 0;

async function post(lines: object[]): Promise<void> {
  expect(await postNdjson(httpPort, lines)).toBe(200);
}

const setTheme = async (theme: 'light' | 'dark') => {
  // Dispatched on the button itself: the rule editor's backdrop covers the top bar while it is open.
  if ((await page.getAttribute('html', 'data-theme')) !== theme) await page.locator('[data-testid="theme-toggle"]').dispatchEvent('click');
  await expect.poll(() => page.getAttribute('html', 'data-theme')).toBe(theme);
};

const dismissNotices = async () => {
  for (let n = await page.locator('[data-testid="notice"] button').count(); n > 0; n--)
    await page.locator('[data-testid="notice"] button').first().click();
};

/** Every `new Notification(title, {body})` the page makes, recorded before the real one runs. */
const RECORD_NOTIFICATIONS = `(() => {
  const Real = window.Notification;
  if (!Real) return;
  window.__notifications = [];
  class Recorded extends Real {
    constructor(title, opts) {
      window.__notifications.push({ title, body: (opts && opts.body) || '' });
      super(title, opts);
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = (...a) => Real.requestPermission(...a);
  window.Notification = Recorded;
})();`;

const notifications = () =>
  page.evaluate(() => (globalThis as unknown as { __notifications: { title: string; body: string }[] }).__notifications);

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  httpPort = await ephemeralPort();
  server = await startServe(tempDir(), ['--http-port', String(httpPort)]);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['notifications'], { origin: new URL(server.url).origin });
  await context.addInitScript(RECORD_NOTIFICATIONS);
  page = await context.newPage();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('alerts in Chromium', () => {
  it('a threshold rule made in the editor fires on events sent over HTTP: the row, the toast, the badge and the browser notification', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="empty-state"]', { timeout: 15_000 });
    await page.click('[data-testid="view-alerts"]');
    await page.waitForSelector('[data-testid="alerts-view"]');
    await page.click('[data-testid="rule-new"]');
    const editor = page.locator('[data-testid="rule-editor"]');
    await editor.waitFor();

    await page.fill('[data-testid="rule-field-name"]', 'payments failing');
    // A bad query first: the error shows under the field, at its position.
    await page.fill('[data-testid="rule-field-query"]', 'level:error (payment');
    const qerr = page.locator('[data-testid="rule-query-error"]');
    await qerr.waitFor({ timeout: 10_000 });
    expect(Number(await qerr.getAttribute('data-start'))).toBeGreaterThan(0);
    await page.fill('[data-testid="rule-field-value"]', 'x');
    await expect.poll(() => page.locator('[data-testid="rule-fieldbox-above"] [data-testid="rule-problem"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await setTheme('dark');
    await page.screenshot({ path: join(artifacts, 'alerts-editor-error-dark.png') });

    await page.fill('[data-testid="rule-field-query"]', 'level:error payment');
    await page.fill('[data-testid="rule-field-window"]', '1m');
    await page.fill('[data-testid="rule-field-value"]', '2');
    await page.fill('[data-testid="rule-field-cooldown"]', '0s');
    await expect.poll(() => editor.getAttribute('data-clean'), { timeout: 10_000 }).toBe('true');
    expect(await qerr.count()).toBe(0);
    expect(await page.isChecked('[data-testid="rule-notify-os"]')).toBe(true);
    expect(await page.isChecked('[data-testid="rule-notify-toast"]')).toBe(true);
    await page.click('[data-testid="rule-save"]');
    await editor.waitFor({ state: 'detached', timeout: 10_000 });

    await page.click('[data-testid="alerts-tab-rules"]');
    const row = page.locator('[data-testid="rule-row"][data-rule="payments failing"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-enabled')).toBe('true');
    await dismissNotices();
    await page.screenshot({ path: join(artifacts, 'alerts-rules-dark.png') });

    const now = Date.now();
    await post(
      [0, 1, 2, 3, 4].map((i) => ({ time: new Date(now + i).toISOString(), level: 'error', msg: `payment ${i} failed: card declined`, host: 'web-1' })),
    );

    await page.click('[data-testid="alerts-tab-alerts"]');
    const firing = page.locator('[data-testid="alert-row"][data-state="firing"][data-rule="payments failing"]');
    await firing.waitFor({ timeout: 15_000 });
    const toast = page.locator('[data-testid="alert-toast"]');
    await toast.first().waitFor({ timeout: 10_000 });
    expect(await toast.first().textContent()).toContain('payments failing');
    await expect.poll(async () => Number(await page.textContent('[data-testid="alerts-badge"]')), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await notifications()).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect((await notifications())[0]!.title).toContain('payments failing');
    await dismissNotices();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(artifacts, 'alerts-firing-dark.png') });
    await setTheme('light');
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(artifacts, 'alerts-firing-light.png') });

    // The history has the live change.
    await page.click('[data-testid="alerts-tab-history"]');
    await page.locator('[data-testid="history-row"][data-live="true"]').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(artifacts, 'alerts-history-light.png') });

    // Acknowledged: the badge count goes down.
    await page.click('[data-testid="alerts-tab-alerts"]');
    await firing.locator('[data-testid="alert-ack"]').click();
    await expect.poll(() => page.locator('[data-testid="alerts-badge"]').count(), { timeout: 10_000 }).toBe(0);

    // The toast opens the alert's records in Explore.
    await toast.first().locator('.alert-toast-main').click();
    await page.waitForSelector('[data-testid="log-row"]', { timeout: 10_000 });
    expect(await page.inputValue('[data-testid="query-input"]')).toContain('payment');
    const msgs = await page.locator('[data-testid="log-row"] .col-msg').allTextContents();
    expect(msgs.length).toBe(5);
    expect(msgs.every((m) => m.includes('card declined'))).toBe(true);
  }, 90_000);

  it('replays a rule over imported days: the chart shades where it would have fired, with the episodes', async () => {
    // Two bursts of errors three and two days ago, a trickle of info around them.
    const day = 86_400_000;
    const t0 = Math.floor((Date.now() - 3 * day) / 60_000) * 60_000;
    const lines: string[] = [];
    for (let m = 0; m < 3 * 24 * 60; m += 7) lines.push(JSON.stringify({ ts: new Date(t0 + m * 60_000).toISOString(), level: 'info', msg: `tick ${m}` }));
    for (const start of [t0 + 3_600_000, t0 + day + 7_200_000])
      for (let i = 0; i < 30; i++) lines.push(JSON.stringify({ ts: new Date(start + i * 1000).toISOString(), level: 'error', msg: `db timeout ${i}` }));
    const file = writeFile(tempDir(), 'bursts.ndjson', lines.join('\n') + '\n');
    await page.setInputFiles('[data-testid="file-input"]', file);
    await page.waitForSelector('[data-testid="import-item"][data-state="done"]', { timeout: 60_000 });

    await page.click('[data-testid="view-alerts"]');
    await page.click('[data-testid="rule-new"]');
    await page.fill('[data-testid="rule-field-name"]', 'db timeouts');
    await page.fill('[data-testid="rule-field-query"]', 'level:error "db timeout"');
    await page.fill('[data-testid="rule-field-window"]', '5m');
    await page.fill('[data-testid="rule-field-value"]', '10');
    expect(await page.inputValue('[data-testid="replay-range"]')).toBe('7d');
    await page.click('[data-testid="replay-run"]');
    const result = page.locator('[data-testid="replay-result"]');
    await result.waitFor({ timeout: 30_000 });
    expect(Number(await result.getAttribute('data-episodes'))).toBe(2);
    expect(await page.locator('[data-testid="replay-episode"]').count()).toBe(2);
    expect(Number(await result.getAttribute('data-firing-steps'))).toBeGreaterThan(0);
    await page.waitForSelector('[data-testid="replay-chart"] canvas');
    await dismissNotices();
    await page.waitForTimeout(300);
    // The chart really draws the value line (light theme #3d71d9) and the shaded firing
    // stretches (reddish), not only its axes: a series type ECharts was not given draws nothing.
    const drawn = await page.evaluate(() => {
      // Typed by hand: the e2e tests compile without the DOM library.
      type Canvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const doc = (globalThis as unknown as { document: { querySelector(selector: string): Canvas } }).document;
      const canvas = doc.querySelector('[data-testid="replay-chart"] canvas');
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let line = 0;
      let fire = 0;
      for (let i = 0; i < px.length; i += 4) {
        const [r, g, b, a] = [px[i]!, px[i + 1]!, px[i + 2]!, px[i + 3]!];
        if (a > 200 && Math.abs(r - 0x3d) < 30 && Math.abs(g - 0x71) < 30 && Math.abs(b - 0xd9) < 30) line++;
        if (a > 0 && r > g + 20 && r > b + 10) fire++;
      }
      return { line, fire };
    });
    expect(drawn.line).toBeGreaterThan(50);
    expect(drawn.fire).toBeGreaterThan(20);
    await page.screenshot({ path: join(artifacts, 'alerts-replay-light.png') });
    await setTheme('dark');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(artifacts, 'alerts-replay-dark.png') });
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="rule-editor"]').waitFor({ state: 'detached' });
  }, 120_000);

  it('imports rules from an NDJSON file and refuses a bad one with its reason', async () => {
    const dir = tempDir();
    const good = writeFile(
      dir,
      'rules.ndjson',
      [
        { name: 'db refused', query: 'level>=error "connection refused"', kind: 'threshold', window: '1m', above: 20, groupBy: ['host'], notify: ['os', 'webhook:http://127.0.0.1:9/hook'] },
        { name: 'api quiet', kind: 'silence', window: '10m', groupBy: ['source'] },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    await page.click('[data-testid="alerts-tab-rules"]');
    await page.setInputFiles('[data-testid="rules-file"]', good);
    await page.locator('[data-testid="rule-row"][data-rule="db refused"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="rule-row"][data-rule="api quiet"]').waitFor();

    const bad = writeFile(dir, 'bad.json', JSON.stringify({ name: 'typo', kind: 'threshold', abvoe: 3 }));
    await page.setInputFiles('[data-testid="rules-file"]', bad);
    await expect.poll(() => page.locator('[data-testid="notice"][data-kind="error"]').allTextContents(), { timeout: 10_000 }).toEqual(
      expect.arrayContaining([expect.stringContaining('abvoe')]),
    );
  }, 60_000);
});
