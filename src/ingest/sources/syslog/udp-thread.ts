/**
 * A UDP socket read on a thread of its own. UDP cannot slow a sender down: whatever the
 * kernel's receive buffer cannot hold while nobody reads is lost. The engine's thread
 * also commits to DuckDB and mines patterns, and a commit can keep it busy for longer
 * than a few MiB of kernel buffer last at 100k datagrams/s; so a worker thread does
 * nothing but drain the socket into packed chunks and hand them over, and the kernel
 * buffer never waits for the engine.
 *
 * What the worker holds is bounded: `maxBufferedBytes` of datagrams handed over but not
 * yet released (`release`) by the receiver. Past that it drops datagrams and counts them
 * ("dropped by us"): the receiver stops releasing while its sink is full.
 *
 * The worker is JavaScript in a string (node built-ins only), so it runs the same under
 * tsx, vitest and the esbuild bundle, with no file of its own to ship.
 *
 * Chunk layout, repeated: u32 LE length, u16 LE sender index (65535: not known), the
 * datagram's bytes. Senders' addresses are sent once each (`peers` of the chunk that
 * first uses them), when `senderAddress` is on.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

export interface UdpThreadOptions {
  host: string;
  port: number;
  /** Asked of the kernel (SO_RCVBUF); it caps this at net.core.rmem_max. */
  recvBufferSize: number;
  /** Datagrams held for the receiver (in chunks not yet released) before we drop. */
  maxBufferedBytes: number;
  /** A chunk is handed over when full or this long after its first datagram. */
  flushMs: number;
  /**
   * Keep each datagram's sender address (used as host for messages that name none). Costs
   * about twice the CPU per datagram: node's per-datagram event instead of read(2) in a loop.
   */
  senderAddress: boolean;
}

export interface UdpChunk {
  bytes: Buffer;
  count: number;
}

export interface UdpThreadInfo {
  address: string;
  port: number;
  family: string;
  /** What the kernel granted, as getsockopt reports it (Linux doubles the asked size for bookkeeping). */
  recvBufferSize: number;
  /** How the thread reads the socket: read(2) in a loop, or node's per-datagram events (sender addresses). */
  reader: 'read-loop' | 'events';
}

const CHUNK_BYTES = 256 * 1024;

const WORKER_SOURCE = String.raw`
const { parentPort, workerData: o, receiveMessageOnPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const fs = require('node:fs');
const control = o.control;
const sock = dgram.createSocket({ type: o.type, recvBufferSize: o.recvBufferSize });
const MAX_DATAGRAM = 65535;
let buf = Buffer.allocUnsafeSlow(o.chunkBytes);
let pos = 0, count = 0, firstAt = 0, timer = null;
let held = 0, received = 0, dropped = 0, reported = -1, closing = false;
const peers = new Map();
let newPeers = [];
function post() {
  if (timer !== null) { clearTimeout(timer); timer = null; }
  if (count === 0) return;
  held += pos;
  let ab;
  if (pos < o.chunkBytes / 4) {
    // A small chunk (a trickle): copy it out and keep the big buffer.
    ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + pos);
  } else {
    ab = buf.buffer;
    buf = Buffer.allocUnsafeSlow(o.chunkBytes);
  }
  parentPort.postMessage({ type: 'chunk', ab, bytes: pos, count, peers: newPeers, received, dropped }, [ab]);
  reported = dropped;
  newPeers = [];
  pos = 0;
  count = 0;
}
function stats() {
  if (dropped !== reported) { reported = dropped; parentPort.postMessage({ type: 'stats', received, dropped }); }
}
function onControl(m) {
  if (m.type === 'release') held -= m.bytes;
  else if (m.type === 'close') closing = true;
}
let finished = false, idle = false, loopFd = -1, statsTimer = null;
function finish() {
  if (finished) return;
  finished = true;
  if (statsTimer !== null) clearInterval(statsTimer);
  post();
  sock.close(() => parentPort.postMessage({ type: 'closed', received, dropped }));
}
// With sender addresses (or where the socket has no fd): node's 'message' event per datagram.
function onMessage(msg, rinfo) {
  received++;
  const need = 6 + msg.length;
  if (held + pos + need > o.maxBufferedBytes) { dropped++; return; }
  if (pos + need > o.chunkBytes) post();
  // Addresses only when asked for: the read loop cannot see them, and a message's host
  // must not depend on which path read it.
  let idx = o.senderAddress ? peers.get(rinfo.address) : 65535;
  if (idx === undefined) {
    idx = peers.size < 65535 ? peers.size : 65535;
    if (idx < 65535) { peers.set(rinfo.address, idx); newPeers.push(rinfo.address); }
  }
  buf.writeUInt32LE(msg.length, pos);
  buf.writeUInt16LE(idx, pos + 4);
  msg.copy(buf, pos + 6);
  pos += need;
  count++;
  if (timer === null) timer = setTimeout(post, o.flushMs);
}
// Without: read(2) on the socket straight into the chunk, in a loop that does not yield
// to the event loop (so node's own reader does not run). About half the CPU per datagram
// of the event path, which allocates a Buffer, an rinfo object and a callback per
// datagram. An empty socket costs a wake-up and an EAGAIN exception per 1 ms nap, so
// after 200 ms without data the loop returns to the event loop, which costs nothing
// while idle, and the next datagram's event starts the loop again.
const nap = new Int32Array(new SharedArrayBuffer(4));
function readLoop(fd) {
  if (idle) parentPort.postMessage({ type: 'stats', received, dropped, resting: false });
  idle = false;
  let lastStats = Date.now();
  let lastData = Date.now();
  let gotSinceNap = false;
  for (;;) {
    if (pos + 6 + MAX_DATAGRAM > o.chunkBytes) post();
    let n = -1;
    try {
      n = fs.readSync(fd, buf, pos + 6, MAX_DATAGRAM, null);
    } catch (err) {
      if (err.code !== 'EAGAIN' && err.code !== 'EWOULDBLOCK') parentPort.postMessage({ type: 'error', message: err.message, code: err.code });
    }
    if (n >= 0) {
      received++;
      gotSinceNap = true;
      if (held + pos + 6 + n > o.maxBufferedBytes) dropped++;
      else {
        buf.writeUInt32LE(n, pos);
        buf.writeUInt16LE(65535, pos + 4);
        pos += 6 + n;
        if (count++ === 0) firstAt = Date.now();
      }
      // Look up from the socket every 256 datagrams while they keep coming.
      if ((received & 255) !== 0) continue;
    }
    const now = Date.now();
    if (count && now - firstAt >= o.flushMs) post();
    let m;
    while ((m = receiveMessageOnPort(control))) onControl(m.message);
    if (closing) {
      // Drain what the kernel holds, then close.
      if (n >= 0) continue;
      finish();
      return;
    }
    if (now - lastStats >= 100) { lastStats = now; stats(); }
    if (n < 0) {
      if (gotSinceNap) lastData = now;
      gotSinceNap = false;
      if (now - lastData > 200) {
        post();
        idle = true;
        parentPort.postMessage({ type: 'stats', received, dropped, resting: true });
        return;
      }
      Atomics.wait(nap, 0, 0, 1);
    }
  }
}
sock.on('error', (err) => parentPort.postMessage({ type: 'error', message: err.message, code: err.code }));
sock.bind(o.port, o.host, () => {
  const a = sock.address();
  // The socket's fd, from dgram's internal state (sock._handle is the same, but deprecated
  // with a warning). Not found (another node, Windows): the event path.
  const state = Object.getOwnPropertySymbols(sock).find((k) => k.description === 'state symbol');
  const handle = state && sock[state] && sock[state].handle;
  const fd = handle && handle.fd;
  const loop = !o.senderAddress && typeof fd === 'number' && fd >= 0;
  parentPort.postMessage({ type: 'listening', address: a.address, port: a.port, family: a.family, recvBufferSize: sock.getRecvBufferSize(), reader: loop ? 'read-loop' : 'events' });
  sock.on('message', (msg, rinfo) => {
    onMessage(msg, rinfo);
    if (idle && !closing) readLoop(loopFd);
  });
  control.on('message', (m) => {
    onControl(m);
    if (closing && (idle || !loop)) finish();
  });
  statsTimer = setInterval(stats, 100);
  if (loop) {
    loopFd = fd;
    readLoop(fd);
  }
});
`;

type FromWorker =
  | {
      type: 'listening';
      address: string;
      port: number;
      family: string;
      recvBufferSize: number;
      reader: UdpThreadInfo['reader'];
    }
  | { type: 'error'; message: string; code?: string }
  | { type: 'chunk'; ab: ArrayBuffer; bytes: number; count: number; peers: string[]; received: number; dropped: number }
  | { type: 'stats'; received: number; dropped: number; resting?: boolean }
  | { type: 'closed'; received: number; dropped: number };

/** The socket thread, seen from the receiver: chunks arrive through `onChunk`; release each when done with it. */
export class UdpThread {
  private worker: Worker | null = null;
  private control: MessagePort | null = null;
  /** Senders by index, as the worker numbered them. */
  readonly peers: string[] = [];
  /** Datagrams the socket delivered to the worker. */
  received = 0;
  /** Datagrams the worker dropped because the receiver held maxBufferedBytes already. */
  dropped = 0;
  info: UdpThreadInfo | null = null;
  /** True while the read loop rests (no data for 200 ms) and the event loop waits for the next datagram. */
  resting = false;
  private closed: (() => void) | null = null;

  constructor(
    private readonly opts: UdpThreadOptions,
    private readonly onChunk: (chunk: UdpChunk) => void,
    private readonly onError: (message: string) => void,
  ) {}

  start(): Promise<UdpThreadInfo> {
    const type = this.opts.host.includes(':') ? 'udp6' : 'udp4';
    // Control messages go through a port of their own: the worker's read loop polls it
    // (receiveMessageOnPort) without returning to its event loop.
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ...this.opts, type, chunkBytes: CHUNK_BYTES, control: port2 },
      transferList: [port2],
    });
    this.worker = worker;
    this.control = port1;
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'listening':
            listening = true;
            this.info = {
              address: m.address,
              port: m.port,
              family: m.family,
              recvBufferSize: m.recvBufferSize,
              reader: m.reader,
            };
            resolve(this.info);
            break;
          case 'error':
            if (!listening) {
              void worker.terminate();
              this.worker = null;
              this.control?.close();
              this.control = null;
              reject(new Error(`cannot listen on udp ${this.opts.host}:${this.opts.port}: ${m.message}`));
            } else this.onError(m.message);
            break;
          case 'chunk':
            for (const p of m.peers) this.peers.push(p);
            this.received = m.received;
            this.dropped = m.dropped;
            this.onChunk({ bytes: Buffer.from(m.ab, 0, m.bytes), count: m.count });
            break;
          case 'stats':
            this.received = m.received;
            this.dropped = m.dropped;
            if (m.resting !== undefined) this.resting = m.resting;
            break;
          case 'closed':
            this.received = m.received;
            this.dropped = m.dropped;
            this.closed?.();
            break;
        }
      });
      worker.on('error', (err) => {
        if (!listening) reject(err);
        else this.onError(`socket thread failed: ${err.message}`);
      });
    });
  }

  /** Tell the worker the receiver no longer holds this chunk. */
  release(chunk: UdpChunk): void {
    this.control?.postMessage({ type: 'release', bytes: chunk.bytes.length });
  }

  /** Closes the socket; chunks still in the worker arrive through onChunk first. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.closed = () => {
        clearTimeout(timer);
        resolve();
      };
      this.control!.postMessage({ type: 'close' });
    });
    await worker.terminate();
    this.control?.close();
    this.control = null;
  }
}

/** Iterates a chunk's datagrams: calls `fn(buf, start, end, peerIndex)` for each, from `from` (a byte offset). */
export function forEachDatagram(
  buf: Buffer,
  from: number,
  fn: (buf: Buffer, start: number, end: number, peer: number) => boolean,
): number {
  let pos = from;
  while (pos < buf.length) {
    const len = buf.readUInt32LE(pos);
    const peer = buf.readUInt16LE(pos + 4);
    if (!fn(buf, pos + 6, pos + 6 + len, peer)) return pos;
    pos += 6 + len;
  }
  return pos;
}
