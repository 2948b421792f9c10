import type { FormatSpec } from '../spec';

/** Apache httpd error log, 2.2 (`[date] [level] msg`) and 2.4 (`[date] [module:level] [pid n:tid n] [client ip:port] AH…: msg`). */
export const apacheError: FormatSpec = {
  name: 'apache_error',
  title: 'Apache error log',
  kind: 'regex',
  pattern:
    '\\[(?<ts>[A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})? \\d{4})\\] \\[(?:(?<module>[^:\\]]+):)?(?<level>[a-z]+\\d?)\\]' +
    '(?: \\[pid (?<pid>\\d+)(?::tid (?<tid>\\d+))?\\])?(?: \\[client (?<client>[^\\]]+?)(?::(?<client_port>\\d+))?\\])? (?<message>.*)',
  timestamp: { layouts: ['apache_error'] },
  level: {
    words: {
      trace1: 'trace',
      trace2: 'trace',
      trace3: 'trace',
      trace4: 'trace',
      trace5: 'trace',
      trace6: 'trace',
      trace7: 'trace',
      trace8: 'trace',
    },
  },
  fieldTypes: { pid: 'integer', client_port: 'integer' },
  samples: [
    {
      line: '[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6',
      ts: '2005-12-04T04:47:44.000Z',
      level: 'error',
      message: 'mod_jk child workerEnv in error state 6',
      fields: {},
    },
    {
      line: '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1234:tid 140245] [client 192.0.2.7:52210] AH00124: Request exceeded the limit of 10 internal redirects',
      ts: '2000-10-11T14:32:52.123Z',
      level: 'error',
      message: 'AH00124: Request exceeded the limit of 10 internal redirects',
      fields: { module: 'core', pid: 1234, tid: '140245', client: '192.0.2.7', client_port: 52210 },
    },
    {
      line: '[Tue Jan 02 13:04:05.000001 2024] [ssl:trace3] [pid 9] AH02034: Initial (No.1) HTTPS request received',
      ts: '2024-01-02T13:04:05.000Z',
      level: 'trace',
      message: 'AH02034: Initial (No.1) HTTPS request received',
      fields: { module: 'ssl', pid: 9 },
    },
  ],
};

/** nginx error log: `date [level] pid#tid: *conn message, client: …, server: …, request: "…"`. */
export const nginxError: FormatSpec = {
  name: 'nginx_error',
  title: 'nginx error log',
  kind: 'regex',
  // The trailing context is read by lookaheads, so the message keeps it and no field is lost.
  pattern:
    '(?<ts>\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}) \\[(?<level>[a-z]+)\\] (?<pid>\\d+)#(?<tid>\\d+): (?:\\*(?<connection>\\d+) )?' +
    '(?=(?:.*?, client: (?<client>[^,]+))?)(?=(?:.*?, server: (?<server>[^,]*))?)(?=(?:.*?, request: "(?<method>[A-Z]+) (?<path>[^ "]+)[^"]*")?)(?<message>.*)',
  timestamp: { layouts: ['nginx_error'] },
  level: {},
  fieldTypes: { pid: 'integer', tid: 'integer', connection: 'integer' },
  samples: [
    {
      line: '2024/01/02 13:04:05 [error] 1234#1234: *17 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.5, server: example.com, request: "GET /api/v1/items?id=3 HTTP/1.1", upstream: "http://127.0.0.1:8080/api/v1/items?id=3", host: "example.com"',
      ts: '2024-01-02T13:04:05.000Z',
      level: 'error',
      message:
        'connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.5, server: example.com, request: "GET /api/v1/items?id=3 HTTP/1.1", upstream: "http://127.0.0.1:8080/api/v1/items?id=3", host: "example.com"',
      fields: {
        pid: 1234,
        tid: 1234,
        connection: 17,
        client: '10.0.0.5',
        server: 'example.com',
        method: 'GET',
        path: '/api/v1/items?id=3',
      },
    },
    {
      line: '2024/01/02 13:04:05 [notice] 1#1: signal process started',
      ts: '2024-01-02T13:04:05.000Z',
      level: 'notice',
      message: 'signal process started',
      fields: { pid: 1, tid: 1 },
    },
  ],
};
