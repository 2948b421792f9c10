import type { FormatSpec } from '../spec';

/** key=value pairs: Go's slog/logrus text handlers, Heroku's router, Grafana's own logs. */
export const logfmt: FormatSpec = {
  name: 'logfmt',
  title: 'logfmt (key=value)',
  kind: 'logfmt',
  timestamp: { from: ['ts', 'time', 'timestamp', 't'], layouts: ['iso8601', 'epoch'] },
  level: { from: ['level', 'lvl', 'severity', 'at'] },
  message: ['msg', 'message'],
  host: ['hostname', 'host'],
  app: ['app', 'service', 'component'],
  rename: { status_code: 'status' },
  fieldTypes: { status: 'integer', bytes: 'integer', duration_ms: 'float' },
  samples: [
    {
      line: 'time=2024-01-02T13:04:05.123Z level=INFO msg="request done" method=GET path=/api/x status=200 duration_ms=12.5',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'info',
      message: 'request done',
      fields: { method: 'GET', path: '/api/x', status: 200, duration_ms: 12.5 },
    },
    {
      line: 'ts=1704200645 lvl=eror msg="disk \\"data\\" full" component=store',
      ts: '2024-01-02T13:04:05.000Z',
      level: 'error',
      message: 'disk "data" full',
      app: 'store',
      fields: {},
    },
    {
      line: 'at=info method=POST path="/login" host=example.com fwd="10.0.0.1" dyno=web.1 status=302 bytes=0',
      ts: null,
      level: 'info',
      message: 'at=info method=POST path="/login" host=example.com fwd="10.0.0.1" dyno=web.1 status=302 bytes=0',
      host: 'example.com',
      fields: { method: 'POST', path: '/login', fwd: '10.0.0.1', dyno: 'web.1', status: 302, bytes: 0 },
    },
  ],
};
