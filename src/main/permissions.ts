/**
 * Web permission requests (camera, geolocation, USB, …) are denied. The app needs none
 * of them; notifications are the exception the design names, and writing to the
 * clipboard lets "copy line" work with navigator.clipboard.
 */

export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications', 'clipboard-sanitized-write']);

export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

/**
 * Grants only the allowed permissions, and only to our own window's contents
 * (`isAppContents`), so nothing else that ever gets a web contents inherits them.
 */
export function installPermissionPolicy(
  session: PermissionSession,
  isAppContents: (contents: unknown) => boolean,
): void {
  const allowed = (contents: unknown, permission: string) =>
    contents != null && isAppContents(contents) && ALLOWED_PERMISSIONS.has(permission);
  session.setPermissionRequestHandler((contents, permission, callback) => callback(allowed(contents, permission)));
  session.setPermissionCheckHandler((contents, permission) => allowed(contents, permission));
}
