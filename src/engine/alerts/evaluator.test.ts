import { describe, expect, it } from 'vitest';
import { AlertRuleInputSchema, type AlertRuleInput } from '../../shared/alerts';
import { createCatalog } from '../query/catalog';
import { ManualClock } from '../testing/manual-clock';
import { LiveEvaluator } from './evaluator';
import { noLookups, type EvalRecord } from './predicate';
import type { AlertTransition } from './types';

const T0 = Date.UTC(2026, 0, 1);
const rec = (ts: number, o: Partial<EvalRecord> = {}): EvalRecord => ({
  ts, level: 6, source: 'app.log', host: 'web1', app: null, message: 'db: connection refused', format: 'json',
  parseError: null, line: 1, fields: null, templateId: null, anomaly: null, ingestTs: ts, ...o,
});

function setup(rule: AlertRuleInput) {
  const clock = new ManualClock(T0);
  const seen: AlertTransition[] = [];
  const ev = new LiveEvaluator({ clock, catalog: () => createCatalog([]), lookups: noLookups, firstSeen: () => null, onTransition: (t) => seen.push(t) });
  ev.setRules([{ id: 'r', spec: AlertRuleInputSchema.parse(rule) }]);
  return { clock, ev, seen, states: () => seen.map((t) => `${t.from ?? '-'}>${t.to}`) };
}

describe('live evaluator on a controllable clock', () => {
  it('fires as soon as a count crosses "above", once, and resolves when the window empties', () => {
    const { clock, ev, seen, states } = setup({ name: 't', kind: 'threshold', query: 'level>=error "refused"', window: '1m', above: 2, cooldown: '0s' });
    ev.observe([rec(T0 + 10), rec(T0 + 20)]);
    expect(seen).toEqual([]);
    ev.observe([rec(T0 + 30), rec(T0 + 40, { level: 5 })]);
    expect(states()).toEqual(['->firing']);
    expect(seen[0]!.alert.value).toBe(3);
    clock.advance(30_000);
    ev.tick();
    expect(states()).toEqual(['->firing']);
    clock.advance(60_000);
    ev.tick();
    expect(states()).toEqual(['->firing', 'firing>resolved']);
  });

  it('holds for "for" before firing, and keeps the cooldown after resolving', () => {
    const { clock, ev, states } = setup({ name: 't', kind: 'threshold', window: '1m', above: 0, for: '12s', cooldown: '5m' });
    ev.observe([rec(T0 + 1000)]);
    for (let i = 0; i < 4; i++) { clock.advance(6000); ev.tick(); }
    expect(states()).toEqual(['->pending', 'pending>firing']);
    clock.advance(120_000);
    ev.tick();
    expect(states().at(-1)).toBe('firing>resolved');
    ev.observe([rec(clock.now())]);
    for (let i = 0; i < 5; i++) { clock.advance(6000); ev.tick(); }
    expect(states().slice(3)).toEqual(['resolved>pending']);
  });

  it('counts a late record in its own step, and one per group', () => {
    const { ev, seen } = setup({ name: 't', kind: 'threshold', window: '1m', above: 1, groupBy: ['host'] });
    ev.observe([rec(T0 - 20_000, { host: 'a' }), rec(T0 + 5, { host: 'a' }), rec(T0 + 6, { host: 'b' })]);
    expect(seen.map((t) => t.alert.group)).toEqual([{ host: 'a' }]);
  });

  it('a silence rule fires for a source that stops, judged when its steps are over', () => {
    const { clock, ev, states } = setup({ name: 's', kind: 'silence', window: '1m', cooldown: '0s' });
    ev.observe([rec(T0 + 100)]);
    for (let i = 0; i < 11; i++) { clock.advance(6000); ev.tick(); }
    expect(states()).toEqual([]);
    for (let i = 0; i < 2; i++) { clock.advance(6000); ev.tick(); }
    expect(states()).toEqual(['->firing']);
    ev.observe([rec(clock.now())]);
    clock.advance(8000);
    ev.tick();
    expect(states()).toEqual(['->firing', 'firing>resolved']);
  });

  it('a clock that jumps back judges nothing again; one that jumps forward judges only the last window', () => {
    const { clock, ev, states } = setup({ name: 's', kind: 'silence', window: '1m', cooldown: '0s' });
    ev.observe([rec(T0 + 100)]);
    clock.advance(-3_600_000);
    ev.tick();
    expect(states()).toEqual([]);
    clock.advance(3_600_000 + 86_400_000);
    ev.tick();
    expect(states()).toEqual(['->firing']);
    expect(states().every((s) => s)).toBe(true);
  });
});

describe('the prefilter: rules indexed by the exact values they require', () => {
  function many(rules: Record<string, AlertRuleInput>, lookups = noLookups) {
    const clock = new ManualClock(T0);
    const seen: AlertTransition[] = [];
    const ev = new LiveEvaluator({ clock, catalog: () => createCatalog([{ name: 'service', type: 'VARCHAR' }]), lookups, firstSeen: () => null, onTransition: (t) => seen.push(t) });
    ev.setRules(Object.entries(rules).map(([id, r]) => ({ id, spec: AlertRuleInputSchema.parse(r) })));
    return { ev, fired: () => [...new Set(seen.filter((t) => t.to === 'firing').map((t) => t.ruleId))].sort() };
  }
  const rule = (query: string): AlertRuleInput => ({ name: query, kind: 'threshold', query, window: '1m', above: 0 });

  it('a rule requiring host:a is not evaluated for host:b, and still fires for host:a', () => {
    // `category:db*` asks the lookups: a record the rule is tested on calls category() (it
    // comes first, so without the index host:b records would be asked).
    const asked: (string | null)[] = [];
    const lookups = { ...noLookups, category: () => (asked.push('asked'), 'db-errors') };
    const { ev, fired } = many({ a: rule('category:db* host:a'), svc: rule('category:db* service:billing host:a') }, lookups);
    ev.observe([rec(T0 + 1, { host: 'b' }), rec(T0 + 2, { host: 'b', fields: { service: 'api' } })]);
    expect(asked).toEqual([]);
    expect(fired()).toEqual([]);
    ev.observe([rec(T0 + 3, { host: 'a', fields: { service: 'api' } })]);
    expect(fired()).toEqual(['a']);
    ev.observe([rec(T0 + 4, { host: 'a', fields: { service: 'billing' } })]);
    expect(fired()).toEqual(['a', 'svc']);
  });

  it('pattern:ID counts the patterns merged into it and, once it is merged, its survivor', () => {
    // 7 was merged into 3; 9 is unrelated.
    const merged = new Map([[7, 3]]);
    const lookups = { ...noLookups, survivor: (id: number) => merged.get(id) ?? id };
    const { ev, fired } = many({ three: rule('pattern:3'), seven: rule('pattern:7'), nine: { ...rule('pattern:9'), above: 1 } }, lookups);
    ev.observe([rec(T0 + 1, { templateId: 7 })]);
    expect(fired()).toEqual(['seven', 'three']);
    ev.observe([rec(T0 + 2, { templateId: 3 }), rec(T0 + 3, { templateId: null }), rec(T0 + 4, { templateId: 9 })]);
    expect(fired()).toEqual(['seven', 'three']);
  });

  it('OR and NOT queries are not wrongly narrowed', () => {
    const { ev, fired } = many({
      or: rule('host:a OR level:error'),
      not: rule('NOT host:a'),
      either: rule('host:a OR host:c'),
      nested: rule('level>=warn (host:a OR host:c) "refused"'),
      mixed: rule('(host:a OR service:api) level:error'),
      notIn: rule('NOT (host:a OR host:c)'),
    });
    ev.observe([rec(T0 + 1, { host: 'b', level: 6 })]);
    expect(fired()).toEqual(['not', 'notIn', 'or']);
    ev.observe([rec(T0 + 2, { host: 'c', level: 5 }), rec(T0 + 3, { host: 'b', level: 6, fields: { service: 'api' } })]);
    expect(fired()).toEqual(['either', 'mixed', 'nested', 'not', 'notIn', 'or']);
  });

  it('the same rule in an index and in the level lists counts a record once', () => {
    const { ev } = many({ one: { ...rule('level>=error host:web1 (host:web1 OR host:web2)'), above: 1 } });
    ev.observe([rec(T0 + 1), rec(T0 + 2)]);
    expect(ev.alerts().map((a) => a.value)).toEqual([2]);
  });
});
