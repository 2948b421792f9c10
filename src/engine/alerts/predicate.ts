/**
 * A rule's query as a JavaScript predicate over records in memory, for the live evaluator:
 * the same meaning as the SQL compiler (src/engine/query/compile.ts) gives it, so a live
 * alert and a replay agree. Plus what a cheap shared prefilter can use: the level bounds,
 * the literal words every match must contain and one field's exact values a match must
 * have (all from top-level AND terms), so most records are dismissed for most rules
 * without running the predicate; `residual` is what is left to test once the prefilter
 * has passed a record (the top-level terms it did not already decide).
 *
 * `pattern:ID` folds merged patterns as the SQL does (compile.ts's samePattern), from the
 * miner's own map of merges (Lookups.survivor) rather than the templates table: a record
 * of a pattern merged since the rule was saved, or of one merged into it, still counts.
 */
import { LEVELS, levelCode, normalizeLevel } from '../../shared/levels';
import type { FieldNode, QueryNode, Value } from '../../shared/query/ast';
import type { FieldValue } from '../../ingest/record';
import type { Catalog, FieldInfo } from '../query/catalog';

/** A record as the evaluator sees it (built from an IngestRecord and its source). */
export interface EvalRecord {
  ts: number;
  level: number;
  source: string;
  host: string | null;
  app: string | null;
  message: string;
  format: string;
  parseError: string | null;
  line: number;
  fields: Record<string, FieldValue> | null;
  templateId: number | null;
  anomaly: number | null;
  ingestTs: number;
}

/** Pattern-level facts the evaluator asks the models for. */
export interface Lookups {
  category(templateId: number | null): string | null;
  /** The pattern's inferred level code (0: none). */
  severity(templateId: number | null): number;
  /** The live pattern an id stands for now (itself unless it was merged into another). */
  survivor(templateId: number): number;
}

export const noLookups: Lookups = { category: () => null, severity: () => 0, survivor: (id) => id };

export interface CompiledPredicate {
  test(r: EvalRecord, lower: () => string): boolean;
  /** Level codes a match may have (inclusive). */
  minLevel: number;
  maxLevel: number;
  /** Lower-cased words every match's message contains. */
  terms: string[];
  /**
   * A field (its catalogue name) whose value on every match is exactly one of `values`
   * (a top-level `host:web1`, or an OR of such on one field); null when there is none.
   */
  exact: { field: FieldInfo; values: string[] } | null;
  /** The query less what bounds, terms and exact decide; null when nothing is left. */
  residual: ((r: EvalRecord, lower: () => string) => boolean) | null;
  /**
   * The same with another top-level exact term chosen instead (a rule naming service and
   * host is better indexed by whichever has more values): one per exact term, `exact` first.
   */
  alternatives: { exact: { field: FieldInfo; values: string[] }; residual: ((r: EvalRecord, lower: () => string) => boolean) | null }[];
}

type Pred = (r: EvalRecord, lower: () => string) => boolean;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function compilePredicate(ast: QueryNode | null, catalog: Catalog, lookups: Lookups): CompiledPredicate {
  const c = new PredicateCompiler(catalog, lookups);
  const test = ast ? c.node(ast) : () => true;
  const bounds = { minLevel: 0, maxLevel: 7, terms: [] as string[] };
  const top = ast ? (ast.type === 'and' ? ast.children : [ast]) : [];
  // Top-level terms the prefilter decides exactly (they need not be tested again).
  const decided = new Set<QueryNode>();
  const exacts: { node: QueryNode; exact: { field: FieldInfo; values: string[] } }[] = [];
  for (const n of top) {
    if (n.type === 'text' && n.value.kind === 'literal' && n.value.text) {
      bounds.terms.push(n.value.text.toLowerCase());
      decided.add(n);
    }
    if (n.type === 'field' && n.value.kind === 'literal' && catalog.resolve(n.field.name)?.name === 'level') {
      const lv = normalizeLevel(n.value.text);
      if (!lv) continue;
      const code = levelCode(lv);
      if (n.op === '>=' || n.op === '>') bounds.minLevel = Math.max(bounds.minLevel, n.op === '>' ? code + 1 : code);
      else if (n.op === '<=' || n.op === '<') {
        bounds.minLevel = Math.max(bounds.minLevel, 1);
        bounds.maxLevel = Math.min(bounds.maxLevel, n.op === '<' ? code - 1 : code);
      } else if (n.op === ':' || n.op === '=') [bounds.minLevel, bounds.maxLevel] = [Math.max(bounds.minLevel, code), Math.min(bounds.maxLevel, code)];
      else continue;
      decided.add(n);
    }
    const ex = exactValues(n, catalog);
    if (ex) exacts.push({ node: n, exact: ex });
  }
  // A single value narrows more than an OR of several: those first.
  exacts.sort((a, b) => Number(a.exact.values.length > 1) - Number(b.exact.values.length > 1));
  const residualOf = (also: QueryNode | null) => {
    const rest = top.filter((n) => !decided.has(n) && n !== also).map((n) => c.node(n));
    return rest.length === 0 ? null : rest.length === 1 ? rest[0]! : allOf(rest);
  };
  const alternatives = exacts.map((e) => ({ exact: e.exact, residual: residualOf(e.node) }));
  const first = alternatives[0];
  return { test, ...bounds, exact: first?.exact ?? null, residual: first ? first.residual : residualOf(null), alternatives };
}

/**
 * The exact values a top-level term requires of one field, when it is a plain `field:value`
 * on a text field compared as is (`compare` below tests `get(r) === text`), or an OR of
 * those on the same field; null for anything else (NOT, wildcards, numbers, levels,
 * substring and base-name fields), which the prefilter must not narrow by.
 */
function exactValues(n: QueryNode, catalog: Catalog): { field: FieldInfo; values: string[] } | null {
  const one = (m: QueryNode): { field: FieldInfo; value: string } | null => {
    if (m.type !== 'field' || (m.op !== ':' && m.op !== '=') || m.value.kind !== 'literal') return null;
    const f = catalog.resolve(m.field.name);
    if (!f || f.type !== 'text' || (f.match !== undefined && f.match !== 'exact')) return null;
    return { field: f, value: m.value.text };
  };
  const single = one(n);
  if (single) return { field: single.field, values: [single.value] };
  if (n.type !== 'or' || !n.children.length) return null;
  const all = n.children.map(one);
  if (all.some((x) => !x || fieldKey(x.field) !== fieldKey(all[0]!.field))) return null;
  return { field: all[0]!.field, values: [...new Set(all.map((x) => x!.value))] };
}

/** One field's identity across catalogues (a JSON key and a column of one name differ). */
export function fieldKey(f: FieldInfo): string {
  return `${f.name}\u0000${JSON.stringify(f.source)}`;
}

function allOf(cs: Pred[]): Pred {
  return (r, l) => {
    for (let i = 0; i < cs.length; i++) if (!cs[i]!(r, l)) return false;
    return true;
  };
}

function anyOf(cs: Pred[]): Pred {
  return (r, l) => {
    for (let i = 0; i < cs.length; i++) if (cs[i]!(r, l)) return true;
    return false;
  };
}

class PredicateCompiler {
  constructor(
    private readonly catalog: Catalog,
    private readonly lookups: Lookups,
  ) {}

  node(n: QueryNode): Pred {
    switch (n.type) {
      case 'and':
        return allOf(n.children.map((c) => this.node(c)));
      case 'or':
        return anyOf(n.children.map((c) => this.node(c)));
      case 'not': {
        const c = this.node(n.child);
        return (r, l) => !c(r, l);
      }
      case 'all':
        return () => true;
      case 'text':
        return messageMatch(n.value);
      case 'regex': {
        const re = new RegExp(n.pattern, n.ignoreCase ? 'i' : '');
        if (!n.field) return (r) => re.test(r.message);
        const get = fieldGetter(this.lookups, this.info(n.field.name));
        const f = this.info(n.field.name);
        if (f.type === 'level') return (r) => re.test(LEVELS[(get(r) as number) - 1] ?? '');
        return (r) => {
          const v = get(r);
          return v !== null && re.test(String(v));
        };
      }
      case 'exists': {
        const f = this.info(n.field.name);
        const get = fieldGetter(this.lookups, f);
        if (f.type === 'level') return (r) => (get(r) as number) !== 0;
        return (r) => get(r) !== null;
      }
      case 'field':
        return this.compare(n, this.info(n.field.name));
    }
  }

  private info(name: string): FieldInfo {
    const f = this.catalog.resolve(name);
    // validate.ts refuses unknown fields before a rule gets here.
    if (!f) throw new Error(`unknown field "${name}"`);
    return f;
  }

  private compare(n: FieldNode, f: FieldInfo): Pred {
    const get = fieldGetter(this.lookups, f);
    const eq = n.op === ':' || n.op === '=';
    if (f.match === 'substring') return messageMatch(n.value);
    if (n.value.kind === 'wildcard') {
      const re = globRe(n.value.parts, f.type === 'level');
      if (f.type === 'level') return (r) => re.test(LEVELS[(get(r) as number) - 1] ?? '');
      const base = f.match === 'basename';
      return (r) => {
        const v = get(r);
        if (v === null) return false;
        const s = String(v);
        return re.test(s) || (base && re.test(baseName(s)));
      };
    }
    const text = n.value.text;
    if (f.type === 'level') {
      const none = text.toLowerCase() === 'none';
      const code = none ? 0 : levelCode(normalizeLevel(text));
      if (eq) return (r) => get(r) === code;
      const low = n.op === '<' || n.op === '<=';
      return (r) => {
        const v = get(r) as number;
        return (!low || v >= 1) && cmp(v, n.op, code);
      };
    }
    if (f.type === 'time') {
      const ms = /^\d{10,}$/.test(text) ? Number(text) : Date.parse(text);
      return (r) => {
        const v = get(r);
        return typeof v === 'number' && cmp(v, n.op, ms);
      };
    }
    if (f.match === 'pattern' && eq && NUMBER.test(text)) {
      const lk = this.lookups;
      const id = Number(text);
      return (r) => r.templateId !== null && lk.survivor(r.templateId) === lk.survivor(id);
    }
    if (f.type === 'number' || (!eq && NUMBER.test(text))) {
      const x = Number(text);
      return (r) => {
        let v = get(r);
        if (typeof v === 'string') v = NUMBER.test(v.trim()) ? Number(v) : null;
        return v !== null && cmp(v, n.op, x);
      };
    }
    if (f.match === 'basename' && !/[/\\]/.test(text)) return (r) => get(r) === text || baseName(String(get(r) ?? '\u0000')) === text;
    return (r) => get(r) === text;
  }
}

function cmp(a: number, op: string, b: number): boolean {
  switch (op) {
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
    default: return a === b;
  }
}

function messageMatch(v: Value): Pred {
  if (v.kind === 'literal') {
    const needle = v.text.toLowerCase();
    return (r, lower) => lower().includes(needle);
  }
  const re = globRe(v.parts, true, false);
  return (r) => re.test(r.message);
}

function globRe(parts: string[], ignoreCase: boolean, anchored = true): RegExp {
  const body = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*');
  return new RegExp(anchored ? `^${body}$` : body, ignoreCase ? 'i' : '');
}

function baseName(s: string): string {
  const i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  return i < 0 ? s : s.slice(i + 1);
}

/** The field's value on a record, typed as SQL would see it (null when absent). */
export function fieldGetter(lk: Lookups, f: FieldInfo): (r: EvalRecord) => string | number | null {
  switch (f.name) {
    case 'message': return (r) => r.message;
    case 'level': return (r) => r.level;
    case 'source': return (r) => r.source;
    case 'host': return (r) => r.host;
    case 'app': return (r) => r.app;
    case 'format': return (r) => r.format;
    case 'parse_error': return (r) => r.parseError;
    case 'line': return (r) => r.line;
    case 'ts': return (r) => r.ts;
    case 'ingest_ts': return (r) => r.ingestTs;
    case 'pattern': return (r) => r.templateId;
    case 'anomaly': return (r) => r.anomaly;
    case 'category': return (r) => lk.category(r.templateId);
    case 'severity': return (r) => (r.level !== 0 ? r.level : lk.severity(r.templateId));
  }
  const key = f.source.kind === 'json' ? f.source.key : f.name;
  const numeric = f.type === 'number';
  return (r) => {
    const v = r.fields?.[key];
    if (v === undefined || v === null) return null;
    if (numeric) {
      if (typeof v === 'number') return v;
      const s = String(v).trim();
      return NUMBER.test(s) ? Number(s) : null;
    }
    return typeof v === 'string' ? v : String(v);
  };
}

