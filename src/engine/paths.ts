import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The data folder, where Electron's `app.getPath('userData')` puts it for a product
 * named LogScope, so the desktop app, `logscope serve` and the CLI share one database
 * unless told otherwise with --data.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LOGSCOPE_DATA) return env.LOGSCOPE_DATA;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'LogScope');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'LogScope');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'LogScope');
}

export const DB_FILE = 'logscope.duckdb';
/** Written by a running engine: how the CLI reaches it instead of opening a locked file. */
export const ENGINE_FILE = 'engine.json';
