/**
 * The Settings view in Chromium against `logscope serve`: a corrupt settings file is
 * reported to the person and kept aside; a wrong value is named at its field; a saved
 * change lands in settings.json. Screenshots go to e2e/artifacts/.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from '../src/engine/testing/fixtures';
import { launchChromium, startServe } from './headless';

const artifacts = join(import.meta.dirname, 'artifacts');
const dataDir = tempDir();
let browser: Browser;
let server: Awaited<ReturnType<typeof startServe>>;
let page: Page;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(dataDir, 'settings.json'), '{ "theme": "dark", "receivers": { "http": { "port": 99999 } } }');
  server = await startServe(dataDir);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Settings view', () => {
  it('reports a corrupt settings file, names a wrong field, and saves a change', async () => {
    const url = new URL(server.url);
    url.hash = '#/settings';
    await page.goto(url.href);
    await page.waitForSelector('[data-testid="settings-view"][data-state="ready"]', { timeout: 15_000 });

    // The broken file: told in the view and in a notice, kept aside on disk.
    const problem = page.locator('[data-testid="settings-problem"]');
    await expect.poll(() => problem.textContent()).toMatch(/receivers\.http\.port.*settings\.json\.broken-/);
    expect(readdirSync(dataDir).filter((f) => f.startsWith('settings.json.broken-'))).toHaveLength(1);
    await page.screenshot({ path: join(artifacts, 'settings-broken.png') });

    // A port out of range is named at its field, and nothing is saved.
    await page.fill('[data-testid="field-receivers.http.port"]', '70000');
    await page.click('[data-testid="settings-save"]');
    await expect.poll(() => page.locator('[data-testid="error-receivers.http.port"]').textContent()).toBe('At most 65535');

    await page.fill('[data-testid="field-receivers.http.port"]', '9000');
    await page.check('[aria-label="HTTP on"]');
    await page.click('[data-testid="field-notifications.doNotDisturb"] input');
    await page.fill('[data-testid="field-retentionDays"]', '14');
    await page.click('[data-testid="theme-dark"]');
    await page.click('[data-testid="settings-save"]');
    await expect.poll(() => problem.count(), { timeout: 10_000 }).toBe(0);
    const saved = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'));
    expect(saved).toMatchObject({
      theme: 'dark',
      retentionDays: 14,
      receivers: { http: { enabled: true, port: 9000 } },
      notifications: { doNotDisturb: true },
    });
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    await page.screenshot({ path: join(artifacts, 'settings.png') });
  });
});
