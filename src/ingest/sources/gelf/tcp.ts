/**
 * GELF over TCP: uncompressed JSON messages, each ended by a NUL byte (Graylog's framing).
 *
 *   createGelfTcpReceiver({ host: '127.0.0.1', port: 12201 }, sink)
 *
 * Default port 12201 (DEFAULT_PORTS.gelfTcp). The connection side (TLS, back-pressure,
 * limits) is the syslog TCP receiver's: see ../syslog/stream-receiver.ts. A message
 * over `maxMessageBytes` is cut, fails to parse as JSON and is stored raw, marked.
 */
import { z } from 'zod';
import type { RecordSink } from '../sink';
import { DEFAULT_PORTS, parseConfig, refuseRemote, streamFields } from '../syslog/listen';
import { StreamReceiver, tlsSchema } from '../syslog/stream-receiver';
import { GELF_FORMAT, gelfOrRaw } from './decode';

export const gelfTcpConfigSchema = z
  .object({
    ...streamFields(DEFAULT_PORTS.gelfTcp),
    tls: tlsSchema.optional(),
  })
  .strict()
  .superRefine(refuseRemote('GELF over TCP'));

export type GelfTcpConfig = z.input<typeof gelfTcpConfigSchema>;

export class GelfTcpReceiver extends StreamReceiver {}

export function createGelfTcpReceiver(config: GelfTcpConfig, sink: RecordSink): GelfTcpReceiver {
  const cfg = parseConfig(gelfTcpConfigSchema, config, 'GELF TCP receiver');
  let line = 0;
  return new GelfTcpReceiver(
    {
      name: cfg.name ?? 'gelf-tcp',
      kind: 'gelf',
      format: GELF_FORMAT,
      host: cfg.host,
      port: cfg.port,
      tls: cfg.tls,
      maxConnections: cfg.maxConnections,
      framing: { maxBytes: cfg.maxMessageBytes, octetCounting: false, lf: false },
      batchSize: cfg.batchSize,
      flushMs: cfg.flushMs,
      maxInFlight: cfg.maxInFlight,
    },
    sink,
    (buf, start, end, cut, peer) => {
      const r = gelfOrRaw(buf.toString('utf8', start, end), ++line, peer);
      if (cut) {
        r.fields = { ...r.fields, truncated: true, frame_error: cut };
      }
      return r;
    },
  );
}
