/**
 * `settings.json` in the LogScope folder (Electron's userData, or `--data` in headless
 * mode): read and validated when the engine starts, written whole and atomically when
 * the person changes something.
 *
 * A file that cannot be used is never half-used: the settings become the defaults, the
 * broken file is renamed to `settings.json.broken-<timestamp>` (so nothing the person
 * wrote is lost), a fresh default file takes its place, and `problem` says what was
 * wrong and where, for the UI to show.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, describeSettingsError, SettingsSchema, type Settings } from '../../shared/settings';

export const SETTINGS_FILE = 'settings.json';

export interface LoadedSettings {
  settings: Settings;
  file: string;
  /** Why the file was not used, for the person; null when it was (or did not exist). */
  problem: string | null;
  /** Where the broken file was kept, when there was one. */
  brokenCopy: string | null;
}

/** `2024-05-01T12-30-00-000Z`: sortable and valid in file names everywhere. */
export function brokenSuffix(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

export function settingsPath(dir: string): string {
  return join(dir, SETTINGS_FILE);
}

export function loadSettingsFile(dir: string, now: () => Date = () => new Date()): LoadedSettings {
  const file = settingsPath(dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { settings: DEFAULT_SETTINGS, file, problem: null, brokenCopy: null };
    return setAside(file, `${file} could not be read (${describeFsError(error)})`, now());
  }

  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return setAside(file, `${file} is not valid JSON: ${(error as Error).message}`, now());
  }
  const parsed = SettingsSchema.safeParse(json);
  if (!parsed.success) {
    return setAside(file, `${file} has invalid settings: ${describeSettingsError(parsed.error)}`, now());
  }
  return { settings: parsed.data, file, problem: null, brokenCopy: null };
}

/** Written to a temporary file and renamed over the old one: a crash leaves one or the other, whole. */
export function saveSettingsFile(dir: string, settings: Settings): string {
  const file = settingsPath(dir);
  mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  // The receivers' token is a secret: owner-only, like engine.json.
  writeFileSync(temp, `${JSON.stringify(SettingsSchema.parse(settings), null, 2)}\n`, { mode: 0o600 });
  try {
    chmodSync(temp, 0o600);
  } catch {
    // file systems without modes (FAT, some network shares)
  }
  renameSync(temp, file);
  return file;
}

function setAside(file: string, why: string, when: Date): LoadedSettings {
  const brokenCopy = `${file}.broken-${brokenSuffix(when)}`;
  let kept: string | null = brokenCopy;
  try {
    renameSync(file, brokenCopy);
  } catch (error) {
    kept = null;
    why += `; it could not be moved aside either (${describeFsError(error)})`;
  }
  let replaced = true;
  if (kept !== null) {
    try {
      saveSettingsFile(join(file, '..'), DEFAULT_SETTINGS);
    } catch {
      replaced = false;
    }
  }
  const tail =
    kept === null
      ? ' The default settings are in use.'
      : ` The default settings are in use${replaced ? '' : ' (not saved)'}; the broken file was kept as ${kept}.`;
  return { settings: DEFAULT_SETTINGS, file, problem: `${why}.${tail}`, brokenCopy: kept };
}

function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EISDIR') return 'it is a folder';
  return e.code ?? e.message;
}
