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
import { DEFAULT_PORTS, listenFields, parseConfig, refuseRemote } from './listen';
import { SyslogParser } from './parse';

export const syslogUdpConfigSchema = z
  .object({
    ...listenFields(DEFAULT_PORTS.syslogUdp),
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
    batchSize: z.number().int().min(1).max(100_000).default(5000),
    flushMs: z.number().int().min(1).max(10_000).default(50),
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
