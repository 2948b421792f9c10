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
  MessageChannelMain,
  Notification,
  session,
  shell,
  utilityProcess,
} from 'electron';
import { startShell } from './shell';

// out/main; the preload, the renderer and the engine are built beside it.
const here = path.dirname(fileURLToPath(import.meta.url));

startShell({
  app,
  createWindow: (options) => new BrowserWindow(options),
  defaultSession: () => session.defaultSession,
  ipcMain,
  openExternal: (url) => shell.openExternal(url),
  Notification,
  showMessageBox: (options) => dialog.showMessageBox(options),
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
