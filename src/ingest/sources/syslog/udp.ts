/**
 * Syslog over UDP (RFC 5426): one message per datagram, RFC 5424 or RFC 3164.
 *
 *   createSyslogUdpReceiver({ host: '127.0.0.1', port: 5514 }, sink)
 *
 * Default port 5514 (DEFAULT_PORTS.syslogUdp). The socket asks the kernel for a large
 * receive buffer (32 MiB); Linux caps it at net.core.rmem_max (often 208 KiB to 4 MiB),
 * and status().detail says what was granted and the cap — raise the cap with
 * `sysctl -w net.core.rmem_max=33554432` for bursts. Datagrams the kernel dropped and
 * datagrams we dropped (the sink full for longer than `maxBufferedBytes` lasts) are
 * counted in status().dropped, apart in status().detail. A message that names no host
 * gets the sender's address as host only with `senderAddress: true` (it costs CPU).
 */
import { z } from 'zod';
import type { RecordSink } from '../sink';
import { DatagramReceiver, datagramText } from './datagram-receiver';
import { DEFAULT_PORTS, datagramFields, parseConfig, refuseRemote } from './listen';
import { SyslogParser } from './parse';

export const syslogUdpConfigSchema = z
  .object({
    ...datagramFields(DEFAULT_PORTS.syslogUdp),
    /** Zone of RFC 3164 stamps, which carry none. */
    timeZone: z.string().default('local'),
  })
  .strict()
  .superRefine(refuseRemote('syslog over UDP'));

export type SyslogUdpConfig = z.input<typeof syslogUdpConfigSchema>;

export class SyslogUdpReceiver extends DatagramReceiver {}

export function createSyslogUdpReceiver(config: SyslogUdpConfig, sink: RecordSink): SyslogUdpReceiver {
  const cfg = parseConfig(syslogUdpConfigSchema, config, 'syslog UDP receiver');
  const parser = new SyslogParser({ timeZone: cfg.timeZone });
  let line = 0;
  return new SyslogUdpReceiver(
    {
      name: cfg.name ?? 'syslog-udp',
      kind: 'syslog',
      format: null,
      host: cfg.host,
      port: cfg.port,
      recvBufferSize: cfg.recvBufferSize,
      maxBufferedBytes: cfg.maxBufferedBytes,
      senderAddress: cfg.senderAddress,
      batchSize: cfg.batchSize,
      flushMs: cfg.flushMs,
    },
    sink,
    (buf, start, end, peer, emit) => emit(parser.parse(datagramText(buf, start, end), ++line, peer)),
  );
}
