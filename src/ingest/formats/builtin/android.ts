import type { FormatSpec } from '../spec';

/** `adb logcat -v threadtime` (the default): date without year, pid, tid, level letter, tag. */
export const logcat: FormatSpec = {
  name: 'android_logcat',
  title: 'Android logcat (threadtime)',
  kind: 'regex',
  pattern:
    '(?<ts>(?:\\d{4}-)?\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}) +(?<pid>\\d+) +(?<tid>\\d+) (?<level>[VDIWEFA]) (?<app>[^:]*?) *: (?<message>.*)',
  timestamp: { layouts: ['%m-%d %H:%M:%S.%f', 'iso8601'] },
  level: { words: { a: 'fatal' } },
  fieldTypes: { pid: 'integer', tid: 'integer' },
  samples: [
    {
      line: '03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992}}, allDrawn= false',
      ts: '2024-03-17T16:13:38.811Z',
      level: 'debug',
      app: 'WindowManager',
      message:
        'printFreezingDisplayLogsopening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992}}, allDrawn= false',
      fields: { pid: 1702, tid: 2395 },
    },
    {
      line: '2024-03-17 16:13:38.900   912   912 E AndroidRuntime: FATAL EXCEPTION: main',
      ts: '2024-03-17T16:13:38.900Z',
      level: 'error',
      app: 'AndroidRuntime',
      message: 'FATAL EXCEPTION: main',
      fields: { pid: 912, tid: 912 },
    },
  ],
};
