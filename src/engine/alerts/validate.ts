/**
 * What only the engine can check about a rule: its query compiles against the fields this
 * store knows (syntax errors with their position, unknown fields named), its group-by and
 * aggregate fields exist. Every problem comes back with the rule field it is about.
 */
import { AlertRuleInputSchema, type AlertRuleSpec } from '../../shared/alerts';
import { QueryError } from '../../shared/query/error';
import { compileQueryText, type Catalog } from '../query/compile';

export interface RuleProblem {
  path: string;
  message: string;
  start?: number;
  end?: number;
}

export function checkRule(value: unknown, catalog: Catalog): { spec: AlertRuleSpec | null; problems: RuleProblem[] } {
  const parsed = AlertRuleInputSchema.safeParse(value);
  const problems: RuleProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({
        path: i.path.join('.'),
        message: i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message,
      }));
  const raw = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  if (typeof raw.query === 'string') {
    try {
      compileQueryText(raw.query, catalog);
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      problems.push({ path: 'query', message: err.message, start: err.start, end: err.end });
    }
  }
  if (Array.isArray(raw.groupBy)) {
    raw.groupBy.forEach((f, i) => {
      if (typeof f === 'string' && f && !catalog.resolve(f)) {
        const near = catalog.suggest(f);
        problems.push({ path: `groupBy.${i}`, message: `unknown field "${f}"${near ? ` (did you mean "${near}"?)` : ''}` });
      }
    });
  }
  if (typeof raw.field === 'string' && raw.field) {
    const f = catalog.resolve(raw.field);
    if (!f) problems.push({ path: 'field', message: `unknown field "${raw.field}"` });
    else if (f.type !== 'number') problems.push({ path: 'field', message: `"${raw.field}" is ${f.type}, not a number: an aggregate needs a numeric field` });
  }
  return { spec: parsed.success && !problems.length ? parsed.data : null, problems };
}
