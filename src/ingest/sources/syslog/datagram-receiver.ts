/**
 * The part of a UDP receiver that does not depend on the protocol: a socket on its own
 * thread (udp-thread.ts), chunks of datagrams handed to a protocol's `handle`, records
 * batched into the sink, and the counters. While the sink is full the receiver stops
 * taking chunks; the socket thread keeps draining the kernel into its bounded buffer and
 * drops (and counts) past it. Nothing blocks the sender and nothing grows without bound.
 */
import type { IngestRecord } from '../../record';
import type { LiveSource, LiveSourceStatus, RecordSink, SinkSource } from '../sink';
import { RecordBatcher } from './batcher';
import { KernelDropCounter, recvBufferMax, type KernelDrops } from './kernel-drops';
import { formatAddress } from './listen';
import { UdpThread, forEachDatagram, type UdpChunk } from './udp-thread';

export interface DatagramReceiverOptions {
  name: string;
  kind: SinkSource['kind'];
  format: string | null;
  host: string;
  port: number;
  recvBufferSize: number;
  maxBufferedBytes: number;
  senderAddress: boolean;
  batchSize: number;
  flushMs: number;
}

export interface UdpReceiverStatus extends LiveSourceStatus {
  detail: {
    /** Datagrams the kernel dropped because its receive buffer was full (see kernel-drops.ts for scope). */
    kernelDropped: number | null;
    kernelDropScope: KernelDrops['scope'];
    kernelQueuedBytes: number | null;
    /** Datagrams we dropped: the sink was full for longer than our buffer lasted. */
    bufferDropped: number;
    /** Receive buffer asked for, granted (as the kernel reports it) and the kernel's cap. */
    recvBufferRequested: number;
    recvBufferGranted: number | null;
    recvBufferMax: number | null;
    /** Bytes of datagrams held between the socket and the sink. */
    bufferedBytes: number;
    /** How the socket thread reads: 'read-loop' (fast) or 'events' (keeps sender addresses). */
    socketReader: string | null;
    /** The read loop rests while no data comes (it costs nothing then). */
    socketResting: boolean;
    [key: string]: unknown;
  };
}

/** What a protocol does with one datagram: turn it into records and `emit` them (any number, even none yet). */
export type DatagramHandler = (
  buf: Buffer,
  start: number,
  end: number,
  peer: string | null,
  emit: (r: IngestRecord) => void,
) => void;

/** What a protocol adds to the status: its own counters, and messages it lost (expired GELF chunk sets). */
export interface DatagramReceiverExtras {
  detail?: () => Record<string, unknown>;
  dropped?: () => number;
}

export class DatagramReceiver implements LiveSource {
  readonly name: string;
  private readonly batcher: RecordBatcher;
  private readonly thread: UdpThread;
  private readonly queue: Array<{ chunk: UdpChunk; pos: number }> = [];
  private queuedBytes = 0;
  private waiting = false;
  private state: LiveSourceStatus['state'] = 'stopped';
  private error: string | null = null;
  private kernel: KernelDropCounter | null = null;
  private address: string;
  private stopping = false;
  /** Datagrams whose records were handed to the batcher. */
  handled = 0;
  private readonly emit = (r: IngestRecord): void => this.batcher.push(r);

  constructor(
    private readonly opts: DatagramReceiverOptions,
    private readonly sink: RecordSink,
    private readonly handle: DatagramHandler,
    private readonly extra: DatagramReceiverExtras = {},
  ) {
    this.name = opts.name;
    this.address = formatAddress('udp', opts.host, opts.port);
    this.batcher = new RecordBatcher(
      sink,
      { name: opts.name, kind: opts.kind, format: opts.format },
      {
        maxBatch: opts.batchSize,
        flushMs: opts.flushMs,
        maxInFlight: opts.batchSize * 10,
      },
    );
    this.thread = new UdpThread(
      {
        host: opts.host,
        port: opts.port,
        recvBufferSize: opts.recvBufferSize,
        maxBufferedBytes: opts.maxBufferedBytes,
        flushMs: opts.flushMs,
        senderAddress: opts.senderAddress,
      },
      (chunk) => this.onChunk(chunk),
      (message) => {
        this.error = message;
      },
    );
  }

  async start(): Promise<void> {
    this.state = 'starting';
    try {
      const info = await this.thread.start();
      this.address = formatAddress('udp', info.address, info.port);
      this.kernel = new KernelDropCounter(info.address, info.port);
      this.state = 'running';
    } catch (err) {
      this.state = 'failed';
      this.error = (err as Error).message;
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.stopping = true;
    await this.thread.stop();
    // What the socket had taken is accepted: hand all of it to the sink, full or not.
    this.pump(true);
    await this.batcher.drain();
    this.state = 'stopped';
  }

  status(): UdpReceiverStatus {
    const k = this.kernel?.read() ?? { dropped: null, queuedBytes: null, scope: 'unknown' as const };
    return {
      name: this.name,
      kind: this.opts.kind,
      address: this.address,
      state: this.state,
      error: this.error ?? this.batcher.lastError,
      received: this.thread.received,
      stored: this.batcher.stored,
      rejected: this.batcher.rejected,
      dropped: this.thread.dropped + (k.dropped ?? 0) + (this.extra.dropped?.() ?? 0),
      detail: {
        kernelDropped: k.dropped,
        kernelDropScope: k.scope,
        kernelQueuedBytes: k.queuedBytes,
        bufferDropped: this.thread.dropped,
        recvBufferRequested: this.opts.recvBufferSize,
        recvBufferGranted: this.thread.info?.recvBufferSize ?? null,
        recvBufferMax: recvBufferMax(),
        bufferedBytes: this.queuedBytes,
        socketReader: this.thread.info?.reader ?? null,
        socketResting: this.thread.resting,
        ...this.extra.detail?.(),
      },
    };
  }

  /** The port the socket is bound to (useful with port 0). */
  get port(): number {
    return this.thread.info?.port ?? this.opts.port;
  }

  private onChunk(chunk: UdpChunk): void {
    this.queue.push({ chunk, pos: 0 });
    this.queuedBytes += chunk.bytes.length;
    this.pump(this.stopping);
  }

  private pump(force: boolean): void {
    const peers = this.thread.peers;
    while (this.queue.length) {
      if (!force && (this.sink.full || this.batcher.heavy)) {
        this.waitForSpace();
        return;
      }
      const item = this.queue[0]!;
      const buf = item.chunk.bytes;
      item.pos = forEachDatagram(buf, item.pos, (b, start, end, peer) => {
        if (!force && this.sink.full) return false;
        this.handle(b, start, end, peers[peer] ?? null, this.emit);
        this.handled++;
        return true;
      });
      if (item.pos >= buf.length) {
        this.queue.shift();
        this.queuedBytes -= buf.length;
        this.thread.release(item.chunk);
      }
    }
  }

  private waitForSpace(): void {
    if (this.waiting) return;
    this.waiting = true;
    void (async () => {
      try {
        while (this.sink.full || this.batcher.heavy) {
          await this.sink.whenSpace();
          await this.batcher.whenLight();
        }
      } finally {
        this.waiting = false;
        this.pump(this.stopping);
      }
    })();
  }
}

/**
 * Bytes [start, end) of a message as text, without the trailing LF, CR and NUL that
 * senders add (Python's SysLogHandler ends datagrams with NUL; rsyslog ends octet-counted
 * frames with LF).
 */
export function datagramText(buf: Buffer, start: number, end: number): string {
  while (end > start) {
    const c = buf[end - 1];
    if (c !== 0 && c !== 10 && c !== 13) break;
    end--;
  }
  // utf8Slice: toString('utf8', s, e) checks its arguments in JS first, a third of the cost for a short message.
  return (buf as Utf8Sliceable).utf8Slice(start, end);
}

/** Buffer's own decoder, which toString calls; present on every Node Buffer, not in its typings. */
type Utf8Sliceable = Buffer & { utf8Slice(start: number, end: number): string };
