import { describe, expect, it } from 'vitest';
import { basename, formatBytes, formatCompact, formatCount, formatTook, percent, plural, prettyJson } from './format';

describe('format', () => {
  it('groups counts', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(0)).toBe('0');
    expect(plural(1, 'record')).toBe('1 record');
    expect(plural(12345, 'record')).toBe('12,345 records');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
  });
  it('sizes bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KB');
    expect(formatBytes(12.3 * 1024 * 1024)).toBe('12.3 MB');
    expect(formatBytes(1024 ** 3 * 150)).toBe('150 GB');
    expect(formatBytes(-1)).toBe('—');
  });
  it('gives whole percentages and copes with unknown totals', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 0)).toBe(0);
    expect(percent(12, 10)).toBe(100);
  });
  it('takes the last part of POSIX and Windows paths', () => {
    expect(basename('/var/log/nginx/access.log')).toBe('access.log');
    expect(basename('C:\\logs\\app.log')).toBe('app.log');
    expect(basename('plain.log')).toBe('plain.log');
    expect(basename('/var/log/')).toBe('log');
  });
  it('compacts axis numbers', () => {
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(1200)).toBe('1.2k');
    expect(formatCompact(12_000)).toBe('12k');
    expect(formatCompact(3_400_000)).toBe('3.4M');
  });
  it('formats durations and JSON', () => {
    expect(formatTook(12.4)).toBe('12 ms');
    expect(formatTook(1400)).toBe('1.4 s');
    expect(prettyJson({ a: 1 })).toBe('{\n  "a": 1\n}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(prettyJson(cyclic)).toBe('[object Object]');
  });
});
