/**
 * Electron main entry (built to out/main/index.js). The only module of src/main that
 * imports 'electron' at run time: it hands the real pieces to startShell, which is where
 * the behaviour lives and is tested.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  nativeImage,
  Notification,
  screen,
  session,
  shell,
  Tray,
  utilityProcess,
} from 'electron';
import { startShell } from './shell';
import type { TrayLike } from './tray';

// out/main; the preload, the renderer and the engine are built beside it.
const here = path.dirname(fileURLToPath(import.meta.url));

/** resources/icons is packaged with the app (electron-builder.yml `files`) for the tray. */
function trayIconPath(): string {
  // macOS menu bar icons are 16 pt (22 px with padding); elsewhere 32 px scales down well.
  const size = process.platform === 'darwin' ? '16x16' : '32x32';
  return path.join(app.getAppPath(), 'resources', 'icons', `${size}.png`);
}

function createTray(): TrayLike | null {
  const icon = nativeImage.createFromPath(trayIconPath());
  if (icon.isEmpty()) return null;
  const tray = new Tray(icon);
  return {
    setToolTip: (text) => tray.setToolTip(text),
    setTitle: (title) => tray.setTitle(title),
    setContextMenu: (template) => tray.setContextMenu(Menu.buildFromTemplate(template)),
    on: (event, listener) => tray.on(event, listener),
    destroy: () => tray.destroy(),
  };
}

startShell({
  app,
  createWindow: (options) => new BrowserWindow(options),
  defaultSession: () => session.defaultSession,
  ipcMain,
  openExternal: (url) => shell.openExternal(url),
  Notification,
  showMessageBox: (options) => dialog.showMessageBox(options),
  showOpenDialog: (options) => dialog.showOpenDialog(options),
  setApplicationMenu: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
  createTray,
  workAreas: () => screen.getAllDisplays().map((display) => display.workArea),
  userDataDir: app.getPath('userData'),
  versions: process.versions,
  devTools: !app.isPackaged,
  forkEngine: () =>
    utilityProcess.fork(path.join(here, '../engine/utility.js'), ['--data', app.getPath('userData')], {
      serviceName: 'LogScope engine',
    }),
  createChannel: () => new MessageChannelMain(),
  paths: {
    preload: path.join(here, '../preload/index.cjs'),
    renderer: path.join(here, '../renderer/index.html'),
  },
  process: {
    argv: process.argv,
    defaultApp: process.defaultApp === true,
    cwd: process.cwd(),
    platform: process.platform,
  },
});
