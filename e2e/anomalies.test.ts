import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { tempDir, writeFile } from '../src/engine/testing/fixtures';
import { generateLogs, type GeneratedLogs } from '../src/engine/ml/anomaly/generate';
import { launchChromium, startServe } from './headless';

const artifacts = join(import.meta.dirname, 'artifacts');
const LEVELS = ['none', 'trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal'];
let browser: Browser;
let server: Awaited<ReturnType<typeof startServe>>;
let page: Page;
let logs: GeneratedLogs;

/** The generated days as one NDJSON file per service, as windows-query.test.ts imports them. */
function writeSources(g: GeneratedLogs): string[] {
  const dir = tempDir();
  const bySource = new Map<string, string[]>();
  for (const r of g.records) {
    const params = [...r.params];
    const msg = g.templates.get(r.pattern)!.replace(/<\*>/g, () => params.shift() ?? '');
    const lines = bySource.get(r.source) ?? [];
    lines.push(JSON.stringify({ ts: new Date(r.ts).toISOString(), level: LEVELS[r.level], msg }));
    bySource.set(r.source, lines);
  }
  return [...bySource].map(([source, lines]) => writeFile(dir, `${source}.ndjson`, lines.join('\n') + '\n'));
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // Four days with an error burst, a source going silent and a new pattern on the fourth.
  logs = generateLogs(3, 4, { volume: 0.3 });
  server = await startServe(tempDir());
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const setTheme = async (theme: 'light' | 'dark') => {
  if ((await page.getAttribute('html', 'data-theme')) !== theme) await page.click('[data-testid="theme-toggle"]');
  await expect.poll(() => page.getAttribute('html', 'data-theme')).toBe(theme);
};

/** Toasts and the finished imports off the screen, so screenshots show the view. */
const tidy = async () => {
  const clear = page.getByText('Clear finished');
  if (await clear.count()) await clear.click();
  for (let n = await page.locator('[data-testid="notice"] button').count(); n > 0; n--)
    await page.locator('[data-testid="notice"] button').first().click();
  await page.waitForTimeout(300);
};

describe('anomalies in Chromium', () => {
  it('shows the injected incidents as windows, and the category mix over time', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="empty-state"]', { timeout: 15_000 });
    await page.setInputFiles('[data-testid="file-input"]', writeSources(logs));
    await page.waitForSelector('[data-testid="import-item"][data-state="done"]', { timeout: 60_000 });
    await expect
      .poll(async () => Number(await page.getAttribute('[data-testid="total-count"]', 'data-total')), { timeout: 20_000 })
      .toBe(logs.records.length);

    await page.click('[data-testid="view-anomalies"]');
    await page.waitForSelector('[data-testid="anomalies-view"]');
    const rows = page.locator('[data-testid="anomaly-window"]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const kinds = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    // The burst, the silence and the new pattern (the drift needs per-record scores).
    for (const k of ['spike', 'drop', 'new']) expect(kinds).toContain(k);
    expect(await page.locator('[data-testid="unusual-pattern"]').count()).toBeGreaterThan(0);
    // The new pattern is among the most unusual, with its template.
    await expect.poll(() => page.locator('[data-testid="unusual-patterns"]').textContent()).toContain('nil pointer dereference');

    const mix = page.locator('[data-testid="category-mix"]');
    await expect.poll(async () => Number(await mix.getAttribute('data-total')), { timeout: 20_000 }).toBe(logs.records.length);
    // The models classify each pattern in the background; the chart follows as their
    // answers are stored, until no record is left unclassified.
    await expect
      .poll(async () => (await mix.getAttribute('data-categories'))!.split(','), { timeout: 30_000 })
      .not.toContain('none');
    expect((await mix.getAttribute('data-categories'))!.split(',').length).toBeGreaterThan(2);
    await page.waitForSelector('[data-testid="category-chart"] canvas');

    await tidy();
    await setTheme('dark');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(artifacts, 'anomalies-dark.png'), fullPage: true });
    await setTheme('light');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(artifacts, 'anomalies-light.png'), fullPage: true });
  }, 120_000);

  it("opens a window's records in Explore, with the windows shaded on the histogram", async () => {
    // The burst's window: the spike of the pattern the generator made burst.
    const burst = logs.incidents.find((i) => i.kind === 'error-burst')!;
    const spike = page
      .locator('[data-testid="anomaly-window"][data-kind="spike"]')
      .filter({ hasText: logs.templates.get(burst.pattern!)!.split('<*>')[0]!.trim() })
      .first();
    const pattern = await spike.getAttribute('data-pattern');
    await spike.click();
    await page.waitForSelector('[data-testid="log-table"]');
    expect(await page.inputValue('[data-testid="query-input"]')).toBe(`pattern:${pattern}`);
    // Its records: that pattern's burst, all at error level, many more than the usual trickle.
    const levels = () => page.locator('[data-testid="log-row"]').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-level')))]);
    await expect.poll(levels, { timeout: 15_000 }).toEqual(['error']);
    const total = async () => Number(await page.getAttribute('[data-testid="total-count"]', 'data-total'));
    await expect.poll(total, { timeout: 15_000 }).toBeGreaterThan(10);
    // The histogram over the window's span shades the window.
    await expect
      .poll(async () => Number(await page.getAttribute('[data-testid="histogram"]', 'data-anomaly-windows')), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await tidy();
    await page.screenshot({ path: join(artifacts, 'anomalies-explore-light.png') });
  }, 60_000);

  it("corrects a pattern's category from the detail panel, and the rows and the chart follow", async () => {
    await page.locator('[data-testid="log-row"]').first().click();
    await page.waitForSelector('[data-testid="detail-classification"]');
    const before = await page.locator('[data-testid="log-row"]').first().getAttribute('data-category');
    const target = before === 'storage' ? 'hardware' : 'storage';
    await page.selectOption('[data-testid="correct-category"]', target);
    await page.click('[data-testid="correct-save"]');
    await expect.poll(() => page.locator('[data-testid="detail-category"]').textContent(), { timeout: 10_000 }).toContain(target);
    await expect
      .poll(() => page.locator('[data-testid="log-row"]').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-category')))]), {
        timeout: 10_000,
      })
      .toEqual([target]);
    await expect.poll(() => page.locator('[data-testid="detail-classification"]').textContent()).toContain('corrected by a person');
    await setTheme('dark');
    await tidy();
    await page.screenshot({ path: join(artifacts, 'anomalies-detail-dark.png') });

    // The category chart of the same query counts the pattern's records under the new category.
    await page.click('[data-testid="view-anomalies"]');
    await expect.poll(() => page.getAttribute('[data-testid="category-mix"]', 'data-categories'), { timeout: 15_000 }).toBe(target);
  }, 60_000);

  it('shows scores and their reasons, takes a verdict, and learns from a range (refusing a tiny one)', async () => {
    await page.click('[data-testid="view-anomalies"]');
    await page.click('[data-testid="time-range"]');
    await page.click('[data-testid="time-preset-all"]');
    await page.fill('[data-testid="query-input"]', '');
    await page.press('[data-testid="query-input"]', 'Enter');
    // Patterns by anomalous records, from the scores stored at import.
    const scored = page.locator('[data-testid="scored-pattern"]');
    await expect.poll(() => scored.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const pattern = await scored.first().getAttribute('data-pattern');
    await scored.first().click();
    expect(await page.inputValue('[data-testid="query-input"]')).toBe(`pattern:${pattern} anomalous:true`);
    const rows = page.locator('[data-testid="log-row"]');
    await expect.poll(() => rows.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-anomalous')))]), { timeout: 15_000 }).toEqual(['true']);
    expect(await rows.first().locator('[data-testid="anomaly-score"]').textContent()).toMatch(/^[01]\.\d\d$/);
    await rows.first().click();
    await page.waitForSelector('[data-testid="anomaly-reasons"] li');
    await tidy();
    await page.screenshot({ path: join(artifacts, 'anomalies-score-dark.png') });

    // The pattern marked normal: its records stop being anomalous at once.
    await page.click('[data-testid="mark-pattern-normal"]');
    await expect.poll(() => page.locator('[data-testid="anomaly-verdict"]').textContent(), { timeout: 10_000 }).toMatch(/marked normal/);
    const total = async () => Number(await page.getAttribute('[data-testid="total-count"]', 'data-total'));
    await expect.poll(total, { timeout: 10_000 }).toBe(0);

    // Five minutes hold too few records to learn from: the engine says why.
    await page.fill('[data-testid="query-input"]', '');
    await page.click('[data-testid="view-anomalies"]');
    await page.click('[data-testid="time-range"]');
    await page.fill('[data-testid="time-from"]', '2024-03-07 00:30');
    await page.fill('[data-testid="time-to"]', '2024-03-07 00:35');
    await page.click('[data-testid="time-apply"]');
    await page.click('[data-testid="refit-start"]');
    await expect.poll(() => page.locator('[data-testid="refit-error"]').textContent(), { timeout: 10_000 }).toMatch(/not enough records/);
    await page.screenshot({ path: join(artifacts, 'anomalies-refit-refused-dark.png') });

    // All time: it learns, with progress, and says when the new model is in.
    await page.click('[data-testid="time-range"]');
    await page.click('[data-testid="time-preset-all"]');
    await page.fill('[data-testid="query-input"]', '');
    await page.press('[data-testid="query-input"]', 'Enter');
    await page.click('[data-testid="refit-start"]');
    await expect.poll(() => page.getAttribute('[data-testid="refit"]', 'data-state'), { timeout: 60_000 }).toBe('done');
    await expect.poll(() => page.locator('[data-testid="refit-result"]').textContent()).toMatch(/^Learned/);
  }, 120_000);

  it('marks a severity the model inferred for lines without a level', async () => {
    const file = writeFile(
      tempDir(),
      'auth.log',
      [
        'Mar  2 10:00:01 web1 sshd[100]: Failed password for root from 10.0.0.1 port 22 ssh2',
        'Mar  2 10:00:02 web1 sshd[101]: Failed password for admin from 10.0.0.2 port 2222 ssh2',
        'Mar  2 10:00:03 web1 nginx[7]: connect() failed (111: Connection refused) while connecting to upstream',
      ].join('\n') + '\n',
    );
    await page.setInputFiles('[data-testid="file-input"]', file);
    await page.click('[data-testid="view-explore"]');
    await page.click('[data-testid="time-range"]');
    await page.click('[data-testid="time-preset-all"]');
    await page.fill('[data-testid="query-input"]', 'source:"auth.log"');
    await page.press('[data-testid="query-input"]', 'Enter');
    const badges = page.locator('[data-testid="log-row"] [data-inferred]');
    // Rows come as the import commits; their severities once the models have answered.
    await expect.poll(() => badges.count(), { timeout: 30_000 }).toBe(3);
    expect(await badges.first().getAttribute('title')).toMatch(/inferred by the model/);
    expect(await badges.first().textContent()).toMatch(/^~[A-Z]+$/);
    await page.locator('[data-testid="log-row"]').first().click();
    await expect.poll(() => page.locator('[data-testid="detail-severity"]').textContent(), { timeout: 10_000 }).toMatch(/inferred by the model · \d+% confidence/);
    await setTheme('light');
    await tidy();
    await page.screenshot({ path: join(artifacts, 'anomalies-inferred-light.png') });
  }, 60_000);
});
