/**
 * index.ts is the glue between the real 'electron' module and startShell. Here 'electron'
 * is replaced by a fake module (vi.mock) built on fake-electron.ts, so the test sees what
 * index.ts actually passes: paths, the fork call, the real constructors being used.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { FakeElectron } from './fake-electron';
import { flush, removeFakeDirs } from './fake-electron';

vi.mock('electron', async () => {
  const { FakeElectron } = await import('./fake-electron');
  const fake = new FakeElectron();
  const deps = fake.deps();
  const forkCalls: unknown[][] = [];
  const trayIcons: string[] = [];
  Object.assign(fake.app, { getAppPath: () => '/app', isPackaged: false });
  return {
    __fake: fake,
    __forkCalls: forkCalls,
    __trayIcons: trayIcons,
    app: fake.app,
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: { template: never }) => fake.menus.push(menu.template),
    },
    nativeImage: {
      createFromPath: (file: string) => {
        trayIcons.push(file);
        return { isEmpty: () => false };
      },
    },
    Tray: class {
      constructor() {
        return Object.assign(fake.tray!, { on: fake.tray!.on.bind(fake.tray) });
      }
    },
    screen: { getAllDisplays: () => fake.displays.map((workArea) => ({ workArea })) },
    BrowserWindow: class {
      constructor(options: Parameters<typeof deps.createWindow>[0]) {
        return deps.createWindow(options);
      }
    },
    dialog: { showMessageBox: deps.showMessageBox },
    ipcMain: fake.ipcMain,
    MessageChannelMain: class {
      constructor() {
        return deps.createChannel();
      }
    },
    Notification: fake.notifications.Notification,
    session: {
      get defaultSession() {
        return fake.session;
      },
    },
    shell: { openExternal: deps.openExternal },
    utilityProcess: {
      fork: (...args: unknown[]) => {
        forkCalls.push(args);
        return deps.forkEngine();
      },
    },
  };
});

const here = path.dirname(fileURLToPath(import.meta.url));
afterAll(() => removeFakeDirs());

describe('main entry (index.ts) with a fake electron module', () => {
  it('starts the shell with the built preload, renderer and engine paths', async () => {
    const electron = (await import('electron')) as unknown as {
      __fake: FakeElectron;
      __forkCalls: unknown[][];
      __trayIcons: string[];
    };
    await import('./index');
    await flush();
    const fake = electron.__fake;

    expect(fake.app.lockData).toBeDefined();
    expect(fake.windows).toHaveLength(1);
    expect(fake.window.options.webPreferences?.preload).toBe(path.join(here, '../preload/index.cjs'));
    expect(fake.window.options.webPreferences?.sandbox).toBe(true);
    expect(fake.window.loadedFile).toBe(path.join(here, '../renderer/index.html'));
    expect(fake.session.headersListener).not.toBeNull();
    expect(fake.session.permissionRequestHandler).not.toBeNull();
    expect(fake.ipcMain.listenerCount('logscope:open-external')).toBe(1);
    // The native menu and the tray are built from the shell's templates.
    expect(fake.menu.map((item) => item.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(electron.__trayIcons).toEqual([path.join('/app', 'resources', 'icons', '32x32.png')]);
    expect(fake.tray!.toolTip).toBe('LogScope — no open alerts');

    expect(electron.__forkCalls).toEqual([
      [path.join(here, '../engine/utility.js'), ['--data', '/fake/userData'], { serviceName: 'LogScope engine' }],
    ]);

    // The real MessageChannelMain is what connects the page to the engine.
    fake.window.webContents.load('file:///x');
    fake.engine.say({ type: 'ready' });
    expect(fake.engine.sent('connect')).toHaveLength(1);
    expect(fake.window.webContents.posted).toHaveLength(1);
  });
});
