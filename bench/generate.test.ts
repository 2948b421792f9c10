import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COMMON_TERM, FORMATS, generate, NEEDLE, NEEDLE_COUNT, type BenchFormat } from './generate';

const MiB = 1024 * 1024;

function make(format: BenchFormat, seed: number, size = MiB, chunkBytes?: number) {
  const chunks: Buffer[] = [];
  const meta = generate(format, { seed, size, chunkBytes }, (c) => chunks.push(Buffer.from(c)));
  const buf = Buffer.concat(chunks);
  return { buf, text: buf.toString('latin1'), meta };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What every line of each format must look like. */
const ACCESS =
  /^(\d{1,3}\.){3}\d{1,3} - (-|[a-z]+) \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "(GET|POST|PUT|DELETE|HEAD|PATCH) \/\S* HTTP\/(1\.1|2\.0)" (?<status>\d{3}) \d+ "[^"]*" "[^"]*"$/;
const SYSLOG = /^(<\d{1,3}>)?[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} [\w-]+ [\w/.-]+(\[\d+\])?: .*$/;
const LOG4J_HEAD = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} \[[\w.-]+\] (INFO |DEBUG|WARN |ERROR) [\w.]+ - .+$/;
const LOG4J_MORE =
  /^(\tat [\w.$/<>]+\([\w.: ]+\)|Caused by: [\w.$]+: .+|\t\.\.\. \d+ more|[\w.$]+(Exception|Error): .+)$/;

function timestampOf(format: BenchFormat, line: string): number | null {
  if (format === 'ndjson') return Date.parse((JSON.parse(line) as { ts: string }).ts);
  if (format === 'log4j') {
    const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3})/.exec(line);
    return m ? Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`) : null;
  }
  if (format === 'access') {
    const m = /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}:\d{2}:\d{2})/.exec(line)!;
    return Date.parse(`${m[2]} ${m[1]} ${m[3]} ${m[4]} UTC`);
  }
  const m = /^(?:<\d+>)?(\w{3}) +(\d+) (\d{2}:\d{2}:\d{2})/.exec(line)!;
  return Date.parse(`${m[1]} ${m[2]} 2024 ${m[3]} UTC`);
}

describe.each(FORMATS)('generate %s', (format) => {
  const a = make(format, 42);

  it('is deterministic: same seed and size, same bytes (whatever the chunking)', () => {
    const b = make(format, 42, MiB, 4096);
    expect(b.buf.length).toBe(a.buf.length);
    expect(sha(b.buf)).toBe(sha(a.buf));
    expect(sha(make(format, 43).buf)).not.toBe(sha(a.buf));
  });

  it('fills the size up to the last whole record, in ASCII, newline-terminated', () => {
    expect(a.buf.length).toBe(a.meta.bytes);
    expect(a.buf.length).toBeLessThanOrEqual(MiB);
    expect(a.buf.length).toBeGreaterThan(MiB - 8192);
    expect(a.buf.every((b) => b < 128)).toBe(true);
    expect(a.text.endsWith('\n')).toBe(true);
    expect(a.text.split('\n').length - 1).toBe(a.meta.lines);
  });

  it('produces lines of the format, with timestamps that never go back', () => {
    const lines = a.text.slice(0, -1).split('\n');
    let records = 0;
    let last = 0;
    for (const line of lines) {
      let head = true;
      if (format === 'access') expect(line).toMatch(ACCESS);
      else if (format === 'syslog') expect(line).toMatch(SYSLOG);
      else if (format === 'ndjson') {
        const o = JSON.parse(line) as Record<string, unknown>;
        expect(Object.keys(o).slice(0, 5)).toEqual(['ts', 'level', 'service', 'host', 'msg']);
        expect(['debug', 'info', 'warn', 'error']).toContain(o.level);
      } else if (LOG4J_HEAD.test(line)) head = true;
      else {
        expect(line).toMatch(LOG4J_MORE);
        head = false;
      }
      if (!head) continue;
      records++;
      const ts = timestampOf(format, line)!;
      expect(ts).toBeGreaterThanOrEqual(last);
      last = ts;
    }
    expect(records).toBe(a.meta.records);
  });

  it('puts the needle in exactly NEEDLE_COUNT records and counts the common term right', () => {
    const records = format === 'log4j' ? a.text.split(/\n(?=\d{4}-)/) : a.text.split('\n');
    expect(records.filter((r) => r.includes(NEEDLE)).length).toBe(NEEDLE_COUNT);
    expect(a.meta.needle).toEqual({ term: NEEDLE, count: NEEDLE_COUNT });
    const common = COMMON_TERM[format];
    expect(records.filter((r) => r.includes(common)).length).toBe(a.meta.common.count);
    expect(a.meta.common.count).toBeGreaterThan(a.meta.records * 0.05);
  });

  it('tallies every record once per dimension', () => {
    for (const counts of Object.values(a.meta.counts)) {
      expect(Object.values(counts).reduce((s, n) => s + n, 0)).toBe(a.meta.records);
    }
  });
});

describe('generate access', () => {
  it('has a realistic status mix whose counts match the lines', () => {
    const { text, meta } = make('access', 42, 4 * MiB);
    const byStatus: Record<string, number> = {};
    for (const line of text.slice(0, -1).split('\n')) {
      const s = ACCESS.exec(line)!.groups!.status!;
      byStatus[s] = (byStatus[s] ?? 0) + 1;
    }
    expect(byStatus).toEqual(meta.counts.status);
    expect(byStatus['200']! / meta.records).toBeGreaterThan(0.6);
    expect(byStatus['404']! / meta.records).toBeGreaterThan(0.01);
    expect(byStatus['500']! / meta.records).toBeGreaterThan(0.002);
  });
});
