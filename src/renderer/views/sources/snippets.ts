/**
 * Copy-paste configuration for the shippers and logging libraries people already run,
 * filled in with the address, port and token of the receiver that is running. Data, not
 * components: each entry says which receiver it sends to and renders its text; the
 * Sources view lists them, and e2e/snippets.test.ts checks each against the real tool
 * where one is installed (rsyslogd -N1, Python, node --check, TOML and YAML parsers).
 *
 * Values go into each language's own string syntax (JSON string literals are valid
 * TOML, YAML, Alloy, Python and JavaScript strings), so a token with odd characters
 * cannot break the snippet.
 */

export type SnippetReceiver = 'http' | 'syslog-tcp' | 'syslog-udp' | 'gelf-udp';

/** Where to send: as a sender on this or another machine must write it. */
export interface SnippetTarget {
  host: string;
  port: number;
  token: string | null;
}

export interface Snippet {
  id: string;
  /** The tool's name as its users know it. */
  tool: string;
  receiver: SnippetReceiver;
  /** For the code block's label and highlighting. */
  language: 'rsyslog' | 'ini' | 'toml' | 'yaml' | 'alloy' | 'python' | 'javascript' | 'shell';
  /** Where the text goes. */
  where: string;
  /** One line on what it does or what to change. */
  note: string;
  render(t: SnippetTarget): string;
}

/** A string literal in JSON syntax: valid in TOML, YAML, Alloy, Python and JavaScript. */
const q = (s: string) => JSON.stringify(s);
/** host:port, with brackets for IPv6. */
export const hostPort = (t: SnippetTarget) => `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
const url = (t: SnippetTarget, path = '') => `http://${hostPort(t)}${path}`;

export const SNIPPETS: readonly Snippet[] = [
  {
    id: 'rsyslog',
    tool: 'rsyslog',
    receiver: 'syslog-tcp',
    language: 'rsyslog',
    where: '/etc/rsyslog.d/60-logscope.conf, then: sudo systemctl restart rsyslog',
    note: 'Forwards every message as RFC 5424 over TCP, queued in memory and retried while LogScope is away.',
    render: (t) =>
      [
        '# Forward everything to LogScope (RFC 5424, octet-counted framing)',
        `*.* action(type="omfwd" target="${t.host}" port="${t.port}" protocol="tcp"`,
        '           TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"',
        '           queue.type="LinkedList" action.resumeRetryCount="-1")',
        '',
      ].join('\n'),
  },
  {
    id: 'fluent-bit',
    tool: 'Fluent Bit',
    receiver: 'http',
    language: 'ini',
    where: 'fluent-bit.conf (classic format), next to your [INPUT] sections',
    note: 'Posts records as JSON lines to /ingest; LogScope answers only once they are stored.',
    render: (t) =>
      [
        '[OUTPUT]',
        '    Name             http',
        '    Match            *',
        `    Host             ${t.host}`,
        `    Port             ${t.port}`,
        '    URI              /ingest',
        '    Format           json_lines',
        '    Json_date_key    time',
        '    Json_date_format iso8601',
        ...(t.token ? [`    Header           Authorization Bearer ${t.token}`] : []),
        '',
      ].join('\n'),
  },
  {
    id: 'vector',
    tool: 'Vector',
    receiver: 'http',
    language: 'toml',
    where: 'vector.toml; set inputs to your sources',
    note: 'Newline-delimited JSON to /ingest, with Vector’s retries and buffering.',
    render: (t) =>
      [
        '[sinks.logscope]',
        'type = "http"',
        'inputs = ["my_source"]',
        `uri = ${q(url(t, '/ingest'))}`,
        'method = "post"',
        'encoding.codec = "json"',
        'framing.method = "newline_delimited"',
        ...(t.token ? ['auth.strategy = "bearer"', `auth.token = ${q(t.token)}`] : []),
        '',
      ].join('\n'),
  },
  {
    id: 'otel-collector',
    tool: 'OpenTelemetry Collector',
    receiver: 'http',
    language: 'yaml',
    where: 'the Collector’s config.yaml',
    note: 'OTLP over HTTP to /v1/logs (the exporter adds the path); logs your apps send to the Collector come through.',
    render: (t) =>
      [
        'receivers:',
        '  otlp:',
        '    protocols:',
        '      grpc:',
        '      http:',
        '',
        'exporters:',
        '  otlphttp/logscope:',
        `    endpoint: ${q(url(t))}`,
        ...(t.token ? ['    headers:', `      Authorization: ${q(`Bearer ${t.token}`)}`] : []),
        '',
        'service:',
        '  pipelines:',
        '    logs:',
        '      receivers: [otlp]',
        '      exporters: [otlphttp/logscope]',
        '',
      ].join('\n'),
  },
  {
    id: 'alloy',
    tool: 'Grafana Alloy',
    receiver: 'http',
    language: 'alloy',
    where: 'config.alloy; change the path to your files',
    note: 'LogScope speaks Loki’s push API, so Alloy’s loki.write sends to it unchanged.',
    render: (t) =>
      [
        'local.file_match "app" {',
        '  path_targets = [{"__path__" = "/var/log/app/*.log"}]',
        '}',
        '',
        'loki.source.file "app" {',
        '  targets    = local.file_match.app.targets',
        '  forward_to = [loki.write.logscope.receiver]',
        '}',
        '',
        'loki.write "logscope" {',
        '  endpoint {',
        `    url = ${q(url(t, '/loki/api/v1/push'))}`,
        ...(t.token ? [`    bearer_token = ${q(t.token)}`] : []),
        '  }',
        '}',
        '',
      ].join('\n'),
  },
  {
    id: 'promtail',
    tool: 'Promtail',
    receiver: 'http',
    language: 'yaml',
    where: 'promtail.yaml; change the path to your files',
    note: 'Promtail pushes to LogScope as it would to Loki.',
    render: (t) =>
      [
        'server:',
        '  http_listen_port: 9080',
        '',
        'positions:',
        '  filename: /tmp/promtail-positions.yaml',
        '',
        'clients:',
        `  - url: ${q(url(t, '/loki/api/v1/push'))}`,
        ...(t.token ? [`    bearer_token: ${q(t.token)}`] : []),
        '',
        'scrape_configs:',
        '  - job_name: app',
        '    static_configs:',
        '      - targets: [localhost]',
        '        labels:',
        '          job: app',
        '          __path__: /var/log/app/*.log',
        '',
      ].join('\n'),
  },
  {
    id: 'python',
    tool: 'Python logging',
    receiver: 'http',
    language: 'python',
    where: 'at start-up in your program; the standard library only',
    note: 'HTTPHandler posts each record as a form; a QueueHandler keeps your code from waiting on the network.',
    render: (t) =>
      [
        'import logging',
        'import logging.handlers',
        'import queue',
        '',
        `http = logging.handlers.HTTPHandler(${q(hostPort(t))}, "/ingest", method="POST"${t.token ? `, credentials=("logscope", ${q(t.token)})` : ''})`,
        'records = queue.Queue(-1)',
        'listener = logging.handlers.QueueListener(records, http)',
        'listener.start()',
        '',
        'root = logging.getLogger()',
        'root.setLevel(logging.INFO)',
        'root.addHandler(logging.handlers.QueueHandler(records))',
        '',
        'logging.getLogger("app").warning("hello from Python")',
        'listener.stop()  # at exit: sends what is queued',
        '',
      ].join('\n'),
  },
  {
    id: 'pino',
    tool: 'pino (Node.js)',
    receiver: 'http',
    language: 'javascript',
    where: 'npm install pino pino-loki; in your logger set-up',
    note: 'pino-loki batches records in a worker thread and pushes them to LogScope’s Loki endpoint.',
    render: (t) =>
      [
        "const pino = require('pino');",
        '',
        'const transport = pino.transport({',
        "  target: 'pino-loki',",
        '  options: {',
        `    host: ${q(url(t))},`,
        '    batching: true,',
        '    interval: 1,',
        "    labels: { app: 'my-app' },",
        ...(t.token ? [`    basicAuth: { username: 'logscope', password: ${q(t.token)} },`] : []),
        '  },',
        '});',
        '',
        'const logger = pino(transport);',
        "logger.info({ user: 42 }, 'hello from pino');",
        '',
      ].join('\n'),
  },
  {
    id: 'winston',
    tool: 'winston (Node.js)',
    receiver: 'http',
    language: 'javascript',
    where: 'npm install winston; in your logger set-up',
    note: 'winston’s own Http transport posts each record as JSON to /ingest.',
    render: (t) =>
      [
        "const winston = require('winston');",
        '',
        'const logger = winston.createLogger({',
        "  level: 'info',",
        '  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),',
        '  transports: [',
        '    new winston.transports.Http({',
        `      host: ${q(t.host)},`,
        `      port: ${t.port},`,
        "      path: '/ingest',",
        ...(t.token ? [`      auth: { bearer: ${q(t.token)} },`] : []),
        '    }),',
        '  ],',
        '});',
        '',
        "logger.info('hello from winston', { user: 42 });",
        '',
      ].join('\n'),
  },
  {
    id: 'docker-gelf',
    tool: 'Docker (GELF)',
    receiver: 'gelf-udp',
    language: 'shell',
    where: 'a container’s run options (or "log-driver"/"log-opts" in /etc/docker/daemon.json)',
    note: 'Docker’s GELF log driver sends each line of the container’s output over UDP.',
    render: (t) =>
      [
        'docker run --log-driver gelf \\',
        `  --log-opt gelf-address=udp://${hostPort(t)} \\`,
        '  --log-opt tag="{{.Name}}" \\',
        '  your-image',
        '',
      ].join('\n'),
  },
  {
    id: 'logger',
    tool: 'logger (shell)',
    receiver: 'syslog-udp',
    language: 'shell',
    where: 'any shell with util-linux',
    note: 'A quick test: one RFC 5424 message over UDP.',
    render: (t) => `logger --rfc5424 -n ${t.host} -P ${t.port} -d -t myapp -p user.warning "hello from logger"\n`,
  },
];

/**
 * The address a sender should use for a receiver listening on `host`: itself, or for a
 * wildcard (0.0.0.0, ::) the name this page was reached by, so a snippet shown in a
 * browser on another machine points back here.
 */
export function senderHost(listenHost: string, pageHost: string | null): string {
  const h = listenHost.replace(/^\[|\]$/g, '');
  if (h !== '0.0.0.0' && h !== '::') return h;
  const page = (pageHost ?? '').replace(/^\[|\]$/g, '');
  return page && page !== 'localhost' ? page : '127.0.0.1';
}
