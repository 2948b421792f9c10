import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  ENGINE_PORT_CHANNEL,
  OPEN_EXTERNAL_CHANNEL,
  PAGE_COMMAND_CHANNEL,
  PAGE_PORT_MESSAGE,
  type LogscopeShell,
} from '../main/shell-contract';
import { installPreload, type PageWindow, type PortEvent, type PreloadElectron } from './bridge';

/** A fake of electron's renderer modules and of the page's window. */
function setup(readyState: 'loading' | 'complete' = 'loading') {
  const exposed = new Map<string, LogscopeShell>();
  const ipc = new EventEmitter();
  const sent: unknown[][] = [];
  const electron: PreloadElectron = {
    contextBridge: { exposeInMainWorld: (key, api) => exposed.set(key, api) },
    ipcRenderer: {
      on: (channel, listener) => ipc.on(channel, listener),
      send: (channel, ...args) => sent.push([channel, ...args]),
    },
    webUtils: { getPathForFile: (file) => `/dropped/${file.name}` },
  };
  const posted: { message: unknown; origin: string; transfer: unknown[] }[] = [];
  const loadListeners: (() => void)[] = [];
  const page: PageWindow & { fireLoad(): void } = {
    document: { readyState },
    postMessage: (message, origin, transfer) => posted.push({ message, origin, transfer: transfer ?? [] }),
    addEventListener: (_type, listener) => loadListeners.push(listener),
    fireLoad: () => loadListeners.splice(0).forEach((l) => l()),
  };
  installPreload(electron, page);
  const fromMain = (event: PortEvent & { senderId?: number }) => ipc.emit(ENGINE_PORT_CHANNEL, event);
  const port = () => new MessageChannel().port1 as unknown as MessagePort;
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { exposed, sent, posted, page, fromMain, port, tick, ipc };
}

describe('preload: window.logscopeShell', () => {
  it('exposes exactly isDesktop, pathForFile and openExternal, under logscopeShell only', () => {
    const { exposed } = setup();
    expect([...exposed.keys()]).toEqual(['logscopeShell']);
    const api = exposed.get('logscopeShell')!;
    expect(Object.keys(api).sort()).toEqual(['isDesktop', 'openExternal', 'pathForFile']);
    expect(api.isDesktop).toBe(true);
  });

  it('never hands out ipcRenderer or anything that can send on an arbitrary channel', () => {
    const { exposed, sent } = setup();
    const api = exposed.get('logscopeShell')! as unknown as Record<string, unknown>;
    for (const value of Object.values(api)) {
      expect(value).not.toHaveProperty('send');
      expect(value).not.toHaveProperty('on');
      expect(value).not.toHaveProperty('invoke');
    }
    (api.openExternal as (url: string) => void)('https://example.com');
    expect(sent).toEqual([[OPEN_EXTERNAL_CHANNEL, 'https://example.com']]);
  });

  it('pathForFile returns webUtils.getPathForFile', () => {
    const { exposed } = setup();
    expect(exposed.get('logscopeShell')!.pathForFile({ name: 'app.log' } as File)).toBe('/dropped/app.log');
  });

  it('openExternal sends http(s) URLs to main and drops everything else', () => {
    const { exposed, sent } = setup();
    const api = exposed.get('logscopeShell')!;
    for (const url of [
      'https://a.example/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-settings:',
      42 as unknown as string,
    ]) {
      api.openExternal(url);
    }
    api.openExternal('http://b.example/');
    expect(sent).toEqual([
      [OPEN_EXTERNAL_CHANNEL, 'https://a.example/'],
      [OPEN_EXTERNAL_CHANNEL, 'http://b.example/'],
    ]);
  });
});

describe('preload: engine port', () => {
  it('forwards the port into the page once it has loaded', async () => {
    const { fromMain, posted, page, port, tick } = setup('loading');
    const p = port();
    fromMain({ ports: [p] });
    await tick();
    expect(posted).toEqual([]);
    page.fireLoad();
    await tick();
    expect(posted).toEqual([{ message: PAGE_PORT_MESSAGE, origin: '*', transfer: [p] }]);
  });

  it('forwards at once when the page is already loaded, and every later port too', async () => {
    const { fromMain, posted, port, tick } = setup('complete');
    const [a, b] = [port(), port()];
    fromMain({ ports: [a] });
    fromMain({ ports: [b] });
    await tick();
    expect(posted.map((p) => p.transfer[0])).toEqual([a, b]);
    expect(posted.every((p) => (p.message as { kind: string }).kind === 'logscope-engine-port')).toBe(true);
  });

  it('ignores a message that did not come from main, or carries no port or several', async () => {
    const { fromMain, posted, port, tick } = setup('complete');
    fromMain({ ports: [port()], senderId: 7 });
    fromMain({ ports: [] });
    fromMain({ ports: [port(), port()] });
    await tick();
    expect(posted).toEqual([]);
  });

  it('listens on the engine-port and page-command channels only', async () => {
    const { ipc, posted, port, tick } = setup('complete');
    ipc.emit('engine-port-typo', { ports: [port()] });
    ipc.emit(OPEN_EXTERNAL_CHANNEL, { ports: [port()] });
    await tick();
    expect(posted).toEqual([]);
    expect(ipc.eventNames()).toEqual([ENGINE_PORT_CHANNEL, PAGE_COMMAND_CHANNEL]);
  });
});

describe('preload: page commands', () => {
  it('posts a command from main into the page, after load', async () => {
    const { ipc, posted, page, tick } = setup('loading');
    const command = { type: 'navigate', target: { view: 'settings' } };
    ipc.emit(PAGE_COMMAND_CHANNEL, { ports: [] }, command);
    await tick();
    expect(posted).toEqual([]);
    page.fireLoad();
    await tick();
    expect(posted).toEqual([{ message: { kind: 'logscope-page-command', command }, origin: '*', transfer: [] }]);
  });

  it('drops commands that are not objects with a type, or that did not come from main', async () => {
    const { ipc, posted, tick } = setup('complete');
    for (const command of [null, 'navigate', 42, [], { target: {} }, { type: 7 }]) {
      ipc.emit(PAGE_COMMAND_CHANNEL, { ports: [] }, command);
    }
    ipc.emit(PAGE_COMMAND_CHANNEL, { ports: [], senderId: 3 }, { type: 'theme', theme: 'dark' });
    await tick();
    expect(posted).toEqual([]);
  });
});
