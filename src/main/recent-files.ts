/**
 * File ▸ Recent: the files and folders last opened through the app (menu, command line,
 * "open with", a second launch), newest first, kept in `recent.json` in the user data
 * folder. The OS gets them too (app.addRecentDocument: the Dock menu on macOS, the jump
 * list on Windows).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const RECENT_FILE = 'recent.json';
export const MAX_RECENT = 10;

const RecentSchema = z.array(z.string().min(1).max(4096)).max(1000);

export class RecentFiles {
  private list: string[];

  constructor(
    private readonly dir: string,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.list = this.read();
  }

  get items(): readonly string[] {
    return this.list;
  }

  /** Newest first; a path opened again moves to the top. Absolute paths only. */
  add(paths: readonly string[]): void {
    const fresh = paths.filter((p) => path.isAbsolute(p)).slice(-MAX_RECENT);
    if (fresh.length === 0) return;
    const next = [...fresh.reverse(), ...this.list.filter((p) => !fresh.includes(p))].slice(0, MAX_RECENT);
    this.list = next;
    this.write();
  }

  clear(): void {
    this.list = [];
    this.write();
  }

  private read(): string[] {
    const file = path.join(this.dir, RECENT_FILE);
    try {
      const parsed = RecentSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success) return parsed.data.filter((p) => path.isAbsolute(p)).slice(0, MAX_RECENT);
      this.log(`ignored ${file}: not a list of paths`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`ignored ${file}: ${(error as Error).message}`);
    }
    return [];
  }

  private write(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(path.join(this.dir, RECENT_FILE), JSON.stringify(this.list));
    } catch (error) {
      this.log(`could not save the recent files: ${(error as Error).message}`);
    }
  }
}
