/**
 * Request bodies: read up to a limit (stopping early, never buffering what is over it),
 * then decoded from their Content-Encoding with the same limit on the decoded size (a
 * small gzip can inflate to gigabytes). Every refusal is an HttpError that says what was
 * wrong with the body and where.
 */
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

/** A request refused with a status and a message for the sender. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Close the connection after answering (the rest of the body is not read). */
    readonly close = false,
    /** The response body in the endpoint's own error shape (OTLP Status, ES error), when not the default JSON. */
    readonly body?: { body: string | Buffer; type: string },
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);

export interface BodyLimits {
  maxBytes: number;
}

/**
 * The raw body, at most `maxBytes`. A Content-Length over the limit is refused before a
 * byte is read; a body that turns out longer stops being read at the limit. A body that
 * ends before its Content-Length said is a 400 naming both figures.
 */
export function readRawBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = req.headers['content-length'];
  const expected = declared === undefined ? -1 : Number(declared);
  if (declared !== undefined && !(Number.isSafeInteger(expected) && expected >= 0)) {
    return Promise.reject(new HttpError(400, `Content-Length "${declared}" is not a byte count`));
  }
  if (expected > limits.maxBytes) {
    return Promise.reject(tooLarge(limits.maxBytes, `Content-Length ${expected}`));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const done = (err: Error | null, buf?: Buffer) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (err) reject(err);
      else resolve(buf!);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBytes) {
        // Stop reading: the connection is closed after the answer, so the rest is never read.
        req.pause();
        done(tooLarge(limits.maxBytes, 'the body'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (expected >= 0 && received !== expected) {
        done(new HttpError(400, `the body ended after ${received} of the ${expected} bytes its Content-Length announced`, {}, true));
        return;
      }
      done(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    };
    const onError = (err: Error) => done(new HttpError(400, `reading the body failed: ${err.message}`, {}, true));
    const onAborted = () =>
      done(
        new HttpError(
          400,
          expected >= 0
            ? `the body ended after ${received} of the ${expected} bytes its Content-Length announced`
            : `the connection closed after ${received} bytes, before the body was complete`,
          {},
          true,
        ),
      );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function tooLarge(max: number, what: string): HttpError {
  return new HttpError(413, `${what} is larger than the ${max} bytes this receiver takes in one request (maxBodyBytes); send smaller batches`, {}, true);
}

/** Encodings a body may come in; zstd is missing because Node 20's zlib has no zstd. */
export const ACCEPTED_ENCODINGS = ['identity', 'gzip', 'x-gzip', 'deflate'] as const;

/**
 * The body decoded from its Content-Encoding. A gzip body that arrives without the header
 * is recognised by its magic bytes (some shippers forget the header); one that claims an
 * encoding it does not have is a 400 saying what its first bytes are.
 */
export async function decodeBody(raw: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const enc = (contentEncoding ?? '').trim().toLowerCase();
  const isGzip = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  if (enc === '' || enc === 'identity') {
    return isGzip ? inflateWith(gunzip, raw, maxBytes, 'gzip (recognised by its magic bytes; no Content-Encoding was sent)') : raw;
  }
  if (enc === 'gzip' || enc === 'x-gzip') {
    if (!isGzip) throw new HttpError(400, `Content-Encoding is gzip, but the body does not start with the gzip magic bytes (it starts with ${firstBytes(raw)})`);
    return inflateWith(gunzip, raw, maxBytes, 'gzip');
  }
  if (enc === 'deflate') {
    // RFC 9110 deflate is zlib-wrapped; some clients send raw deflate, recognised by the missing zlib header.
    const zlibHeader = raw.length >= 2 && (raw[0]! & 0x0f) === 8 && ((raw[0]! << 8) | raw[1]!) % 31 === 0;
    return inflateWith(zlibHeader ? inflate : inflateRaw, raw, maxBytes, 'deflate');
  }
  throw new HttpError(415, `Content-Encoding "${contentEncoding}" is not supported; use one of gzip, deflate or none`, {
    'Accept-Encoding': 'gzip, deflate',
  });
}

type Inflater = (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>;

async function inflateWith(fn: Inflater, raw: Buffer, maxBytes: number, what: string): Promise<Buffer> {
  try {
    return await fn(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw tooLarge(maxBytes, `the ${what} body, decompressed,`);
    }
    if (e.code === 'Z_BUF_ERROR') throw new HttpError(400, `the ${what} body is cut short: it ends in the middle of the compressed stream`);
    throw new HttpError(400, `the ${what} body cannot be decompressed: ${e.message}`);
  }
}

function firstBytes(b: Buffer): string {
  const head = b.subarray(0, 8);
  const hex = [...head].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  const text = head.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return `${hex || '(empty)'}${head.length ? ` "${text}"` : ''}`;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string {
  if (!header) return '';
  const semi = header.indexOf(';');
  return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}
