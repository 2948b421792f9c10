/**
 * The HTTP receiver's configuration, checked when the receiver is built (as Vector checks a
 * stage's config): a wrong value fails `createHttpReceiver` with what and where, not the
 * first request.
 */
import { z } from 'zod';

/** LogScope's HTTP receiver port: Fluent Bit's `http` input uses 9880 too, so shippers' examples fit. */
export const DEFAULT_HTTP_PORT = 9880;
const MIB = 1 << 20;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export const httpReceiverConfigSchema = z
  .strictObject({
    /** Address to listen on. Anything but loopback needs a token. */
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests). */
    port: z.number().int().min(0).max(65535).default(DEFAULT_HTTP_PORT),
    /**
     * Shared secret: `Authorization: Bearer <token>`, `X-LogScope-Token: <token>`, or HTTP
     * basic auth with the token as password (Elasticsearch shippers, Python's HTTPHandler).
     * Required when `host` is not loopback; when set on loopback it is required there too.
     */
    token: z.string().min(16, 'a token must be at least 16 characters').optional(),
    /** Largest request body, after decompression. Larger ones get 413 and are not read. */
    maxBodyBytes: z.number().int().min(1024).default(16 * MIB),
    /** Bodies held in memory at once across requests; beyond it requests get 503 + Retry-After. */
    maxInflightBytes: z.number().int().min(1024).default(256 * MIB),
    /** Seconds a shipper is told to wait (Retry-After) when the store is behind. */
    retryAfterSeconds: z.number().int().min(1).max(3600).default(1),
    /** A request must arrive whole (headers and body) within this many ms. */
    requestTimeoutMs: z.number().int().min(1000).default(60_000),
    /**
     * Browser origins allowed to post (e.g. a local dashboard). Requests from any other
     * `Origin`, or marked cross-site/same-site by `Sec-Fetch-Site`, get 403.
     */
    allowedOrigins: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'an origin is scheme://host[:port]')).default([]),
    /** Zone for timestamps that carry none ('local', 'UTC', an IANA name or '+02:00'). */
    defaultZone: z.string().min(1).default('local'),
    /** Prefix of the source names records are stored under ("http:ingest", "http:otlp", ...). */
    sourcePrefix: z
      .string()
      .regex(/^[a-z0-9_.-]+$/, 'lower-case letters, digits, _ . -')
      .default('http'),
    /**
     * The version the Elasticsearch-compatible endpoints report on `GET /`. Filebeat refuses
     * a cluster older than itself (unless `allow_older_versions`) but not a newer one, and
     * Vector only reads the major (>= 7: no `_type`), so the default is a recent 9.x.
     */
    esVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'major.minor.patch')
      .default('9.1.0'),
  })
  .superRefine((c, ctx) => {
    if (!isLoopback(c.host) && !c.token) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: `listening on ${c.host} (not loopback) needs a token: anyone who can reach the port could write logs`,
      });
    }
  });

export type HttpReceiverConfigInput = z.input<typeof httpReceiverConfigSchema>;
export type HttpReceiverConfig = z.output<typeof httpReceiverConfigSchema>;

export class HttpReceiverConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`HTTP receiver config: ${issues.join('; ')}`);
    this.name = 'HttpReceiverConfigError';
  }
}

export function parseHttpReceiverConfig(input: unknown): HttpReceiverConfig {
  const r = httpReceiverConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new HttpReceiverConfigError(r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'config'}: ${i.message}`));
}
