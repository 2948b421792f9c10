import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { aboutDetail, buildMenuTemplate, recentLabel, type MenuActions, type MenuContext } from './menu';

function actions(): MenuActions & Record<string, ReturnType<typeof vi.fn>> {
  return {
    openFiles: vi.fn(),
    openFolder: vi.fn(),
    followFile: vi.fn(),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    openSettings: vi.fn(),
    setTheme: vi.fn(),
    openDocs: vi.fn(),
    reportIssue: vi.fn(),
    about: vi.fn(),
  };
}

function menu(overrides: Partial<MenuContext> = {}) {
  const a = actions();
  const template = buildMenuTemplate({
    platform: 'linux',
    appName: 'LogScope',
    recent: [],
    theme: 'system',
    devTools: false,
    actions: a,
    ...overrides,
  });
  return { template, a };
}

/** The item at a path of labels (or roles), e.g. ['&File', 'Open Recent']. */
function find(items: MenuItemConstructorOptions[], ...labels: string[]): MenuItemConstructorOptions {
  let current: MenuItemConstructorOptions | undefined;
  let list = items;
  for (const label of labels) {
    current = list.find((i) => i.label === label || i.role === label);
    if (!current) throw new Error(`no menu item ${labels.join(' > ')} (at ${label})`);
    list = (current.submenu as MenuItemConstructorOptions[] | undefined) ?? [];
  }
  return current!;
}

const click = (item: MenuItemConstructorOptions) =>
  (item.click as unknown as () => void)();

describe('application menu', () => {
  it('has File, Edit, View and Help on Linux and Windows', () => {
    expect(menu().template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(menu({ platform: 'win32' }).template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
  });

  it('File: open files, open folder, follow file, recent, each calling its action', () => {
    const { template, a } = menu();
    const open = find(template, '&File', 'Open Files…');
    expect(open.accelerator).toBe('CmdOrCtrl+O');
    click(open);
    click(find(template, '&File', 'Open Folder…'));
    click(find(template, '&File', 'Follow File…'));
    expect(a.openFiles).toHaveBeenCalledTimes(1);
    expect(a.openFolder).toHaveBeenCalledTimes(1);
    expect(a.followFile).toHaveBeenCalledTimes(1);
    expect(find(template, '&File', 'Open Recent', 'No Recent Files').enabled).toBe(false);
  });

  it('Recent lists the files, newest first, and can be cleared', () => {
    const { template, a } = menu({ recent: ['/var/log/b & c.log', '/srv/a.log'] });
    const items = find(template, '&File', 'Open Recent').submenu as MenuItemConstructorOptions[];
    expect(items.map((i) => i.label ?? i.type)).toEqual(['b && c.log — /var/log', 'a.log — /srv', 'separator', 'Clear Recent']);
    click(items[1]!);
    expect(a.openRecent).toHaveBeenCalledWith('/srv/a.log');
    click(items[3]!);
    expect(a.clearRecent).toHaveBeenCalled();
  });

  it('Edit has the standard roles (so copy and paste work in text boxes)', () => {
    const roles = (find(menu().template, '&Edit').submenu as MenuItemConstructorOptions[]).map((i) => i.role).filter(Boolean);
    expect(roles).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);
  });

  it('View: themes as radio items showing the current one, and zoom', () => {
    const { template, a } = menu({ theme: 'dark' });
    const themes = find(template, '&View', 'Theme').submenu as MenuItemConstructorOptions[];
    expect(themes.map((t) => [t.label, t.type, t.checked])).toEqual([
      ['Follow System', 'radio', false],
      ['Light', 'radio', false],
      ['Dark', 'radio', true],
    ]);
    click(themes[1]!);
    expect(a.setTheme).toHaveBeenCalledWith('light');
    const roles = (find(template, '&View').submenu as MenuItemConstructorOptions[]).map((i) => i.role).filter(Boolean);
    expect(roles).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    const dev = (find(menu({ devTools: true }).template, '&View').submenu as MenuItemConstructorOptions[]).map((i) => i.role);
    expect(dev).toContain('toggleDevTools');
  });

  it('Help: documentation and About', () => {
    const { template, a } = menu();
    click(find(template, '&Help', 'LogScope Documentation'));
    click(find(template, '&Help', 'About LogScope'));
    expect(a.openDocs).toHaveBeenCalled();
    expect(a.about).toHaveBeenCalled();
  });

  it('macOS: the app menu holds About, Settings and Quit; File has Close instead of Quit', () => {
    const { template, a } = menu({ platform: 'darwin' });
    expect(template.map((m) => m.label ?? m.role)).toEqual(['LogScope', '&File', '&Edit', '&View', 'windowMenu', '&Help']);
    const settings = find(template, 'LogScope', 'Settings…');
    expect(settings.accelerator).toBe('Cmd+,');
    click(settings);
    expect(a.openSettings).toHaveBeenCalled();
    expect(find(template, 'LogScope', 'quit').role).toBe('quit');
    expect((find(template, '&File').submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'quit')).toBe(false);
  });
});

describe('menu helpers', () => {
  it('recentLabel: the name first, then where it is', () => {
    expect(recentLabel('/var/log/syslog')).toBe('syslog — /var/log');
  });

  it('aboutDetail names every version a bug report needs', () => {
    const text = aboutDetail({ app: '0.1.0', electron: '45.4.1', chrome: '142.0', node: '22.20.0', v8: '14.2', platform: 'linux', arch: 'x64' });
    expect(text.split('\n')).toEqual(['Version 0.1.0', 'Electron 45.4.1', 'Chromium 142.0', 'Node.js 22.20.0', 'V8 14.2', 'linux x64']);
  });
});
