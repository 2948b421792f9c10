/**
 * What the preload does, with Electron passed in so tests can drive it.
 *
 * 1. The engine port: main sends the window's end of a MessageChannel on
 *    ENGINE_PORT_CHANNEL; MessagePorts cannot cross contextBridge, so it is posted into
 *    the page with window.postMessage (PAGE_PORT_MESSAGE, port in event.ports[0]).
 * 2. Page commands (the app menu, a clicked notification): main sends one plain object
 *    on PAGE_COMMAND_CHANNEL; it is posted into the page as `{kind, command}`, and the
 *    page validates it before acting (src/shared/page-commands.ts).
 * 3. `window.logscopeShell`: isDesktop, pathForFile, openExternal. Nothing else, and
 *    never ipcRenderer itself: the page can only do what these functions do.
 */
import {
  ENGINE_PORT_CHANNEL,
  OPEN_EXTERNAL_CHANNEL,
  PAGE_COMMAND_CHANNEL,
  PAGE_COMMAND_KIND,
  PAGE_PORT_MESSAGE,
  isExternalHttpUrl,
  type LogscopeShell,
} from '../main/shell-contract';

export interface PortEvent {
  ports: readonly MessagePort[];
}

export interface PreloadElectron {
  contextBridge: { exposeInMainWorld(apiKey: string, api: LogscopeShell): void };
  ipcRenderer: {
    on(channel: string, listener: (event: PortEvent, ...args: unknown[]) => void): unknown;
    send(channel: string, ...args: unknown[]): void;
  };
  webUtils: { getPathForFile(file: File): string };
}

export interface PageWindow {
  postMessage(message: unknown, targetOrigin: string, transfer?: Transferable[]): void;
  addEventListener(type: 'load', listener: () => void, options?: { once?: boolean }): void;
  readonly document: { readonly readyState: string };
}

/**
 * Only main may hand us a port. Since Electron 28 nothing but main can send to
 * ipcRenderer (ipcRenderer.sendTo is gone); older versions marked messages from another
 * renderer with a non-zero senderId, so refuse those in case this ever runs on one.
 */
export function isFromMain(event: object): boolean {
  const senderId = (event as { senderId?: unknown }).senderId;
  return senderId === undefined || senderId === 0;
}

export function isPortFromMain(event: PortEvent): boolean {
  return isFromMain(event) && event.ports.length === 1;
}

/** A plain object with a string `type`: the page checks the rest. */
function looksLikeCommand(value: unknown): value is { type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export function installPreload(electron: PreloadElectron, page: PageWindow): void {
  const { contextBridge, ipcRenderer, webUtils } = electron;

  // The page registers its listener while its scripts run; posting before `load` could
  // reach a page that is not listening yet.
  const loaded = new Promise<void>((resolve) => {
    if (page.document.readyState === 'complete') resolve();
    else page.addEventListener('load', () => resolve(), { once: true });
  });

  ipcRenderer.on(ENGINE_PORT_CHANNEL, (event) => {
    if (!isPortFromMain(event)) return;
    const port = event.ports[0]!;
    void loaded.then(() => page.postMessage({ ...PAGE_PORT_MESSAGE }, '*', [port]));
  });

  ipcRenderer.on(PAGE_COMMAND_CHANNEL, (event, command) => {
    if (!isFromMain(event) || !looksLikeCommand(command)) return;
    void loaded.then(() => page.postMessage({ kind: PAGE_COMMAND_KIND, command }, '*'));
  });

  const api: LogscopeShell = {
    isDesktop: true,
    pathForFile: (file: File) => webUtils.getPathForFile(file),
    openExternal: (url: string) => {
      if (isExternalHttpUrl(url)) ipcRenderer.send(OPEN_EXTERNAL_CHANNEL, url);
    },
  };
  contextBridge.exposeInMainWorld('logscopeShell', api);
}
