import { parseArgs } from 'node:util';
import { defaultDataDir } from '../engine/paths';
import { VERSION } from '../engine/version';
import { importCommand, queryCommand, serveCommand, tailCommand, UsageError, type Io } from './commands';
import { DEFAULT_RECEIVER_PORTS } from '../engine/live/receivers';
import { patternsCommand } from './patterns-command';
import { analyzeCommand } from './analyze-command';
import { anomaliesCommand } from './anomalies-command';
import { alertsCommand } from './alerts-command';

const USAGE = `LogScope ${VERSION}: local log analysis

usage:
  logscope serve  [--data DIR] [--host H] [--port N]       serve the UI and the engine to a browser
                  [--listen ADDR] [--http-port N] [--syslog-udp-port N] [--syslog-tcp-port N]
                  [--gelf-udp-port N] [--follow PATH]...   and receive logs (ports: 0 turns one off)
  logscope import [--data DIR] PATH...                      import files and folders (.gz too)
  logscope query  [--data DIR] [--from T] [--to T] [--limit N] [--count] [--json] 'QUERY'
  logscope tail   [--data DIR] [--json] 'QUERY'             print matching records as they are stored
                                                            (needs a running engine: serve or the app)
  logscope patterns [--ndjson] [--top N] PATH...            patterns of files, as import would find them,
                                                            without storing anything (--ndjson: one per line)
  logscope analyze [--ndjson] [--models DIR] PATH...        category and severity of each record by the models,
                                                            without storing anything (--ndjson: one per record)
  logscope anomalies [--data DIR] [--from T] [--to T] [--source S] [--json]
  logscope alerts add [--data DIR] RULE.json | alerts rules [--data DIR] [--json]
  logscope alerts list [--data DIR] [--json] | alerts replay [--data DIR] [--from T] [--to T] [--json] RULE.json
                                                            anomaly windows: spikes, drops to silence, new patterns

  --data DIR   the data folder (default: ${defaultDataDir()})
  T            2024-05-01T12:00:00Z, 2024-05-01, epoch ms, now, or 15m / 2h / 7d ago
  QUERY        level:error service:api "connection refused" -path:/health status>=500 /regex/
  receivers    HTTP ${DEFAULT_RECEIVER_PORTS.http}, syslog UDP and TCP ${DEFAULT_RECEIVER_PORTS.syslogUdp}, GELF UDP ${DEFAULT_RECEIVER_PORTS.gelfUdp}, on --listen (default 127.0.0.1);
               another address needs a token, made once and kept in the data folder`;

/** Runs one command; returns the exit code. Errors are one clear line, never a stack trace. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({
          args: rest,
          options: {
            data: { type: 'string' },
            host: { type: 'string' },
            port: { type: 'string' },
            token: { type: 'string' },
            listen: { type: 'string' },
            'http-port': { type: 'string' },
            'syslog-udp-port': { type: 'string' },
            'syslog-tcp-port': { type: 'string' },
            'gelf-udp-port': { type: 'string' },
            follow: { type: 'string', multiple: true },
          },
        });
        const port = (name: string, text: string | undefined, fallback: number) =>
          text === undefined ? fallback : intArg(name, text, 0, 65535);
        return await serveCommand(values.data ?? defaultDataDir(), {
          host: values.host ?? '127.0.0.1',
          port: intArg('port', values.port ?? '0', 0, 65535),
          token: values.token,
          receivers: {
            listen: values.listen ?? '127.0.0.1',
            http: port('http-port', values['http-port'], DEFAULT_RECEIVER_PORTS.http),
            syslogUdp: port('syslog-udp-port', values['syslog-udp-port'], DEFAULT_RECEIVER_PORTS.syslogUdp),
            syslogTcp: port('syslog-tcp-port', values['syslog-tcp-port'], DEFAULT_RECEIVER_PORTS.syslogTcp),
            gelfUdp: port('gelf-udp-port', values['gelf-udp-port'], DEFAULT_RECEIVER_PORTS.gelfUdp),
            follow: values.follow ?? [],
            explicit: new Set(['http-port', 'syslog-udp-port', 'syslog-tcp-port', 'gelf-udp-port'].filter((k) => k in values)),
          },
        }, io);
      }
      case 'tail': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { data: { type: 'string' }, json: { type: 'boolean' } },
        });
        if (positionals.length > 1) throw new UsageError('give the query as one argument, in quotes');
        return await tailCommand(values.data ?? defaultDataDir(), { query: positionals[0] ?? '', json: values.json ?? false }, io);
      }
      case 'import': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { data: { type: 'string' } } });
        return await importCommand(values.data ?? defaultDataDir(), positionals, io);
      }
      case 'query': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            data: { type: 'string' },
            from: { type: 'string' },
            to: { type: 'string' },
            limit: { type: 'string' },
            count: { type: 'boolean' },
            json: { type: 'boolean' },
          },
        });
        if (positionals.length > 1) throw new UsageError('give the query as one argument, in quotes');
        return await queryCommand(values.data ?? defaultDataDir(), {
          query: positionals[0] ?? '',
          from: values.from,
          to: values.to,
          limit: intArg('limit', values.limit ?? '100', 1, Number.MAX_SAFE_INTEGER),
          count: values.count ?? false,
          json: values.json ?? false,
        }, io);
      }
      case 'patterns': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { ndjson: { type: 'boolean' }, top: { type: 'string' } },
        });
        return await patternsCommand(positionals, { ndjson: values.ndjson ?? false, top: intArg('top', values.top ?? '50', 1, Number.MAX_SAFE_INTEGER) }, io);
      }
      case 'analyze': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { ndjson: { type: 'boolean' }, models: { type: 'string' } },
        });
        return await analyzeCommand(positionals, { ndjson: values.ndjson ?? false, modelsDir: values.models }, io);
      }
      case 'anomalies': {
        const { values } = parseArgs({
          args: rest,
          options: { data: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, source: { type: 'string' }, json: { type: 'boolean' } },
        });
        return await anomaliesCommand(values.data ?? defaultDataDir(), { from: values.from, to: values.to, source: values.source, json: values.json ?? false }, io);
      }
      case 'alerts': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { data: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } },
        });
        const [sub, ...files] = positionals;
        return await alertsCommand(values.data ?? defaultDataDir(), { sub, files, from: values.from, to: values.to, json: values.json ?? false }, io);
      }
      case '--version':
      case '-v':
        io.out(VERSION);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    const e = err as Error & { code?: string; info?: { query?: { start: number } } };
    if (err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`logscope: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    const where = e.info?.query ? ` (at character ${e.info.query.start + 1})` : '';
    io.err(`logscope: ${e.message}${where}`);
    return 1;
  }
}

function intArg(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const defaultIo: Io = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
};
