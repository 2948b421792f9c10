/**
 * A webhook rule's `payload`: JSON text with {{placeholders}}. A value is written so it
 * can never break the JSON or smuggle in keys: inside a JSON string it is escaped as
 * string content; outside one it becomes a JSON literal of its own (a number stays a
 * number, text gets its quotes, the group an object). The result is parsed before it is
 * sent, so a template that is not JSON fails with the reason, not at the receiver.
 */

export type TemplateValue = string | number | boolean | null | readonly TemplateValue[] | { readonly [k: string]: TemplateValue };

/** Placeholders a template may use, besides `group.FIELD` for any group field. */
export const PLACEHOLDERS = [
  'rule', 'state', 'value', 'peak', 'group', 'query', 'url', 'startedAt', 'firedAt', 'resolvedAt',
  'id', 'ruleId', 'kind', 'condition', 'description', 'title', 'text', 'count', 'more', 'alerts',
] as const;

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*(?:\.[^{}\s]+)?)\s*\}\}/y;

export class TemplateError extends Error {}

/** Text of a value where it stands inside a JSON string. */
function inString(v: TemplateValue): string {
  let text: string;
  if (v === null) text = '';
  else if (typeof v === 'string') text = v;
  else if (typeof v === 'number' || typeof v === 'boolean') text = String(v);
  else if (Array.isArray(v)) text = JSON.stringify(v);
  else text = Object.entries(v).map(([k, x]) => `${k}=${x === null ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x)}`).join(', ');
  return JSON.stringify(text).slice(1, -1);
}

/** JSON.stringify turns Infinity and NaN into null silently; say it instead. */
function literal(v: TemplateValue): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'null' : JSON.stringify(v > 0 ? 'Infinity' : '-Infinity');
  return JSON.stringify(v);
}

function lookup(name: string, values: Readonly<Record<string, TemplateValue>>, at: number): TemplateValue {
  if (name.startsWith('group.')) {
    const group = values.group;
    const field = name.slice('group.'.length);
    if (group && typeof group === 'object' && !Array.isArray(group)) return (group as Record<string, TemplateValue>)[field] ?? null;
    return null;
  }
  if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
    throw new TemplateError(`unknown placeholder {{${name}}} at character ${at + 1} (known: ${PLACEHOLDERS.join(', ')}, group.FIELD)`);
  }
  return values[name] ?? null;
}

/** The body to POST: the template with its placeholders filled, checked to be JSON. */
export function renderTemplate(template: string, values: Readonly<Record<string, TemplateValue>>): string {
  let out = '';
  let quoted = false;
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    if (ch === '{' && template[i + 1] === '{') {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(template);
      if (m) {
        const v = lookup(m[1]!, values, i);
        out += quoted ? inString(v) : literal(v);
        i += m[0].length;
        continue;
      }
    }
    if (quoted && ch === '\\') {
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    out += ch;
    i++;
  }
  try {
    JSON.parse(out);
  } catch (err) {
    throw new TemplateError(`the payload template is not JSON once filled in: ${(err as Error).message}`);
  }
  return out;
}

const SAMPLE: Record<string, TemplateValue> = {
  rule: 'r "x"', state: 'firing', value: 1, peak: 1, group: { host: 'h' }, query: 'q', url: 'http://127.0.0.1/', startedAt: '2026-01-01T00:00:00.000Z',
  firedAt: '2026-01-01T00:00:00.000Z', resolvedAt: null, id: 'a', ruleId: 'r', kind: 'threshold', condition: 'c', description: null,
  title: 't', text: 't', count: 1, more: 0, alerts: [],
};

/** Why the template cannot be used (an unknown placeholder, not JSON), or null: for checking a rule at save. */
export function checkTemplate(template: string): string | null {
  try {
    renderTemplate(template, SAMPLE);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
