/**
 * A fake of the Electron main-process pieces the shell uses, for tests only (nothing
 * else imports it, so it is never bundled). Each fake records what was done to it and
 * lets a test play the other side: load a page, send IPC, make the engine say something
 * or crash, quit the app.
 *
 * It follows Electron's behaviour where the shell depends on it: creating a window emits
 * the app's 'web-contents-created'; app.quit() emits 'before-quit' and only quits if no
 * listener called preventDefault().
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  BrowserWindowConstructorOptions,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  MessagePortMain,
  OpenDialogOptions,
} from 'electron';
import type { MainToEngine } from '../shared/engine-messages';
import type { ShellDeps } from './shell';
import type { TrayLike } from './tray';
import type { Rect } from './window-state';

/** Temporary user data folders made by fakes; `removeFakeDirs` deletes them. */
const fakeDirs: string[] = [];

export function removeFakeDirs(): void {
  for (const dir of fakeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Prevented {
  defaultPrevented: boolean;
  preventDefault(): void;
}

function preventable<T extends object>(fields: T): T & Prevented {
  const event = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

/** A stand-in MessagePortMain; tests only compare identities. */
export interface FakePort {
  readonly name: string;
}

export class FakeApp extends EventEmitter {
  lockGranted = true;
  lockData: unknown = undefined;
  quitRequests = 0;
  quitted = false;
  userModelId: string | null = null;
  badge = 0;
  /** Whether setBadgeCount works here (macOS, Unity); false on Windows and most Linux desktops. */
  badgeSupported = true;
  readonly recentDocuments: string[] = [];

  constructor(private readonly timeline: string[]) {
    super();
  }

  getVersion(): string {
    return '0.1.0';
  }

  setBadgeCount(count = 0): boolean {
    if (!this.badgeSupported) return false;
    this.badge = count;
    return true;
  }

  addRecentDocument(file: string): void {
    this.recentDocuments.push(file);
  }

  clearRecentDocuments(): void {
    this.recentDocuments.length = 0;
  }

  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    this.lockData = additionalData;
    return this.lockGranted;
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  setAppUserModelId(id: string): void {
    this.userModelId = id;
  }

  getPath(name: string): string {
    return `/fake/${name}`;
  }

  quit(): void {
    this.quitRequests++;
    const event = preventable({});
    this.emit('before-quit', event);
    if (!event.defaultPrevented && !this.quitted) {
      this.quitted = true;
      this.timeline.push('app:quit');
    }
  }
}

export class FakeFrame {
  parent: FakeFrame | null = null;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  readonly posted: { channel: string; message: unknown; transfer: FakePort[] }[] = [];
  /** webContents.send calls: page commands. */
  readonly sent: { channel: string; args: unknown[] }[] = [];
  readonly mainFrame = new FakeFrame('about:blank');

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  postMessage(channel: string, message: unknown, transfer?: MessagePortMain[]): void {
    this.posted.push({ channel, message, transfer: (transfer ?? []) as unknown as FakePort[] });
  }

  /** The page (re)loads `url`: did-start-loading, then did-finish-load. */
  load(url: string): void {
    this.emit('did-start-loading');
    this.mainFrame.url = url;
    this.emit('did-finish-load');
  }

  /** The page tries to navigate; returns the event so a test can see if it was refused. */
  navigate(url: string): Prevented {
    const event = preventable({ url });
    this.emit('will-navigate', event);
    return event;
  }

  attachWebview(): Prevented {
    const event = preventable({});
    this.emit('will-attach-webview', event, {}, {});
    return event;
  }
}

export class FakeWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  loadedFile: string | null = null;
  visible = false;
  focused = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  bounds: Rect;

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    this.bounds = { x: options.x ?? 100, y: options.y ?? 100, width: options.width ?? 800, height: options.height ?? 600 };
  }

  getNormalBounds(): Rect {
    return { ...this.bounds };
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  maximize(): void {
    this.maximized = true;
    this.emit('maximize');
  }

  /** The person moved or resized the window. */
  setBounds(bounds: Rect): void {
    this.bounds = bounds;
    this.emit('move');
    this.emit('resize');
  }

  loadFile(filePath: string): Promise<void> {
    this.loadedFile = filePath;
    return Promise.resolve();
  }

  show(): void {
    this.visible = true;
  }

  focus(): void {
    this.focused = true;
  }

  restore(): void {
    this.minimized = false;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  close(): void {
    this.emit('close');
    this.destroyed = true;
    this.emit('closed');
  }
}

export class FakeTray extends EventEmitter implements TrayLike {
  toolTip = '';
  title = '';
  menu: MenuItemConstructorOptions[] = [];
  destroyed = false;

  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }

  setTitle(title: string): void {
    this.title = title;
  }

  setContextMenu(template: MenuItemConstructorOptions[]): void {
    this.menu = template;
  }

  destroy(): void {
    this.destroyed = true;
  }
}

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export class FakeSession {
  headersListener: HeadersListener | null = null;
  permissionRequestHandler:
    ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: ((contents: unknown, permission: string) => boolean) | null = null;

  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };

  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void {
    this.permissionCheckHandler = handler;
  }

  /** What a permission request gets answered with. */
  request(contents: unknown, permission: string): boolean {
    let granted: boolean | null = null;
    this.permissionRequestHandler?.(contents, permission, (answer) => (granted = answer));
    if (granted === null) throw new Error('the permission request was never answered');
    return granted;
  }
}

/** The utility process: records what main sends; a test makes it answer, exit or crash. */
export class FakeEngine extends EventEmitter {
  readonly received: { message: MainToEngine; transfer: FakePort[] }[] = [];
  killed = false;
  /** When true it answers `shutdown` like the real engine: `closed`, then exit 0. */
  answersShutdown = true;

  constructor(private readonly timeline: string[]) {
    super();
  }

  postMessage(message: MainToEngine, transfer?: MessagePortMain[]): void {
    this.received.push({ message, transfer: (transfer ?? []) as unknown as FakePort[] });
    this.timeline.push(`engine:${message.type}`);
    if (message.type === 'shutdown' && this.answersShutdown) {
      queueMicrotask(() => {
        this.timeline.push('engine:closed');
        this.say({ type: 'closed' });
        this.emit('exit', 0);
      });
    }
  }

  kill(): boolean {
    this.killed = true;
    this.timeline.push('engine:killed');
    queueMicrotask(() => this.emit('exit', 15));
    return true;
  }

  say(message: unknown): void {
    this.emit('message', message);
  }

  crash(code = 1): void {
    this.emit('exit', code);
  }

  sent<T extends MainToEngine['type']>(type: T): Extract<MainToEngine, { type: T }>[] {
    return this.received.map((r) => r.message).filter((m): m is Extract<MainToEngine, { type: T }> => m.type === type);
  }
}

export interface FakeNotificationInstance extends EventEmitter {
  readonly options: { title: string; body: string };
  shown: boolean;
  show(): void;
}

export function makeNotificationClass(supported = true) {
  const instances: FakeNotificationInstance[] = [];
  class FakeNotification extends EventEmitter implements FakeNotificationInstance {
    shown = false;
    static isSupported(): boolean {
      return supported;
    }
    constructor(readonly options: { title: string; body: string }) {
      super();
      instances.push(this);
    }
    show(): void {
      this.shown = true;
    }
  }
  return { Notification: FakeNotification, instances };
}

/** All the fakes, wired into a ShellDeps; override any part with `overrides`. */
export class FakeElectron {
  readonly timeline: string[] = [];
  readonly app = new FakeApp(this.timeline);
  readonly session = new FakeSession();
  readonly ipcMain = new EventEmitter();
  readonly windows: FakeWindow[] = [];
  readonly engines: FakeEngine[] = [];
  readonly opened: string[] = [];
  readonly messageBoxes: MessageBoxOptions[] = [];
  readonly notifications = makeNotificationClass();
  /** The button the next message box answers with. */
  messageBoxResponse = 2;
  /** What the next open dialog answers (null: cancelled). */
  dialogAnswer: string[] | null = null;
  readonly dialogs: OpenDialogOptions[] = [];
  readonly menus: MenuItemConstructorOptions[][] = [];
  /** Null: a desktop without a tray. */
  tray: FakeTray | null = new FakeTray();
  displays: Rect[] = [{ x: 0, y: 0, width: 1920, height: 1050 }];
  forkFails = false;
  private ports = 0;
  private dataDir: string | null = null;

  /** A real temporary folder (window-state.json and recent.json are real files). */
  get userDataDir(): string {
    if (!this.dataDir) {
      this.dataDir = mkdtempSync(path.join(tmpdir(), 'logscope-main-'));
      fakeDirs.push(this.dataDir);
    }
    return this.dataDir;
  }

  /** The last application menu set. */
  get menu(): MenuItemConstructorOptions[] {
    const last = this.menus.at(-1);
    if (!last) throw new Error('no application menu was set');
    return last;
  }

  get window(): FakeWindow {
    const last = this.windows.at(-1);
    if (!last) throw new Error('no window was created');
    return last;
  }

  get engine(): FakeEngine {
    const last = this.engines.at(-1);
    if (!last) throw new Error('the engine was never started');
    return last;
  }

  deps(overrides: Partial<ShellDeps> = {}): ShellDeps {
    return {
      app: this.app,
      createWindow: (options) => {
        const window = new FakeWindow(options);
        this.windows.push(window);
        this.app.emit('web-contents-created', preventable({}), window.webContents);
        return window;
      },
      defaultSession: () => this.session,
      ipcMain: this.ipcMain,
      openExternal: async (url) => {
        this.opened.push(url);
      },
      Notification: this.notifications.Notification,
      showMessageBox: async (options) => {
        this.messageBoxes.push(options);
        return { response: this.messageBoxResponse };
      },
      showOpenDialog: async (options) => {
        this.dialogs.push(options);
        return { canceled: this.dialogAnswer === null, filePaths: this.dialogAnswer ?? [] };
      },
      setApplicationMenu: (template) => void this.menus.push(template),
      createTray: () => this.tray,
      workAreas: () => this.displays,
      userDataDir: this.userDataDir,
      versions: { electron: '45.4.1', chrome: '142.0.0.0', node: '22.20.0', v8: '14.2' },
      forkEngine: () => {
        if (this.forkFails) throw new Error('spawn failed');
        const engine = new FakeEngine(this.timeline);
        this.engines.push(engine);
        return engine;
      },
      createChannel: () => {
        const n = ++this.ports;
        const port1: FakePort = { name: `port1#${n}` };
        const port2: FakePort = { name: `port2#${n}` };
        return { port1: port1 as unknown as MessagePortMain, port2: port2 as unknown as MessagePortMain };
      },
      paths: { preload: '/app/out/preload/index.cjs', renderer: '/app/out/renderer/index.html' },
      process: { argv: ['/usr/bin/logscope'], defaultApp: false, cwd: '/home/u', platform: 'linux' },
      log: () => {},
      ...overrides,
    };
  }

  /** An IPC event as Electron would build it for a message from `frame` of `contents`. */
  ipcEvent(contents: unknown, frame: FakeFrame | null): { sender: unknown; senderFrame: FakeFrame | null } {
    return { sender: contents, senderFrame: frame };
  }
}

/** Let queued microtasks and promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
