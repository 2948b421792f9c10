/**
 * GELF over UDP: one message per datagram, or chunked (chunks.ts); each plain, gzip or
 * zlib (told apart by magic bytes).
 *
 *   createGelfUdpReceiver({ host: '127.0.0.1', port: 12201 }, sink)
 *
 * Default port 12201 (DEFAULT_PORTS.gelfUdp). The socket side (receive buffer, socket
 * thread, drops when the sink is full) is the syslog UDP receiver's: see
 * ../syslog/datagram-receiver.ts. Chunk sets that never complete expire after
 * `chunkExpiryMs` (5 s) and count as dropped (status().detail.chunkSetsExpired).
 */
import { z } from 'zod';
import type { IngestRecord } from '../../record';
import type { RecordSink } from '../sink';
import { DatagramReceiver, type DatagramReceiverOptions } from '../syslog/datagram-receiver';
import { DEFAULT_PORTS, datagramFields, parseConfig, refuseRemote } from '../syslog/listen';
import { ChunkAssembler, isChunk } from './chunks';
import { GELF_FORMAT, gelfOrRaw, gelfPayloadText } from './decode';

export const gelfUdpConfigSchema = z
  .object({
    ...datagramFields(DEFAULT_PORTS.gelfUdp),
    /** Largest payload after decompression. */
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    /** Chunked messages being gathered at once, and their bytes. */
    maxPendingMessages: z.number().int().min(1).max(1_000_000).default(1000),
    maxPendingBytes: z
      .number()
      .int()
      .min(65_536)
      .max(1 << 30)
      .default(64 * 1024 * 1024),
    chunkExpiryMs: z.number().int().min(10).max(600_000).default(5000),
  })
  .strict()
  .superRefine(refuseRemote('GELF over UDP'));

export type GelfUdpConfig = z.input<typeof gelfUdpConfigSchema>;

export class GelfUdpReceiver extends DatagramReceiver {
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    opts: DatagramReceiverOptions,
    sink: RecordSink,
    private readonly chunks: ChunkAssembler,
    private readonly expiryMs: number,
    maxMessageBytes: number,
  ) {
    let line = 0;
    const decode = (payload: Buffer, peer: string | null): IngestRecord => {
      let text: string;
      try {
        text = gelfPayloadText(payload, maxMessageBytes);
      } catch (err) {
        // Undecodable compressed bytes: kept (as base64) and marked, not lost.
        return {
          ts: null,
          level: null,
          host: peer,
          app: null,
          message: `(${payload.length} bytes of GELF payload that could not be decompressed)`,
          fields: { payload_base64: payload.toString('base64') },
          format: 'raw',
          line: ++line,
          parseError: (err as Error).message,
        };
      }
      return gelfOrRaw(text, ++line, peer);
    };
    super(
      opts,
      sink,
      (buf, start, end, peer, emit) => {
        if (isChunk(buf, start, end)) {
          const whole = chunks.add(buf, start, end, Date.now());
          if (whole) emit(decode(whole, peer));
          return;
        }
        emit(decode(buf.subarray(start, end), peer));
      },
      {
        dropped: () => chunks.expired + chunks.evicted,
        detail: () => ({
          chunkSetsPending: chunks.pendingMessages,
          chunkBytesPending: chunks.heldBytes,
          chunkSetsExpired: chunks.expired,
          chunkSetsEvicted: chunks.evicted,
          chunksInvalid: chunks.invalid,
          chunksDuplicate: chunks.duplicates,
        }),
      },
    );
  }

  override async start(): Promise<void> {
    await super.start();
    // Expiry also runs on every chunk; the timer covers a sender that went quiet.
    this.sweeper = setInterval(() => this.chunks.expire(Date.now()), Math.min(1000, this.expiryMs));
    this.sweeper.unref();
  }

  override async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await super.stop();
  }
}

export function createGelfUdpReceiver(config: GelfUdpConfig, sink: RecordSink): GelfUdpReceiver {
  const cfg = parseConfig(gelfUdpConfigSchema, config, 'GELF UDP receiver');
  const chunks = new ChunkAssembler({
    maxPending: cfg.maxPendingMessages,
    maxPendingBytes: cfg.maxPendingBytes,
    expiryMs: cfg.chunkExpiryMs,
  });
  return new GelfUdpReceiver(
    {
      name: cfg.name ?? 'gelf-udp',
      kind: 'gelf',
      format: GELF_FORMAT,
      host: cfg.host,
      port: cfg.port,
      recvBufferSize: cfg.recvBufferSize,
      maxBufferedBytes: cfg.maxBufferedBytes,
      senderAddress: cfg.senderAddress,
      batchSize: cfg.batchSize,
      flushMs: cfg.flushMs,
    },
    sink,
    chunks,
    cfg.chunkExpiryMs,
    cfg.maxMessageBytes,
  );
}
