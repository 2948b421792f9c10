import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installQuitSequence } from './quit-sequence';
import { FakeApp, flush } from './fake-electron';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('installQuitSequence', () => {
  it('holds the quit until the engine has stopped, then quits once', async () => {
    const timeline: string[] = [];
    const app = new FakeApp(timeline);
    const stop = deferred();
    let stops = 0;
    installQuitSequence(app, () => {
      stops++;
      timeline.push('stop-engine');
      return stop.promise;
    });
    app.quit();
    app.quit();
    app.quit();
    await flush();
    expect(stops).toBe(1);
    expect(app.quitted).toBe(false);
    stop.resolve();
    await flush();
    expect(timeline).toEqual(['stop-engine', 'app:quit']);
  });

  it('still quits when stopping the engine fails', async () => {
    const app = new FakeApp([]);
    const logs: string[] = [];
    installQuitSequence(
      app,
      () => Promise.reject(new Error('boom')),
      (m) => logs.push(m),
    );
    app.quit();
    await flush();
    expect(app.quitted).toBe(true);
    expect(logs).toEqual(['engine shutdown failed: boom']);
  });

  it('lets the final quit through without stopping the engine again', async () => {
    const app = new FakeApp([]);
    const seen: boolean[] = [];
    let stops = 0;
    installQuitSequence(app, async () => void stops++);
    (app as EventEmitter).on('before-quit', (event: { defaultPrevented: boolean }) =>
      seen.push(event.defaultPrevented),
    );
    app.quit();
    await flush();
    expect(stops).toBe(1);
    expect(seen).toEqual([true, false]);
  });
});
