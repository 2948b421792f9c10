/**
 * OS notifications the engine asks for (an import finished or failed, a receiver stopped,
 * an alert fired). The person's settings decide whether one shows at all; a click brings
 * the window forward on what the notification is about.
 */
import type { PageTarget } from '../shared/page-commands';
import { DEFAULT_SETTINGS, type NotificationSettings } from '../shared/settings';

export interface NotificationLike {
  show(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

export interface NotificationApi {
  isSupported(): boolean;
  new (options: { title: string; body: string }): NotificationLike;
}

export type NotificationTopic = 'import' | 'receiver' | 'alert';

export interface NotificationRequest {
  title: string;
  body: string;
  topic: NotificationTopic;
  target?: PageTarget;
}

/** Why a notification is not shown, or null when it may be. */
export function silencedBy(settings: NotificationSettings, topic: NotificationTopic): string | null {
  if (!settings.enabled) return 'notifications are off';
  if (settings.doNotDisturb) return 'do not disturb is on';
  if (topic === 'import' && !settings.imports) return 'import notifications are off';
  if (topic === 'receiver' && !settings.receivers) return 'receiver notifications are off';
  return null;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = DEFAULT_SETTINGS.notifications;

/**
 * Notifications still on screen. Electron drops a Notification's event handlers when the
 * object is garbage-collected, so a click would do nothing; holding them here avoids it.
 */
const live = new Set<NotificationLike>();

/** Shows it; a click calls `onClick` with the request (the shell opens its target). */
export function showNotification(
  Notification: NotificationApi,
  request: NotificationRequest,
  onClick: (request: NotificationRequest) => void,
): boolean {
  if (!Notification.isSupported()) return false;
  const notification = new Notification({ title: request.title, body: request.body });
  live.add(notification);
  notification.on('click', () => {
    live.delete(notification);
    onClick(request);
  });
  notification.on('close', () => live.delete(notification));
  notification.show();
  return true;
}
