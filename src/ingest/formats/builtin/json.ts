import type { FormatSpec } from '../spec';

/**
 * Any JSON object per line, with the key names common loggers use (winston, pino,
 * bunyan, Serilog CLEF, Elastic ECS once nesting is flattened to dots).
 */
export const json: FormatSpec = {
  name: 'json',
  title: 'JSON lines (NDJSON)',
  kind: 'json',
  timestamp: {
    from: ['@timestamp', 'timestamp', 'time', 'ts', '@t', 'datetime', 'date'],
    layouts: ['iso8601', 'epoch', 'rfc2822'],
  },
  level: { from: ['level', 'lvl', 'severity', 'log.level', 'levelname', 'loglevel', '@l'], numbers: 'pino' },
  message: ['message', 'msg', '@m', '@mt', 'text'],
  host: ['host', 'hostname', 'host.name'],
  app: ['app', 'service', 'service.name', 'application'],
  rename: {
    status_code: 'status',
    'http.status_code': 'status',
    'http.response.status_code': 'status',
    'http.method': 'method',
    'http.request.method': 'method',
    request_method: 'method',
    'url.path': 'path',
    remote_addr: 'client',
    'client.ip': 'client',
  },
  samples: [
    {
      line: '{"timestamp":"2024-01-02T13:04:05.123Z","level":"error","message":"db down","service":"api","status_code":503}',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'error',
      message: 'db down',
      app: 'api',
      host: null,
      fields: { status: 503 },
    },
    {
      // pino: numeric level, epoch-ms time
      line: '{"level":30,"time":1704200645123,"pid":42,"hostname":"web-1","msg":"listening","port":8080}',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'info',
      message: 'listening',
      host: 'web-1',
      fields: { pid: 42, port: 8080 },
    },
    {
      // Elastic ECS: nested objects become dotted keys
      line: '{"@timestamp":"2024-01-02T13:04:05+01:00","log":{"level":"WARN"},"message":"slow","http":{"request":{"method":"GET"},"response":{"status_code":200}},"url":{"path":"/x"},"tags":["a","b"]}',
      ts: '2024-01-02T12:04:05.000Z',
      level: 'warn',
      message: 'slow',
      fields: { method: 'GET', status: 200, path: '/x', tags: '["a","b"]' },
    },
    {
      line: '{"@t":"2024-01-02T13:04:05.1234567Z","@mt":"User {Id} logged in","@l":"Debug","Id":7}',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'debug',
      message: 'User {Id} logged in',
      fields: { Id: 7 },
    },
    {
      line: '{"event":"no time, no level"}',
      ts: null,
      level: null,
      message: '{"event":"no time, no level"}',
      fields: { event: 'no time, no level' },
    },
  ],
};
