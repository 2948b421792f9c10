import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_FILE } from '../paths';

/** What a running engine tells other processes on the same data folder. */
export interface EngineInfo {
  pid: number;
  port: number;
  token: string;
  startedAt: number;
}

export function writeEngineFile(dataDir: string, info: EngineInfo): void {
  // Only this user may read it: the token opens the engine.
  writeFileSync(join(dataDir, ENGINE_FILE), JSON.stringify(info), { mode: 0o600 });
}

export function removeEngineFile(dataDir: string, pid = process.pid): void {
  const info = readEngineFile(dataDir);
  if (info && info.pid === pid) rmSync(join(dataDir, ENGINE_FILE), { force: true });
}

/** The engine file if one is there and its process is alive; null otherwise. */
export function readEngineFile(dataDir: string): EngineInfo | null {
  let info: EngineInfo;
  try {
    info = JSON.parse(readFileSync(join(dataDir, ENGINE_FILE), 'utf8')) as EngineInfo;
  } catch {
    return null;
  }
  if (typeof info?.pid !== 'number' || typeof info.port !== 'number' || typeof info.token !== 'string') return null;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return null;
  }
  return info;
}
