import { describe, expect, it, vi } from 'vitest';
import { FakeTray } from './fake-electron';
import { AlertIndicator, alertsText } from './tray';

function setup(platform: NodeJS.Platform = 'linux', tray: FakeTray | null = new FakeTray()) {
  const badges: number[] = [];
  const show = vi.fn();
  const quit = vi.fn();
  const indicator = new AlertIndicator({
    appName: 'LogScope',
    platform,
    tray,
    setBadgeCount: (n) => (badges.push(n), true),
    show,
    quit,
  });
  return { indicator, tray, badges, show, quit };
}

describe('AlertIndicator', () => {
  it('starts at zero: tooltip, context menu, no badge', () => {
    const { tray, badges } = setup();
    expect(tray!.toolTip).toBe('LogScope — no open alerts');
    expect(tray!.menu.map((i) => i.label ?? i.type)).toEqual(['Show LogScope', 'No open alerts', 'separator', 'Quit LogScope']);
    expect(badges).toEqual([0]);
  });

  it('shows the count in the tooltip, the menu and the badge', () => {
    const { indicator, tray, badges } = setup();
    indicator.setCount(3);
    expect(tray!.toolTip).toBe('LogScope — 3 open alerts');
    expect(tray!.menu[1]).toMatchObject({ label: '3 open alerts', enabled: false });
    expect(badges.at(-1)).toBe(3);
    expect(tray!.title).toBe(''); // a title beside the icon is a macOS thing
    indicator.setCount(3);
    expect(badges).toEqual([0, 3]);
    indicator.setCount(-2);
    expect(indicator.count).toBe(0);
  });

  it('macOS: the count beside the menu bar icon', () => {
    const { indicator, tray } = setup('darwin');
    indicator.setCount(12);
    expect(tray!.title).toBe('12');
    indicator.setCount(0);
    expect(tray!.title).toBe('');
  });

  it('clicking the icon or Show brings the window; Quit quits', () => {
    const { tray, show, quit } = setup();
    tray!.emit('click');
    (tray!.menu[0]!.click as unknown as () => void)();
    (tray!.menu[3]!.click as unknown as () => void)();
    expect(show).toHaveBeenCalledTimes(2);
    expect(quit).toHaveBeenCalledTimes(1);
  });

  it('without a tray (some Linux desktops) the badge still counts', () => {
    const { indicator, badges } = setup('linux', null);
    indicator.setCount(1);
    expect(badges).toEqual([0, 1]);
  });

  it('alertsText', () => {
    expect([0, 1, 2, 12345].map(alertsText)).toEqual(['no open alerts', '1 open alert', '2 open alerts', '12,345 open alerts']);
  });
});
