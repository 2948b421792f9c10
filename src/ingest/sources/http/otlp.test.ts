import { ROOT_CONTEXT, SeverityNumber, trace } from '@opentelemetry/api';
import { OTLPLogExporter as HttpJsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nanosToMs } from './otlp';
import { protoTypes } from './protos';
import { post, startReceiver, type Running } from './testing';

let r: Running;
beforeAll(async () => {
  r = await startReceiver();
});
afterAll(() => r.stop());
beforeEach(() => {
  r.sink.records.length = 0;
});

const T1 = Date.UTC(2024, 0, 2, 13, 4, 5, 123);
const T2 = Date.UTC(2024, 0, 2, 13, 4, 6, 0);
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

/** Real log records from the OTel SDK: a resource with service.name and host.name, and three records. */
function emitRecords(): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.name': 'node-7', 'deployment.environment': 'prod' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('checkout.http', '1.2.3');
  logger.emit({
    timestamp: T1,
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'payment declined',
    attributes: { 'http.response.status_code': 402, 'user.id': 'u-9', retry: true, ratio: 0.25, tags: ['a', 'b'] },
    // Inside a span, as an instrumented request handler logs.
    context: trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: SPAN, traceFlags: 1 }),
  });
  logger.emit({ timestamp: T2, severityNumber: SeverityNumber.WARN2, body: 'slow upstream', attributes: { 'upstream.ms': 1834 } });
  logger.emit({ severityText: 'debug', body: { message: 'structured body', cart: { items: 3 } } });
  return memory.getFinishedLogRecords();
}

function exportWith(exporter: LogRecordExporter, records: ReadableLogRecord[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(records, resolve));
}

describe.each([
  ['http/json', (port: number) => new HttpJsonExporter({ url: `http://127.0.0.1:${port}/v1/logs` })],
  ['http/protobuf', (port: number) => new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/logs` })],
  ['http/protobuf, gzip', (port: number) => new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/logs`, compression: 'gzip' as never })],
  ['http/json, gzip', (port: number) => new HttpJsonExporter({ url: `http://127.0.0.1:${port}/v1/logs`, compression: 'gzip' as never })],
])('the OpenTelemetry JS exporter, %s', (_name, make) => {
  it('delivers every record with its time, level, body, attributes and service', async () => {
    const exporter = make(r.port);
    const before = Date.now();
    const result = await exportWith(exporter, emitRecords());
    await exporter.shutdown();
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(0); // ExportResultCode.SUCCESS: the client accepted our response
    const [a, b, c] = r.sink.records;
    expect(r.sink.records).toHaveLength(3);
    expect(a).toMatchObject({
      ts: T1,
      level: 'error',
      message: 'payment declined',
      app: 'checkout',
      host: 'node-7',
      format: 'otlp',
      source: { name: 'http:otlp', kind: 'http' },
    });
    expect(a!.fields).toMatchObject({
      'http.response.status_code': 402,
      'user.id': 'u-9',
      retry: true,
      ratio: 0.25,
      tags: '["a","b"]',
      'deployment.environment': 'prod',
      'otel.scope.name': 'checkout.http',
      'otel.scope.version': '1.2.3',
      trace_id: TRACE,
      span_id: SPAN,
    });
    expect(a!.fields).not.toHaveProperty('service.name');
    expect(b).toMatchObject({ ts: T2, level: 'warn', message: 'slow upstream', fields: expect.objectContaining({ 'upstream.ms': 1834 }) });
    // No timestamp given: the SDK's observed time (now) is the record's time.
    expect(c).toMatchObject({ level: 'debug', message: 'structured body', fields: expect.objectContaining({ 'cart.items': 3 }) });
    expect(c!.ts).toBeGreaterThanOrEqual(before - 5);
    expect(c!.ts).toBeLessThanOrEqual(Date.now());
  });
});

describe('POST /v1/logs by hand: partial success and bad bodies', () => {
  const good = { timeUnixNano: '1704200645123000000', severityNumber: 9, body: { stringValue: 'ok' } };

  it('rejects one bad record with partialSuccess (JSON), storing the others', async () => {
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeLogs: [{ logRecords: [good, { timeUnixNano: 'yesterday', body: { stringValue: 'bad' } }, { ...good, traceId: 'xyz' }] }],
        },
      ],
    };
    const res = await post(r.port, '/v1/logs', JSON.stringify(body), 'application/json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const j = res.json<{ partialSuccess: { rejectedLogRecords: string; errorMessage: string } }>();
    expect(j.partialSuccess.rejectedLogRecords).toBe('2');
    expect(j.partialSuccess.errorMessage).toMatch(/resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[1\]\.timeUnixNano/);
    expect(r.sink.records.map((x) => [x.ts, x.level, x.message, x.app])).toEqual([[T1, 'info', 'ok', 'svc']]);
  });

  it('answers a full success with an empty ExportLogsServiceResponse in protobuf', async () => {
    const t = protoTypes().otlpRequest;
    const msg = t.fromObject({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1704200645123000000', severityText: 'WARNING', body: { intValue: 42 } }] }] }] });
    const res = await post(r.port, '/v1/logs', Buffer.from(t.encode(msg).finish()), 'application/x-protobuf');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(res.body.length).toBe(0);
    expect(r.sink.records.map((x) => [x.ts, x.level, x.message])).toEqual([[T1, 'warn', '42']]);
  });

  it('400 with a google.rpc.Status in the request’s encoding for a body that does not decode', async () => {
    const bad = await post(r.port, '/v1/logs', Buffer.from([0x0a, 0xff, 0xff, 0x01]), 'application/x-protobuf');
    expect(bad.status).toBe(400);
    const status = protoTypes().status.decode(bad.body) as unknown as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/not an OTLP ExportLogsServiceRequest in protobuf/);
    const badJson = await post(r.port, '/v1/logs', '{"resourceLogs": {"oops": 1}}', 'application/json');
    expect(badJson.status).toBe(400);
    expect(badJson.json()).toEqual({ code: 3, message: expect.stringMatching(/resourceLogs: /) });
    const truncated = await post(r.port, '/v1/logs', '{"resourceLogs": [', 'application/json');
    expect(truncated.status).toBe(400);
    expect(truncated.json().message).toMatch(/not JSON/);
  });

  it('415 for other content types; 429 as RESOURCE_EXHAUSTED-style Status with Retry-After', async () => {
    const res = await post(r.port, '/v1/logs', 'x', 'text/plain');
    expect(res.status).toBe(415);
    expect(res.json().error).toMatch(/send application\/x-protobuf or application\/json/);
    r.sink.setFull(true);
    try {
      const busy = await post(r.port, '/v1/logs', '{}', 'application/json');
      expect(busy.status).toBe(429);
      expect(busy.headers['retry-after']).toBe('1');
      expect(busy.json()).toMatchObject({ code: 14 });
    } finally {
      r.sink.setFull(false);
    }
  });

  it('reads nanosecond times from every 64-bit form', () => {
    expect(nanosToMs('1704200645123456789')).toBe(1704200645123);
    expect(nanosToMs(1704200645123456789)).toBe(1704200645123);
    expect(nanosToMs(1704200645123456789n)).toBe(1704200645123);
    expect(nanosToMs({ low: 512966421, high: 396790133, unsigned: true })).toBe(1704200645123);
    expect(nanosToMs('0')).toBeNull();
    expect(nanosToMs('abc')).toBeNull();
  });
});
