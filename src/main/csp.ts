/**
 * The Content Security Policy for everything the window loads.
 *
 * Set as a response header through the session, so a page cannot weaken it with markup.
 * Note: Chromium does not run onHeadersReceived for file:// loads, so the renderer's
 * index.html must carry the same policy in a <meta http-equiv> tag as well; this header
 * covers every http(s) response (a dev server, anything that slips through).
 */

/** One directive a line; `policyDirectives` parses it back for the tests. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // Only our own bundled scripts: no inline script, no eval, no remote code.
  "script-src 'self'",
  // React and ECharts set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  // Vite inlines small images as data: URLs.
  "img-src 'self' data:",
  "font-src 'self' data:",
  // The engine is reached over a MessagePort, never the network.
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Response headers with our policy replacing any the response brought. */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    // Header names are case-insensitive; a server's own CSP must not sit beside ours.
    if (name.toLowerCase() !== 'content-security-policy') result[name] = value;
  }
  result['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return result;
}

export interface HeaderSession {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

export function installContentSecurityPolicy(session: HeaderSession): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}

/** `directive -> sources`, for checking a policy rather than comparing strings. */
export function policyDirectives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), sources);
  }
  return map;
}
