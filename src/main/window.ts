/**
 * The main window and the guards every web contents gets.
 *
 * The renderer shows log lines written by other programs, so it is treated as something
 * that may one day run hostile content: no Node, a sandbox, context isolation, no way to
 * navigate away or open windows, and links leave through the system browser only.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { isExternalHttpUrl } from './shell-contract';

/** Locked-down preferences; each line is a door we keep shut. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    // The page and the preload live in separate JavaScript worlds.
    contextIsolation: true,
    // The renderer is an ordinary Chromium sandboxed process; the preload only gets
    // electron's renderer modules.
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    // <webview> would be a way to embed remote content with its own preferences.
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    // Dropping a file must reach the drop zone, never replace the page.
    navigateOnDragDrop: false,
    // A page that opens dialogs in a loop can be stopped.
    safeDialogs: true,
    spellcheck: false,
  };
}

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'LogScope',
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 500,
    // Shown on ready-to-show, so the user never sees an empty white frame.
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** The parts of WebContents the guards touch. Electron's WebContents satisfies it. */
export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void; url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Every navigation and every new window is refused. An http(s) link the user clicked
 * opens in the system browser instead; other schemes go nowhere.
 */
export function guardWebContents(contents: GuardedContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    if (isExternalHttpUrl(event.url)) openExternal(event.url);
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalHttpUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
  // webviewTag is off; this also catches any contents where someone turns it on.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
