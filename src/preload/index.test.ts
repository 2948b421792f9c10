/**
 * The preload entry against a fake 'electron' module (vi.mock) and a fake window: it
 * must wire electron's real renderer modules into installPreload and nothing more.
 */
import { EventEmitter } from 'node:events';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => {
  const ipc = new EventEmitter();
  const exposed = new Map<string, unknown>();
  return {
    __exposed: exposed,
    __ipc: ipc,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: { on: (c: string, l: (...a: unknown[]) => void) => ipc.on(c, l), send: vi.fn() },
    webUtils: { getPathForFile: () => '/p' },
  };
});

const posted: unknown[] = [];
vi.stubGlobal('window', {
  document: { readyState: 'complete' },
  postMessage: (message: unknown, _origin: string, transfer: unknown[]) => posted.push({ message, transfer }),
  addEventListener: () => {},
});
afterAll(() => {
  vi.unstubAllGlobals();
});

describe('preload entry (index.ts) with a fake electron module', () => {
  it('exposes logscopeShell and forwards engine ports into the page', async () => {
    const electron = (await import('electron')) as unknown as { __exposed: Map<string, unknown>; __ipc: EventEmitter };
    await import('./index');
    expect([...electron.__exposed.keys()]).toEqual(['logscopeShell']);
    const { port1 } = new MessageChannel();
    electron.__ipc.emit('logscope:engine-port', { ports: [port1] });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(posted).toEqual([{ message: { kind: 'logscope-engine-port' }, transfer: [port1] }]);
    port1.close();
  });
});
