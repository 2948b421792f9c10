/** Helpers for the receiver's tests: a started receiver over a MemorySink, and raw requests. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemorySink } from '../testing/memory-sink';
import type { HttpReceiverConfigInput } from './config';
import { createHttpReceiver, type HttpReceiver, type HttpReceiverOptions } from './receiver';

export interface Running {
  receiver: HttpReceiver;
  sink: MemorySink;
  port: number;
  stop(): Promise<void>;
}

export async function startReceiver(config: HttpReceiverConfigInput = {}, opts: HttpReceiverOptions = {}, sink = new MemorySink()): Promise<Running> {
  const receiver = createHttpReceiver({ port: 0, defaultZone: 'UTC', ...config }, sink, opts);
  await receiver.start();
  return { receiver, sink, port: receiver.port, stop: () => receiver.stop() };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export function send(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: <T>() => JSON.parse(text) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** POST with a Content-Type. */
export function post(port: number, path: string, body: string | Buffer, type: string | null, headers: Record<string, string> = {}): Promise<Reply> {
  return send(port, { path, body, headers: type === null ? headers : { 'Content-Type': type, ...headers } });
}

/**
 * Bytes straight onto a socket, for requests a well-behaved client will not make (a body
 * shorter than its Content-Length). Resolves with everything the server sent back.
 */
export function rawExchange(port: number, bytes: string | Buffer, opts: { endAfterWrite?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    sock.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    sock.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(err)));
    sock.write(bytes, () => {
      if (opts.endAfterWrite) sock.end();
    });
  });
}

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}
