/**
 * The preload (built to out/preload/index.cjs). It runs sandboxed, so it is CommonJS and
 * may only use electron's renderer modules; the work is in bridge.ts.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { installPreload } from './bridge';

installPreload({ contextBridge, ipcRenderer, webUtils }, window);
