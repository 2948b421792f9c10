import { describe, expect, it } from 'vitest';
import { formatMs, formatRatio, formatSize, mbPerSec, median, parseSize, renderTable, summarize } from './stats';

describe('median and summarize', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('reports min, max and the spread relative to the median', () => {
    const s = summarize([100, 90, 110]);
    expect(s).toMatchObject({ median: 100, min: 90, max: 110, runs: [100, 90, 110] });
    expect(s.spread).toBeCloseTo(0.2);
  });
});

describe('sizes', () => {
  it('parses binary and decimal units', () => {
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('64MiB')).toBe(64 * 1024 ** 2);
    expect(parseSize('500MB')).toBe(500e6);
    expect(parseSize('1048576')).toBe(1048576);
    expect(parseSize('1.5 KiB')).toBe(1536);
    expect(() => parseSize('12 parsecs')).toThrow();
  });

  it('formats exact binary sizes without decimals', () => {
    expect(formatSize(1024 ** 3)).toBe('1GiB');
    expect(formatSize(64 * 1024 ** 2)).toBe('64MiB');
    expect(formatSize(1.5 * 1024 ** 2)).toBe('1.5MiB');
    expect(formatSize(900)).toBe('900B');
    expect(parseSize(formatSize(256 * 1024 ** 2))).toBe(256 * 1024 ** 2);
  });
});

describe('formatting', () => {
  it('formats durations, ratios and throughput', () => {
    expect(formatMs(0.5)).toBe('0.50 ms');
    expect(formatMs(42.25)).toBe('42.3 ms');
    expect(formatMs(420)).toBe('420 ms');
    expect(formatMs(8700)).toBe('8.70 s');
    expect(formatRatio(1.234)).toBe('1.23×');
    expect(formatRatio(null)).toBe('—');
    expect(mbPerSec(270e6, 1000)).toBeCloseTo(270);
  });

  it('renders an aligned table', () => {
    const t = renderTable(
      ['name', 'n'],
      [
        ['a', '1'],
        ['long', '100'],
      ],
    );
    expect(t.split('\n')).toEqual(['name    n', '----  ---', 'a       1', 'long  100']);
  });
});
