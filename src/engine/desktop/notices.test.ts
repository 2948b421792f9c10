import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEngineMessage } from '../../shared/engine-messages';
import type { ImportProgress } from '../../shared/protocol';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { Engine } from '../engine';
import { nginxLines, tempDir, writeFile } from '../testing/fixtures';
import { createServer, type Server } from 'node:net';
import type { LiveSourceInfo } from '../../shared/protocol';
import type { AlertNotice } from '../../shared/alerts';
import { createNotifier } from '../alerts/notify';
import { firing } from '../alerts/notify/fixtures';
import { GROUP_MS } from '../alerts/notify/group';
import { ManualClock } from '../testing/manual-clock';
import { alertNotify, importNotice, LONG_IMPORT_MS, receiverNotices, settingsMessage } from './notices';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

async function importReal(paths: string[]): Promise<ImportProgress> {
  const engine = await Engine.open({ dataDir: tempDir(), defaultZone: 'UTC' });
  engines.push(engine);
  return engine.importer.wait(engine.importFiles(paths.map((path) => ({ path }))));
}

describe('importNotice', () => {
  it('a missing file from the command line: a notification naming it, whatever the import took', async () => {
    const missing = join(tempDir(), 'does-not-exist.log');
    const p = await importReal([missing]);
    const notice = importNotice(p, 50)!;
    expect(notice).toMatchObject({ type: 'notify', topic: 'import', title: 'Nothing imported' });
    expect(notice.body).toContain(missing);
    expect(notice.body).toMatch(/not found|no such|does not exist/i);
    // It is a valid control message for main.
    expect(parseEngineMessage(notice)).not.toBeNull();
  });

  it('some files unreadable: "finished with problems", with the count of the others', async () => {
    const dir = tempDir();
    const good = writeFile(dir, 'a.log', nginxLines(5).join('\n'));
    const p = await importReal([good, join(dir, 'gone-1.log'), join(dir, 'gone-2.log')]);
    const notice = importNotice(p, 50)!;
    expect(notice.title).toBe('Import finished with problems');
    expect(notice.body).toMatch(/gone-1\.log: .*\(and 1 more file\)\. 5 records imported\./);
    expect(notice.target).toEqual({ view: 'explore' });
  });

  it('a quick, clean import is not worth a notification; a long one is, and opens its records', async () => {
    const file = writeFile(tempDir(), 'big "one".log', nginxLines(3).join('\n'));
    const p = await importReal([file]);
    expect(importNotice(p, LONG_IMPORT_MS - 1)).toBeNull();
    const notice = importNotice(p, LONG_IMPORT_MS)!;
    expect(notice).toMatchObject({ title: 'Import finished', body: `3 records from ${file}` });
    expect(notice.target).toEqual({ view: 'explore', query: `source:"${file.replace(/"/g, '\\"')}"` });
  });

  it('a failed import always; running and cancelled never', () => {
    const base: ImportProgress = {
      importId: 'x', state: 'failed', current: null, filesDone: 0, filesTotal: 2, bytesRead: 0, bytesTotal: 0,
      records: 0, unparsed: 0, files: [], error: 'the store is closed',
    };
    expect(importNotice(base, 0)).toMatchObject({ title: 'Import failed', body: 'the store is closed' });
    expect(importNotice({ ...base, state: 'running' }, 1e9)).toBeNull();
    expect(importNotice({ ...base, state: 'cancelled' }, 1e9)).toBeNull();
  });
});

describe('receiverNotices', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  it('a receiver that cannot listen (its port taken) becomes one notification that opens Sources', async () => {
    const busy = createServer();
    servers.push(busy);
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    const engine = await Engine.open({ dataDir: tempDir(), defaultZone: 'UTC' });
    engines.push(engine);
    const seen: LiveSourceInfo[][] = [];
    engine.on('liveSourcesChanged', ({ sources }) => seen.push(sources));
    const info = await engine.live.add({ kind: 'syslog-tcp', config: { port } });
    expect(info.state).toBe('failed');
    const notices = seen.flatMap((now, i) => receiverNotices(seen[i - 1] ?? [], now));
    expect(notices).toHaveLength(1);
    expect(parseEngineMessage(notices[0]!)).toMatchObject({
      type: 'notify',
      topic: 'receiver',
      body: `tcp://127.0.0.1:${port} is already in use by another program`,
      target: { view: 'sources' },
    });
  });

  it('says nothing for a source that was already failed, is running, or was turned off', () => {
    const src = (state: LiveSourceInfo['state'], enabled = true) => ({ id: 'http', kind: 'http', name: 'http', address: 'http://127.0.0.1:9880', state, enabled, error: 'x' }) as unknown as LiveSourceInfo;
    expect(receiverNotices([src('failed')], [src('failed')])).toEqual([]);
    expect(receiverNotices([], [src('running')])).toEqual([]);
    expect(receiverNotices([], [src('failed', false)])).toEqual([]);
    expect(receiverNotices([src('running')], [src('failed')])).toHaveLength(1);
  });
});

describe('alertNotify', () => {
  /** The notices the notifier really emits for these transitions. */
  function notices(push: (n: ReturnType<typeof createNotifier>) => void): AlertNotice[] {
    const clock = new ManualClock();
    const out: AlertNotice[] = [];
    const n = createNotifier({ clock, emitNotice: (x) => out.push(x) });
    push(n);
    clock.advance(GROUP_MS);
    return out;
  }

  it("one alert: an 'alert' notification that opens its records over the window it fired in", () => {
    const [notice] = notices((n) => n.push(firing('web-1')));
    const msg = alertNotify(notice!)!;
    expect(msg).toEqual({
      type: 'notify',
      topic: 'alert',
      title: 'Disk full on web-1',
      body: 'Disk full on web-1: 42 records in 1m (above 20)',
      target: { view: 'explore', query: 'level>=error "disk full" host:web-1', from: Date.UTC(2026, 0, 1, 11, 59), to: Date.UTC(2026, 0, 1, 12, 0) },
    });
    expect(parseEngineMessage(msg)).toEqual(msg);
  });

  it('many alerts: one notification that opens the Alerts view', () => {
    const [notice] = notices((n) => {
      for (let i = 1; i <= 241; i++) n.push(firing(`web-${i}`));
    });
    const msg = alertNotify(notice!)!;
    expect(msg).toMatchObject({ topic: 'alert', title: 'Disk full on web-1 and 240 more', target: { view: 'alerts' } });
    expect(parseEngineMessage(msg)).not.toBeNull();
  });

  it('none for rules that asked for a toast only; a test of os is one', async () => {
    expect(notices((n) => n.push(firing('web-1', ['toast']))).map(alertNotify)).toEqual([null]);
    const out: AlertNotice[] = [];
    await createNotifier({ clock: new ManualClock(), emitNotice: (x) => out.push(x) }).test('os');
    expect(alertNotify(out[0]!)).toMatchObject({ topic: 'alert', title: 'LogScope test notification', target: { view: 'alerts' } });
  });
});

describe('settingsMessage', () => {
  it('carries the theme and notification settings, valid for main', () => {
    const message = settingsMessage({ ...DEFAULT_SETTINGS, theme: 'dark' });
    expect(parseEngineMessage(message)).toEqual({ type: 'settings', theme: 'dark', notifications: DEFAULT_SETTINGS.notifications });
  });
});
