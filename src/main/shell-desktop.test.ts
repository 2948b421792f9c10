/**
 * The shell's OS integration with fakes: window state, the native menu, the tray and
 * badge, notifications with settings and targets, and launches that arrive early.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeElectron, flush, removeFakeDirs } from './fake-electron';
import { PAGE_COMMAND_CHANNEL } from './shell-contract';
import { startShell, type Shell, type ShellDeps } from './shell';
import { WINDOW_STATE_FILE } from './window-state';
import { RECENT_FILE } from './recent-files';

const RENDERER_URL = pathToFileURL('/app/out/renderer/index.html').href;

async function running(overrides: Partial<ShellDeps> = {}, prepare?: (fake: FakeElectron) => void) {
  const fake = new FakeElectron();
  prepare?.(fake);
  const shell = startShell(fake.deps(overrides)) as Shell;
  await shell.ready;
  fake.window.webContents.load(RENDERER_URL);
  fake.engine.say({ type: 'ready' });
  return { fake, shell };
}

afterEach(() => {
  vi.useRealTimers();
  removeFakeDirs();
});

function item(menu: MenuItemConstructorOptions[], ...labels: string[]): MenuItemConstructorOptions {
  let list = menu;
  let found: MenuItemConstructorOptions | undefined;
  for (const label of labels) {
    found = list.find((i) => i.label === label);
    if (!found) throw new Error(`no ${labels.join(' > ')}`);
    list = (found.submenu as MenuItemConstructorOptions[]) ?? [];
  }
  return found!;
}
const click = (i: MenuItemConstructorOptions) => (i.click as unknown as () => void)();
const pageCommands = (fake: FakeElectron) =>
  fake.window.webContents.sent.filter((s) => s.channel === PAGE_COMMAND_CHANNEL).map((s) => s.args[0]);

describe('window state', () => {
  it('opens where it was left, maximised if it was, and saves where it is on close', async () => {
    const { fake } = await running({}, (f) => {
      writeFileSync(
        path.join(f.userDataDir, WINDOW_STATE_FILE),
        JSON.stringify({ bounds: { x: 200, y: 120, width: 1100, height: 700 }, maximized: true }),
      );
    });
    expect(fake.window.options).toMatchObject({ x: 200, y: 120, width: 1100, height: 700 });
    expect(fake.window.maximized).toBe(true);

    fake.window.maximized = false;
    fake.window.bounds = { x: 5, y: 6, width: 900, height: 650 };
    fake.window.close();
    const next = await running({}, (f) => {
      Object.defineProperty(f, 'userDataDir', { value: fake.userDataDir });
    });
    expect(next.fake.window.options).toMatchObject({ x: 5, y: 6, width: 900, height: 650 });
    expect(next.fake.window.maximized).toBe(false);
  });

  it('ignores a saved position on a display that is no longer there', async () => {
    const { fake } = await running({}, (f) => {
      writeFileSync(
        path.join(f.userDataDir, WINDOW_STATE_FILE),
        JSON.stringify({ bounds: { x: 3000, y: 100, width: 1100, height: 700 }, maximized: true }),
      );
      f.displays = [{ x: 0, y: 0, width: 1440, height: 875 }];
    });
    expect(fake.window.options.x).toBeUndefined();
    expect(fake.window.options).toMatchObject({ width: 1280, height: 820 });
    expect(fake.window.maximized).toBe(false);
  });
});

describe('native menu', () => {
  it('File > Open Files… imports what was chosen, as one job, and remembers it in Recent', async () => {
    const { fake } = await running();
    fake.dialogAnswer = ['/var/log/a.log', '/var/log/b.log'];
    click(item(fake.menu, '&File', 'Open Files…'));
    await flush();
    expect(fake.dialogs[0]!.properties).toEqual(['openFile', 'multiSelections']);
    expect(fake.engine.sent('import')).toEqual([{ type: 'import', paths: ['/var/log/a.log', '/var/log/b.log'] }]);
    const recent = item(fake.menu, '&File', 'Open Recent').submenu as MenuItemConstructorOptions[];
    expect(recent.slice(0, 2).map((r) => r.label)).toEqual(['b.log — /var/log', 'a.log — /var/log']);
    expect(fake.app.recentDocuments).toEqual(['/var/log/a.log', '/var/log/b.log']);
  });

  it('File > Open Folder… sends the folder as one path: one import job, however many files it holds', async () => {
    const { fake } = await running();
    fake.dialogAnswer = ['/var/log/nginx'];
    click(item(fake.menu, '&File', 'Open Folder…'));
    await flush();
    expect(fake.dialogs[0]!.properties).toEqual(['openDirectory']);
    expect(fake.engine.sent('import')).toEqual([{ type: 'import', paths: ['/var/log/nginx'] }]);
  });

  it('a cancelled dialog does nothing', async () => {
    const { fake } = await running();
    fake.dialogAnswer = null;
    click(item(fake.menu, '&File', 'Open Files…'));
    click(item(fake.menu, '&File', 'Follow File…'));
    await flush();
    expect(fake.engine.sent('import')).toEqual([]);
    expect(fake.engine.sent('follow')).toEqual([]);
  });

  it('File > Follow File… asks the engine to follow', async () => {
    const { fake } = await running();
    fake.dialogAnswer = ['/var/log/syslog'];
    click(item(fake.menu, '&File', 'Follow File…'));
    await flush();
    expect(fake.engine.sent('follow')).toEqual([{ type: 'follow', paths: ['/var/log/syslog'] }]);
  });

  it('Recent survives a restart, re-imports on click, and can be cleared', async () => {
    const { fake } = await running({}, (f) => {
      writeFileSync(path.join(f.userDataDir, RECENT_FILE), JSON.stringify(['/srv/app.log', 'relative/ignored.log']));
    });
    const recent = () => item(fake.menu, '&File', 'Open Recent').submenu as MenuItemConstructorOptions[];
    expect(recent()[0]!.label).toBe('app.log — /srv');
    click(recent()[0]!);
    expect(fake.engine.sent('import')).toEqual([{ type: 'import', paths: ['/srv/app.log'] }]);
    click(item(fake.menu, '&File', 'Open Recent', 'Clear Recent'));
    expect(recent().map((r) => r.label)).toEqual(['No Recent Files']);
  });

  it('View > Theme tells the page; the radio follows the settings the engine reports', async () => {
    const { fake } = await running();
    const checked = () =>
      (item(fake.menu, '&View', 'Theme').submenu as MenuItemConstructorOptions[]).find((t) => t.checked)?.label;
    expect(checked()).toBe('Follow System');
    click(item(fake.menu, '&View', 'Theme', 'Dark'));
    expect(pageCommands(fake)).toEqual([{ type: 'theme', theme: 'dark' }]);
    expect(checked()).toBe('Dark');
    fake.engine.say({
      type: 'settings',
      theme: 'light',
      notifications: { enabled: true, doNotDisturb: false, imports: true, receivers: true },
    });
    expect(checked()).toBe('Light');
  });

  it('Settings… opens the Settings view; Help opens the docs and About shows the versions', async () => {
    const { fake } = await running();
    click(item(fake.menu, '&File', 'Settings…'));
    expect(pageCommands(fake)).toEqual([{ type: 'navigate', target: { view: 'settings' } }]);
    click(item(fake.menu, '&Help', 'LogScope Documentation'));
    click(item(fake.menu, '&Help', 'About LogScope'));
    await flush();
    expect(fake.opened).toEqual(['https://github.com/logscope/logscope#readme']);
    expect(fake.messageBoxes.at(-1)!.detail).toContain('Electron 45.4.1');
    expect(fake.messageBoxes.at(-1)!.detail).toContain('Version 0.1.0');
  });
});

describe('tray and badge', () => {
  it('show the number of open alerts the engine reports', async () => {
    const { fake } = await running();
    expect(fake.tray!.toolTip).toBe('LogScope — no open alerts');
    fake.engine.say({ type: 'alerts', open: 2 });
    expect(fake.tray!.toolTip).toBe('LogScope — 2 open alerts');
    expect(fake.app.badge).toBe(2);
    fake.engine.say({ type: 'alerts', open: 0 });
    expect(fake.app.badge).toBe(0);
  });

  it('a desktop without a tray or a badge is fine', async () => {
    const { fake, shell } = await running({}, (f) => {
      f.tray = null;
      f.app.badgeSupported = false;
    });
    shell.setAlertCount(5);
    expect(fake.windows).toHaveLength(1);
  });

  it('a tray that cannot be created is logged, and the app goes on', async () => {
    const logs: string[] = [];
    const { fake } = await running({
      createTray: () => {
        throw new Error('no StatusNotifier');
      },
      log: (m) => logs.push(m),
    });
    fake.engine.say({ type: 'alerts', open: 1 });
    expect(fake.app.badge).toBe(1);
    expect(logs.some((l) => l.includes('no StatusNotifier'))).toBe(true);
  });
});

describe('notifications', () => {
  const settings = (notifications: Partial<Record<'enabled' | 'doNotDisturb' | 'imports' | 'receivers', boolean>>) => ({
    type: 'settings',
    theme: 'system',
    notifications: { enabled: true, doNotDisturb: false, imports: true, receivers: true, ...notifications },
  });

  it('a click focuses the window on what the notification is about', async () => {
    const { fake } = await running();
    fake.window.minimized = true;
    const target = { view: 'explore', query: 'source:"/var/log/app.log"' };
    fake.engine.say({ type: 'notify', title: 'Import finished', body: '3 files', topic: 'import', target });
    const [shown] = fake.notifications.instances;
    expect(shown?.shown).toBe(true);
    shown!.emit('click');
    expect(fake.window.minimized).toBe(false);
    expect(fake.window.focused).toBe(true);
    expect(pageCommands(fake)).toEqual([{ type: 'navigate', target }]);
  });

  it("a fired alert's notification opens its records over the window it fired in", async () => {
    const { fake } = await running();
    const target = { view: 'explore', query: 'level>=error host:web-1', from: 1_700_000_000_000, to: 1_700_000_060_000 };
    fake.engine.say({ type: 'notify', title: 'Disk full on web-1', body: '42 records in 1m (above 20)', topic: 'alert', target });
    fake.notifications.instances[0]!.emit('click');
    expect(pageCommands(fake)).toEqual([{ type: 'navigate', target }]);
  });

  it('a target for a page still loading is delivered when it has loaded', async () => {
    const { fake } = await running();
    fake.window.webContents.emit('did-start-loading');
    fake.engine.say({ type: 'notify', title: 'Receiver stopped', body: 'port 514 taken', topic: 'receiver', target: { view: 'settings' } });
    fake.notifications.instances[0]!.emit('click');
    expect(pageCommands(fake)).toEqual([]);
    fake.window.webContents.emit('did-finish-load');
    expect(pageCommands(fake)).toEqual([{ type: 'navigate', target: { view: 'settings' } }]);
  });

  it('do not disturb holds every notification; topics can be turned off one by one', async () => {
    const logs: string[] = [];
    const { fake } = await running({ log: (m) => logs.push(m) });
    fake.engine.say(settings({ doNotDisturb: true }));
    fake.engine.say({ type: 'notify', title: 'Alert', body: '', topic: 'alert' });
    expect(fake.notifications.instances).toEqual([]);
    expect(logs.some((l) => l.includes('do not disturb is on'))).toBe(true);

    fake.engine.say(settings({ imports: false }));
    fake.engine.say({ type: 'notify', title: 'Import finished', body: '', topic: 'import' });
    fake.engine.say({ type: 'notify', title: 'Receiver stopped', body: '', topic: 'receiver' });
    expect(fake.notifications.instances.map((n) => n.options.title)).toEqual(['Receiver stopped']);

    fake.engine.say(settings({ enabled: false }));
    fake.engine.say({ type: 'notify', title: 'Alert 2', body: '', topic: 'alert' });
    expect(fake.notifications.instances).toHaveLength(1);
  });
});

describe('launches that arrive early or carry bad paths', () => {
  it('a second instance while the first is still starting: its files wait for the engine, none lost', async () => {
    const fake = new FakeElectron();
    let ready!: () => void;
    fake.app.whenReady = () => new Promise<void>((resolve) => (ready = resolve));
    const shell = startShell(
      fake.deps({ process: { argv: ['/usr/bin/logscope', 'first.log'], defaultApp: false, cwd: '/w', platform: 'linux' } }),
    )!;
    fake.app.emit('second-instance', {}, ['/usr/bin/logscope', 'second.log'], '/x', { logscopeFiles: ['/x/second.log'] });
    expect(fake.windows).toEqual([]); // not ready: no window yet, and no crash
    ready();
    await shell.ready;
    fake.app.emit('second-instance', {}, ['/usr/bin/logscope'], '/x', { logscopeFiles: ['/x/third.log'] });
    expect(fake.windows).toHaveLength(1);
    expect(fake.engine.sent('import')).toEqual([]);
    fake.engine.say({ type: 'ready' });
    expect(fake.engine.sent('import')).toEqual([
      { type: 'import', paths: ['/w/first.log', '/x/second.log', '/x/third.log'] },
    ]);
  });

  it('a missing file on the command line is handed to the engine, which reports it per file (see utility test)', async () => {
    const { fake } = await running({
      process: { argv: ['/usr/bin/logscope', 'does-not-exist.log'], defaultApp: false, cwd: '/nowhere', platform: 'linux' },
    });
    expect(fake.engine.sent('import')).toEqual([{ type: 'import', paths: ['/nowhere/does-not-exist.log'] }]);
    expect(fake.windows).toHaveLength(1);
  });
});
