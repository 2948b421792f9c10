import type { FormatSpec } from '../spec';

/** RFC 5424 syslog, as received over the network or written by rsyslog's RSYSLOG_SyslogProtocol23Format. */
export const syslog5424: FormatSpec = {
  name: 'syslog_rfc5424',
  title: 'Syslog (RFC 5424)',
  kind: 'regex',
  pattern:
    '<(?<pri>\\d{1,3})>\\d{1,2} (?<ts>\\S+) (?<host>\\S+) (?<app>\\S+) (?<pid>\\S+) (?<msgid>\\S+) ' +
    '(?<sd>-|(?:\\[(?:[^\\]"\\\\]|"(?:[^"\\\\]|\\\\.)*")*\\])+)(?: \\uFEFF?(?<message>.*))?',
  timestamp: { layouts: ['iso8601'] },
  level: { from: ['pri'], numbers: 'syslog_pri' },
  // NILVALUE is '-' for every header field.
  nullValues: ['-'],
  expand: { sd: 'rfc5424_sd' },
  fieldTypes: { pid: 'integer' },
  samples: [
    {
      line: "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8",
      ts: '2003-10-11T22:14:15.003Z',
      level: 'fatal',
      host: 'mymachine.example.com',
      app: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
      fields: { msgid: 'ID47' },
    },
    {
      line: "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
      ts: '2003-08-24T12:14:15.000Z',
      level: 'notice',
      host: '192.0.2.1',
      app: 'myproc',
      message: "%% It's time to make the do-nuts.",
      fields: { pid: 8710 },
    },
    {
      line: '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high \\"x\\""] An application event log entry...',
      ts: '2003-10-11T22:14:15.003Z',
      level: 'notice',
      host: 'mymachine.example.com',
      app: 'evntslog',
      message: 'An application event log entry...',
      fields: {
        msgid: 'ID47',
        'exampleSDID@32473.iut': '3',
        'exampleSDID@32473.eventSource': 'Application',
        'exampleSDID@32473.eventID': '1011',
        'examplePriority@32473.class': 'high "x"',
      },
    },
    {
      line: '<14>1 - - - - - [meta sequenceId="1"]',
      ts: null,
      level: 'info',
      host: null,
      app: null,
      message: '',
      fields: { 'meta.sequenceId': '1' },
    },
  ],
};
