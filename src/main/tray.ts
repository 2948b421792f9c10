/**
 * The tray icon and the dock/taskbar badge: how many alerts are open, visible while the
 * window is hidden or closed. The engine sends the count (`alerts` control message);
 * `setCount` is the whole API.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** The part of Electron's Tray used here. */
export interface TrayLike {
  setToolTip(toolTip: string): void;
  /** macOS only: text beside the icon in the menu bar. */
  setTitle(title: string): void;
  setContextMenu(template: MenuItemConstructorOptions[]): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface AlertIndicatorOptions {
  appName: string;
  platform: NodeJS.Platform;
  /** Null when the desktop has no tray (some Linux desktops): the badge still works. */
  tray: TrayLike | null;
  /** app.setBadgeCount: the Dock on macOS, the launcher on Unity/KDE; false where there is none. */
  setBadgeCount(count: number): boolean;
  show(): void;
  quit(): void;
}

export function alertsText(count: number): string {
  if (count === 0) return 'no open alerts';
  return count === 1 ? '1 open alert' : `${count.toLocaleString('en-US')} open alerts`;
}

export class AlertIndicator {
  private current = 0;

  constructor(private readonly options: AlertIndicatorOptions) {
    options.tray?.on('click', () => options.show());
    this.render();
  }

  get count(): number {
    return this.current;
  }

  setCount(count: number): void {
    const next = Number.isFinite(count) ? Math.max(0, Math.floor(count)) : 0;
    if (next === this.current) return;
    this.current = next;
    this.render();
  }

  destroy(): void {
    this.options.tray?.destroy();
    this.options.setBadgeCount(0);
  }

  private render(): void {
    const { tray, appName, platform } = this.options;
    const text = alertsText(this.current);
    if (tray) {
      tray.setToolTip(`${appName} — ${text}`);
      if (platform === 'darwin') tray.setTitle(this.current > 0 ? String(this.current) : '');
      tray.setContextMenu([
        { label: `Show ${appName}`, click: () => this.options.show() },
        { label: text[0]!.toUpperCase() + text.slice(1), enabled: false },
        { type: 'separator' },
        { label: `Quit ${appName}`, click: () => this.options.quit() },
      ]);
    }
    this.options.setBadgeCount(this.current);
  }
}
