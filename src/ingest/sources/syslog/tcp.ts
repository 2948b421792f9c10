/**
 * Syslog over TCP (RFC 6587), optionally over TLS (RFC 5425).
 *
 *   createSyslogTcpReceiver({ host: '127.0.0.1', port: 5514 }, sink)
 *   createSyslogTcpReceiver({ port: 6514, tls: { certFile, keyFile, caFile, requestCert: true } }, sink)
 *
 * Default port 5514 (6514 is RFC 5425's for TLS; DEFAULT_PORTS). Each message is framed
 * by octet count or by LF/NUL, recognised per message (framing.ts). Messages up to
 * `maxMessageBytes` (1 MiB) are taken whole; longer ones are cut there and carry
 * `truncated: true` and `frame_error` fields saying why, as does a message whose
 * connection closed mid-frame. While the sink is full the connections are paused.
 */
import { z } from 'zod';
import type { FieldValue } from '../../record';
import type { RecordSink } from '../sink';
import { datagramText } from './datagram-receiver';
import { DEFAULT_PORTS, parseConfig, refuseRemote, streamFields } from './listen';
import { SyslogParser } from './parse';
import { StreamReceiver, tlsSchema } from './stream-receiver';

export const syslogTcpConfigSchema = z
  .object({
    ...streamFields(DEFAULT_PORTS.syslogTcp),
    tls: tlsSchema.optional(),
    /** Zone of RFC 3164 stamps, which carry none. */
    timeZone: z.string().default('local'),
  })
  .strict()
  .superRefine(refuseRemote('syslog over TCP'));

export type SyslogTcpConfig = z.input<typeof syslogTcpConfigSchema>;

export class SyslogTcpReceiver extends StreamReceiver {}

export function createSyslogTcpReceiver(config: SyslogTcpConfig, sink: RecordSink): SyslogTcpReceiver {
  const cfg = parseConfig(syslogTcpConfigSchema, config, 'syslog TCP receiver');
  const parser = new SyslogParser({ timeZone: cfg.timeZone });
  let line = 0;
  return new SyslogTcpReceiver(
    {
      name: cfg.name ?? (cfg.tls ? 'syslog-tls' : 'syslog-tcp'),
      kind: 'syslog',
      format: null,
      host: cfg.host,
      port: cfg.port,
      tls: cfg.tls,
      maxConnections: cfg.maxConnections,
      framing: { maxBytes: cfg.maxMessageBytes, octetCounting: true, lf: true },
      batchSize: cfg.batchSize,
      flushMs: cfg.flushMs,
      maxInFlight: cfg.maxInFlight,
    },
    sink,
    (buf, start, end, cut, peer) => {
      // Octet-counted frames often end in LF too (rsyslog's RFC 5424 template adds one): not part of the message.
      const r = parser.parse(datagramText(buf, start, end), ++line, peer);
      if (cut) {
        const fields: Record<string, FieldValue> = r.fields ?? {};
        fields.truncated = true;
        fields.frame_error = cut;
        r.fields = fields;
      }
      return r;
    },
  );
}
