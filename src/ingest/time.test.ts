import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeContext, compileTimeLayouts, daysFromCivil, parseTimestamp, type TimeOptions } from './time';

const UTC: TimeOptions = { defaultZone: 'UTC', referenceMs: Date.UTC(2024, 11, 31, 12) };
const at = (iso: string): number => Date.parse(iso);
const read = (text: string | number, layouts: string[], opts: TimeOptions = UTC): number | null =>
  parseTimestamp(text, layouts, opts);

/** Wall-clock fields of an instant in a zone, from Intl: an oracle independent of time.ts. */
function wall(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(ms);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}
const p2 = (n: number): string => String(n).padStart(2, '0');
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

describe('named layouts', () => {
  it.each([
    ['2024-01-02T13:04:05.123456789Z', 'iso8601', '2024-01-02T13:04:05.123Z'],
    ['2024-01-02 13:04:05,123', 'iso8601', '2024-01-02T13:04:05.123Z'],
    ['2024-01-02T13:04:05+01:00', 'iso8601', '2024-01-02T12:04:05.000Z'],
    ['2024-01-02T13:04:05-0530', 'iso8601', '2024-01-02T18:34:05.000Z'],
    ['2024-01-02 13:04:05 UTC', 'iso8601', '2024-01-02T13:04:05.000Z'],
    ['2024-01-02T13:04', 'iso8601', '2024-01-02T13:04:00.000Z'],
    ['2024-01-02', 'iso8601', '2024-01-02T00:00:00.000Z'],
    ['10/Oct/2000:13:55:36 -0700', 'clf', '2000-10-10T20:55:36.000Z'],
    ['Wed Oct 11 14:32:52.123456 2000', 'apache_error', '2000-10-11T14:32:52.123Z'],
    ['Sun Dec  4 04:47:44 2005', 'apache_error', '2005-12-04T04:47:44.000Z'],
    ['Tue, 02 Jan 2024 13:04:05 +0000', 'rfc2822', '2024-01-02T13:04:05.000Z'],
    ['2024-01-02 13:04:05,123', 'java', '2024-01-02T13:04:05.123Z'],
    ['2009/11/10 23:00:00.123456', 'go', '2009-11-10T23:00:00.123Z'],
    ['1704200645', 'epoch_s', '2024-01-02T13:04:05.000Z'],
    ['1704200645.1239', 'epoch_s', '2024-01-02T13:04:05.123Z'],
    ['1704200645123', 'epoch_ms', '2024-01-02T13:04:05.123Z'],
    ['1704200645123456', 'epoch_us', '2024-01-02T13:04:05.123Z'],
    ['1704200645123456789', 'epoch_ns', '2024-01-02T13:04:05.123Z'],
    ['1704200645123456', 'epoch', '2024-01-02T13:04:05.123Z'],
  ])('%s as %s', (text, layout, want) => {
    expect(read(text, [layout])).toBe(at(want));
  });

  it('reads JSON numbers for epoch layouts, exactly (no float rounding of the fraction)', () => {
    expect(read(1704200645.123, ['epoch_s'])).toBe(at('2024-01-02T13:04:05.123Z'));
    expect(read(1704200645123, ['epoch'])).toBe(at('2024-01-02T13:04:05.123Z'));
    expect(read(1704200645123, ['iso8601'])).toBeNull();
  });

  it('does not guess a unit for small numbers: a counter is not a time in 1970', () => {
    expect(read(12, ['epoch'])).toBeNull();
    expect(read('12', ['epoch'])).toBeNull();
  });

  it.each([
    ['2024-02-30 00:00:00', 'iso8601'],
    ['2023-02-29 00:00:00', 'iso8601'],
    ['2024-13-01 00:00:00', 'iso8601'],
    ['2024-01-01 24:00:00', 'iso8601'],
    ['2024-01-01 12:60:00', 'iso8601'],
    ['2024-01-01 12:00:00 junk', 'iso8601'],
    ['2024-01-01T12:00:00+01:', 'iso8601'],
    ['10/Foo/2000:13:55:36 -0700', 'clf'],
    ['10/Oct/2000:13:55:36', 'clf'],
    ['', 'iso8601'],
    ['abc', 'epoch_ms'],
  ])('refuses %j as %s', (text, layout) => {
    expect(read(text, [layout])).toBeNull();
  });

  it('tries layouts in order', () => {
    expect(read('Nov  5 06:18:55', ['iso8601', 'rfc3164'])).toBe(at('2024-11-05T06:18:55Z'));
    expect(read('2024-11-05T06:18:55Z', ['rfc3164', 'iso8601'])).toBe(at('2024-11-05T06:18:55Z'));
  });
});

describe('strptime patterns', () => {
  it.each([
    ['081109 203615', '%y%m%d %H%M%S', '2008-11-09T20:36:15Z'],
    ['17/06/09 20:10:40', '%y/%m/%d %H:%M:%S', '2017-06-09T20:10:40Z'],
    ['03-17 16:13:38.811', '%m-%d %H:%M:%S.%f', '2024-03-17T16:13:38.811Z'],
    ['10.30 16:49:06', '%m.%d %H:%M:%S', '2024-10-30T16:49:06Z'],
    ['02/January/2024 01:04:05 PM', '%d/%b/%Y %I:%M:%S %p', '2024-01-02T13:04:05Z'],
    ['02/Jan/2024 12:04:05 am', '%d/%b/%Y %I:%M:%S %p', '2024-01-02T00:04:05Z'],
    ['[2024-01-02] 13:04:05', '%[%F%] %T', '2024-01-02T13:04:05Z'],
    ['2024-01-02 13:04:05 GMT', '%Y-%m-%d %H:%M:%S %Z', '2024-01-02T13:04:05Z'],
    ['2024-01-02 13:04:05', '%Y-%m-%d %H:%M:%S[.%f]', '2024-01-02T13:04:05Z'],
    ['2024-01-02 13:04:05.5', '%Y-%m-%d %H:%M:%S[.%f]', '2024-01-02T13:04:05.500Z'],
  ])('%s with %s', (text, layout, want) => {
    expect(read(text, [layout])).toBe(at(want));
  });

  it('refuses a layout that cannot say when', () => {
    expect(() => compileTimeLayouts(['%H:%M:%S'])).toThrow(/no month/);
    expect(() => compileTimeLayouts(['%m %H'])).toThrow(/no day/);
    expect(() => compileTimeLayouts(['%Y-%m-%d'])).toThrow(/no hour/);
    expect(() => compileTimeLayouts(['%Y-%m-%d %H:%Q'])).toThrow(/unknown directive %Q/);
    expect(() => compileTimeLayouts(['[%Y-%m-%d %H'])).toThrow(/unbalanced/);
    expect(() => compileTimeLayouts(['isoo'])).toThrow(/unknown time layout "isoo"/);
  });
});

describe('zones', () => {
  it('reads zone-less stamps in the default zone, across DST', () => {
    const ny = { defaultZone: 'America/New_York', referenceMs: 0 };
    expect(read('2024-01-15 12:00:00', ['iso8601'], ny)).toBe(at('2024-01-15T17:00:00Z'));
    expect(read('2024-07-15 12:00:00', ['iso8601'], ny)).toBe(at('2024-07-15T16:00:00Z'));
    // 02:30 does not exist on 2024-03-10 in New York: moved forward by the gap.
    expect(read('2024-03-10 02:30:00', ['iso8601'], ny)).toBe(at('2024-03-10T07:30:00Z'));
    // 01:30 happens twice on 2024-11-03: the earlier (EDT) instant.
    expect(read('2024-11-03 01:30:00', ['iso8601'], ny)).toBe(at('2024-11-03T05:30:00Z'));
    expect(read('2024-01-15 12:00:00', ['iso8601'], { defaultZone: '+05:30', referenceMs: 0 })).toBe(
      at('2024-01-15T06:30:00Z'),
    );
  });

  it('lets an explicit offset win over the default zone', () => {
    expect(read('2024-07-15T12:00:00Z', ['iso8601'], { defaultZone: 'Asia/Tokyo', referenceMs: 0 })).toBe(
      at('2024-07-15T12:00:00Z'),
    );
  });

  it("resolves 'local' to the process's zone", () => {
    const local = new Date(2024, 6, 15, 12, 0, 0).getTime();
    expect(read('2024-07-15 12:00:00', ['iso8601'], { defaultZone: 'local', referenceMs: 0 })).toBe(local);
  });

  it('refuses an unknown zone by name', () => {
    expect(() => new TimeContext({ defaultZone: 'Mars/Olympus', referenceMs: 0 })).toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
  });

  it('does not reuse a cached result across contexts', () => {
    const reader = compileTimeLayouts(['iso8601']);
    const berlin = new TimeContext({ defaultZone: 'Europe/Berlin', referenceMs: 0 });
    const utc = new TimeContext(UTC);
    expect(reader('2024-01-15 12:00:00', utc)).toBe(at('2024-01-15T12:00:00Z'));
    expect(reader('2024-01-15 12:00:00', berlin)).toBe(at('2024-01-15T11:00:00Z'));
  });
});

describe('year-less stamps', () => {
  it('picks the year that puts the stamp closest before the reference', () => {
    const ref = (iso: string): TimeOptions => ({ defaultZone: 'UTC', referenceMs: at(iso) });
    expect(read('Dec 31 23:59:59', ['rfc3164'], ref('2025-01-01T00:10:00Z'))).toBe(at('2024-12-31T23:59:59Z'));
    expect(read('Jan  1 00:00:01', ['rfc3164'], ref('2024-12-31T23:00:00Z'))).toBe(at('2025-01-01T00:00:01Z'));
    expect(read('Jun 16 00:00:00', ['rfc3164'], ref('2024-06-15T12:00:00Z'))).toBe(at('2024-06-16T00:00:00Z'));
    expect(read('Jun 17 00:00:00', ['rfc3164'], ref('2024-06-15T12:00:00Z'))).toBe(at('2023-06-17T00:00:00Z'));
    expect(read('Feb 29 10:00:00', ['rfc3164'], ref('2025-06-01T00:00:00Z'))).toBe(at('2024-02-29T10:00:00Z'));
  });
});

describe('properties', () => {
  const instant = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 11, 31) });

  it('daysFromCivil agrees with Date.UTC', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2000, max: 4000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (y, m, d) => {
          const viaDate = new Date(0);
          viaDate.setUTCFullYear(y, m - 1, d);
          expect(daysFromCivil(y, m, d) * 86_400_000).toBe(viaDate.getTime());
        },
      ),
    );
  });

  it('ISO 8601 with Z round-trips every instant to the millisecond', () => {
    fc.assert(
      fc.property(instant, (t) => {
        expect(read(new Date(t).toISOString(), ['iso8601'])).toBe(t);
      }),
    );
  });

  it('CLF with any offset round-trips to the second', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -12 * 60, max: 14 * 60 }), (t, offMin) => {
        const t0 = t - (t % 1000);
        const w = new Date(t0 + offMin * 60_000);
        const sign = offMin < 0 ? '-' : '+';
        const off = `${sign}${p2(Math.floor(Math.abs(offMin) / 60))}${p2(Math.abs(offMin) % 60)}`;
        const text = `${p2(w.getUTCDate())}/${MON[w.getUTCMonth()]}/${w.getUTCFullYear()}:${p2(w.getUTCHours())}:${p2(w.getUTCMinutes())}:${p2(w.getUTCSeconds())} ${off}`;
        expect(read(text, ['clf'])).toBe(t0);
      }),
    );
  });

  it.each(['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Sao_Paulo'])(
    'a wall-clock stamp in %s reads back to an instant with that wall clock',
    (zone) => {
      const opts = { defaultZone: zone, referenceMs: 0 };
      fc.assert(
        fc.property(instant, (t) => {
          const t0 = t - (t % 1000);
          const w = wall(t0, zone);
          const text = `${w.y}-${p2(w.mo)}-${p2(w.d)} ${p2(w.h)}:${p2(w.mi)}:${p2(w.s)}`;
          const got = read(text, ['iso8601'], opts)!;
          // The same wall clock; in a repeated hour the earlier of the two instants.
          expect(wall(got, zone)).toEqual(w);
          expect(got).toBeLessThanOrEqual(t0);
          expect(t0 - got).toBeLessThanOrEqual(3_600_000);
        }),
        { numRuns: 300 },
      );
    },
  );

  it('a year-less stamp within the year before the reference reads back exactly', () => {
    // Exactly 364 days before is also one day after (in a 365-day year): the later wins.
    fc.assert(
      fc.property(instant, fc.integer({ min: -364 * 86_400 + 1, max: 86_400 }), (ref, deltaS) => {
        const t = ref - (ref % 1000) + deltaS * 1000;
        const w = new Date(t);
        const text = `${MON[w.getUTCMonth()]} ${String(w.getUTCDate()).padStart(2, ' ')} ${p2(w.getUTCHours())}:${p2(w.getUTCMinutes())}:${p2(w.getUTCSeconds())}`;
        expect(read(text, ['rfc3164'], { defaultZone: 'UTC', referenceMs: ref })).toBe(t);
      }),
    );
  });

  it('strptime round-trips the layouts it is given', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const w = new Date(t);
        const yy = p2(w.getUTCFullYear() % 100);
        const text = `${yy}${p2(w.getUTCMonth() + 1)}${p2(w.getUTCDate())} ${p2(w.getUTCHours())}${p2(w.getUTCMinutes())}${p2(w.getUTCSeconds())}`;
        const want = t - (t % 1000);
        // %y pivots at 69: 1971–2068 round-trip, later years read as the 1900s.
        if (w.getUTCFullYear() <= 2068) expect(read(text, ['%y%m%d %H%M%S'])).toBe(want);
      }),
    );
  });
});
