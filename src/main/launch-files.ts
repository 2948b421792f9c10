/**
 * Files named on the command line: `logscope a.log b.log`, an OS "open with", or a
 * second launch while LogScope is already running (single-instance lock).
 */
import path from 'node:path';

export interface ArgvContext {
  /** process.defaultApp: started as `electron <app-dir> …`, so the first positional is the app. */
  defaultApp: boolean;
  /** Where relative paths are relative to: the working directory of that launch. */
  cwd: string;
}

/**
 * Absolute paths of the files in `argv` (a full argv, executable first). Switches are
 * skipped: Chromium appends its own (`--original-process-start-time=…`) to the argv a
 * second instance hands over. Whether a path exists is the engine's to judge.
 */
export function filesFromArgv(argv: readonly string[], context: ArgvContext): string[] {
  const positional = argv.slice(1).filter((arg) => arg.length > 0 && !arg.startsWith('-'));
  const files = context.defaultApp ? positional.slice(1) : positional;
  return files.map((file) => path.resolve(context.cwd, file));
}

/**
 * What a second instance passes to the first through requestSingleInstanceLock's
 * additionalData: its files, already resolved against its own working directory.
 */
export interface HandOver {
  logscopeFiles: string[];
}

export function handOverData(files: string[]): HandOver {
  return { logscopeFiles: files };
}

/**
 * The files a second launch asked for. Prefers the additionalData it sent (exact, already
 * absolute); falls back to parsing its argv when that is missing or malformed (e.g. the
 * second instance is an older build, or the platform dropped the data).
 */
export function filesFromSecondInstance(
  argv: readonly string[],
  workingDirectory: string,
  additionalData: unknown,
  defaultApp: boolean,
): string[] {
  if (isHandOver(additionalData)) return additionalData.logscopeFiles.filter((file) => path.isAbsolute(file));
  return filesFromArgv(argv, { defaultApp, cwd: workingDirectory });
}

function isHandOver(value: unknown): value is HandOver {
  if (typeof value !== 'object' || value === null) return false;
  const files = (value as { logscopeFiles?: unknown }).logscopeFiles;
  return Array.isArray(files) && files.every((file) => typeof file === 'string' && file.length > 0);
}
