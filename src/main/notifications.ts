/** OS notifications the engine asks for (an alert fired, an import finished). */

export interface NotificationLike {
  show(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

export interface NotificationApi {
  isSupported(): boolean;
  new (options: { title: string; body: string }): NotificationLike;
}

/**
 * Notifications still on screen. Electron drops a Notification's event handlers when the
 * object is garbage-collected, so a click would do nothing; holding them here avoids it.
 */
const live = new Set<NotificationLike>();

/** Shows it; a click calls `onClick` (the shell brings the window forward). */
export function showNotification(
  Notification: NotificationApi,
  message: { title: string; body: string },
  onClick: () => void,
): boolean {
  if (!Notification.isSupported()) return false;
  const notification = new Notification({ title: message.title, body: message.body });
  live.add(notification);
  notification.on('click', () => {
    live.delete(notification);
    onClick();
  });
  notification.on('close', () => live.delete(notification));
  notification.show();
  return true;
}
