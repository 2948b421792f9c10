/**
 * The application menu, as a template (a plain array) built from what the shell can do.
 * index.ts turns it into a native menu with Menu.buildFromTemplate; tests read it as data
 * and click its items.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ThemeSetting } from '../shared/settings';
import path from 'node:path';

export const DOCS_URL = 'https://github.com/logscope/logscope#readme';
export const ISSUES_URL = 'https://github.com/logscope/logscope/issues';

export interface MenuActions {
  openFiles(): void;
  openFolder(): void;
  followFile(): void;
  openRecent(file: string): void;
  clearRecent(): void;
  openSettings(): void;
  setTheme(theme: ThemeSetting): void;
  openDocs(): void;
  reportIssue(): void;
  about(): void;
}

export interface MenuContext {
  platform: NodeJS.Platform;
  appName: string;
  recent: readonly string[];
  theme: ThemeSetting;
  /** Developer tools in the View menu: only when not packaged. */
  devTools: boolean;
  actions: MenuActions;
}

const THEMES: { theme: ThemeSetting; label: string }[] = [
  { theme: 'system', label: 'Follow System' },
  { theme: 'light', label: 'Light' },
  { theme: 'dark', label: 'Dark' },
];

/** `/home/u/logs/app.log` as `app.log — /home/u/logs`: the name first, where it is after. */
export function recentLabel(file: string): string {
  const name = path.basename(file) || file;
  const where = path.dirname(file);
  const label = where && where !== file ? `${name} — ${where}` : name;
  // A label with & would be read as an access key on Windows and Linux.
  return label.replace(/&/g, '&&');
}

export function buildMenuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  const a = ctx.actions;

  const recent: MenuItemConstructorOptions[] =
    ctx.recent.length === 0
      ? [{ label: 'No Recent Files', enabled: false }]
      : [
          ...ctx.recent.map((file) => ({ label: recentLabel(file), click: () => a.openRecent(file) })),
          { type: 'separator' as const },
          { label: 'Clear Recent', click: () => a.clearRecent() },
        ];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open Files…', accelerator: 'CmdOrCtrl+O', click: () => a.openFiles() },
      { label: 'Open Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => a.openFolder() },
      { label: 'Follow File…', accelerator: 'CmdOrCtrl+Shift+F', click: () => a.followFile() },
      { label: 'Open Recent', submenu: recent },
      { type: 'separator' },
      ...(mac
        ? [{ role: 'close' as const }]
        : [
            { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => a.openSettings() },
            { type: 'separator' as const },
            { role: 'quit' as const },
          ]),
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      {
        label: 'Theme',
        submenu: THEMES.map(({ theme, label }) => ({
          label,
          type: 'radio' as const,
          checked: ctx.theme === theme,
          click: () => a.setTheme(theme),
        })),
      },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(ctx.devTools ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [
      { label: `${ctx.appName} Documentation`, click: () => a.openDocs() },
      { label: 'Report an Issue', click: () => a.reportIssue() },
      ...(mac ? [] : [{ type: 'separator' as const }, { label: `About ${ctx.appName}`, click: () => a.about() }]),
    ],
  };

  if (!mac) return [file, edit, view, help];

  const appMenu: MenuItemConstructorOptions = {
    label: ctx.appName,
    submenu: [
      { label: `About ${ctx.appName}`, click: () => a.about() },
      { type: 'separator' },
      { label: 'Settings…', accelerator: 'Cmd+,', click: () => a.openSettings() },
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
  return [appMenu, file, edit, view, { role: 'windowMenu' }, help];
}

/** The text of Help ▸ About: the versions a bug report needs. */
export function aboutDetail(versions: {
  app: string;
  electron?: string;
  chrome?: string;
  node?: string;
  v8?: string;
  platform: string;
  arch: string;
}): string {
  return [
    `Version ${versions.app}`,
    `Electron ${versions.electron ?? '?'}`,
    `Chromium ${versions.chrome ?? '?'}`,
    `Node.js ${versions.node ?? '?'}`,
    `V8 ${versions.v8 ?? '?'}`,
    `${versions.platform} ${versions.arch}`,
  ].join('\n');
}
