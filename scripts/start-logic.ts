/**
 * The decisions behind `npm start` (scripts/start.mjs): run the desktop app with Electron
 * where it can start, and headless mode (`logscope serve`) where it cannot, saying why in
 * one line. Pure functions over a probe of the machine, so they are tested without one.
 *
 * Why not simply `require('electron')`: since Electron 45 that call downloads the binary
 * when it is missing, synchronously and with no time limit, and throws with a stack trace
 * when it cannot. We look for the binary the way node_modules/electron/index.js does, and
 * run its install.js ourselves with a timeout.
 */
import path from 'node:path';

export interface MachineProbe {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** The installed electron package's folder, or null when it is not installed. */
  electronDir: string | null;
  exists(file: string): boolean;
  /** A file's text, or null when it cannot be read. */
  readText(file: string): string | null;
}

/** Platforms where Electron draws through X11 or Wayland and so needs a display server. */
const NEEDS_DISPLAY: ReadonlySet<NodeJS.Platform> = new Set([
  'linux',
  'freebsd',
  'openbsd',
  'netbsd' as NodeJS.Platform,
]);

/** Why there is no display to open a window on, or null when there is one (or none is needed). */
export function missingDisplay(platform: NodeJS.Platform, env: Record<string, string | undefined>): string | null {
  if (!NEEDS_DISPLAY.has(platform)) return null;
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set';
}

export type BinaryLookup = { found: true; binary: string } | { found: false; why: string };

/** Where the Electron binary is, mirroring node_modules/electron/index.js, without downloading. */
export function findElectronBinary(probe: MachineProbe): BinaryLookup {
  if (!probe.electronDir) return { found: false, why: 'the electron package is not installed' };
  const relative = probe.readText(path.join(probe.electronDir, 'path.txt'))?.trim() || null;
  const override = probe.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = path.join(override, relative ?? 'electron');
    return probe.exists(binary)
      ? { found: true, binary }
      : { found: false, why: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary at ${binary}` };
  }
  if (!relative) return { found: false, why: "Electron's binary has not been downloaded" };
  const binary = path.join(probe.electronDir, 'dist', relative);
  return probe.exists(binary)
    ? { found: true, binary }
    : { found: false, why: `Electron's binary is missing at ${binary}` };
}

export type DownloadOutcome = { ok: true } | { ok: false; why: string };

export type Launch =
  | { kind: 'electron'; binary: string }
  /** Run this install script (with a timeout), then decide again with its outcome. */
  | { kind: 'download'; installScript: string }
  | { kind: 'headless'; why: string };

/**
 * What to run. Call it once; if it says `download`, fetch and call it again with the
 * outcome: it never asks to download twice, so this cannot loop.
 */
export function chooseLaunch(probe: MachineProbe, download?: DownloadOutcome): Launch {
  if (probe.env.LOGSCOPE_HEADLESS) return { kind: 'headless', why: 'LOGSCOPE_HEADLESS is set' };
  const noDisplay = missingDisplay(probe.platform, probe.env);
  if (noDisplay) return { kind: 'headless', why: noDisplay };

  const lookup = findElectronBinary(probe);
  if (lookup.found) return { kind: 'electron', binary: lookup.binary };

  const installScript = probe.electronDir ? path.join(probe.electronDir, 'install.js') : null;
  const canDownload = installScript !== null && !probe.env.ELECTRON_OVERRIDE_DIST_PATH && probe.exists(installScript);
  if (download === undefined && canDownload) return { kind: 'download', installScript };
  if (download && !download.ok) {
    return { kind: 'headless', why: `Electron's binary is missing and could not be downloaded: ${download.why}` };
  }
  return { kind: 'headless', why: lookup.why };
}

/** The one line printed before falling back. */
export function headlessNotice(why: string): string {
  return `LogScope: cannot start the desktop app (${why}), so starting headless mode: open the URL below in a browser.`;
}

const ERROR_LINE = /^(?:[A-Z]\w*)?Error:\s*/;

/** A short reason from install.js's output: its error message, not its stack trace. */
export function downloadFailure(result: {
  code: number | null;
  signal: string | null;
  stderr: string;
  timedOutAfterMs: number | null;
}): string {
  if (result.timedOutAfterMs !== null) return `no answer within ${Math.round(result.timedOutAfterMs / 1000)} s`;
  const lines = result.stderr.split(/\r?\n/).map((line) => line.trim());
  // The error line itself, else any line that is neither a stack frame nor a Node warning.
  const message =
    lines.find((line) => ERROR_LINE.test(line)) ??
    lines.find((line) => line.length > 0 && !line.startsWith('at ') && !line.startsWith('(node:'));
  if (message) {
    const text = message.replace(ERROR_LINE, '');
    return text.length > 160 ? `${text.slice(0, 159)}…` : text;
  }
  if (result.signal) return `the download was stopped (${result.signal})`;
  return `install.js exited with code ${result.code ?? 'unknown'}`;
}

/** Default time allowed for fetching the binary (about 100 MB) on first launch. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 90_000;

/** LOGSCOPE_ELECTRON_DOWNLOAD_TIMEOUT (seconds) overrides the default; 0 skips the download. */
export function downloadTimeoutMs(env: Record<string, string | undefined>): number {
  const raw = env.LOGSCOPE_ELECTRON_DOWNLOAD_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : DEFAULT_DOWNLOAD_TIMEOUT_MS;
}

/** Electron's argv: the app folder, then the user's arguments (files to import). */
export function electronArgs(appDir: string, userArgs: readonly string[]): string[] {
  return [appDir, ...userArgs];
}

/**
 * The environment for Electron. ELECTRON_RUN_AS_NODE (set in VS Code's terminals and by
 * some tools) would make the binary behave as plain Node and never open a window.
 */
export function electronEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const result = { ...env };
  delete result.ELECTRON_RUN_AS_NODE;
  return result;
}

/** The headless command line: `node bin/logscope.js serve …`. */
export function headlessArgs(binScript: string, userArgs: readonly string[]): string[] {
  return [binScript, 'serve', ...userArgs];
}

/**
 * Signals to pass on to the child. Ctrl+C in a terminal already reaches the whole process
 * group, child included; sending it a second SIGINT would make Electron skip its
 * graceful quit (Chromium exits at once on the second one) and the engine's flush.
 */
export function signalsToForward(stdinIsTTY: boolean): NodeJS.Signals[] {
  return stdinIsTTY ? ['SIGTERM', 'SIGHUP'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
}

/** The exit code for our process when the child ended with `code` or `signal`. */
export function exitCodeOf(
  code: number | null,
  signal: NodeJS.Signals | null,
  signalNumbers: Record<string, number>,
): number {
  if (code !== null) return code;
  if (signal && signalNumbers[signal] !== undefined) return 128 + signalNumbers[signal];
  return 1;
}
