/**
 * Who may post. Shippers are programs, not browsers: a request that a browser made on
 * behalf of another web page (it carries an `Origin`, or `Sec-Fetch-Site` other than
 * "none") is refused unless its origin is configured — so a page you visit cannot write
 * into your logs, not even with a form or a text/plain "simple" request that CORS lets
 * through without a preflight, nor by DNS rebinding. No CORS headers are ever sent.
 * When a token is configured, every request must carry it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './body';

export class RequestGuard {
  private readonly token: Buffer | null;
  private readonly origins: Set<string>;

  constructor(token: string | undefined, allowedOrigins: readonly string[]) {
    this.token = token ? Buffer.from(token) : null;
    this.origins = new Set(allowedOrigins.map((o) => o.toLowerCase()));
  }

  /** Throws the 403 or 401 a request gets; returns quietly for one that may proceed. */
  check(h: IncomingHttpHeaders): void {
    const origin = h.origin;
    if (origin !== undefined) {
      if (!this.origins.has(origin.toLowerCase())) {
        throw new HttpError(403, `refused: a browser request from origin ${origin} (only log shippers may post here; allowedOrigins lists the exceptions)`);
      }
    } else {
      const site = h['sec-fetch-site'];
      // "none": the user typed the URL (GET /health in the address bar). Anything else
      // without an allowed Origin is a page acting on its own.
      if (site !== undefined && site !== 'none') {
        throw new HttpError(403, `refused: a browser request made by a web page (Sec-Fetch-Site: ${site})`);
      }
    }
    if (this.token && !this.tokenOk(h)) {
      throw new HttpError(401, 'missing or wrong token: send Authorization: Bearer <token>, X-LogScope-Token: <token>, or basic auth with the token as password', {
        'WWW-Authenticate': 'Bearer realm="logscope", Basic realm="logscope"',
      });
    }
  }

  private tokenOk(h: IncomingHttpHeaders): boolean {
    const x = h['x-logscope-token'];
    if (typeof x === 'string' && this.same(x)) return true;
    const auth = h.authorization;
    if (!auth) return false;
    const space = auth.indexOf(' ');
    if (space < 0) return false;
    const scheme = auth.slice(0, space).toLowerCase();
    const cred = auth.slice(space + 1).trim();
    if (scheme === 'bearer') return this.same(cred);
    if (scheme === 'basic') {
      const decoded = Buffer.from(cred, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      // Elasticsearch shippers and Python's HTTPHandler send user:password; the user is free.
      return colon >= 0 && this.same(decoded.slice(colon + 1));
    }
    return false;
  }

  private same(given: string): boolean {
    const a = Buffer.from(given);
    return a.length === this.token!.length && timingSafeEqual(a, this.token!);
  }
}
