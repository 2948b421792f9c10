import { describe, expect, it } from 'vitest';
import { AlertRuleInputSchema, formatDuration, parseDuration } from './alerts';

const problems = (rule: unknown) =>
  AlertRuleInputSchema.safeParse(rule).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('alert rules as data', () => {
  it('takes the rule from the issue as written, with defaults filled in', () => {
    const rule = AlertRuleInputSchema.parse({
      name: 'db refused',
      query: 'level>=error "connection refused"',
      kind: 'threshold',
      window: '1m',
      above: 20,
      groupBy: ['host'],
      notify: ['os', 'webhook:http://127.0.0.1:9000/hook'],
    });
    expect(rule).toMatchObject({ window: '1m', above: 20, groupBy: ['host'], for: '0s', cooldown: '5m', enabled: true });
  });

  it('refuses an unknown key, naming it', () => {
    expect(problems({ name: 'x', kind: 'threshold', above: 1, windw: '1m' }).join()).toMatch(/windw/);
  });

  it('says which field is wrong and why', () => {
    expect(problems({ name: 'x', kind: 'threshold', above: 1, window: '1 minute' })).toEqual([
      'window: "1 minute" is not a duration (write e.g. 30s, 5m, 1h, 1d)',
    ]);
    expect(problems({ name: 'x', kind: 'threshold', above: 1, window: '1s' })[0]).toMatch(/^window: window must be between 10s/);
    expect(problems({ name: 'x', kind: 'silence', above: 3 })[0]).toMatch(/^above: a silence rule has no "above"/);
    expect(problems({ name: 'x', kind: 'rate', above: 2 })[0]).toMatch(/^baseline: a rate rule needs/);
    expect(problems({ name: 'x', kind: 'threshold' })[0]).toMatch(/^above: a threshold rule needs "above" or "below"/);
    expect(problems({ name: 'x', kind: 'aggregate', above: 2, fn: 'p95' })[0]).toMatch(/^field: /);
    expect(problems({ name: 'x', kind: 'threshold', above: 1, notify: ['email:me'] })[0]).toMatch(/^notify\.0: a channel is/);
    expect(problems({ name: ' ', kind: 'threshold', above: 1 })[0]).toMatch(/^name: a rule needs a name/);
  });

  it('accepts the channels people ask for', () => {
    const notify = ['os', 'toast', 'webhook:https://example.test/x', 'slack:https://hooks.slack.com/services/T/B/X', 'telegram:123456:AA-bb_c/-100123'];
    expect(problems({ name: 'x', kind: 'threshold', above: 1, notify })).toEqual([]);
  });
});

describe('durations', () => {
  it('reads and writes the units rules use', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('5')).toBeNull();
    expect(parseDuration('-5m')).toBeNull();
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
    for (const text of ['10s', '1m', '5m', '1h', '1d', '3d4h']) expect(formatDuration(parseDuration(text)!)).toBe(text);
  });
});
