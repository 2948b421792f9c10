import type { FormatSpec } from '../spec';

/** Python logging with the format most tutorials give: `%(asctime)s - %(name)s - %(levelname)s - %(message)s`. */
export const python: FormatSpec = {
  name: 'python',
  title: 'Python logging (asctime - name - level - message)',
  kind: 'regex',
  pattern:
    '(?<ts>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:,\\d{3})?) - (?<logger>\\S+) - (?<level>[A-Z]+) - (?<message>.*)',
  timestamp: { layouts: ['python'] },
  level: {},
  multiline: true,
  samples: [
    {
      line: '2024-01-02 13:04:05,123 - app.db - ERROR - query failed\nTraceback (most recent call last):\n  File "app/db.py", line 12, in run\n    cur.execute(q)\npsycopg2.OperationalError: server closed the connection',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'error',
      message:
        'query failed\nTraceback (most recent call last):\n  File "app/db.py", line 12, in run\n    cur.execute(q)\npsycopg2.OperationalError: server closed the connection',
      fields: { logger: 'app.db' },
    },
    {
      line: '2024-01-02 13:04:05,999 - __main__ - CRITICAL - out of memory',
      ts: '2024-01-02T13:04:05.999Z',
      level: 'fatal',
      message: 'out of memory',
      fields: { logger: '__main__' },
    },
  ],
};

/** Python logging's default, `logging.basicConfig()`: `LEVEL:name:message`, no time. */
export const pythonDefault: FormatSpec = {
  name: 'python_default',
  title: 'Python logging (default LEVEL:name:message)',
  kind: 'regex',
  pattern: '(?<level>DEBUG|INFO|WARNING|ERROR|CRITICAL):(?<logger>[^:\\s]*):(?<message>.*)',
  level: {},
  multiline: true,
  samples: [
    { line: 'ERROR:root:msg', level: 'error', message: 'msg', fields: { logger: 'root' } },
    {
      line: 'WARNING:urllib3.connectionpool:Retrying (Retry(total=2)) after connection broken: /x',
      level: 'warn',
      message: 'Retrying (Retry(total=2)) after connection broken: /x',
      fields: { logger: 'urllib3.connectionpool' },
    },
  ],
};
