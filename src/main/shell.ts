/**
 * The desktop shell's lifecycle, wired from the small modules beside it: single instance,
 * window, guards, CSP, permissions, IPC, engine supervision, notifications, quitting.
 *
 * Everything Electron provides comes in through `ShellDeps`; only index.ts imports
 * 'electron'. Tests pass fakes, and index.ts passes the real module, so tsc checks that
 * Electron's real types fit these interfaces.
 */
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, MessageBoxOptions, MessagePortMain } from 'electron';
import { installContentSecurityPolicy, type HeaderSession } from './csp';
import { EngineSupervisor, type EngineProcess, type GiveUpInfo, type RestartPolicy } from './engine-supervisor';
import { registerShellIpc, type IpcMainLike } from './ipc';
import { filesFromArgv, filesFromSecondInstance, handOverData } from './launch-files';
import { showNotification, type NotificationApi } from './notifications';
import { installPermissionPolicy, type PermissionSession } from './permissions';
import { installQuitSequence } from './quit-sequence';
import { ENGINE_PORT_CHANNEL } from './shell-contract';
import { guardWebContents, mainWindowOptions, type GuardedContents } from './window';

/** Also electron-builder's appId: Windows matches notifications to the installed app by it. */
export const APP_ID = 'dev.logscope.app';

/** How long quitting waits for the engine's `closed` before killing it. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void; url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'did-start-loading', listener: () => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  postMessage(channel: string, message: unknown, transfer?: MessagePortMain[]): void;
}

export interface WindowLike {
  readonly webContents: WebContentsLike;
  loadFile(filePath: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
}

export interface AppLike {
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean;
  whenReady(): Promise<unknown>;
  quit(): void;
  setAppUserModelId(id: string): void;
  on(
    event: 'second-instance',
    listener: (event: unknown, argv: string[], workingDirectory: string, additionalData: unknown) => void,
  ): unknown;
  on(event: 'open-file', listener: (event: { preventDefault(): void }, path: string) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): unknown;
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
}

export interface ShellDeps {
  app: AppLike;
  createWindow(options: BrowserWindowConstructorOptions): WindowLike;
  /** session.defaultSession, which exists only once the app is ready. */
  defaultSession(): HeaderSession & PermissionSession;
  ipcMain: IpcMainLike;
  openExternal(url: string): Promise<void>;
  Notification: NotificationApi;
  showMessageBox(options: MessageBoxOptions): Promise<{ response: number }>;
  forkEngine(): EngineProcess;
  createChannel(): { port1: MessagePortMain; port2: MessagePortMain };
  paths: { preload: string; renderer: string };
  process: { argv: readonly string[]; defaultApp: boolean; cwd: string; platform: NodeJS.Platform };
  restartPolicy?: Partial<RestartPolicy>;
  shutdownTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface Shell {
  readonly supervisor: EngineSupervisor;
  /** Resolves once the window exists and the engine is starting. */
  readonly ready: Promise<void>;
  window(): WindowLike | null;
}

/** Starts the shell, or returns null when another instance already runs (and got our files). */
export function startShell(deps: ShellDeps): Shell | null {
  const { app } = deps;
  const log = deps.log ?? ((message: string) => console.warn(`[main] ${message}`));
  const launchFiles = filesFromArgv(deps.process.argv, { defaultApp: deps.process.defaultApp, cwd: deps.process.cwd });

  // The first instance receives our files through its 'second-instance' event.
  if (!app.requestSingleInstanceLock({ ...handOverData(launchFiles) })) {
    app.quit();
    return null;
  }
  if (deps.process.platform === 'win32') app.setAppUserModelId(APP_ID);

  const rendererUrl = pathToFileURL(deps.paths.renderer).href;
  let appReady = false;
  let win: WindowLike | null = null;
  /** True between the page's did-finish-load and the next load starting. */
  let pageLoaded = false;

  const openExternal = (url: string) => {
    deps.openExternal(url).catch((error: unknown) => log(`could not open a link: ${String(error)}`));
  };

  const supervisor = new EngineSupervisor({
    fork: deps.forkEngine,
    createChannel: deps.createChannel,
    onReady: () => connectWindow(),
    onNotify: (message) => showNotification(deps.Notification, message, revealWindow),
    onGiveUp: (info) => void reportGiveUp(info),
    policy: deps.restartPolicy,
    log: (message) => log(`engine ${message}`),
  });

  /** A fresh port for the page, once both the page and the engine are ready. */
  function connectWindow(): void {
    if (!win || win.isDestroyed() || !pageLoaded) return;
    const port = supervisor.connect();
    if (port) win.webContents.postMessage(ENGINE_PORT_CHANNEL, null, [port]);
  }

  function openWindow(): WindowLike {
    const created = deps.createWindow(mainWindowOptions(deps.paths.preload));
    win = created;
    pageLoaded = false;
    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      if (win === created) win = null;
    });
    // A reload replaces the page and its port: hand the new page a new one.
    created.webContents.on('did-start-loading', () => {
      if (win === created) pageLoaded = false;
    });
    created.webContents.on('did-finish-load', () => {
      if (win !== created) return;
      pageLoaded = true;
      connectWindow();
    });
    created.loadFile(deps.paths.renderer).catch((error: unknown) => log(`could not load the UI: ${String(error)}`));
    return created;
  }

  function revealWindow(): void {
    if (!appReady) return;
    const target = win && !win.isDestroyed() ? win : openWindow();
    if (target.isMinimized()) target.restore();
    target.show();
    target.focus();
  }

  async function reportGiveUp(info: GiveUpInfo): Promise<void> {
    const exit = info.lastExitCode === null ? 'it could not be started' : `last exit code ${info.lastExitCode}`;
    const { response } = await deps.showMessageBox({
      type: 'error',
      title: 'LogScope',
      message: 'The LogScope engine keeps stopping',
      detail:
        `It stopped ${info.crashes} times in a row (${exit}) and is no longer restarted. ` +
        'Search, imports and receivers are unavailable until it runs again.',
      buttons: ['Restart engine', 'Quit LogScope', 'Not now'],
      defaultId: 0,
      cancelId: 2,
      noLink: true,
    });
    if (response === 0) supervisor.retry();
    else if (response === 1) app.quit();
  }

  supervisor.importFiles(launchFiles);

  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    supervisor.importFiles(filesFromSecondInstance(argv, workingDirectory, additionalData, deps.process.defaultApp));
    revealWindow();
  });
  // macOS delivers "open with" and drops on the Dock icon here, not in argv; it can
  // arrive before ready, so the files wait in the supervisor's queue.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    supervisor.importFiles([file]);
    revealWindow();
  });
  // Every web contents, ours or any other, gets the navigation and window guards.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, openExternal));
  installQuitSequence(app, () => supervisor.stop(deps.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS), log);
  app.on('window-all-closed', () => {
    // On macOS an app lives on without windows (and the engine keeps receiving logs).
    if (deps.process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (appReady && !win) openWindow();
  });

  const ready = app.whenReady().then(() => {
    appReady = true;
    const session = deps.defaultSession();
    installContentSecurityPolicy(session);
    installPermissionPolicy(session, (contents) => win !== null && contents === win.webContents);
    registerShellIpc(deps.ipcMain, {
      trustedPage: () => ({ contents: win && !win.isDestroyed() ? win.webContents : null, url: rendererUrl }),
      openExternal,
      log,
    });
    openWindow();
    supervisor.start();
  });

  return { supervisor, ready, window: () => win };
}
