/**
 * The part of a TCP (or TLS) receiver that does not depend on the protocol: the server,
 * its connections, a framer per connection, records batched into the sink, back-pressure
 * and counters. TCP can slow a sender down, so nothing is dropped: while the sink is full
 * (or too much of ours is waiting to be committed) every connection is paused, and the
 * kernel's windows push back on the senders; they resume when the sink has room.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { z } from 'zod';
import type { IngestRecord } from '../../record';
import type { LiveSource, LiveSourceStatus, RecordSink, SinkSource } from '../sink';
import { RecordBatcher } from './batcher';
import { StreamFramer, type FramerOptions } from './framing';
import { formatAddress } from './listen';

/** TLS (RFC 5425 for syslog): the server's certificate and key, and optionally the CA that client certificates must chain to. */
export const tlsSchema = z
  .object({
    certFile: z.string().min(1),
    keyFile: z.string().min(1),
    /** CA certificate(s) (PEM) for client certificates. */
    caFile: z.string().min(1).optional(),
    /** Ask every client for a certificate signed by caFile, and refuse those without one: this authenticates senders. */
    requestCert: z.boolean().default(false),
  })
  .strict()
  .refine((t) => !t.requestCert || t.caFile, {
    message: 'requestCert needs caFile: the CA that client certificates must be signed by',
    path: ['caFile'],
  });

export type TlsConfig = z.output<typeof tlsSchema>;

export interface StreamReceiverOptions {
  name: string;
  kind: SinkSource['kind'];
  format: string | null;
  host: string;
  port: number;
  tls: TlsConfig | undefined;
  maxConnections: number;
  framing: FramerOptions;
  batchSize: number;
  flushMs: number;
  /** Records written but not committed beyond which connections pause. */
  maxInFlight: number;
}

/**
 * What a protocol does with one frame: build a record (or null to skip, e.g. an empty
 * frame). `cut` says why the frame is not whole, or is null.
 */
export type FrameHandler = (
  buf: Buffer,
  start: number,
  end: number,
  cut: string | null,
  peer: string | null,
) => IngestRecord | null;

export interface StreamReceiverStatus extends LiveSourceStatus {
  detail: {
    connections: number;
    connectionsTotal: number;
    /** Connections that ended in an error (reset, TLS handshake refused, ...). */
    connectionErrors: number;
    lastConnectionError: string | null;
    /** True while connections are paused because the sink is full. */
    paused: boolean;
    pauses: number;
    /** Messages that were cut (over the size limit, or the connection closed mid-frame). */
    cut: number;
    tls: boolean;
    clientCertificates: boolean;
  };
}

export class StreamReceiver implements LiveSource {
  readonly name: string;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly batcher: RecordBatcher;
  private state: LiveSourceStatus['state'] = 'stopped';
  private error: string | null = null;
  private address: string;
  private boundPort = 0;
  private received = 0;
  private cut = 0;
  private connectionsTotal = 0;
  private connectionErrors = 0;
  private lastConnectionError: string | null = null;
  private paused = false;
  private pauses = 0;

  constructor(
    private readonly opts: StreamReceiverOptions,
    private readonly sink: RecordSink,
    private readonly handle: FrameHandler,
  ) {
    this.name = opts.name;
    this.address = formatAddress(opts.tls ? 'tls' : 'tcp', opts.host, opts.port);
    this.batcher = new RecordBatcher(
      sink,
      { name: opts.name, kind: opts.kind, format: opts.format },
      {
        maxBatch: opts.batchSize,
        flushMs: opts.flushMs,
        maxInFlight: opts.maxInFlight,
      },
    );
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    this.state = 'starting';
    try {
      const server = this.opts.tls ? await this.tlsServer(this.opts.tls) : createNetServer();
      server.maxConnections = this.opts.maxConnections;
      server.on('connection', (s: Socket) => {
        if (!this.opts.tls) this.accept(s);
      });
      server.on('secureConnection', (s: TLSSocket) => this.accept(s));
      server.on('tlsClientError', (err: Error) => this.noteConnectionError(`TLS handshake failed: ${err.message}`));
      server.on('error', (err) => {
        this.error = err.message;
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.opts.port, this.opts.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.server = server;
      const a = server.address();
      if (a && typeof a === 'object') {
        this.boundPort = a.port;
        this.address = formatAddress(this.opts.tls ? 'tls' : 'tcp', a.address, a.port);
      }
      this.state = 'running';
    } catch (err) {
      this.state = 'failed';
      this.error = `cannot listen on ${this.address}: ${(err as Error).message}`;
      throw new Error(this.error);
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
    // Whatever the connections had sent is taken: end them, and their framers emit what they hold.
    for (const s of this.sockets) s.destroy();
    await closed;
    await this.batcher.drain();
    this.state = 'stopped';
  }

  status(): StreamReceiverStatus {
    return {
      name: this.name,
      kind: this.opts.kind,
      address: this.address,
      state: this.state,
      error: this.error ?? this.batcher.lastError,
      received: this.received,
      stored: this.batcher.stored,
      rejected: this.batcher.rejected,
      dropped: 0,
      detail: {
        connections: this.sockets.size,
        connectionsTotal: this.connectionsTotal,
        connectionErrors: this.connectionErrors,
        lastConnectionError: this.lastConnectionError,
        paused: this.paused,
        pauses: this.pauses,
        cut: this.cut,
        tls: !!this.opts.tls,
        clientCertificates: !!this.opts.tls?.requestCert,
      },
    };
  }

  private async tlsServer(t: TlsConfig): Promise<Server> {
    const read = async (path: string, what: string): Promise<Buffer> => {
      try {
        return await readFile(path);
      } catch (err) {
        throw new Error(`cannot read the TLS ${what} ${path}: ${(err as Error).message}`);
      }
    };
    const [cert, key, ca] = await Promise.all([
      read(t.certFile, 'certificate'),
      read(t.keyFile, 'key'),
      t.caFile ? read(t.caFile, 'CA certificate') : Promise.resolve(undefined),
    ]);
    try {
      return createTlsServer({ cert, key, ca, requestCert: t.requestCert, rejectUnauthorized: t.requestCert });
    } catch (err) {
      throw new Error(
        `the TLS certificate or key is not usable (${t.certFile}, ${t.keyFile}): ${(err as Error).message}`,
      );
    }
  }

  private accept(socket: Socket): void {
    if (this.state !== 'running' && this.state !== 'starting') {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    this.connectionsTotal++;
    const peer = socket.remoteAddress?.replace(/^::ffff:/, '') ?? null;
    const framer = new StreamFramer(this.opts.framing, (buf, start, end, cut) => {
      this.received++;
      if (cut) this.cut++;
      const r = this.handle(buf, start, end, cut, peer);
      if (r) this.batcher.push(r);
    });
    socket.on('data', (chunk: Buffer) => {
      framer.push(chunk);
      if (this.sink.full || this.batcher.heavy) this.pause();
    });
    socket.on('end', () => framer.end());
    socket.on('error', (err) => this.noteConnectionError(`${peer ?? 'a client'}: ${err.message}`));
    socket.on('close', () => {
      // A reset or destroy skips 'end': the framer still gives what it holds.
      framer.end();
      this.sockets.delete(socket);
    });
    if (this.paused) socket.pause();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.pauses++;
    for (const s of this.sockets) s.pause();
    void (async () => {
      while (this.sink.full || this.batcher.heavy) {
        await this.sink.whenSpace();
        await this.batcher.whenLight();
      }
      this.paused = false;
      for (const s of this.sockets) s.resume();
    })();
  }

  private noteConnectionError(message: string): void {
    this.connectionErrors++;
    this.lastConnectionError = message;
  }
}
