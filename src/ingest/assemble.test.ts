import { describe, expect, it } from 'vitest';
import { RecordAssembler, type AssemblerOptions } from './assemble';
import { builtinFormats } from './formats/load';
import type { IngestRecord } from './record';

const formats = builtinFormats();
const named = (name: string) => formats.find((f) => f.name === name)!;
const TIME = { defaultZone: 'UTC', referenceMs: Date.UTC(2024, 11, 31) };

/** Feeds lines (numbered from 1) through an assembler for the named format. */
function assemble(format: string, lines: string[], opts: Partial<AssemblerOptions> = {}): IngestRecord[] {
  const asm = new RecordAssembler(named(format), { formats, time: TIME, ...opts });
  const out: IngestRecord[] = [];
  lines.forEach((l, i) => asm.push(l, i + 1, out));
  asm.flush(out);
  return out;
}
const pick = (recs: IngestRecord[], ...keys: (keyof IngestRecord)[]) =>
  recs.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

const J1 = '2024-01-02 13:04:05,123 ERROR [main] com.foo.App - failed';
const J2 = '2024-01-02 13:04:06,000 INFO [main] com.foo.App - retrying';

describe('multi-line records', () => {
  it('joins continuation lines into the record above, and emits it when the next starts or on flush', () => {
    const asm = new RecordAssembler(named('java'), { formats, time: TIME });
    const out: IngestRecord[] = [];
    asm.push(J1, 1, out);
    asm.push('java.lang.IllegalStateException: boom', 2, out);
    asm.push('\tat com.foo.App.run(App.java:7)', 3, out);
    expect(out).toEqual([]);
    asm.push(J2, 4, out);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      line: 1,
      level: 'error',
      message: 'failed\njava.lang.IllegalStateException: boom\n\tat com.foo.App.run(App.java:7)',
      format: 'java',
    });
    asm.flush(out);
    expect(pick(out, 'line', 'message')).toEqual([
      { line: 1, message: 'failed\njava.lang.IllegalStateException: boom\n\tat com.foo.App.run(App.java:7)' },
      { line: 4, message: 'retrying' },
    ]);
  });

  it('keeps blank lines inside a record and trims those at its end', () => {
    const out = assemble('java', [J1, 'first', '', '  ', 'second', '', '', J2, '']);
    expect(out.map((r) => r.message)).toEqual(['failed\nfirst\n\n  \nsecond', 'retrying']);
  });

  it('starts a new, marked record when a record reaches maxLines', () => {
    const out = assemble('java', [J1, 'a', 'b', 'c', 'd', 'e'], { maxLines: 3 });
    expect(pick(out, 'line', 'message', 'fields', 'level', 'ts')).toEqual([
      {
        line: 1,
        message: 'failed\na\nb',
        fields: { thread: 'main', logger: 'com.foo.App' },
        level: 'error',
        ts: Date.UTC(2024, 0, 2, 13, 4, 5, 123),
      },
      {
        line: 4,
        message: 'c\nd\ne',
        fields: { _continued: true },
        level: 'error',
        ts: Date.UTC(2024, 0, 2, 13, 4, 5, 123),
      },
    ]);
  });

  it('starts a new record when a record would pass maxRecordBytes (counted in UTF-8)', () => {
    // 57 + 1 + 80 bytes fit in 140, the next 11 do not; counted in UTF-16 units all 109 would.
    const out = assemble('java', [J1, 'é'.repeat(40), 'x'.repeat(10)], { maxRecordBytes: 140 });
    expect(out.map((r) => r.message)).toEqual([`failed\n${'é'.repeat(40)}`, 'x'.repeat(10)]);
  });
});

describe('lines the format does not parse', () => {
  it('are tried against the other formats', () => {
    const out = assemble('syslog_rfc3164', [
      'Jun 14 15:16:01 combo sshd[1]: a',
      '{"level":"error","msg":"from json","time":"2024-06-14T15:16:02Z"}',
      'Jun 14 15:16:03 combo sshd[1]: c',
    ]);
    expect(pick(out, 'format', 'message', 'level', 'parseError')).toEqual([
      { format: 'syslog_rfc3164', message: 'a', level: null, parseError: null },
      { format: 'json', message: 'from json', level: 'error', parseError: null },
      { format: 'syslog_rfc3164', message: 'c', level: null, parseError: null },
    ]);
  });

  it('are kept raw, marked, when only plain text would take them', () => {
    const lines = Array.from(
      { length: 16 },
      (_, i) =>
        `10.0.0.1 - - [02/Jan/2024:13:04:${String(i).padStart(2, '0')} +0000] "GET / HTTP/1.1" 200 5 "-" "curl"`,
    );
    lines.push('<<< binary junk >>>');
    const out = assemble('access_combined', lines);
    expect(out[16]).toEqual({
      ts: Date.UTC(2024, 0, 2, 13, 4, 15),
      level: null,
      host: null,
      app: null,
      message: '<<< binary junk >>>',
      fields: null,
      format: 'raw',
      line: 17,
      parseError: 'line 17: does not match access_combined',
    });
  });

  it('are simply messages when the source is plain text', () => {
    const out = assemble('text', ['hello', '', 'world']);
    expect(pick(out, 'message', 'format', 'parseError', 'line', 'ts')).toEqual([
      { message: 'hello', format: 'text', parseError: null, line: 1, ts: null },
      { message: 'world', format: 'text', parseError: null, line: 3, ts: null },
    ]);
  });

  it('before any record of a multi-line format are tried as single lines, not continuations', () => {
    const out = assemble('java', ['\tat orphan.Frame(F.java:1)', J1]);
    expect(pick(out, 'format', 'line')).toEqual([
      { format: 'raw', line: 1 },
      { format: 'java', line: 2 },
    ]);
  });
});

describe('time', () => {
  it('carries the last timestamp to lines without one, and leaves null before the first', () => {
    const out = assemble('syslog_rfc3164', [
      'INFO:root:before any time',
      '2024-06-14T15:16:01Z web-1 cron[2]: with time',
      'ERROR:root:after',
    ]);
    expect(pick(out, 'format', 'ts')).toEqual([
      { format: 'python_default', ts: null },
      { format: 'syslog_rfc3164', ts: Date.UTC(2024, 5, 14, 15, 16, 1) },
      { format: 'python_default', ts: Date.UTC(2024, 5, 14, 15, 16, 1) },
    ]);
  });

  it('reads zone-less stamps in the source’s zone', () => {
    const asm = new RecordAssembler(named('java'), { formats, time: { defaultZone: 'Europe/Berlin', referenceMs: 0 } });
    const out: IngestRecord[] = [];
    asm.push(J1, 1, out);
    asm.flush(out);
    expect(out[0]!.ts).toBe(Date.UTC(2024, 0, 2, 12, 4, 5, 123));
  });
});

describe('line handling', () => {
  it('skips blank lines of single-line formats, keeping line numbers', () => {
    const out = assemble('syslog_rfc3164', [
      '',
      'Jun 14 15:16:01 combo sshd[1]: a',
      '   ',
      'Jun 14 15:16:02 combo sshd[1]: b',
    ]);
    expect(pick(out, 'line', 'message')).toEqual([
      { line: 2, message: 'a' },
      { line: 4, message: 'b' },
    ]);
  });

  it('strips the CR of CRLF', () => {
    expect(assemble('syslog_rfc3164', ['Jun 14 15:16:01 combo sshd[1]: a\r'])[0]).toMatchObject({
      message: 'a',
      format: 'syslog_rfc3164',
    });
  });

  it('cuts a 10 MB line to maxRecordBytes and marks it, without splitting a character', () => {
    const huge = `{"msg":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    const [rec] = assemble('json', [huge]);
    expect(rec!.message).toHaveLength(1024 * 1024);
    expect(rec).toMatchObject({
      format: 'raw',
      fields: { _truncated: true },
      parseError: 'line 1: does not match json',
    });

    const [cut] = assemble('text', ['€'.repeat(100)], { maxRecordBytes: 10 });
    expect(cut).toMatchObject({ message: '€€€', fields: { _truncated: true }, format: 'text' });
  });

  it('marks a cut line that still parses', () => {
    const [rec] = assemble('syslog_rfc3164', [`Jun 14 15:16:01 combo sshd[1]: ${'y'.repeat(500)}`], {
      maxRecordBytes: 100,
    });
    expect(rec).toMatchObject({ format: 'syslog_rfc3164', app: 'sshd', fields: { pid: 1, _truncated: true } });
    expect(rec!.message).toHaveLength(100 - 'Jun 14 15:16:01 combo sshd[1]: '.length);
  });
});

describe('holding back a record (followed files)', () => {
  it('says which line the record it holds back starts on', () => {
    const asm = new RecordAssembler(named('java'), { formats, time: TIME });
    const out: IngestRecord[] = [];
    expect(asm.pendingLine).toBeNull();
    asm.push(J1, 1, out);
    asm.push('\tat com.foo.App.run(App.java:7)', 2, out);
    expect(asm.pendingLine).toBe(1);
    asm.push(J2, 3, out);
    expect(out).toHaveLength(1);
    expect(asm.pendingLine).toBe(3);
    asm.flush(out);
    expect(asm.pendingLine).toBeNull();
  });
});
