import type { FormatSpec } from '../spec';

/**
 * BSD syslog as files hold it (/var/log/syslog, auth.log, messages): the PRI is usually
 * gone, the year always is. Lenient about the tag, which many programs write freely
 * ("syslogd 1.4.1: restart."); rsyslog's high-precision ISO stamps are accepted too.
 */
export const syslog3164: FormatSpec = {
  name: 'syslog_rfc3164',
  title: 'Syslog (RFC 3164, /var/log/syslog)',
  kind: 'regex',
  pattern:
    '(?:<(?<pri>\\d{1,3})>)?(?<ts>[A-Z][a-z]{2} {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2}|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})?) ' +
    '(?<host>\\S+) +(?:(?<app>[^\\s\\[\\]:]+)(?:\\[(?<pid>\\d+)\\])?:(?: |$))?(?<message>.*)',
  timestamp: { layouts: ['rfc3164', 'iso8601'] },
  level: { from: ['pri'], numbers: 'syslog_pri' },
  fieldTypes: { pid: 'integer' },
  samples: [
    {
      line: 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ',
      ts: '2024-06-14T15:16:01.000Z',
      level: null,
      host: 'combo',
      app: 'sshd(pam_unix)',
      message: 'authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ',
      fields: { pid: 19939 },
    },
    {
      line: "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
      ts: '2024-10-11T22:14:15.000Z',
      level: 'fatal',
      host: 'mymachine',
      app: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
    },
    {
      line: 'Nov  5 06:18:55 web-1 kernel: [ 12.345678] eth0: link up',
      ts: '2024-11-05T06:18:55.000Z',
      level: null,
      host: 'web-1',
      app: 'kernel',
      message: '[ 12.345678] eth0: link up',
    },
    {
      line: 'Jul 27 14:41:57 combo syslogd 1.4.1: restart.',
      ts: '2024-07-27T14:41:57.000Z',
      level: null,
      host: 'combo',
      app: null,
      message: 'syslogd 1.4.1: restart.',
      fields: {},
    },
    {
      line: '2024-01-02T13:04:05.123456+01:00 web-1 systemd[1]: Started Daily apt upgrade.',
      ts: '2024-01-02T12:04:05.123Z',
      level: null,
      host: 'web-1',
      app: 'systemd',
      message: 'Started Daily apt upgrade.',
      fields: { pid: 1 },
    },
  ],
};
