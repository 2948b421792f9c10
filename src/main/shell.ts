/**
 * The desktop shell's lifecycle, wired from the small modules beside it: single instance,
 * window, guards, CSP, permissions, IPC, engine supervision, notifications, quitting.
 *
 * Everything Electron provides comes in through `ShellDeps`; only index.ts imports
 * 'electron'. Tests pass fakes, and index.ts passes the real module, so tsc checks that
 * Electron's real types fit these interfaces.
 */
import { pathToFileURL } from 'node:url';
import type {
  BrowserWindowConstructorOptions,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  MessagePortMain,
  OpenDialogOptions,
} from 'electron';
import type { PageCommand } from '../shared/page-commands';
import type { NotificationSettings, ThemeSetting } from '../shared/settings';
import { installContentSecurityPolicy, type HeaderSession } from './csp';
import { EngineSupervisor, type EngineProcess, type GiveUpInfo, type RestartPolicy } from './engine-supervisor';
import { registerShellIpc, type IpcMainLike } from './ipc';
import { filesFromArgv, filesFromSecondInstance, handOverData } from './launch-files';
import { aboutDetail, buildMenuTemplate, DOCS_URL, ISSUES_URL } from './menu';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  showNotification,
  silencedBy,
  type NotificationApi,
  type NotificationRequest,
} from './notifications';
import { installPermissionPolicy, type PermissionSession } from './permissions';
import { installQuitSequence } from './quit-sequence';
import { RecentFiles } from './recent-files';
import { ENGINE_PORT_CHANNEL, PAGE_COMMAND_CHANNEL } from './shell-contract';
import { AlertIndicator, type TrayLike } from './tray';
import { guardWebContents, mainWindowOptions, type GuardedContents } from './window';
import {
  loadWindowState,
  restorableBounds,
  saveWindowState,
  trackWindowState,
  type Rect,
  type StatefulWindow,
} from './window-state';

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
  send(channel: string, ...args: unknown[]): void;
}

export interface WindowLike extends StatefulWindow {
  readonly webContents: WebContentsLike;
  loadFile(filePath: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed' | 'close' | 'resize' | 'move' | 'maximize' | 'unmaximize', listener: () => void): unknown;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  maximize(): void;
}

export interface AppLike {
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean;
  whenReady(): Promise<unknown>;
  quit(): void;
  setAppUserModelId(id: string): void;
  getVersion(): string;
  /** The dock (macOS) or launcher (Unity, KDE) badge; false where the desktop has none. */
  setBadgeCount(count?: number): boolean;
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
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
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  /** Menu.setApplicationMenu(Menu.buildFromTemplate(template)). */
  setApplicationMenu(template: MenuItemConstructorOptions[]): void;
  /** A tray icon, or null where the desktop has no tray; called once the app is ready. */
  createTray(): TrayLike | null;
  /** The work areas of the connected displays (screen.getAllDisplays()), once ready. */
  workAreas(): Rect[];
  /** app.getPath('userData'): window state and recent files live here. */
  userDataDir: string;
  /** process.versions, for Help ▸ About. */
  versions: Partial<Record<'electron' | 'chrome' | 'node' | 'v8', string>>;
  /** Reload and developer tools in the View menu. */
  devTools?: boolean;
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
  /** The tray and badge count (the engine sends it; tests call it). */
  setAlertCount(count: number): void;
  /** The menu as it is now (rebuilt when the recent files or the theme change). */
  menu(): MenuItemConstructorOptions[];
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
  /** Commands for a page that is still loading; sent when it has loaded. */
  let heldCommands: PageCommand[] = [];
  /** What the engine last said about the settings main acts on. */
  let notificationSettings: NotificationSettings = DEFAULT_NOTIFICATION_SETTINGS;
  let theme: ThemeSetting = 'system';
  let indicator: AlertIndicator | null = null;
  let currentMenu: MenuItemConstructorOptions[] = [];
  const recent = new RecentFiles(deps.userDataDir, log);

  const openExternal = (url: string) => {
    deps.openExternal(url).catch((error: unknown) => log(`could not open a link: ${String(error)}`));
  };

  const supervisor = new EngineSupervisor({
    fork: deps.forkEngine,
    createChannel: deps.createChannel,
    onReady: () => connectWindow(),
    onNotify: (request) => notify(request),
    onAlerts: (open) => indicator?.setCount(open),
    onSettings: (settings) => {
      notificationSettings = settings.notifications;
      if (settings.theme !== theme) {
        theme = settings.theme;
        refreshMenu();
      }
    },
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

  /** To the page now, or when it has loaded (a notification clicked while it starts). */
  function sendToPage(command: PageCommand): void {
    if (win && !win.isDestroyed() && pageLoaded) win.webContents.send(PAGE_COMMAND_CHANNEL, command);
    else heldCommands = [...heldCommands.slice(-9), command];
  }

  function openWindow(): WindowLike {
    const state = loadWindowState(deps.userDataDir, log);
    const bounds = restorableBounds(state, deps.workAreas());
    const created = deps.createWindow({ ...mainWindowOptions(deps.paths.preload), ...(bounds ?? {}) });
    win = created;
    pageLoaded = false;
    if (bounds && state?.maximized) created.maximize();
    trackWindowState(created, (next) => saveWindowState(deps.userDataDir, next), { log });
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
      const held = heldCommands;
      heldCommands = [];
      for (const command of held) created.webContents.send(PAGE_COMMAND_CHANNEL, command);
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

  function notify(request: NotificationRequest): void {
    const silenced = silencedBy(notificationSettings, request.topic);
    if (silenced) {
      log(`held a notification (${silenced}): ${request.title}`);
      return;
    }
    showNotification(deps.Notification, request, (clicked) => {
      revealWindow();
      if (clicked.target) sendToPage({ type: 'navigate', target: clicked.target });
    });
  }

  /** Files from the command line, the OS, a second launch or the File menu: one job. */
  function importPaths(paths: readonly string[]): void {
    if (paths.length === 0) return;
    supervisor.importFiles(paths);
    remember(paths);
  }

  function remember(paths: readonly string[]): void {
    // A drop of thousands of files is not thousands of recent entries.
    const kept = paths.slice(0, 10);
    recent.add(kept);
    for (const file of kept) {
      try {
        app.addRecentDocument(file);
      } catch (error) {
        log(`could not add a recent document: ${String(error)}`);
      }
    }
    refreshMenu();
  }

  async function pick(options: OpenDialogOptions): Promise<string[]> {
    try {
      const result = await deps.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    } catch (error) {
      log(`the open dialog failed: ${String(error)}`);
      return [];
    }
  }

  const LOG_FILTERS = [
    { name: 'Logs', extensions: ['log', 'txt', 'gz', 'json', 'jsonl', 'ndjson', 'out', 'err'] },
    { name: 'All Files', extensions: ['*'] },
  ];

  function refreshMenu(): void {
    if (!appReady) return;
    currentMenu = buildMenuTemplate({
      platform: deps.process.platform,
      appName: 'LogScope',
      recent: recent.items,
      theme,
      devTools: deps.devTools ?? false,
      actions: {
        openFiles: () =>
          void pick({ title: 'Open log files', properties: ['openFile', 'multiSelections'], filters: LOG_FILTERS }).then(
            importPaths,
          ),
        // A folder is one path: the engine walks it in one import job.
        openFolder: () =>
          void pick({ title: 'Open a folder of logs', properties: ['openDirectory'] }).then(importPaths),
        followFile: () =>
          void pick({ title: 'Follow log files', properties: ['openFile', 'multiSelections'], filters: LOG_FILTERS }).then(
            (paths) => {
              if (paths.length === 0) return;
              supervisor.followFiles(paths);
              remember(paths);
            },
          ),
        openRecent: (file) => importPaths([file]),
        clearRecent: () => {
          recent.clear();
          app.clearRecentDocuments();
          refreshMenu();
        },
        openSettings: () => {
          revealWindow();
          sendToPage({ type: 'navigate', target: { view: 'settings' } });
        },
        setTheme: (next) => {
          theme = next;
          sendToPage({ type: 'theme', theme: next });
          refreshMenu();
        },
        openDocs: () => openExternal(DOCS_URL),
        reportIssue: () => openExternal(ISSUES_URL),
        about: () =>
          void deps
            .showMessageBox({
              type: 'info',
              title: 'About LogScope',
              message: 'LogScope',
              detail: aboutDetail({
                app: app.getVersion(),
                ...deps.versions,
                platform: deps.process.platform,
                arch: process.arch,
              }),
              buttons: ['OK'],
              noLink: true,
            })
            .catch((error: unknown) => log(`could not show About: ${String(error)}`)),
      },
    });
    deps.setApplicationMenu(currentMenu);
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

  importPaths(launchFiles);

  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    importPaths(filesFromSecondInstance(argv, workingDirectory, additionalData, deps.process.defaultApp));
    revealWindow();
  });
  // macOS delivers "open with" and drops on the Dock icon here, not in argv; it can
  // arrive before ready, so the files wait in the supervisor's queue.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    importPaths([file]);
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
    refreshMenu();
    let tray: TrayLike | null = null;
    try {
      tray = deps.createTray();
    } catch (error) {
      log(`no tray icon: ${String(error)}`);
    }
    indicator = new AlertIndicator({
      appName: 'LogScope',
      platform: deps.process.platform,
      tray,
      setBadgeCount: (count) => app.setBadgeCount(count),
      show: revealWindow,
      quit: () => app.quit(),
    });
    openWindow();
    supervisor.start();
  });

  return {
    supervisor,
    ready,
    window: () => win,
    setAlertCount: (count) => indicator?.setCount(count),
    menu: () => currentMenu,
  };
}
