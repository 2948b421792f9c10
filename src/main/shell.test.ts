import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { policyDirectives } from './csp';
import { FakeElectron, FakeFrame, flush, removeFakeDirs, type FakePort } from './fake-electron';
import { ENGINE_PORT_CHANNEL, OPEN_EXTERNAL_CHANNEL } from './shell-contract';
import { APP_ID, startShell, type Shell, type ShellDeps } from './shell';

const RENDERER = '/app/out/renderer/index.html';
const RENDERER_URL = pathToFileURL(RENDERER).href;

async function started(overrides: Partial<ShellDeps> = {}, prepare?: (fake: FakeElectron) => void) {
  const fake = new FakeElectron();
  prepare?.(fake);
  const shell = startShell(fake.deps(overrides)) as Shell;
  expect(shell).not.toBeNull();
  await shell.ready;
  return { fake, shell };
}

/** The page finished loading and the engine is ready: the normal running state. */
async function running(overrides: Partial<ShellDeps> = {}) {
  const t = await started(overrides);
  t.fake.window.webContents.load(RENDERER_URL);
  t.fake.engine.say({ type: 'ready' });
  return t;
}

afterEach(() => {
  vi.useRealTimers();
  removeFakeDirs();
});

describe('window', () => {
  it('is created with locked-down web preferences and our preload, and loads the built renderer', async () => {
    const { fake } = await started();
    expect(fake.windows).toHaveLength(1);
    const prefs = fake.window.options.webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      navigateOnDragDrop: false,
    });
    expect(fake.window.loadedFile).toBe(RENDERER);
    expect(fake.window.visible).toBe(false);
    fake.window.emit('ready-to-show');
    expect(fake.window.visible).toBe(true);
  });

  it('refuses every navigation; an http(s) target opens in the system browser instead', async () => {
    const { fake } = await started();
    const contents = fake.window.webContents;
    for (const url of ['https://example.com/docs', 'http://localhost:8080/']) {
      expect(contents.navigate(url).defaultPrevented).toBe(true);
    }
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'logscope://x']) {
      expect(contents.navigate(url).defaultPrevented).toBe(true);
    }
    await flush();
    expect(fake.opened).toEqual(['https://example.com/docs', 'http://localhost:8080/']);
  });

  it('denies every new window; only http(s) links leave, through the system browser', async () => {
    const { fake } = await started();
    const handler = fake.window.webContents.windowOpenHandler!;
    expect(handler({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///home/u/.ssh/id_rsa' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'about:blank' })).toEqual({ action: 'deny' });
    await flush();
    expect(fake.opened).toEqual(['https://example.com/']);
  });

  it('refuses to attach a <webview>', async () => {
    const { fake } = await started();
    expect(fake.window.webContents.attachWebview().defaultPrevented).toBe(true);
  });

  it('guards any other web contents that appears, not only the main window', async () => {
    const { fake } = await started();
    const other = new (fake.window.webContents.constructor as new () => typeof fake.window.webContents)();
    fake.app.emit('web-contents-created', {}, other);
    expect(other.navigate('https://evil.example/').defaultPrevented).toBe(true);
    expect(other.windowOpenHandler?.({ url: 'https://x.example/' })).toEqual({ action: 'deny' });
  });
});

describe('session', () => {
  it('puts the strict CSP on every response', async () => {
    const { fake } = await started();
    let headers: Record<string, string[]> | undefined;
    fake.session.headersListener!({ responseHeaders: { 'content-security-policy': ['default-src *'] } }, (r) => {
      headers = r.responseHeaders;
    });
    const policy = policyDirectives(headers!['Content-Security-Policy']![0]!);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(headers!['content-security-policy']).toBeUndefined();
  });

  it('denies permission requests except notifications (and clipboard writes), and only for our window', async () => {
    const { fake } = await started();
    const ours = fake.window.webContents;
    expect(fake.session.request(ours, 'notifications')).toBe(true);
    for (const permission of ['media', 'geolocation', 'midiSysex', 'openExternal', 'fullscreen', 'hid', 'unknown']) {
      expect(fake.session.request(ours, permission)).toBe(false);
    }
    expect(fake.session.request({}, 'notifications')).toBe(false);
    expect(fake.session.permissionCheckHandler!(ours, 'notifications')).toBe(true);
    expect(fake.session.permissionCheckHandler!(ours, 'media')).toBe(false);
    expect(fake.session.permissionCheckHandler!(null, 'notifications')).toBe(false);
  });
});

describe('IPC sender checks', () => {
  async function withPage() {
    const t = await running();
    const contents = t.fake.window.webContents;
    const send = (sender: unknown, frame: FakeFrame | null, url: unknown) =>
      t.fake.ipcMain.emit(OPEN_EXTERNAL_CHANNEL, t.fake.ipcEvent(sender, frame), url);
    return { ...t, contents, send };
  }

  it('opens an http(s) link sent by our page', async () => {
    const { fake, contents, send } = await withPage();
    send(contents, contents.mainFrame, 'https://example.com/help');
    // The UI routes with a #hash; that is still our page.
    contents.mainFrame.url = `${RENDERER_URL}#/alerts`;
    send(contents, contents.mainFrame, 'https://example.com/alerts');
    await flush();
    expect(fake.opened).toEqual(['https://example.com/help', 'https://example.com/alerts']);
  });

  it('refuses a subframe, another web contents, a destroyed frame, and a page that is not ours', async () => {
    const { fake, contents, send } = await withPage();
    const child = new FakeFrame(RENDERER_URL);
    child.parent = contents.mainFrame;
    send(contents, child, 'https://example.com/1');
    send({}, new FakeFrame(RENDERER_URL), 'https://example.com/2');
    send(contents, null, 'https://example.com/3');
    send(contents, new FakeFrame('https://evil.example/index.html'), 'https://example.com/4');
    send(contents, new FakeFrame('file:///tmp/other/index.html'), 'https://example.com/5');
    await flush();
    expect(fake.opened).toEqual([]);
  });

  it('refuses non-http(s) URLs even from our page', async () => {
    const { fake, contents, send } = await withPage();
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-settings:', 42, null, { href: 'https://x' }]) {
      send(contents, contents.mainFrame, url);
    }
    await flush();
    expect(fake.opened).toEqual([]);
  });

  it('refuses everything once the window is gone', async () => {
    const { fake, contents, send } = await withPage();
    fake.window.close();
    send(contents, contents.mainFrame, 'https://example.com/');
    await flush();
    expect(fake.opened).toEqual([]);
  });
});

describe('engine port', () => {
  it('hands the page a port once both the page has loaded and the engine is ready', async () => {
    const { fake } = await started();
    expect(fake.window.webContents.posted).toEqual([]);
    fake.engine.say({ type: 'ready' });
    expect(fake.window.webContents.posted).toEqual([]); // page not loaded yet
    fake.window.webContents.load(RENDERER_URL);
    expect(fake.window.webContents.posted).toEqual([
      { channel: ENGINE_PORT_CHANNEL, message: null, transfer: [{ name: 'port2#1' }] },
    ]);
    expect(fake.engine.received).toEqual([{ message: { type: 'connect' }, transfer: [{ name: 'port1#1' }] }]);
  });

  it('sends a fresh port after a reload and after an engine restart', async () => {
    vi.useFakeTimers();
    const { fake } = await running();
    fake.window.webContents.load(RENDERER_URL); // reload
    fake.engine.crash(1);
    vi.advanceTimersByTime(60_000);
    fake.engine.say({ type: 'ready' });
    const ports = fake.window.webContents.posted.map((p) => (p.transfer[0] as FakePort).name);
    expect(ports).toEqual(['port2#1', 'port2#2', 'port2#3']);
    expect(fake.engines).toHaveLength(2);
  });

  it('does not send a port to a page that is being replaced (reload in progress)', async () => {
    const { fake } = await started();
    const contents = fake.window.webContents;
    contents.load(RENDERER_URL);
    contents.emit('did-start-loading'); // the user pressed reload
    fake.engine.say({ type: 'ready' });
    expect(contents.posted).toEqual([]);
    contents.emit('did-finish-load');
    expect(contents.posted).toHaveLength(1);
  });
});

describe('notifications', () => {
  it('shows an OS notification when the engine asks, and a click brings the window forward', async () => {
    const { fake } = await running();
    fake.window.minimized = true;
    fake.window.focused = false;
    fake.engine.say({ type: 'notify', title: 'Alert: 5xx rate', body: '42 errors in 1 min (api)' });
    const [shown] = fake.notifications.instances;
    expect(shown?.options).toEqual({ title: 'Alert: 5xx rate', body: '42 errors in 1 min (api)' });
    expect(shown?.shown).toBe(true);
    shown!.emit('click');
    expect(fake.window.minimized).toBe(false);
    expect(fake.window.focused).toBe(true);
  });

  it('shows nothing for a malformed request', async () => {
    const { fake } = await running();
    fake.engine.say({ type: 'notify', body: 'no title' });
    expect(fake.notifications.instances).toEqual([]);
  });
});

describe('engine supervision in the shell', () => {
  it('says so when it gives up, and restarts the engine if the user asks', async () => {
    vi.useFakeTimers();
    const { fake } = await started({ restartPolicy: { backoffMs: [10], maxCrashes: 3 } });
    fake.messageBoxResponse = 0; // "Restart engine"
    for (let i = 0; i < 3; i++) {
      fake.engine.crash(139);
      vi.advanceTimersByTime(10);
    }
    expect(fake.engines).toHaveLength(3);
    expect(fake.messageBoxes).toHaveLength(1);
    expect(fake.messageBoxes[0]).toMatchObject({ type: 'error', message: 'The LogScope engine keeps stopping' });
    expect(fake.messageBoxes[0]!.detail).toContain('3 times in a row');
    await flush();
    expect(fake.engines).toHaveLength(4);
  });

  it('"Not now" leaves the engine stopped and the app running', async () => {
    vi.useFakeTimers();
    const { fake, shell } = await started({ restartPolicy: { backoffMs: [10], maxCrashes: 1 } });
    fake.engine.crash(1);
    await flush();
    expect(shell.supervisor.state).toBe('gave-up');
    expect(fake.engines).toHaveLength(1);
    expect(fake.app.quitted).toBe(false);
  });
});

describe('single instance', () => {
  it('a second launch hands its files to the running one and quits without a window or engine', () => {
    const fake = new FakeElectron();
    fake.app.lockGranted = false;
    const shell = startShell(
      fake.deps({
        process: { argv: ['/usr/bin/logscope', 'b.log'], defaultApp: false, cwd: '/tmp', platform: 'linux' },
      }),
    );
    expect(shell).toBeNull();
    expect(fake.app.lockData).toEqual({ logscopeFiles: ['/tmp/b.log'] });
    expect(fake.app.quitRequests).toBe(1);
    expect(fake.windows).toEqual([]);
    expect(fake.engines).toEqual([]);
  });

  it('the running instance imports the files of a second launch and shows its window', async () => {
    const { fake } = await running();
    fake.window.minimized = true;
    fake.app.emit('second-instance', {}, ['/usr/bin/logscope', '--original-process-start-time=1', 'x.log'], '/srv', {
      logscopeFiles: ['/var/log/a.log', '/var/log/b.log'],
    });
    expect(fake.engine.sent('import')).toEqual([{ type: 'import', paths: ['/var/log/a.log', '/var/log/b.log'] }]);
    expect(fake.window.minimized).toBe(false);
    expect(fake.window.focused).toBe(true);
  });

  it('falls back to the second launch argv, resolved against its working directory', async () => {
    const { fake } = await running();
    fake.app.emit(
      'second-instance',
      {},
      ['/usr/bin/logscope', '--original-process-start-time=1', 'x.log', '/abs/y.log'],
      '/srv',
      null,
    );
    expect(fake.engine.sent('import')).toEqual([{ type: 'import', paths: ['/srv/x.log', '/abs/y.log'] }]);
  });

  it('a second launch without files only brings the window forward', async () => {
    const { fake } = await running();
    fake.app.emit('second-instance', {}, ['/usr/bin/logscope'], '/srv', { logscopeFiles: [] });
    expect(fake.engine.sent('import')).toEqual([]);
    expect(fake.window.focused).toBe(true);
  });

  it('files on the first launch command line are imported once the engine is ready', async () => {
    const { fake } = await started({
      process: {
        argv: ['/opt/electron', '--inspect', '.', 'app.log'],
        defaultApp: true,
        cwd: '/work',
        platform: 'linux',
      },
    });
    expect(fake.engine.sent('import')).toEqual([]);
    fake.engine.say({ type: 'ready' });
    expect(fake.engine.sent('import')).toEqual([{ type: 'import', paths: ['/work/app.log'] }]);
  });

  it('macOS open-file before ready is queued, not lost', async () => {
    const fake = new FakeElectron();
    const shell = startShell(
      fake.deps({ process: { argv: ['/Applications/LogScope'], defaultApp: false, cwd: '/', platform: 'darwin' } }),
    )!;
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    fake.app.emit('open-file', event, '/Users/u/app.log');
    expect(event.defaultPrevented).toBe(true);
    await shell.ready;
    fake.engine.say({ type: 'ready' });
    expect(fake.engine.sent('import')).toEqual([{ type: 'import', paths: ['/Users/u/app.log'] }]);
    expect(fake.windows).toHaveLength(1);
  });
});

describe('quitting', () => {
  it('asks the engine to shut down, waits for closed, then quits', async () => {
    const { fake } = await running();
    fake.engine.answersShutdown = false;
    fake.app.quit();
    expect(fake.app.quitted).toBe(false);
    expect(fake.engine.sent('shutdown')).toHaveLength(1);
    fake.app.quit(); // impatient second Cmd+Q: still waiting, no second shutdown
    expect(fake.engine.sent('shutdown')).toHaveLength(1);
    await flush();
    expect(fake.app.quitted).toBe(false);

    fake.timeline.push('engine:closed');
    fake.engine.say({ type: 'closed' });
    await flush();
    expect(fake.app.quitted).toBe(true);
    expect(fake.timeline.slice(-3)).toEqual(['engine:shutdown', 'engine:closed', 'app:quit']);
  });

  it('quits after the timeout when the engine does not answer, killing it first', async () => {
    vi.useFakeTimers();
    const { fake } = await running({ shutdownTimeoutMs: 3_000 });
    fake.engine.answersShutdown = false;
    fake.app.quit();
    vi.advanceTimersByTime(2_999);
    await flush();
    expect(fake.app.quitted).toBe(false);
    vi.advanceTimersByTime(1);
    await flush();
    expect(fake.timeline.slice(-3)).toEqual(['engine:shutdown', 'engine:killed', 'app:quit']);
  });

  it('quits at once when the engine is not running', async () => {
    vi.useFakeTimers();
    const { fake } = await started({ restartPolicy: { backoffMs: [10], maxCrashes: 1 } });
    fake.engine.crash(1);
    fake.app.quit();
    await flush();
    expect(fake.app.quitted).toBe(true);
    expect(fake.engine.sent('shutdown')).toEqual([]);
  });

  it('closing the last window quits on Linux and Windows, not on macOS', async () => {
    const linux = await running();
    linux.fake.window.close();
    linux.fake.app.emit('window-all-closed');
    await flush();
    expect(linux.fake.app.quitted).toBe(true);

    const mac = await started({ process: { argv: ['/x'], defaultApp: false, cwd: '/', platform: 'darwin' } });
    mac.fake.window.close();
    mac.fake.app.emit('window-all-closed');
    await flush();
    expect(mac.fake.app.quitted).toBe(false);
    mac.fake.app.emit('activate');
    expect(mac.fake.windows).toHaveLength(2);
  });
});

describe('platform details', () => {
  it('APP_ID is the appId electron-builder installs the app under', () => {
    const yml = readFileSync(fileURLToPath(new URL('../../electron-builder.yml', import.meta.url)), 'utf8');
    expect(/^appId:\s*(\S+)/m.exec(yml)?.[1]).toBe(APP_ID);
  });

  it('sets the Windows AppUserModelID to the appId, or notifications do not show', async () => {
    const win = await started({
      process: { argv: ['C:\\LogScope.exe'], defaultApp: false, cwd: 'C:\\', platform: 'win32' },
    });
    expect(win.fake.app.userModelId).toBe(APP_ID);
    const linux = await started();
    expect(linux.fake.app.userModelId).toBeNull();
  });
});
