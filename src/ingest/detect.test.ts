import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeLevel } from '../shared/levels';
import { RecordAssembler } from './assemble';
import { detectFormat, scoreFormat } from './detect';
import { builtinFormats, loadFormat } from './formats/load';
import type { FormatSpec } from './formats/spec';
import type { IngestRecord } from './record';

const formats = builtinFormats();
const named = (name: string) => formats.find((f) => f.name === name)!;

describe('detectFormat on the built-in samples', () => {
  it.each(formats.map((f) => [f.name, f] as const))('recognises %s from its own samples', (name, f) => {
    const lines = f.spec.samples.flatMap((s) => s.line.split('\n'));
    expect(detectFormat(lines, formats).name).toBe(name);
  });
});

describe('detectFormat', () => {
  const syslog = [
    'Jun 14 15:16:01 combo sshd[1]: a',
    'Jun 14 15:16:02 combo sshd[1]: b',
    'Jun 14 15:16:03 combo cron[2]: c',
  ];

  it('falls back to plain text when no format accounts for half the lines', () => {
    expect(detectFormat(['Dear reader,', 'this is prose.', syslog[0]!], formats).name).toBe('text');
    expect(detectFormat([], formats).name).toBe('text');
  });

  it('takes the format of the majority in a mixed source, not a multi-line one that would swallow the rest', () => {
    const mixed = [...syslog, '{"msg":"x","level":"info"}', 'free text'];
    // generic also reads these syslog lines, and would take the other two as continuations.
    expect(scoreFormat(named('generic'), mixed)).toEqual({ parsed: 3, continued: 2 });
    expect(detectFormat(mixed, formats).name).toBe('syslog_rfc3164');
  });

  it('ignores blank lines and CRs of CRLF', () => {
    expect(detectFormat(['', '   ', ...syslog.map((l) => `${l}\r`), ''], formats).name).toBe('syslog_rfc3164');
  });

  it('counts continuation lines for multi-line formats, so stack traces do not lose to plain text', () => {
    const trace = [
      'java.lang.IllegalStateException: boom',
      ...Array.from({ length: 12 }, (_, i) => `\tat com.foo.C${i}.run(C.java:${i})`),
    ];
    const lines = [
      '2024-01-02 13:04:05,123 ERROR [main] com.foo.App - failed',
      ...trace,
      '2024-01-02 13:04:06,000 INFO [main] com.foo.App - retrying',
    ];
    expect(scoreFormat(named('java'), lines)).toEqual({ parsed: 2, continued: 13 });
    expect(scoreFormat(named('syslog_rfc3164'), lines)).toEqual({ parsed: 0, continued: 0 });
    expect(detectFormat(lines, formats).name).toBe('java');
  });

  it('does not count lines before the first record as continuation', () => {
    expect(
      scoreFormat(named('java'), ['\tat a.b(C.java:1)', '2024-01-02 13:04:05,123 ERROR [main] com.foo.App - x']),
    ).toEqual({ parsed: 1, continued: 0 });
  });

  it('breaks ties by the order of the list', () => {
    const spec = (name: string): FormatSpec => ({
      name,
      title: name,
      kind: 'regex',
      pattern: '(?<message>\\w+ \\w+)',
      samples: [{ line: 'a b', message: 'a b' }],
    });
    const [a, b] = [loadFormat(spec('first')), loadFormat(spec('second'))];
    expect(detectFormat(['x y', 'z w'], [a, b]).name).toBe('first');
    expect(detectFormat(['x y', 'z w'], [b, a]).name).toBe('second');
  });

  it('needs formats to choose from', () => {
    expect(() => detectFormat(['x'], [])).toThrow(/no formats/);
  });
});

// Loghub's 2k samples (real logs) with their ground truth, a structured CSV per file.
const LOGHUB = process.env.LOGHUB_DIR ?? '/work/shared/loghub';
const EXPECTED: [set: string, format: string, hasLevel: boolean][] = [
  ['Android', 'android_logcat', true],
  ['Apache', 'apache_error', true],
  ['HDFS', 'generic', true],
  ['Hadoop', 'java', true],
  ['Linux', 'syslog_rfc3164', false],
  ['OpenSSH', 'syslog_rfc3164', false],
  ['Proxifier', 'generic', false],
  ['Spark', 'java', true],
  ['Thunderbird', 'supercomputer_syslog', false],
  ['Zookeeper', 'java', true],
];

function csv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[i++];
      else quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field || row.length) rows.push([...row, field]);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head!.map((k, i) => [k, r[i] ?? ''])));
}

describe.skipIf(!existsSync(LOGHUB))('loghub corpus', () => {
  it.each(EXPECTED)(
    '%s is read as %s, with time, level and message as the ground truth has them',
    (set, format, hasLevel) => {
      const lines = readFileSync(join(LOGHUB, set, `${set}_2k.log`), 'utf8')
        .split(/\r?\n/)
        .slice(0, 2000);
      const truth = csv(readFileSync(join(LOGHUB, set, `${set}_2k.log_structured.csv`), 'utf8'));
      const detected = detectFormat(lines.slice(0, 200), formats);
      expect(detected.name).toBe(format);

      const asm = new RecordAssembler(detected, {
        formats,
        time: { defaultZone: 'UTC', referenceMs: Date.UTC(2024, 11, 31) },
      });
      const out: IngestRecord[] = [];
      lines.forEach((l, i) => asm.push(l, i + 1, out));
      asm.flush(out);
      expect(out).toHaveLength(truth.length);
      expect(out.filter((r) => r.parseError !== null || r.format !== format)).toEqual([]);
      expect(out.filter((r) => r.ts === null)).toEqual([]);
      out.forEach((r, i) => {
        const t = truth[i]!;
        // Apache's [client …] becomes a field; the ground truth leaves it in the content.
        const content = t.Content!.replace(/^\[client [^\]]+\] /, '').trimEnd();
        expect(r.message.trimEnd().endsWith(content), `${set} line ${i + 1}: ${r.message}`).toBe(true);
        const want = hasLevel ? (normalizeLevel(t.Level) ?? (t.Level === 'A' ? 'fatal' : null)) : null;
        expect(r.level, `${set} line ${i + 1}`).toBe(want);
      });
    },
  );
});
