import { describe, expect, it } from 'vitest';
import { SyslogParser } from './parse';

const NOW = Date.UTC(2025, 2, 15, 12, 0, 0); // 2025-03-15T12:00:00Z
const parser = new SyslogParser({ timeZone: 'UTC', now: () => NOW });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('RFC 5424', () => {
  it('reads the header, structured data as fields and the BOM-led message', () => {
    const r = parser.parse(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 8710 ID47 [exampleSDID@32473 iut="3" eventSource="Application"][examplePriority@32473 class="high \\"x\\" \\] \\\\"] \uFEFFAn application event',
      7,
      '10.0.0.9',
    );
    expect(iso(r.ts)).toBe('2003-10-11T22:14:15.003Z');
    expect(r).toMatchObject({
      level: 'notice',
      host: 'mymachine.example.com',
      app: 'evntslog',
      message: 'An application event',
      format: 'syslog_rfc5424',
      line: 7,
      parseError: null,
    });
    expect(r.fields).toEqual({
      facility: 'local4',
      severity: 'notice',
      pid: 8710,
      msgid: 'ID47',
      'exampleSDID@32473.iut': '3',
      'exampleSDID@32473.eventSource': 'Application',
      'examplePriority@32473.class': 'high "x" ] \\',
    });
  });

  it('takes NILVALUEs as no value, and the sender as host when the message names none', () => {
    const r = parser.parse('<14>1 - - - - - -', 1, '192.0.2.1');
    expect(r).toMatchObject({ ts: null, host: '192.0.2.1', app: null, message: '', level: 'info', parseError: null });
    expect(r.fields).toEqual({ facility: 'user', severity: 'info' });
  });

  it('reads offsets and fractions of any length', () => {
    expect(iso(parser.parse('<165>1 2003-08-24T05:14:15.000003-07:00 h a - - - x', 1, null).ts)).toBe(
      '2003-08-24T12:14:15.000Z',
    );
    expect(iso(parser.parse('<165>1 2003-08-24T05:14:15+0200 h a - - - x', 1, null).ts)).toBe(
      '2003-08-24T03:14:15.000Z',
    );
    const zoneless = new SyslogParser({ timeZone: '+01:00' }).parse('<165>1 2003-08-24T05:14:15 h a - - - x', 1, null);
    expect(iso(zoneless.ts)).toBe('2003-08-24T04:14:15.000Z');
  });

  it('keeps a stamp it cannot read as text, and malformed structured data as message', () => {
    const r = parser.parse('<13>1 yesterday h a p m - hi', 1, null);
    expect(r.ts).toBeNull();
    expect(r.fields!.timestamp_text).toBe('yesterday');
    expect(r.message).toBe('hi');
    const sd = parser.parse('<13>1 - h a p m [oops x="1" hi', 1, null);
    expect(sd.message).toBe('[oops x="1" hi');
    expect(sd.fields!.sd_error).toMatch(/malformed at byte/);
    expect(sd.parseError).toBeNull();
  });

  it('marks a header cut short, keeping what the PRI told', () => {
    const r = parser.parse('<11>1 2003-10-11T22:14:15Z host', 1, null);
    expect(r.parseError).toBe('syslog: RFC 5424 header is cut short: nothing after HOSTNAME');
    expect(r).toMatchObject({ format: 'raw', level: 'error', message: '<11>1 2003-10-11T22:14:15Z host' });
  });
});

describe('RFC 3164', () => {
  it('reads stamp, host, tag and pid', () => {
    const r = parser.parse("<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed", 1, null);
    expect(r).toMatchObject({
      host: 'mymachine',
      app: 'su',
      message: "'su root' failed",
      level: 'fatal',
      format: 'syslog_rfc3164',
    });
    expect(r.fields).toEqual({ facility: 'auth', severity: 'crit', pid: 123 });
    // October is after "now" (March 2025): the year before.
    expect(iso(r.ts)).toBe('2024-10-11T22:14:15.000Z');
  });

  it('places year-less stamps in the latest year not in the future', () => {
    expect(iso(parser.parse('<13>Mar 15 11:00:00 h t: x', 1, null).ts)).toBe('2025-03-15T11:00:00.000Z');
    // Within a day ahead: a clock that runs fast, still this year.
    expect(iso(parser.parse('<13>Mar 16 00:00:00 h t: x', 1, null).ts)).toBe('2025-03-16T00:00:00.000Z');
    expect(iso(parser.parse('<13>Mar 17 00:00:00 h t: x', 1, null).ts)).toBe('2024-03-17T00:00:00.000Z');
    // Feb 29 goes back to the last leap year.
    expect(iso(parser.parse('<13>Feb 29 10:00:00 h t: x', 1, null).ts)).toBe('2024-02-29T10:00:00.000Z');
    expect(iso(parser.parse('<13>Jan  5 01:02:03 h t: x', 1, null).ts)).toBe('2025-01-05T01:02:03.000Z');
  });

  it('reads stamps in the receiver zone', () => {
    const berlin = new SyslogParser({ timeZone: 'Europe/Berlin', now: () => NOW });
    expect(iso(berlin.parse('<13>Jan  5 01:02:03 h t: x', 1, null).ts)).toBe('2025-01-05T00:02:03.000Z');
  });

  it('is lenient: no stamp, no host, no tag, ISO stamps', () => {
    const py = parser.parse('<14>hello from python\u0000'.replace('\u0000', ''), 1, '127.0.0.1');
    expect(py).toMatchObject({
      ts: null,
      host: '127.0.0.1',
      app: null,
      message: 'hello from python',
      parseError: null,
    });
    const ident = parser.parse('<14>myapp: hello', 1, '127.0.0.1');
    expect(ident).toMatchObject({ app: 'myapp', message: 'hello', host: '127.0.0.1' });
    const nohost = parser.parse('<13>Mar 15 11:00:00 sshd[9]: Accepted', 1, '10.1.1.1');
    expect(nohost).toMatchObject({ host: '10.1.1.1', app: 'sshd', message: 'Accepted' });
    expect(nohost.fields!.pid).toBe(9);
    const isoStamp = parser.parse('<13>2024-01-02T13:04:05.123456+01:00 web-1 systemd[1]: Started.', 1, null);
    expect(isoStamp).toMatchObject({ host: 'web-1', app: 'systemd', message: 'Started.' });
    expect(iso(isoStamp.ts)).toBe('2024-01-02T12:04:05.123Z');
    const noColon = parser.parse('<13>2026-11-25T09:40:36.192030+00:00 vm rtest-app[4321] hi there', 1, null);
    expect(noColon).toMatchObject({ host: 'vm', app: 'rtest-app', message: 'hi there' });
    expect(noColon.fields!.pid).toBe(4321);
    const freeTag = parser.parse('<13>Mar 15 11:00:00 combo syslogd 1.4.1: restart.', 1, null);
    expect(freeTag).toMatchObject({ host: 'combo', app: null, message: 'syslogd 1.4.1: restart.' });
  });
});

describe('PRI', () => {
  it('maps facility and severity', () => {
    const r = parser.parse('<191>Mar 15 11:00:00 h t: x', 1, null);
    expect(r.fields).toMatchObject({ facility: 'local7', severity: 'debug' });
    expect(r.level).toBe('debug');
    expect(parser.parse('<0>Mar 15 11:00:00 h t: x', 1, null).fields).toMatchObject({
      facility: 'kern',
      severity: 'emerg',
    });
    expect(parser.parse('<0>x', 1, null).level).toBe('fatal');
    expect(parser.parse('<12>x', 1, null).level).toBe('warn');
  });

  it.each([
    ['no PRI at all', 'Oct 11 22:14:15 host su: hi', /no PRI/],
    ['over 191', '<192>Oct 11 22:14:15 host su: hi', /PRI 192 is out of range/],
    ['not a number', '<ab>Oct 11 22:14:15 host su: hi', /not a number/],
    ['unclosed', '<1234>x', /no closing/],
    ['empty', '', /no PRI/],
  ])('stores a message with a bad PRI raw and marked: %s', (_name, text, error) => {
    const r = parser.parse(text, 3, '127.0.0.1');
    expect(r.parseError).toMatch(error);
    expect(r).toMatchObject({ message: text, format: 'raw', level: null, fields: null, line: 3, host: '127.0.0.1' });
  });
});
