/**
 * What every network receiver of ours (syslog and GELF, UDP and TCP) shares in its
 * config: where it listens, and the rule that keeps it on this machine unless the user
 * says otherwise.
 *
 * Plain syslog and GELF carry no credentials: anyone who can reach the port can write
 * records. So a receiver listens on 127.0.0.1 by default, and one on any other address
 * is refused unless its config says `allowRemote: true`. The way to authenticate
 * senders is TLS with client certificates (`tls.requestCert` with `tls.caFile`), on the
 * TCP receivers.
 */
import { z } from 'zod';

/** Default ports. 5514 rather than 514: no root needed, and no clash with the system's syslog daemon. */
export const DEFAULT_PORTS = {
  syslogUdp: 5514,
  syslogTcp: 5514,
  /** RFC 5425 names 6514 for syslog over TLS. */
  syslogTls: 6514,
  gelfUdp: 12201,
  gelfTcp: 12201,
} as const;

export const DEFAULT_HOST = '127.0.0.1';

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and "localhost": addresses no other machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export const listenFields = (defaultPort: number) => ({
  /** Address to listen on; 127.0.0.1 unless allowRemote. */
  host: z.string().min(1).default(DEFAULT_HOST),
  /** 0 picks a free port (tests); status() tells which. */
  port: z.number().int().min(0).max(65535).default(defaultPort),
  /** Must be true to listen on a non-loopback address: these protocols have no authentication of their own. */
  allowRemote: z.boolean().default(false),
  /** Shown in the UI and stored as the records' source. */
  name: z.string().min(1).optional(),
});

/** Batching into the sink: every receiver's. */
const batchFields = () => ({
  batchSize: z.number().int().min(1).max(100_000).default(5000),
  flushMs: z.number().int().min(1).max(10_000).default(50),
});

/** A UDP receiver's socket settings (syslog, GELF): see datagram-receiver.ts. */
export const datagramFields = (defaultPort: number) => ({
  ...listenFields(defaultPort),
  /** SO_RCVBUF to ask for; the kernel may grant less (see status().detail). */
  recvBufferSize: z
    .number()
    .int()
    .min(65_536)
    .max(1 << 30)
    .default(32 * 1024 * 1024),
  /** Bytes of datagrams held while the sink is full before we drop and count. */
  maxBufferedBytes: z
    .number()
    .int()
    .min(1024)
    .max(1 << 30)
    .default(64 * 1024 * 1024),
  /**
   * Keep each datagram's sender address, as host for messages that name none (Python's
   * SysLogHandler sends no host). Off by default: it costs about twice the CPU per
   * datagram (see udp-thread.ts), which is the difference between keeping up with
   * 100k messages/s and not on a small machine.
   */
  senderAddress: z.boolean().default(false),
  ...batchFields(),
});

/** A TCP receiver's connection settings (syslog, GELF): see stream-receiver.ts. `tls` is added by the receiver. */
export const streamFields = (defaultPort: number) => ({
  ...listenFields(defaultPort),
  maxConnections: z.number().int().min(1).max(100_000).default(1000),
  /** Longest message kept whole; longer ones are cut and marked. */
  maxMessageBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  ...batchFields(),
  /** Records written and not yet committed beyond which connections pause. */
  maxInFlight: z.number().int().min(1).max(10_000_000).default(100_000),
});

/** Refuses a non-loopback host without allowRemote, saying why and what to do. */
export function refuseRemote(protocol: string) {
  return (cfg: { host: string; allowRemote: boolean }, ctx: z.RefinementCtx): void => {
    if (cfg.allowRemote || isLoopback(cfg.host)) return;
    ctx.addIssue({
      code: 'custom',
      path: ['host'],
      message:
        `${protocol} has no authentication: anyone who reaches ${cfg.host} could write records. ` +
        'Listen on 127.0.0.1, or set allowRemote: true to accept senders from the network ' +
        '(for syslog over TCP, TLS with requestCert and a caFile authenticates them)',
    });
  };
}

/** Parses a receiver config, throwing an error that names the receiver and every bad field. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'config'}: ${i.message}`).join('; ');
  throw new Error(`${what} config: ${issues}`);
}

/** "udp://127.0.0.1:5514", with brackets for IPv6. */
export function formatAddress(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
