import { describe, expect, it } from 'vitest';
import { AlertRuleInputSchema } from '../../../shared/alerts';
import { draftToInput, duplicateDraft, EMPTY_DRAFT, exportRulesText, inputToDraft, parseRulesFile, problemsByField } from './draft';

describe('rule drafts', () => {
  it('the issue\'s example rule goes through the form and back unchanged', () => {
    const rule = {
      name: 'db refused',
      query: 'level>=error "connection refused"',
      kind: 'threshold' as const,
      window: '1m',
      above: 20,
      groupBy: ['host'],
      notify: ['os', 'webhook:http://127.0.0.1:9000/hook'],
    };
    const back = draftToInput(inputToDraft(rule));
    expect(AlertRuleInputSchema.parse(back)).toEqual(AlertRuleInputSchema.parse(rule));
  });

  it('keeps only the kind\'s own fields, so switching kind never leaves a refused key behind', () => {
    const d = { ...EMPTY_DRAFT, name: 'x', kind: 'rate' as const, value: '3', baseline: '1d', minCount: '10', score: '0.9', field: 'duration_ms' };
    const rate = draftToInput(d);
    expect(rate).toMatchObject({ above: 3, baseline: '1d', minCount: 10 });
    expect(rate).not.toHaveProperty('score');
    expect(rate).not.toHaveProperty('field');
    expect(AlertRuleInputSchema.safeParse(rate).success).toBe(true);

    const silence = draftToInput({ ...d, kind: 'silence' });
    expect(Object.keys(silence).sort()).toEqual(['cooldown', 'enabled', 'for', 'groupBy', 'kind', 'name', 'notify', 'query', 'window']);
    expect(AlertRuleInputSchema.safeParse(silence).success).toBe(true);
  });

  it('passes a number it cannot read on as typed, so the check names that field', () => {
    const r = draftToInput({ ...EMPTY_DRAFT, name: 'x', value: '20x' });
    expect(r.above).toBe('20x');
    const res = AlertRuleInputSchema.safeParse(r);
    expect(res.success).toBe(false);
    expect(res.error!.issues.map((i) => i.path.join('.'))).toContain('above');
  });

  it('splits group-by fields on commas and drops the empty ones', () => {
    expect(draftToInput({ ...EMPTY_DRAFT, groupBy: ' host, ,service ' }).groupBy).toEqual(['host', 'service']);
  });

  it('a below bound survives editing', () => {
    const d = inputToDraft({ name: 'slow', kind: 'aggregate', field: 'duration_ms', fn: 'p95', below: 5 });
    expect(d).toMatchObject({ bound: 'below', value: '5', fn: 'p95', field: 'duration_ms' });
    expect(draftToInput(d)).toMatchObject({ below: 5, fn: 'p95', field: 'duration_ms' });
    expect(draftToInput(d)).not.toHaveProperty('above');
  });

  it('a duplicate is a new, switched-off copy', () => {
    const spec = AlertRuleInputSchema.parse({ name: 'burst', kind: 'threshold', above: 5 });
    expect(duplicateDraft(spec)).toMatchObject({ name: 'burst (copy)', enabled: false, value: '5' });
  });
});

describe('rule files', () => {
  const a = { name: 'a', kind: 'threshold', above: 1 };
  const b = { name: 'b', kind: 'silence' };

  it('reads one object, an array, and NDJSON', () => {
    expect(parseRulesFile(JSON.stringify(a))).toEqual({ ok: true, rules: [a] });
    expect(parseRulesFile(JSON.stringify([a, b]))).toEqual({ ok: true, rules: [a, b] });
    expect(parseRulesFile(`${JSON.stringify(a)}\n\n${JSON.stringify(b)}\n`)).toEqual({ ok: true, rules: [a, b] });
  });

  it('says which line is not JSON', () => {
    const r = parseRulesFile(`${JSON.stringify(a)}\n{"name": oops}\n`);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^line 2 is not JSON/);
    expect(parseRulesFile('   ')).toEqual({ ok: false, error: 'the file is empty' });
    expect(parseRulesFile('42').ok).toBe(false);
  });

  it('what export writes reads back', () => {
    const specs = [a, b].map((r) => AlertRuleInputSchema.parse(r));
    const back = parseRulesFile(exportRulesText(specs));
    expect(back.ok && back.rules.map((r) => AlertRuleInputSchema.parse(r))).toEqual(specs);
  });
});

describe('problems by field', () => {
  it('puts a list entry\'s problem beside its list, and the rule-wide ones apart', () => {
    const m = problemsByField([
      { path: 'groupBy.1', message: 'no field "hots"' },
      { path: 'query', message: 'unexpected )', start: 4, end: 5 },
      { path: '', message: 'too many rules' },
    ]);
    expect(m.get('groupBy')?.[0]?.message).toBe('no field "hots"');
    expect(m.get('query')?.[0]?.start).toBe(4);
    expect(m.get('')?.length).toBe(1);
  });
});
