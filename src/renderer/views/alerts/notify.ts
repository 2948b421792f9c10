/**
 * What an `alertNotice` does in the page. In the desktop app the shell's main process
 * shows the OS notification (the engine tells it directly), so the page only shows its
 * toast; in a plain browser (`logscope serve`) the page also raises the browser's
 * Notification when the rule asked for "os" and the person allowed it.
 */
import type { Alert, AlertNotice } from '../../../shared/alerts';

export type InAppChannel = 'os' | 'toast';

/** The in-app channels a notice asked for (absent: both). */
export function noticeChannels(n: AlertNotice): readonly InAppChannel[] {
  return n.channels ?? ['os', 'toast'];
}

export interface NoticeDeps {
  /** True inside the desktop window (the preload's `logscopeShell`). */
  desktop: boolean;
  /** The browser's permission; 'unsupported' where there is no Notification API. */
  permission: NotificationPermission | 'unsupported';
  toast(n: AlertNotice): void;
  browserNotification(n: AlertNotice): void;
}

/** Route one notice to the toast and/or the browser's Notification. */
export function routeNotice(n: AlertNotice, deps: NoticeDeps): { toast: boolean; browser: boolean } {
  const ch = noticeChannels(n);
  const toast = ch.includes('toast');
  const browser = ch.includes('os') && !deps.desktop && deps.permission === 'granted';
  if (toast) deps.toast(n);
  if (browser) deps.browserNotification(n);
  return { toast, browser };
}

export interface RecordsTarget {
  query: string;
  /** null: the applied range stays. */
  range: { from: number; to: number } | null;
}

/** "Show records" for one alert: its query over its window. */
export function alertTarget(a: Pick<Alert, 'query' | 'from' | 'to'>): RecordsTarget {
  return { query: a.query, range: { from: a.from, to: a.to } };
}

/** What clicking a notice opens: its first alert's records, else the notice's own query. */
export function noticeTarget(n: AlertNotice): RecordsTarget {
  const first = n.alerts[0];
  if (first) return alertTarget(first);
  return { query: n.target.query ?? '', range: null };
}

/** "host=web-1, service=api"; "" for a rule without groupBy. */
export function groupLabel(group: Record<string, string | null>): string {
  return Object.entries(group)
    .map(([k, v]) => `${k}=${v ?? '∅'}`)
    .join(', ');
}
