/**
 * The engine's settings: loaded once at start, changed through `settingsSet`, saved, and
 * announced to whoever listens (the protocol's `settingsChanged`, receivers, main's
 * control link). Parts of the engine read `current` when they need a value.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import {
  RESTART_FIELDS,
  SettingsSchema,
  describeSettingsError,
  sameSettings,
  type Settings,
  type SettingsInput,
  type SettingsReport,
} from '../../shared/settings';
import { loadSettingsFile, saveSettingsFile } from './settings-file';

export class SettingsError extends Error {}

export class SettingsService {
  private settings: Settings;
  /** The settings the engine started with: restart-only fields are judged against these. */
  private readonly atStart: Settings;
  private problem: string | null;
  private readonly listeners = new Set<(report: SettingsReport) => void>();
  readonly file: string;

  private constructor(
    private readonly dir: string,
    loaded: ReturnType<typeof loadSettingsFile>,
  ) {
    this.settings = loaded.settings;
    this.atStart = loaded.settings;
    this.problem = loaded.problem;
    this.file = loaded.file;
  }

  /** Reads `settings.json` in `dir`; a broken file is set aside and reported, never thrown. */
  static load(dir: string, now?: () => Date): SettingsService {
    return new SettingsService(dir, loadSettingsFile(dir, now));
  }

  get current(): Settings {
    return this.settings;
  }

  report(): SettingsReport {
    return {
      settings: this.settings,
      file: this.file,
      problem: this.problem,
      restartPending: RESTART_FIELDS.filter((f) => JSON.stringify(this.settings[f]) !== JSON.stringify(this.atStart[f])),
    };
  }

  /** Replaces the settings (validated again here: the caller may be anything). */
  set(input: SettingsInput): SettingsReport {
    const parsed = SettingsSchema.safeParse(input);
    if (!parsed.success) throw new SettingsError(describeSettingsError(parsed.error));
    const next = parsed.data;
    if (sameSettings(next, this.settings) && this.problem === null) return this.report();
    saveSettingsFile(this.dir, next);
    this.settings = next;
    // A successful save replaces whatever was wrong with the old file.
    this.problem = null;
    const report = this.report();
    for (const listener of this.listeners) listener(report);
    return report;
  }

  onChange(listener: (report: SettingsReport) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Where the database lives: the data folder setting, or `home`. A folder that cannot
   * be created falls back to `home`, and the problem is reported rather than stopping the
   * engine (which would then fail on every restart).
   */
  storeFolder(home: string): string {
    const wanted = this.atStart.dataFolder;
    if (wanted === null || !isAbsolute(wanted)) return home;
    try {
      if (!existsSync(wanted)) mkdirSync(wanted, { recursive: true });
      return wanted;
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      this.problem = `The data folder ${wanted} cannot be used (${why}); the default folder ${home} is in use.`;
      return home;
    }
  }
}
