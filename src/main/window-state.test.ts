import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeWindow } from './fake-electron';
import {
  WINDOW_STATE_FILE,
  loadWindowState,
  restorableBounds,
  saveWindowState,
  trackWindowState,
  type WindowState,
} from './window-state';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'logscope-ws-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const monitorRight = { x: 1440, y: 0, width: 2560, height: 1415 };
const state = (x: number, y: number, width = 1200, height = 800, maximized = false): WindowState => ({
  bounds: { x, y, width, height },
  maximized,
});

describe('window-state.json', () => {
  it('round-trips', () => {
    const d = dir();
    saveWindowState(d, state(10, 20, 1000, 700, true));
    expect(loadWindowState(d)).toEqual(state(10, 20, 1000, 700, true));
  });

  it('is ignored (and the reason logged) when missing, not JSON, or not a window state', () => {
    const d = dir();
    const logs: string[] = [];
    expect(loadWindowState(d, (m) => logs.push(m))).toBeNull();
    expect(logs).toEqual([]); // a first start is not worth a line
    for (const content of ['{', '[]', JSON.stringify({ bounds: { x: 0, y: 0, width: 5, height: 5 }, maximized: false }),
      JSON.stringify({ bounds: { x: 'a', y: 0, width: 800, height: 600 }, maximized: false })]) {
      writeFileSync(path.join(d, WINDOW_STATE_FILE), content);
      expect(loadWindowState(d, (m) => logs.push(m))).toBeNull();
    }
    expect(logs).toHaveLength(4);
    expect(logs.every((l) => l.includes(WINDOW_STATE_FILE))).toBe(true);
  });
});

describe('restorableBounds', () => {
  it('restores a window on a display that is still there', () => {
    expect(restorableBounds(state(100, 50), [laptop])).toEqual({ x: 100, y: 50, width: 1200, height: 800 });
    expect(restorableBounds(state(1600, 100), [laptop, monitorRight])).toEqual({ x: 1600, y: 100, width: 1200, height: 800 });
  });

  it('does not restore onto a display that is gone (undocked laptop), or with the title bar off-screen', () => {
    expect(restorableBounds(state(1600, 100), [laptop])).toBeNull();
    expect(restorableBounds(state(100, -500), [laptop])).toBeNull();
    expect(restorableBounds(state(1430, 100), [laptop])).toBeNull(); // only 10 px showing
    expect(restorableBounds(null, [laptop])).toBeNull();
    expect(restorableBounds(state(0, 0), [])).toBeNull();
  });

  it('shrinks a window larger than the display it is restored on', () => {
    expect(restorableBounds(state(0, 0, 2400, 1400), [laptop])).toEqual({ x: 0, y: 0, width: 1440, height: 875 });
  });
});

describe('trackWindowState', () => {
  it('saves once after moving stops, and on close', () => {
    vi.useFakeTimers();
    const win = new FakeWindow({});
    const saved: WindowState[] = [];
    trackWindowState(win, (s) => saved.push(s), { debounceMs: 500 });
    for (let i = 0; i < 20; i++) win.setBounds({ x: i, y: i, width: 900, height: 600 });
    vi.advanceTimersByTime(499);
    expect(saved).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(saved).toEqual([state(19, 19, 900, 600)]);
    win.maximize();
    win.close();
    expect(saved.at(-1)).toEqual(state(19, 19, 900, 600, true));
    vi.advanceTimersByTime(1000);
    expect(saved).toHaveLength(2);
  });

  it('a failed save is logged, not thrown', () => {
    const win = new FakeWindow({});
    const logs: string[] = [];
    trackWindowState(win, () => { throw new Error('EROFS'); }, { log: (m) => logs.push(m) });
    win.close();
    expect(logs).toEqual(['could not save the window state: EROFS']);
  });

  it('writes the file the next start reads', () => {
    const d = dir();
    const win = new FakeWindow({ x: 30, y: 40, width: 1000, height: 700 });
    trackWindowState(win, (s) => saveWindowState(d, s));
    win.close();
    expect(JSON.parse(readFileSync(path.join(d, WINDOW_STATE_FILE), 'utf8'))).toEqual(state(30, 40, 1000, 700));
  });
});
