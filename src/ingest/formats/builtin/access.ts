import type { FormatSpec } from '../spec';

// Request line, referer and agent are quoted; Apache escapes a quote inside as \", nginx
// as \x22. The unrolled loop below reads an escaped string without backtracking.
const QUOTED = '[^"\\\\]*(?:\\\\.[^"\\\\]*)*';
const HEAD = '(?<client>\\S+) (?<ident>\\S+) (?<user>\\S+) \\[(?<ts>[^\\]]+)\\] ';
// A request that is not "METHOD path [protocol]" (a TLS handshake sent to port 80) is kept whole.
const REQUEST = `"(?:(?<method>[A-Z]+) (?<path>[^ "]+)(?: (?<protocol>HTTP/[0-9.]+))?|(?<request>${QUOTED}))" `;
// The status also sets the level (5xx error, 4xx warn), read through a lookahead so it stays a field.
const STATUS = '(?=(?<level>\\d{3}) )(?<status>\\d{3}) (?<bytes>\\d+|-)';

const common: Omit<FormatSpec, 'name' | 'title' | 'pattern' | 'samples'> = {
  kind: 'regex',
  timestamp: { layouts: ['clf'] },
  level: { numbers: 'http_status' },
  nullValues: ['-'],
  fieldTypes: { status: 'integer', bytes: 'integer' },
};

/** nginx's default `combined` and Apache's `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`. */
export const accessCombined: FormatSpec = {
  ...common,
  name: 'access_combined',
  title: 'Web access log (nginx/Apache combined)',
  // nginx.conf's stock `main` adds "$http_x_forwarded_for".
  pattern: `${HEAD}${REQUEST}${STATUS} "(?<referer>${QUOTED})" "(?<user_agent>${QUOTED})"(?: "(?<forwarded_for>${QUOTED})")?`,
  samples: [
    {
      line: '93.180.71.3 - - [17/May/2015:08:05:32 +0000] "GET /downloads/product_1 HTTP/1.1" 304 0 "-" "Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)"',
      ts: '2015-05-17T08:05:32.000Z',
      level: 'info',
      message:
        '93.180.71.3 - - [17/May/2015:08:05:32 +0000] "GET /downloads/product_1 HTTP/1.1" 304 0 "-" "Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)"',
      fields: {
        client: '93.180.71.3',
        method: 'GET',
        path: '/downloads/product_1',
        protocol: 'HTTP/1.1',
        status: 304,
        bytes: 0,
        user_agent: 'Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)',
      },
    },
    {
      line: '2001:db8::1 - frank [10/Oct/2000:13:55:36 -0700] "POST /api/login?next=%2F HTTP/2.0" 502 157 "https://example.com/a \\"b\\"" "Mozilla/5.0" "10.0.0.1, 10.0.0.2"',
      ts: '2000-10-10T20:55:36.000Z',
      level: 'error',
      message:
        '2001:db8::1 - frank [10/Oct/2000:13:55:36 -0700] "POST /api/login?next=%2F HTTP/2.0" 502 157 "https://example.com/a \\"b\\"" "Mozilla/5.0" "10.0.0.1, 10.0.0.2"',
      fields: {
        client: '2001:db8::1',
        user: 'frank',
        method: 'POST',
        path: '/api/login?next=%2F',
        protocol: 'HTTP/2.0',
        status: 502,
        bytes: 157,
        referer: 'https://example.com/a \\"b\\"',
        user_agent: 'Mozilla/5.0',
        forwarded_for: '10.0.0.1, 10.0.0.2',
      },
    },
    {
      line: '45.10.1.2 - - [02/Jan/2024:13:04:05 +0100] "\\x16\\x03\\x01\\x00\\xA5\\x01" 400 157 "-" "-"',
      ts: '2024-01-02T12:04:05.000Z',
      level: 'warn',
      message: '45.10.1.2 - - [02/Jan/2024:13:04:05 +0100] "\\x16\\x03\\x01\\x00\\xA5\\x01" 400 157 "-" "-"',
      fields: { client: '45.10.1.2', request: '\\x16\\x03\\x01\\x00\\xA5\\x01', status: 400, bytes: 157 },
    },
  ],
};

/** The Common Log Format: `%h %l %u %t "%r" %>s %b`. */
export const accessCommon: FormatSpec = {
  ...common,
  name: 'access_common',
  title: 'Web access log (Common Log Format)',
  pattern: `${HEAD}${REQUEST}${STATUS}`,
  samples: [
    {
      line: '127.0.0.1 user-identifier frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      ts: '2000-10-10T20:55:36.000Z',
      level: 'info',
      message: '127.0.0.1 user-identifier frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      fields: {
        client: '127.0.0.1',
        ident: 'user-identifier',
        user: 'frank',
        method: 'GET',
        path: '/apache_pb.gif',
        protocol: 'HTTP/1.0',
        status: 200,
        bytes: 2326,
      },
    },
    {
      line: '10.1.1.1 - - [02/Jan/2024:13:04:05 +0000] "HEAD / HTTP/1.1" 404 -',
      ts: '2024-01-02T13:04:05.000Z',
      level: 'warn',
      message: '10.1.1.1 - - [02/Jan/2024:13:04:05 +0000] "HEAD / HTTP/1.1" 404 -',
      fields: { client: '10.1.1.1', method: 'HEAD', path: '/', protocol: 'HTTP/1.1', status: 404 },
    },
  ],
};
