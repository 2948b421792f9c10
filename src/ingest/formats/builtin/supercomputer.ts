import type { FormatSpec } from '../spec';

/**
 * Syslog as collected on the Sandia supercomputers (Thunderbird, Liberty, Spirit; the
 * USENIX CFDR and Loghub sets): an alert tag ('-' for none), Unix time, date and node
 * before the original syslog line.
 */
export const supercomputer: FormatSpec = {
  name: 'supercomputer_syslog',
  title: 'Supercomputer syslog (Thunderbird, Liberty, Spirit)',
  kind: 'regex',
  pattern:
    '(?<alert>-|[A-Z][A-Z0-9_]*) (?<ts>\\d{9,11}) \\d{4}\\.\\d{2}\\.\\d{2} (?<host>\\S+) [A-Z][a-z]{2} {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2} ' +
    '(?<source>\\S+) (?:(?<app>[^\\s\\[\\]:]+)(?:\\[(?<pid>\\d+)\\])?:(?: |$))?(?<message>.*)',
  timestamp: { layouts: ['epoch_s'] },
  nullValues: ['-'],
  fieldTypes: { pid: 'integer' },
  samples: [
    {
      line: '- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root',
      ts: '2005-11-09T20:01:01.000Z',
      host: 'dn228',
      app: 'crond(pam_unix)',
      message: 'session closed for user root',
      fields: { source: 'dn228/dn228', pid: 2915 },
    },
    {
      line: 'VAPI 1136390405 2006.01.04 bn672 Jan 4 08:00:05 bn672/bn672 kernel: [KERNEL_IB][ib_mad_dispatch][...] EVAPI process local mad failed',
      ts: '2006-01-04T16:00:05.000Z',
      host: 'bn672',
      app: 'kernel',
      message: '[KERNEL_IB][ib_mad_dispatch][...] EVAPI process local mad failed',
      fields: { alert: 'VAPI', source: 'bn672/bn672' },
    },
    {
      line: '- 1131567043 2005.11.09 tbird-admin1 Nov 9 12:10:43 local@tbird-admin1 - User ID: CentOS-4 (Kernel Module GPG key)',
      ts: '2005-11-09T20:10:43.000Z',
      host: 'tbird-admin1',
      app: null,
      message: '- User ID: CentOS-4 (Kernel Module GPG key)',
      fields: { source: 'local@tbird-admin1' },
    },
  ],
};
