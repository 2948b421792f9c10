import { describe, expect, it } from 'vitest';
import type { Source } from '../../shared/protocol';
import {
  addLocalDays,
  applyPreset,
  boundRange,
  dataSpan,
  previousPeriod,
  sideLabel,
  sideProblem,
  startOfLocalDay,
  weekOverWeek,
  yesterdayVsToday,
} from './compare';

// Local wall-clock instants, so the tests hold in any time zone (and check DST in one that has it).
const at = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();

const src = (name: string, firstTs: number | null, lastTs: number | null, records = 10): Source => ({
  name,
  kind: 'file',
  format: null,
  records,
  unparsed: 0,
  firstTs,
  lastTs,
});

describe('local days', () => {
  it('finds local midnight', () => {
    expect(startOfLocalDay(at(2024, 3, 15, 13, 45))).toBe(at(2024, 3, 15));
    expect(startOfLocalDay(at(2024, 3, 15))).toBe(at(2024, 3, 15));
  });
  it('moves by calendar days, keeping the wall-clock time across DST and month ends', () => {
    expect(addLocalDays(at(2024, 3, 31, 10), -7)).toBe(at(2024, 3, 24, 10));
    expect(addLocalDays(at(2024, 10, 27, 10), -1)).toBe(at(2024, 10, 26, 10));
    expect(addLocalDays(at(2024, 3, 1, 0), -1)).toBe(at(2024, 2, 29));
  });
});

describe('presets', () => {
  it('previous period: the same span just before', () => {
    const b = { from: at(2024, 3, 15, 10), to: at(2024, 3, 15, 13) };
    expect(previousPeriod(b)).toEqual({ a: { from: at(2024, 3, 15, 7), to: at(2024, 3, 15, 10) }, b });
  });
  it('yesterday vs today: all of yesterday against today so far', () => {
    const now = at(2024, 3, 15, 9, 30);
    expect(yesterdayVsToday(now)).toEqual({
      a: { from: at(2024, 3, 14), to: at(2024, 3, 15) },
      b: { from: at(2024, 3, 15), to: now },
    });
    // Just after midnight "today" is still a range.
    const midnight = at(2024, 3, 15);
    expect(yesterdayVsToday(midnight).b).toEqual({ from: midnight, to: midnight + 1 });
  });
  it('week over week: the same local hours 7 days earlier', () => {
    const b = { from: at(2024, 3, 31, 8), to: at(2024, 3, 31, 20) };
    expect(weekOverWeek(b).a).toEqual({ from: at(2024, 3, 24, 8), to: at(2024, 3, 24, 20) });
  });
  it('bounds an open range by the data, or by now', () => {
    const span = { from: 100, to: 500 };
    expect(boundRange({ from: null, to: null }, span, 9999)).toEqual({ from: 100, to: 500 });
    expect(boundRange({ from: 200, to: null }, span, 9999)).toEqual({ from: 200, to: 500 });
    expect(boundRange({ from: 600, to: null }, span, 9999)).toEqual({ from: 600, to: 9999 });
    expect(boundRange({ from: 200, to: 300 }, null, 9999)).toEqual({ from: 200, to: 300 });
    expect(boundRange({ from: null, to: null }, null, 9999)).toBeNull();
  });
  it('measures the data by its sources', () => {
    expect(dataSpan([src('a', 10, 50), src('b', 5, 40), src('c', null, null)])).toEqual({ from: 5, to: 51 });
    expect(dataSpan([src('c', null, null)])).toBeNull();
    expect(dataSpan([])).toBeNull();
  });

  const ctx = {
    current: { from: at(2024, 3, 15, 10), to: at(2024, 3, 15, 12) },
    span: null,
    now: at(2024, 3, 15, 12),
    sources: ['/var/log/a.log', '/var/log/b.log', '/c.log'],
  };
  it('fills both sides from a preset', () => {
    expect(applyPreset('previous', ctx)).toEqual({
      ok: true,
      a: { from: at(2024, 3, 15, 8), to: at(2024, 3, 15, 10), source: null },
      b: { from: at(2024, 3, 15, 10), to: at(2024, 3, 15, 12), source: null },
    });
    const week = applyPreset('week', ctx);
    expect(week.ok && week.a.from).toBe(at(2024, 3, 8, 10));
    const y = applyPreset('yesterday', ctx);
    expect(y.ok && y.a).toEqual({ from: at(2024, 3, 14), to: at(2024, 3, 15), source: null });
  });
  it('compares the two busiest sources over the same range', () => {
    expect(applyPreset('sources', ctx)).toEqual({
      ok: true,
      a: { ...ctx.current, source: '/var/log/a.log' },
      b: { ...ctx.current, source: '/var/log/b.log' },
    });
    const open = applyPreset('sources', { ...ctx, current: { from: null, to: null } });
    expect(open.ok && open.a).toEqual({ from: null, to: null, source: '/var/log/a.log' });
  });
  it('says why a preset cannot apply', () => {
    expect(applyPreset('sources', { ...ctx, sources: ['/one'] })).toMatchObject({ ok: false });
    expect(applyPreset('previous', { ...ctx, current: { from: null, to: null } })).toMatchObject({ ok: false });
    // "all time" with known data: the data's span, and the span before it.
    const all = applyPreset('previous', { ...ctx, current: { from: null, to: null }, span: { from: 1000, to: 3000 } });
    expect(all).toEqual({
      ok: true,
      a: { from: -1000, to: 1000, source: null },
      b: { from: 1000, to: 3000, source: null },
    });
  });
});

describe('sides', () => {
  it('checks the order of the ends', () => {
    expect(sideProblem({ from: 5, to: 5, source: null })).not.toBeNull();
    expect(sideProblem({ from: 5, to: 6, source: null })).toBeNull();
    expect(sideProblem({ from: null, to: 6, source: null })).toBeNull();
  });
  it('labels a side', () => {
    expect(sideLabel({ from: null, to: null, source: null })).toBe('All time');
    expect(sideLabel({ from: null, to: null, source: '/var/log/x.log' })).toBe('All time · x.log');
    expect(sideLabel({ from: at(2024, 3, 15, 10), to: null, source: null })).toBe('2024-03-15 10:00 → now');
  });
});
