import { describe, expect, it } from 'vitest';
import {
  ALL_TIME,
  canZoomOut,
  formatLocal,
  formatLocalShort,
  formatSpan,
  formatWhen,
  parseLocal,
  rangeFromBrush,
  rangeLabel,
  resolveRange,
  sameRange,
  zoomOut,
  type RangeSpec,
} from './time';

const NOW = Date.UTC(2024, 2, 15, 12, 0, 0);
const local = (...a: [number, number, number, number?, number?, number?, number?]) =>
  new Date(a[0], a[1], a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0, a[6] ?? 0).getTime();

describe('resolveRange', () => {
  it('leaves all time open at both ends', () => {
    expect(resolveRange(ALL_TIME, NOW)).toEqual({ from: null, to: null });
  });
  it('resolves a relative range against now', () => {
    expect(resolveRange({ kind: 'relative', key: '15m' }, NOW)).toEqual({ from: NOW - 15 * 60_000, to: NOW });
    expect(resolveRange({ kind: 'relative', key: '7d' }, NOW)).toEqual({ from: NOW - 7 * 86_400_000, to: NOW });
  });
  it('passes an absolute range through', () => {
    expect(resolveRange({ kind: 'absolute', from: 1, to: null }, NOW)).toEqual({ from: 1, to: null });
  });
});

describe('zoomOut', () => {
  it('steps relative presets up, and 30 days to all time', () => {
    expect(zoomOut({ kind: 'relative', key: '15m' })).toEqual({ kind: 'relative', key: '1h' });
    expect(zoomOut({ kind: 'relative', key: '24h' })).toEqual({ kind: 'relative', key: '7d' });
    expect(zoomOut({ kind: 'relative', key: '30d' })).toEqual(ALL_TIME);
  });
  it('doubles an absolute span around its centre', () => {
    expect(zoomOut({ kind: 'absolute', from: 10_000, to: 20_000 })).toEqual({
      kind: 'absolute',
      from: 5_000,
      to: 25_000,
    });
  });
  it('widens a tiny span by at least a second each way', () => {
    expect(zoomOut({ kind: 'absolute', from: 10_000, to: 10_001 })).toEqual({
      kind: 'absolute',
      from: 9_000,
      to: 11_001,
    });
  });
  it('turns a half-open range into all time, and all time stays', () => {
    expect(zoomOut({ kind: 'absolute', from: 5, to: null })).toEqual(ALL_TIME);
    expect(zoomOut(ALL_TIME)).toEqual(ALL_TIME);
    expect(canZoomOut(ALL_TIME)).toBe(false);
    expect(canZoomOut({ kind: 'relative', key: '1h' })).toBe(true);
  });
});

describe('rangeFromBrush', () => {
  it('orders the ends', () => {
    expect(rangeFromBrush(2000.4, 1000.6)).toEqual({ kind: 'absolute', from: 1000, to: 2001 });
  });
  it('rounds to seconds over minutes and to minutes over hours', () => {
    const r = rangeFromBrush(10 * 60_000 + 1234, 20 * 60_000 + 5678) as Extract<RangeSpec, { kind: 'absolute' }>;
    expect(r.from).toBe(10 * 60_000 + 1000);
    expect(r.to).toBe(20 * 60_000 + 6000);
    const h = rangeFromBrush(90_000, 5 * 3_600_000 + 30_000) as Extract<RangeSpec, { kind: 'absolute' }>;
    expect(h.from).toBe(60_000);
    expect(h.to).toBe(5 * 3_600_000 + 60_000);
  });
  it('never gives an empty range', () => {
    expect(rangeFromBrush(5, 5)).toEqual({ kind: 'absolute', from: 5, to: 6 });
  });
});

describe('formatLocal / parseLocal', () => {
  it('formats local time with milliseconds, zero-padded', () => {
    expect(formatLocal(local(2024, 0, 2, 3, 4, 5, 7))).toBe('2024-01-02 03:04:05.007');
    expect(formatLocal(local(2024, 0, 2, 3, 4, 5, 7), false)).toBe('2024-01-02 03:04:05');
    expect(formatLocal(Number.NaN)).toBe('—');
  });
  it('drops zero parts in the short form', () => {
    expect(formatLocalShort(local(2024, 0, 2, 3, 4))).toBe('2024-01-02 03:04');
    expect(formatLocalShort(local(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05');
    expect(formatLocalShort(local(2024, 0, 2, 3, 4, 5, 9))).toBe('2024-01-02 03:04:05.009');
  });
  it('parses what it formats', () => {
    const t = local(2024, 10, 25, 23, 59, 58, 120);
    expect(parseLocal(formatLocal(t))).toEqual({ ok: true, value: t });
  });
  it('accepts a date, a minute, a T separator, and empty', () => {
    expect(parseLocal('2024-03-15')).toEqual({ ok: true, value: local(2024, 2, 15) });
    expect(parseLocal(' 2024-03-15T08:30 ')).toEqual({ ok: true, value: local(2024, 2, 15, 8, 30) });
    expect(parseLocal('2024-03-15 08:30:01.5')).toEqual({ ok: true, value: local(2024, 2, 15, 8, 30, 1, 500) });
    expect(parseLocal('')).toEqual({ ok: true, value: null });
  });
  it('refuses nonsense and impossible dates', () => {
    expect(parseLocal('yesterday').ok).toBe(false);
    expect(parseLocal('2024-02-30').ok).toBe(false);
    expect(parseLocal('2024-13-01').ok).toBe(false);
    expect(parseLocal('2024-01-01 24:00').ok).toBe(false);
  });
});

describe('labels', () => {
  it('names presets and all time', () => {
    expect(rangeLabel(ALL_TIME)).toBe('All time');
    expect(rangeLabel({ kind: 'relative', key: '6h' })).toBe('Last 6 hours');
  });
  it('leaves the date off the end of a same-day range', () => {
    expect(rangeLabel({ kind: 'absolute', from: local(2024, 2, 13, 8), to: local(2024, 2, 13, 22, 45) })).toBe(
      '2024-03-13 08:00 → 22:45',
    );
    expect(rangeLabel({ kind: 'absolute', from: local(2024, 2, 13, 8), to: local(2024, 2, 14, 1) })).toBe(
      '2024-03-13 08:00 → 2024-03-14 01:00',
    );
    expect(rangeLabel({ kind: 'absolute', from: local(2024, 2, 13, 8), to: null })).toBe('2024-03-13 08:00 → now');
  });
  it('sizes spans with two units at most', () => {
    expect(formatSpan(250)).toBe('250ms');
    expect(formatSpan(45_000)).toBe('45s');
    expect(formatSpan(2_072_600)).toBe('34m 32s');
    expect(formatSpan(90 * 60_000)).toBe('1h 30m');
    expect(formatSpan(2 * 86_400_000 + 4 * 3_600_000 + 5000)).toBe('2d 4h');
    expect(formatSpan(3_600_000)).toBe('1h');
  });
  it('compares specs', () => {
    expect(sameRange({ kind: 'relative', key: '1h' }, { kind: 'relative', key: '1h' })).toBe(true);
    expect(sameRange({ kind: 'relative', key: '1h' }, ALL_TIME)).toBe(false);
    expect(sameRange({ kind: 'absolute', from: 1, to: 2 }, { kind: 'absolute', from: 1, to: 3 })).toBe(false);
  });
});

describe('formatWhen', () => {
  const t = new Date(2024, 2, 14, 9, 5).getTime();
  it('writes month, day and time in the same year, the year otherwise', () => {
    expect(formatWhen(t, new Date(2024, 11, 31).getTime())).toBe('Mar 14 09:05');
    expect(formatWhen(t, new Date(2026, 0, 1).getTime())).toBe('Mar 14 2024');
    expect(formatWhen(NaN, 0)).toBe('—');
  });
});
