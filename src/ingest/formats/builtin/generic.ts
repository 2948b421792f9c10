import type { FormatSpec } from '../spec';

// Stamp shapes seen at the start of lines, each with the layout that reads it (same order).
const STAMPS: [string, string][] = [
  ['\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d{1,9})?)?(?: ?(?:Z|[+-]\\d{2}:?\\d{2}|UTC))?', 'iso8601'],
  ['\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?', '%Y/%m/%d %H:%M:%S[.%f][,%f]'],
  ['\\d{2}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}', '%y/%m/%d %H:%M:%S'], // Spark, yy/MM/dd
  ['\\d{6} \\d{6}', '%y%m%d %H%M%S'], // HDFS
  ['\\d{2}\\.\\d{2}\\.\\d{4} \\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?', '%d.%m.%Y %H:%M:%S[.%f][,%f]'],
  ['\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?', '%m-%d %H:%M:%S[.%f]'],
  ['\\d{2}\\.\\d{2} \\d{2}:\\d{2}:\\d{2}', '%m.%d %H:%M:%S'], // Proxifier
  ['[A-Z][a-z]{2} {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2}', 'rfc3164'],
];
const LEVELS = [
  'TRACE',
  'DEBUG',
  'INFO',
  'NOTICE',
  'WARN',
  'WARNING',
  'ERROR',
  'ERR',
  'FATAL',
  'CRITICAL',
  'CRIT',
  'SEVERE',
  'EMERG',
  'ALERT',
  'PANIC',
];
const LEVEL = [
  ...LEVELS,
  ...LEVELS.map((l) => l[0] + l.slice(1).toLowerCase()),
  ...LEVELS.map((l) => l.toLowerCase()),
].join('|');

/**
 * The shape most application logs share when nothing more specific fits: a timestamp
 * (optionally bracketed), maybe a numeric id, maybe a level word, then the message.
 * Catches HDFS, Spark, Proxifier and many home-grown formats. Lines that do not start
 * with a stamp continue the record above them.
 */
export const generic: FormatSpec = {
  name: 'generic',
  title: 'Timestamp, level, message',
  kind: 'regex',
  pattern:
    `\\[?(?<ts>${STAMPS.map(([re]) => re).join('|')})\\]?` +
    `(?: +(?<pid>\\d+)(?= +\\[?(?:${LEVEL})\\]?(?:[\\s:|\\]-]|$)))?(?:[ \\t]*[-|:]?[ \\t]*\\[?(?<level>${LEVEL})\\]?(?=[\\s:|\\]-]|$))?[\\s:|-]*(?<message>.*)`,
  timestamp: { layouts: STAMPS.map(([, layout]) => layout) },
  level: {},
  fieldTypes: { pid: 'integer' },
  multiline: true,
  samples: [
    {
      line: '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
      ts: '2008-11-09T20:36:15.000Z',
      level: 'info',
      message: 'dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
      fields: { pid: 148 },
    },
    {
      line: '[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS',
      ts: '2024-10-30T16:49:06.000Z',
      level: null,
      message: 'chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS',
    },
    {
      line: '2024-01-02 13:04:05.123 [WARN] cache miss ratio 0.4\n  at line two',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'warn',
      message: 'cache miss ratio 0.4\n  at line two',
    },
    {
      line: '[2024-01-02T13:04:05Z] Error: disk full',
      ts: '2024-01-02T13:04:05.000Z',
      level: 'error',
      message: 'disk full',
    },
    {
      line: '02.01.2024 13:04:05 - server started',
      ts: '2024-01-02T13:04:05.000Z',
      level: null,
      message: 'server started',
    },
    {
      line: '2024-01-02 13:04:05 Information about errors',
      ts: '2024-01-02T13:04:05.000Z',
      level: null,
      message: 'Information about errors',
    },
  ],
};
