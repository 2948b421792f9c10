import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { nginxLines, tempDir, writeFile } from '../src/engine/testing/fixtures';
import { launchChromium, startServe } from './headless';

const artifacts = join(import.meta.dirname, 'artifacts');
let browser: Browser;
let server: Awaited<ReturnType<typeof startServe>>;
let page: Page;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startServe(tempDir());
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const total = async () => Number(await page.getAttribute('[data-testid="total-count"]', 'data-total'));
const histogramTotal = async () => Number(await page.getAttribute('[data-testid="histogram"]', 'data-total'));

describe('headless mode in Chromium', () => {
  it('imports a file through the UI, runs a query, shows rows and the histogram', async () => {
    await page.goto(server.url);
    // The token moves out of the address bar once the page has it.
    await expect.poll(() => page.url(), { timeout: 10_000 }).not.toContain('token=');
    await page.waitForSelector('[data-testid="empty-state"]', { timeout: 10_000 });

    const file = writeFile(tempDir(), 'access.log', nginxLines(300).join('\n') + '\n');
    await page.setInputFiles('[data-testid="file-input"]', file);
    await page.waitForSelector('[data-testid="import-item"][data-state="done"]', { timeout: 20_000 });
    await expect.poll(total, { timeout: 10_000 }).toBe(300);
    await expect.poll(histogramTotal, { timeout: 10_000 }).toBe(300);
    expect(await page.locator('[data-testid="log-row"]').count()).toBeGreaterThan(10);

    await page.fill('[data-testid="query-input"]', 'status>=500');
    await page.press('[data-testid="query-input"]', 'Enter');
    await expect.poll(total, { timeout: 10_000 }).toBe(30);
    await expect.poll(histogramTotal, { timeout: 10_000 }).toBe(30);
    const firstRow = page.locator('[data-testid="log-row"]').first();
    await expect.poll(() => firstRow.textContent()).toContain('/api/items/299');

    await firstRow.click();
    await page.waitForSelector('[data-testid="detail-panel"]');
    await expect.poll(() => page.locator('[data-testid="detail-fields"]').textContent()).toContain('500');
    await page.screenshot({ path: join(artifacts, 'explore.png') });
  });

  it('shows a syntax error at its position and an unknown field by name', async () => {
    await page.fill('[data-testid="query-input"]', 'status>=500 AND (level:error');
    await page.press('[data-testid="query-input"]', 'Enter');
    const err = page.locator('[data-testid="query-error"]');
    await err.waitFor({ timeout: 10_000 });
    expect(Number(await err.getAttribute('data-start'))).toBeGreaterThanOrEqual(16);
    await page.screenshot({ path: join(artifacts, 'query-error.png') });

    await page.fill('[data-testid="query-input"]', 'nosuchfield:1');
    await page.press('[data-testid="query-input"]', 'Enter');
    await expect.poll(() => err.textContent(), { timeout: 10_000 }).toMatch(/unknown field "nosuchfield"/);
  });
});
