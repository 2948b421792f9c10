import type { FormatSpec } from '../spec';

/**
 * Go's standard `log` package: `2009/11/10 23:00:00 msg`, with the optional microseconds
 * and file:line flags. It has no level, but a message that starts with one (`[ERROR]`,
 * `WARN:`) is read through a lookahead, keeping the message whole.
 */
export const goStdlib: FormatSpec = {
  name: 'go_log',
  title: 'Go standard log',
  kind: 'regex',
  pattern:
    '(?<ts>\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?) (?:(?<file>[\\w.\\-/]+\\.go:\\d+): )?' +
    '(?=(?:\\[?(?<level>DEBUG|INFO|WARN|WARNING|ERROR|FATAL|PANIC)\\b)?)(?<message>.*)',
  timestamp: { layouts: ['go'] },
  level: {},
  multiline: true,
  samples: [
    {
      line: '2009/11/10 23:00:00 Hello, log file!',
      ts: '2009-11-10T23:00:00.000Z',
      level: null,
      message: 'Hello, log file!',
    },
    {
      line: '2024/01/02 13:04:05.123456 server.go:87: [ERROR] listen tcp :80: bind: permission denied',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'error',
      message: '[ERROR] listen tcp :80: bind: permission denied',
      fields: { file: 'server.go:87' },
    },
    {
      line: '2024/01/02 13:04:05 panic: runtime error: index out of range\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x1d',
      ts: '2024-01-02T13:04:05.000Z',
      level: null,
      message: 'panic: runtime error: index out of range\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x1d',
    },
  ],
};
