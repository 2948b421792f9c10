import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTemplate, renderTemplate, type TemplateValue } from './template';

const values = (over: Record<string, TemplateValue> = {}): Record<string, TemplateValue> => ({
  rule: 'Disk full',
  state: 'firing',
  value: 42,
  group: { host: 'web-1', service: null },
  query: 'level>=error',
  ...over,
});

describe('payload templates', () => {
  it('inside a string a value is escaped text; outside, a JSON value of its own', () => {
    const out = renderTemplate('{"text": "{{rule}} is {{state}} ({{value}}) on {{group.host}}; {{group}}", "v": {{value}}, "g": {{group}}, "r": {{ rule }}}', values());
    expect(JSON.parse(out)).toEqual({
      text: 'Disk full is firing (42) on web-1; host=web-1, service=',
      v: 42,
      g: { host: 'web-1', service: null },
      r: 'Disk full',
    });
  });

  it('hostile values never break out of their place', () => {
    const hostile = '"}, "admin": true, "x": {"y": "\\\n\u2028</script>{{rule}}';
    const out = renderTemplate('{"text": "host {{group.host}}!", "q": {{query}}, "list": [{{rule}}]}', values({ group: { host: hostile }, query: hostile, rule: hostile }));
    expect(JSON.parse(out)).toEqual({ text: `host ${hostile}!`, q: hostile, list: [hostile] });
  });

  // -0 is left out: JSON has no negative zero (JSON.stringify(-0) is "0"), so it cannot come back.
  it('any value, anywhere a placeholder may stand, comes back exactly', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)), fc.integer()), (rule, host, value) => {
        const out = JSON.parse(renderTemplate('{"a": "[{{rule}}]", "b": {{group.host}}, "c": {{value}}, "d": "{{value}}"}', values({ rule, value, group: { host } })));
        expect(out).toEqual({ a: `[${rule}]`, b: host, c: value, d: String(value) });
      }),
    );
  });

  it('escapes already in the template are kept; a missing group field is null', () => {
    expect(JSON.parse(renderTemplate('{"a": "say \\"{{rule}}\\"", "b": {{group.zone}}}', values()))).toEqual({ a: 'say "Disk full"', b: null });
  });

  it('an unknown placeholder or a template that is not JSON is refused with where and why', () => {
    expect(checkTemplate('{"text": "{{rule}}"}')).toBeNull();
    expect(checkTemplate('{"text": "{{rulez}}"}')).toMatch(/^unknown placeholder \{\{rulez\}\} at character 11 /);
    expect(checkTemplate('{"text": {{rule}}')).toMatch(/^the payload template is not JSON once filled in: /);
    expect(checkTemplate('{"value": {{value}}, }')).toMatch(/not JSON/);
  });

  it('a value that is not a finite number is still JSON', () => {
    expect(JSON.parse(renderTemplate('{"v": {{value}}}', values({ value: Infinity })))).toEqual({ v: 'Infinity' });
  });
});
