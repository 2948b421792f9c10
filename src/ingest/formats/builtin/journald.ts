import type { FormatSpec } from '../spec';

/** `journalctl -o json`: one object per entry; values are strings, the time in microseconds. */
export const journaldJson: FormatSpec = {
  name: 'journald_json',
  title: 'systemd journal (journalctl -o json)',
  kind: 'json',
  require: ['__REALTIME_TIMESTAMP', 'MESSAGE'],
  timestamp: { from: ['__REALTIME_TIMESTAMP'], layouts: ['epoch_us'] },
  level: { from: ['PRIORITY'], numbers: 'syslog' },
  message: ['MESSAGE'],
  host: ['_HOSTNAME'],
  app: ['SYSLOG_IDENTIFIER', '_COMM'],
  // Cursors and monotonic clocks identify an entry for journalctl; they say nothing about it.
  drop: ['__CURSOR', '__MONOTONIC_TIMESTAMP', '__SEQNUM', '__SEQNUM_ID'],
  fieldTypes: { _PID: 'integer', _UID: 'integer', SYSLOG_FACILITY: 'integer' },
  samples: [
    {
      line: '{"__CURSOR":"s=6f1c;i=1a2b","__REALTIME_TIMESTAMP":"1704200645123456","__MONOTONIC_TIMESTAMP":"98765","_BOOT_ID":"b1","PRIORITY":"3","SYSLOG_FACILITY":"4","_PID":"812","_UID":"0","_HOSTNAME":"web-1","SYSLOG_IDENTIFIER":"sshd","_COMM":"sshd","_SYSTEMD_UNIT":"ssh.service","MESSAGE":"error: maximum authentication attempts exceeded"}',
      ts: '2024-01-02T13:04:05.123Z',
      level: 'error',
      host: 'web-1',
      app: 'sshd',
      message: 'error: maximum authentication attempts exceeded',
      fields: { _BOOT_ID: 'b1', SYSLOG_FACILITY: 4, _PID: 812, _UID: 0, _COMM: 'sshd', _SYSTEMD_UNIT: 'ssh.service' },
    },
    {
      line: '{"__REALTIME_TIMESTAMP":"1704200645000001","PRIORITY":"6","_HOSTNAME":"web-1","_COMM":"kworker","MESSAGE":"started"}',
      ts: '2024-01-02T13:04:05.000Z',
      level: 'info',
      host: 'web-1',
      app: 'kworker',
      message: 'started',
      fields: {},
    },
  ],
};
