import { parseArgs } from 'node:util';
import { defaultDataDir } from '../engine/paths';
import { VERSION } from '../engine/version';
import { importCommand, queryCommand, serveCommand, UsageError, type Io } from './commands';

const USAGE = `LogScope ${VERSION}: local log analysis

usage:
  logscope serve  [--data DIR] [--host H] [--port N]       serve the UI and the engine to a browser
  logscope import [--data DIR] PATH...                      import files and folders (.gz too)
  logscope query  [--data DIR] [--from T] [--to T] [--limit N] [--count] [--json] 'QUERY'

  --data DIR   the data folder (default: ${defaultDataDir()})
  T            2024-05-01T12:00:00Z, 2024-05-01, epoch ms, now, or 15m / 2h / 7d ago
  QUERY        level:error service:api "connection refused" -path:/health status>=500 /regex/`;

/** Runs one command; returns the exit code. Errors are one clear line, never a stack trace. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({
          args: rest,
          options: { data: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, token: { type: 'string' } },
        });
        return await serveCommand(values.data ?? defaultDataDir(), {
          host: values.host ?? '127.0.0.1',
          port: intArg('port', values.port ?? '0', 0, 65535),
          token: values.token,
        }, io);
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
