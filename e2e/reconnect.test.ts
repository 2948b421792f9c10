/**
 * The engine dies and comes back; the page reconnects by itself (WebSocket with back-off)
 * and shows data again without a reload. Headless mode's equivalent of the desktop app's
 * engine restart: `logscope serve` is killed (SIGKILL, like a crash) and started again
 * on the same data folder, port and token.
 *
 * The time from the restart to rows on screen is printed as a benchmark figure; the
 * assertion is only that it reconnects (no timed assertions in tests).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, WebSocket } from 'playwright-core';
import { nginxLines, tempDir, writeFile } from '../src/engine/testing/fixtures';
import { launchChromium, startServe } from './headless';

const dataDir = tempDir();
let browser: Browser;
let server: Awaited<ReturnType<typeof startServe>> | null = null;
let page: Page;

beforeAll(async () => {
  server = await startServe(dataDir);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const total = async () => Number(await page.getAttribute('[data-testid="total-count"]', 'data-total'));
const connState = () => page.getAttribute('[data-testid="connection-state"]', 'data-state');

/** Resolves when a search answer with rows arrives on a WebSocket opened after now. */
function nextRowsFrame(): Promise<number> {
  return new Promise((resolve) => {
    const onSocket = (ws: WebSocket) => {
      ws.on('framereceived', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString('utf8');
        if (text.startsWith('{"t":"res"') && /"rows":\[\{/.test(text)) {
          page.off('websocket', onSocket);
          resolve(performance.now());
        }
      });
    };
    page.on('websocket', onSocket);
  });
}

describe('engine restart in headless mode', () => {
  it('the page says it is reconnecting, then shows rows again without a reload', async () => {
    const url = new URL(server!.url);
    const port = url.port;
    const token = url.searchParams.get('token')!;

    await page.goto(server!.url);
    await page.waitForSelector('[data-testid="empty-state"]', { timeout: 15_000 });
    const file = writeFile(tempDir(), 'access.log', nginxLines(300).join('\n') + '\n');
    await page.setInputFiles('[data-testid="file-input"]', file);
    await expect.poll(total, { timeout: 20_000 }).toBe(300);
    // A marker that only a page that was never reloaded still has.
    await page.evaluate(() => ((globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true));

    // Crash: no shutdown, no goodbye on the socket.
    server!.proc.kill('SIGKILL');
    await new Promise((done) => server!.proc.once('exit', done));
    server = null;
    const banner = page.locator('[data-testid="connection-banner"]');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toMatch(/Reconnecting to the engine/);
    await expect.poll(connState, { timeout: 15_000 }).not.toBe('open');

    const rows = nextRowsFrame();
    const spawned = performance.now();
    server = await startServe(dataDir, ['--port', port, '--token', token]);
    const up = performance.now();
    const dataAt = await Promise.race([
      rows,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no rows within 30 s of the restart')), 30_000)),
    ]);
    await expect.poll(connState, { timeout: 15_000 }).toBe('open');
    await expect.poll(total, { timeout: 15_000 }).toBe(300);
    expect(await page.locator('[data-testid="log-row"]').count()).toBeGreaterThan(0);
    await expect.poll(() => banner.count(), { timeout: 5_000 }).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

    const shownAt = performance.now();
    console.log(
      `[bench] engine restart → UI rows: engine up ${(up - spawned).toFixed(0)} ms after spawn; ` +
        `rows arrived ${(dataAt - up).toFixed(0)} ms after the engine was up ` +
        `(${(shownAt - up).toFixed(0)} ms until checked on screen)`,
    );
    await page.screenshot({ path: join(import.meta.dirname, 'artifacts', 'reconnected.png') });
  });
});
