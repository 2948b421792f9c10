/**
 * LogScope's HTTP receiver: one node:http server with the endpoints log shippers speak —
 * `/ingest` (JSON, NDJSON, text, Fluent Bit msgpack, forms), OTLP `/v1/logs`, Loki
 * `/loki/api/v1/push`, Elasticsearch `/_bulk`, GELF `/gelf` — and `/health`, `/metrics`.
 *
 * The rules every endpoint shares live here: who may post (security.ts), back-pressure
 * (a full store answers 429 + Retry-After before the body is read), bodies (body.ts:
 * limits, encodings), and "accepted means durable": a 2xx goes out only after the sink
 * has committed the records. No framework: the routes are a handful, and the hot path
 * (one NDJSON batch) is a read, a split and a JSON.parse per line.
 */
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { IngestRecord } from '../../record';
import { TimeContext, type TimeOptions } from '../../time';
import type { LiveSource, LiveSourceStatus, RecordSink, SinkSource } from '../sink';
import { HttpError, decodeBody, mediaType, readRawBody } from './body';
import { WriteCoalescer } from './coalesce';
import { parseHttpReceiverConfig, type HttpReceiverConfig, type HttpReceiverConfigInput } from './config';
import { BulkRequestError, ES_SETUP_PATH, bulkPath, bulkResponse, esClusterHealth, esError, esInfo, esLicense, esXpack, parseBulk } from './elastic';
import { parseFormBody } from './form-body';
import { decodeGelfBody, decodeGelfObject, type GelfDecoder } from './gelf-body';
import { looksLikeJson, parseJsonBody, type DecodedBatch, type Rejection } from './json-body';
import { decodeLoki } from './loki';
import { ReceiverMetrics, type EndpointCounters, type Endpoint, type EngineFigures } from './metrics';
import { parseMsgpackBody } from './msgpack-body';
import { decodeOtlp, otlpResponse, otlpStatus, type OtlpEncoding } from './otlp';
import { RequestGuard } from './security';
import { TextBodyDecoder } from './text-lines';

export interface HttpReceiverOptions {
  /** The GELF decoder for `/gelf`; default: the GELF receivers' own (src/ingest/sources/gelf/decode.ts). */
  decodeGelf?: GelfDecoder;
  /** Engine-level figures for /health and /metrics (queue depth, commit latency, committed rows). */
  engineFigures?: () => EngineFigures;
  /** Told about failures that are the receiver's, not the sender's (a store error, a bug). */
  log?: (message: string) => void;
}

export interface HttpReceiver extends LiveSource {
  /** The port listened on (the chosen one when the config said 0); 0 before start. */
  readonly port: number;
  readonly config: HttpReceiverConfig;
  readonly metrics: ReceiverMetrics;
}

/** Media types `/ingest` takes, shown in its 415 answer. */
const INGEST_TYPES = [
  'application/json',
  'application/x-ndjson',
  'application/jsonl',
  'text/plain',
  'application/msgpack',
  'application/x-www-form-urlencoded',
];
const JSON_TYPES = new Set([
  'application/json',
  'text/json',
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonl',
  'application/jsonlines',
  'application/x-jsonlines',
  'application/json-seq',
]);
const MSGPACK_TYPES = new Set(['application/msgpack', 'application/x-msgpack', 'application/vnd.msgpack']);
const PROTOBUF_TYPES = new Set(['application/x-protobuf', 'application/protobuf']);
const BULK_TYPES = new Set(['', 'application/json', 'application/x-ndjson', 'application/vnd.elasticsearch+x-ndjson', 'application/vnd.elasticsearch+json', 'text/plain']);

/** Listed in a 404, so a misconfigured shipper learns where to post. */
const ENDPOINT_LIST =
  'POST /ingest, POST /v1/logs (OTLP), POST /loki/api/v1/push, POST /_bulk (Elasticsearch), POST /gelf, GET /health, GET /metrics';

/** Rejections listed in a response; the count says how many there were in all. */
const MAX_LISTED = 100;

/**
 * Builds the receiver; the config is checked here (zod) and a bad one throws
 * HttpReceiverConfigError. `start()` listens, `stop()` stops accepting, lets requests in
 * progress finish (their records committed and answered) and closes.
 */
export function createHttpReceiver(config: HttpReceiverConfigInput, sink: RecordSink, opts: HttpReceiverOptions = {}): HttpReceiver {
  const cfg = parseHttpReceiverConfig(config);
  const metrics = new ReceiverMetrics();
  const guard = new RequestGuard(cfg.token, cfg.allowedOrigins);
  const coalescer = new WriteCoalescer(sink);
  const text = new TextBodyDecoder();
  const sources: Record<Endpoint, SinkSource> = {
    ingest: { name: `${cfg.sourcePrefix}:ingest`, kind: 'http', format: null },
    otlp: { name: `${cfg.sourcePrefix}:otlp`, kind: 'http', format: 'otlp' },
    loki: { name: `${cfg.sourcePrefix}:loki`, kind: 'http', format: null },
    elastic: { name: `${cfg.sourcePrefix}:elastic`, kind: 'http', format: 'elastic_bulk' },
    gelf: { name: `${cfg.sourcePrefix}:gelf`, kind: 'gelf', format: 'gelf' },
  };
  let server: Server | null = null;
  let port = 0;
  let state: LiveSourceStatus['state'] = 'stopped';
  let error: string | null = null;
  let inflightBytes = 0;
  /** The request being answered on each connection, and connections that have had one. */
  const busy = new WeakMap<Duplex, { req: IncomingMessage; done: Promise<void> }>();
  const served = new WeakSet<Duplex>();
  const retryAfter = String(cfg.retryAfterSeconds);
  const log = opts.log ?? (() => {});

  const timeOptions = (): TimeOptions => ({ defaultZone: cfg.defaultZone, referenceMs: Date.now() });

  // -------------------------------------------------------------------------------------
  // Responses

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, headers: Record<string, string> = {}) => {
    if (res.headersSent) return;
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    for (const k in headers) res.setHeader(k, headers[k]!);
    res.end(body);
  };
  const sendJson = (res: ServerResponse, status: number, obj: unknown, headers?: Record<string, string>) =>
    send(res, status, JSON.stringify(obj), 'application/json', headers);

  /** Rejections as a response lists them: the first MAX_LISTED, and how many more. */
  const listed = (rejected: Rejection[]) => (rejected.length > MAX_LISTED ? rejected.slice(0, MAX_LISTED) : rejected);
  const describeRejections = (stored: number, rejected: Rejection[]) => {
    const first = rejected[0]!;
    const where = first.line !== undefined ? `line ${first.line}` : first.index !== undefined ? `item [${first.index}]` : 'the body';
    return `${rejected.length} item${rejected.length === 1 ? '' : 's'} rejected (first: ${where}: ${first.error}); ${stored} stored`;
  };

  // -------------------------------------------------------------------------------------
  // The shared steps of a POST

  /** Refuses the request before its body is read when the store is behind or memory is spoken for. */
  const admit = (req: IncomingMessage, counters: EndpointCounters) => {
    if (sink.full) {
      counters.throttled++;
      throw new HttpError(429, `the store is behind; retry in ${retryAfter} s`, { 'Retry-After': retryAfter });
    }
    const declared = Number(req.headers['content-length'] ?? 0) || 0;
    if (inflightBytes + declared > cfg.maxInflightBytes) {
      counters.throttled++;
      throw new HttpError(503, `too many request bodies in memory at once; retry in ${retryAfter} s`, { 'Retry-After': retryAfter });
    }
  };

  /** The body, read and decoded; its bytes count against maxInflightBytes until `release`. */
  const readBody = async (req: IncomingMessage, counters: EndpointCounters): Promise<{ body: Buffer; release: () => void }> => {
    const raw = await readRawBody(req, { maxBytes: cfg.maxBodyBytes });
    counters.bytes += raw.length;
    inflightBytes += raw.length;
    let held = raw.length;
    const release = () => {
      inflightBytes -= held;
      held = 0;
    };
    const encoding = req.headers['content-encoding'];
    // The common case, a plain body, skips the decoder (and its await).
    if (encoding === undefined && !(raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b)) return { body: raw, release };
    try {
      const body = await decodeBody(raw, encoding, cfg.maxBodyBytes);
      if (body !== raw) {
        inflightBytes += body.length;
        held += body.length;
      }
      return { body, release };
    } catch (err) {
      release();
      throw err;
    }
  };

  /**
   * Stores the records and resolves once they are committed. Records without a time are
   * given the request's arrival (they may share a write with other requests').
   */
  const store = async (ep: Endpoint, source: SinkSource, records: IngestRecord[], arrival: number): Promise<void> => {
    const counters = metrics.of(ep);
    if (!records.length) return;
    for (let i = 0; i < records.length; i++) if (records[i]!.ts === null) records[i]!.ts = arrival;
    try {
      await coalescer.write(source, records);
    } catch (err) {
      counters.dropped += records.length;
      log(`http receiver: the store refused ${records.length} records from ${source.name}: ${(err as Error).message}`);
      throw new HttpError(503, `the store could not take the records: ${(err as Error).message}`, { 'Retry-After': retryAfter });
    }
    counters.stored += records.length;
  };

  const count = (ep: Endpoint, batch: DecodedBatch) => {
    const c = metrics.of(ep);
    c.received += batch.records.length + batch.rejected.length;
    c.rejected += batch.rejected.length;
  };

  // -------------------------------------------------------------------------------------
  // Endpoints

  async function ingest(req: IncomingMessage, res: ServerResponse, arrival: number): Promise<void> {
    const counters = metrics.of('ingest');
    const type = mediaType(req.headers['content-type']);
    const isJson = JSON_TYPES.has(type);
    const isMsgpack = MSGPACK_TYPES.has(type);
    const isForm = type === 'application/x-www-form-urlencoded';
    if (!(isJson || isMsgpack || isForm || type === '' || type === 'text/plain')) {
      throw new HttpError(415, `Content-Type ${type} is not accepted here; send one of ${INGEST_TYPES.join(', ')}`, { Accept: INGEST_TYPES.join(', ') });
    }
    admit(req, counters);
    const { body, release } = await readBody(req, counters);
    try {
      let batch: DecodedBatch;
      let format: string;
      const tc = new TimeContext(timeOptions());
      if (isMsgpack) {
        batch = parseMsgpackBody(body, tc);
        format = 'fluentbit';
      } else {
        const t = body.toString('utf8');
        if (looksLikeJson(t)) {
          // JSON whatever the label: Fluent Bit labels json_lines application/json, and
          // `curl -d` labels everything a form.
          batch = parseJsonBody(t, tc);
          format = 'json';
        } else if (isJson) {
          batch = parseJsonBody(t, tc);
          format = 'json';
        } else if (isForm) {
          try {
            batch = { records: [parseFormBody(t, tc)], rejected: [], shape: 'form' };
          } catch (err) {
            batch = { records: [], rejected: [{ error: (err as Error).message }], shape: 'form' };
          }
          format = batch.records[0]?.format ?? 'form';
        } else {
          const r = text.decode(t, timeOptions());
          batch = { records: r.records, rejected: [], shape: r.format };
          format = r.format;
        }
      }
      count('ingest', batch);
      if (batch.records.length === 0 && batch.rejected.length === 0) {
        batch.rejected.push({ error: 'the body is empty: nothing to store' });
        counters.rejected++;
        counters.received++;
      }
      await store('ingest', { ...sources.ingest, format }, batch.records, arrival);
      const stored = batch.records.length;
      if (batch.rejected.length) {
        sendJson(res, 400, {
          error: describeRejections(stored, batch.rejected),
          stored,
          rejectedCount: batch.rejected.length,
          rejected: listed(batch.rejected),
        });
      } else {
        sendJson(res, 200, { stored });
      }
    } finally {
      release();
    }
  }

  async function otlp(req: IncomingMessage, res: ServerResponse, arrival: number): Promise<void> {
    const counters = metrics.of('otlp');
    const type = mediaType(req.headers['content-type']);
    const encoding: OtlpEncoding | null = PROTOBUF_TYPES.has(type) ? 'protobuf' : type === 'application/json' ? 'json' : null;
    if (encoding === null) {
      throw new HttpError(415, `Content-Type ${type || '(none)'} is not OTLP/HTTP; send application/x-protobuf or application/json`, {
        Accept: 'application/x-protobuf, application/json',
      });
    }
    try {
      admit(req, counters);
      const { body, release } = await readBody(req, counters);
      try {
        const batch = decodeOtlp(body, encoding);
        count('otlp', batch);
        await store('otlp', sources.otlp, batch.records, arrival);
        const msg = batch.rejected.length ? describeRejections(batch.records.length, batch.rejected) : '';
        send(res, 200, otlpResponse(encoding, batch.rejected.length, msg), encoding === 'json' ? 'application/json' : 'application/x-protobuf');
      } finally {
        release();
      }
    } catch (err) {
      // OTLP wants errors as google.rpc.Status in the request's encoding.
      if (!(err instanceof HttpError)) throw err;
      const code = err.status === 429 || err.status === 503 ? 14 : err.status === 413 ? 8 : 3;
      throw new HttpError(err.status, err.message, err.headers, err.close, {
        body: otlpStatus(encoding, code, err.message),
        type: encoding === 'json' ? 'application/json' : 'application/x-protobuf',
      });
    }
  }

  async function loki(req: IncomingMessage, res: ServerResponse, arrival: number): Promise<void> {
    const counters = metrics.of('loki');
    const type = mediaType(req.headers['content-type']);
    const encoding = PROTOBUF_TYPES.has(type) ? 'protobuf' : type === 'application/json' ? 'json' : null;
    if (encoding === null) {
      throw new HttpError(415, `Content-Type ${type || '(none)'} is not a Loki push; send application/x-protobuf (snappy) or application/json`, {
        Accept: 'application/x-protobuf, application/json',
      });
    }
    admit(req, counters);
    const { body, release } = await readBody(req, counters);
    try {
      const batch = decodeLoki(body, encoding, text, timeOptions(), cfg.maxBodyBytes);
      count('loki', batch);
      await store('loki', { ...sources.loki, format: batch.shape }, batch.records, arrival);
      if (batch.rejected.length) {
        throw new HttpError(400, describeRejections(batch.records.length, batch.rejected));
      }
      res.statusCode = 204;
      res.end();
    } finally {
      release();
    }
  }

  async function bulk(req: IncomingMessage, res: ServerResponse, arrival: number, defaultIndex: string | null): Promise<void> {
    const started = performance.now();
    const counters = metrics.of('elastic');
    const type = mediaType(req.headers['content-type']);
    if (!BULK_TYPES.has(type)) {
      throw new HttpError(415, `Content-Type header [${type}] is not supported; send application/x-ndjson`);
    }
    admit(req, counters);
    const { body, release } = await readBody(req, counters);
    try {
      const tc = new TimeContext(timeOptions());
      let result;
      try {
        result = parseBulk(body.toString('utf8'), defaultIndex, tc);
      } catch (err) {
        if (err instanceof BulkRequestError) throw new HttpError(err.status, err.message, {}, false, { body: JSON.stringify(err.body), type: 'application/json' });
        throw err;
      }
      const failed = result.items.filter((i) => i.error).length;
      counters.received += result.records.length + failed;
      counters.rejected += failed;
      await store('elastic', sources.elastic, result.records, arrival);
      sendJson(res, 200, bulkResponse(result.items, Math.round(performance.now() - started)), ES_HEADERS);
    } finally {
      release();
    }
  }

  async function gelf(req: IncomingMessage, res: ServerResponse, arrival: number): Promise<void> {
    const counters = metrics.of('gelf');
    const type = mediaType(req.headers['content-type']);
    if (!(type === '' || JSON_TYPES.has(type) || type === 'text/plain')) {
      throw new HttpError(415, `Content-Type ${type} is not GELF; send application/json`, { Accept: 'application/json' });
    }
    const decode = opts.decodeGelf ?? decodeGelfObject;
    admit(req, counters);
    const { body, release } = await readBody(req, counters);
    try {
      const batch = decodeGelfBody(body.toString('utf8'), new TimeContext(timeOptions()), decode);
      count('gelf', batch);
      await store('gelf', sources.gelf, batch.records, arrival);
      if (batch.rejected.length) {
        sendJson(res, 400, {
          error: describeRejections(batch.records.length, batch.rejected),
          stored: batch.records.length,
          rejectedCount: batch.rejected.length,
          rejected: listed(batch.rejected),
        });
      } else {
        // Graylog's GELF HTTP input answers 202 Accepted with no body.
        res.statusCode = 202;
        res.end();
      }
    } finally {
      release();
    }
  }

  const ES_HEADERS = { 'X-Elastic-Product': 'Elasticsearch' };

  function elasticProbe(method: string, path: string, res: ServerResponse): boolean {
    const json = (obj: unknown) => {
      if (method === 'HEAD') {
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('X-Elastic-Product', 'Elasticsearch');
        res.end();
      } else sendJson(res, 200, obj, ES_HEADERS);
      return true;
    };
    const read = method === 'GET' || method === 'HEAD';
    if (path === '/' && read) return json(esInfo(cfg.esVersion));
    if (path === '/_license' && read) return json(esLicense());
    if (path === '/_xpack' && read) return json(esXpack());
    if (path === '/_cluster/health' && read) return json(esClusterHealth());
    if (ES_SETUP_PATH.test(path)) return json(read ? {} : { acknowledged: true });
    return false;
  }

  function health(res: ServerResponse): void {
    sendJson(res, 200, {
      status: sink.full ? 'busy' : 'ok',
      receiver: receiver.status(),
      endpoints: metrics.toJson(),
      engine: figures(),
    });
  }

  const figures = (): EngineFigures | null => {
    try {
      return opts.engineFigures?.() ?? null;
    } catch (err) {
      log(`http receiver: engineFigures failed: ${(err as Error).message}`);
      return null;
    }
  };

  // -------------------------------------------------------------------------------------
  // Dispatch

  function endpointOf(method: string, path: string): { ep: Endpoint; run: (req: IncomingMessage, res: ServerResponse, arrival: number) => Promise<void> } | null {
    switch (path) {
      case '/ingest':
        return { ep: 'ingest', run: ingest };
      case '/v1/logs':
        return { ep: 'otlp', run: otlp };
      case '/loki/api/v1/push':
        return { ep: 'loki', run: loki };
      case '/gelf':
        return { ep: 'gelf', run: gelf };
    }
    const b = method === 'POST' || method === 'PUT' ? bulkPath(path) : null;
    if (b) return { ep: 'elastic', run: (req, res, arrival) => bulk(req, res, arrival, b.index) };
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrival = Date.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    let ep: Endpoint | null = null;
    try {
      guard.check(req.headers);
      const route = endpointOf(method, path);
      if (route) {
        ep = route.ep;
        if (method !== 'POST' && !(ep === 'elastic' && method === 'PUT')) {
          throw new HttpError(405, `${path} takes POST`, { Allow: 'POST' });
        }
        await route.run(req, res, arrival);
      } else if (path === '/health' && (method === 'GET' || method === 'HEAD')) {
        health(res);
      } else if (path === '/metrics' && (method === 'GET' || method === 'HEAD')) {
        send(res, 200, metrics.prometheus(cfg.sourcePrefix, figures()), 'text/plain; version=0.0.4; charset=utf-8');
      } else if (!elasticProbe(method, path, res)) {
        throw new HttpError(404, `no endpoint ${method} ${path}; this receiver has ${ENDPOINT_LIST}`);
      }
    } catch (err) {
      if (!(err instanceof HttpError)) {
        log(`http receiver: ${method} ${path} failed: ${(err as Error).stack ?? err}`);
        err = new HttpError(500, `internal error: ${(err as Error).message}`);
      }
      const e = err as HttpError;
      if (e.close) res.setHeader('Connection', 'close');
      if (e.body) send(res, e.status, e.body.body, e.body.type, e.headers);
      else if (ep === 'loki') send(res, e.status, e.message + '\n', 'text/plain; charset=utf-8', e.headers);
      else if (ep === 'elastic') {
        const type = e.status === 429 ? 'es_rejected_execution_exception' : e.status === 413 ? 'content_too_long_exception' : 'illegal_argument_exception';
        sendJson(res, e.status, esError(e.status, type, e.message), { ...ES_HEADERS, ...e.headers });
      } else sendJson(res, e.status, { error: e.message }, e.headers);
    } finally {
      metrics.request(ep, res.statusCode);
    }
  }

  const receiver: HttpReceiver = {
    name: cfg.sourcePrefix,
    config: cfg,
    metrics,
    get port() {
      return port;
    },

    async start(): Promise<void> {
      if (server) return;
      state = 'starting';
      error = null;
      const s = createServer({ requestTimeout: cfg.requestTimeoutMs, headersTimeout: Math.min(cfg.requestTimeoutMs, 60_000), keepAliveTimeout: 65_000 });
      s.on('request', (req: IncomingMessage, res: ServerResponse) => {
        busy.set(req.socket, { req, done: handle(req, res) });
        served.add(req.socket);
      });
      s.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
        // Malformed HTTP. The request in progress on this socket (if any) is answered
        // first; then this answer says what was wrong, and the connection closes.
        const answer = () => {
          if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
          const { status, message } = describeParseError(err, served.has(socket));
          metrics.request(null, status);
          const msg = JSON.stringify({ error: message });
          socket.end(
            `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(msg)}\r\nConnection: close\r\n\r\n${msg}`,
          );
        };
        // A request whose body is complete is answered first; one still reading its body
        // is the one this error is about, and will not complete.
        const pending = busy.get(socket);
        if (pending?.req.complete) void pending.done.then(answer);
        else answer();
      });
      try {
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(cfg.port, cfg.host, () => {
            s.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        state = 'failed';
        error = `cannot listen on ${cfg.host}:${cfg.port}: ${(err as Error).message}`;
        throw new Error(error);
      }
      s.on('error', (err) => {
        state = 'failed';
        error = err.message;
        log(`http receiver: ${err.message}`);
      });
      server = s;
      port = (s.address() as AddressInfo).port;
      state = 'running';
    },

    async stop(): Promise<void> {
      const s = server;
      if (!s) return;
      server = null;
      // close() stops accepting and closes idle keep-alive connections; requests in
      // progress run to their answer (their records committed first).
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      s.closeIdleConnections();
      await coalescer.drain();
      const force = setTimeout(() => s.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(force);
      state = 'stopped';
    },

    status(): LiveSourceStatus {
      const t = metrics.totals();
      const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
      return { name: cfg.sourcePrefix, kind: 'http', address: `http://${host}:${port || cfg.port}`, state, error, ...t };
    },
  };
  return receiver;
}

/** What llhttp's error codes mean for the sender, in its terms. */
function describeParseError(err: NodeJS.ErrnoException, hadRequest: boolean): { status: number; message: string } {
  switch (err.code) {
    case 'HPE_INVALID_EOF_STATE':
      return { status: 400, message: 'the connection was closed before the request was complete: the body is shorter than its Content-Length' };
    case 'HPE_INVALID_METHOD':
    case 'HPE_INVALID_CONSTANT':
      return {
        status: 400,
        message: hadRequest
          ? 'bytes after the end of the previous request: its body was longer than its Content-Length'
          : 'this is not an HTTP/1.1 request',
      };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'the request headers are too large' };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, message: 'the request has both Content-Length and Transfer-Encoding: chunked' };
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return { status: 400, message: 'the chunked body is malformed (a chunk size is not hexadecimal, or a chunk is not followed by CRLF)' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'the request did not arrive in time (requestTimeoutMs)' };
    default:
      return { status: 400, message: `malformed HTTP request (${err.code ?? err.message})` };
  }
}
