/**
 * The window comes back where the person left it: size, position and maximised state
 * are saved to `window-state.json` in the user data folder and restored on the next
 * start, but only onto a display that is still there (a laptop undocked from its
 * monitor must not open its window off-screen).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const WINDOW_STATE_FILE = 'window-state.json';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const Coordinate = z.number().int().min(-100_000).max(100_000);
const Size = z.number().int().min(100).max(100_000);

export const WindowStateSchema = z.object({
  bounds: z.object({ x: Coordinate, y: Coordinate, width: Size, height: Size }),
  maximized: z.boolean(),
});
export type WindowState = z.output<typeof WindowStateSchema>;

/** The saved state, or null when there is none or it is not one we wrote. */
export function loadWindowState(dir: string, log: (message: string) => void = () => {}): WindowState | null {
  const file = path.join(dir, WINDOW_STATE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`ignored ${file}: ${(error as Error).message}`);
    return null;
  }
  const parsed = WindowStateSchema.safeParse(raw);
  if (!parsed.success) {
    log(`ignored ${file}: ${parsed.error.issues[0]?.message ?? 'not a window state'}`);
    return null;
  }
  return parsed.data;
}

export function saveWindowState(dir: string, state: WindowState): void {
  const file = path.join(dir, WINDOW_STATE_FILE);
  mkdirSync(dir, { recursive: true });
  const temp = `${file}.tmp`;
  writeFileSync(temp, JSON.stringify(WindowStateSchema.parse(state)));
  renameSync(temp, file);
}

function overlap(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const width = Math.min(a.x + a.width, b.x + b.width) - x;
  const height = Math.min(a.y + a.height, b.y + b.height) - y;
  return { x, y, width: Math.max(0, width), height: Math.max(0, height) };
}

/** Enough of the title bar on one display to grab it and drag the window. */
const MIN_VISIBLE = { width: 120, height: 40 };

/**
 * The bounds to restore, or null to let the OS place a default-sized window. The window's
 * top strip (its title bar) must be on a display's work area; a window larger than that
 * display is shrunk to fit it.
 */
export function restorableBounds(state: WindowState | null, workAreas: readonly Rect[]): Rect | null {
  if (!state) return null;
  const { bounds } = state;
  const titleBar: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: MIN_VISIBLE.height };
  const display = workAreas.find((area) => {
    const seen = overlap(titleBar, area);
    return seen.width >= Math.min(MIN_VISIBLE.width, bounds.width) && seen.height >= MIN_VISIBLE.height;
  });
  if (!display) return null;
  return {
    x: bounds.x,
    y: bounds.y,
    width: Math.min(bounds.width, display.width),
    height: Math.min(bounds.height, display.height),
  };
}

/** The part of BrowserWindow that saving the state uses. */
export interface StatefulWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

/**
 * Saves the state after the window stops moving or resizing (debounced: a drag fires
 * dozens of events a second) and once more as it closes.
 */
export function trackWindowState(
  win: StatefulWindow,
  save: (state: WindowState) => void,
  options: { debounceMs?: number; log?: (message: string) => void } = {},
): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    const state = {
      bounds: { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) },
      maximized: win.isMaximized(),
    };
    try {
      save(state);
    } catch (error) {
      options.log?.(`could not save the window state: ${(error as Error).message}`);
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(write, options.debounceMs ?? 500);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event, later);
  win.on('close', write);
}
