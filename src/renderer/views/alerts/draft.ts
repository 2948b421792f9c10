/**
 * The rule editor's form, as text the person types, and the rule it stands for. Pure:
 * the editor keeps a `RuleDraft`, sends `draftToInput(draft)` to alertRuleCheck as it is
 * edited, and saves the same. Numbers that do not parse are passed on as typed, so the
 * engine's check names the field ("above: Expected number") instead of the form guessing.
 */
import { ALERT_KINDS, KIND_FIELDS, type AlertKind, type AlertRuleInput, type AlertRuleSpec } from '../../../shared/alerts';

export interface RuleDraft {
  name: string;
  query: string;
  kind: AlertKind;
  window: string;
  /** threshold, rate, aggregate, anomaly: which way the bound goes. */
  bound: 'above' | 'below';
  /** The bound's value as typed. */
  value: string;
  /** Comma-separated field names. */
  groupBy: string;
  for: string;
  cooldown: string;
  notify: string[];
  enabled: boolean;
  description: string;
  payload: string;
  baseline: string;
  minCount: string;
  score: string;
  severity: string;
  categories: string[];
  field: string;
  fn: string;
}

export const EMPTY_DRAFT: RuleDraft = {
  name: '',
  query: '',
  kind: 'threshold',
  window: '5m',
  bound: 'above',
  value: '',
  groupBy: '',
  for: '0s',
  cooldown: '5m',
  notify: ['os', 'toast'],
  enabled: true,
  description: '',
  payload: '',
  baseline: '1d',
  minCount: '',
  score: '',
  severity: '',
  categories: [],
  field: '',
  fn: 'p95',
};

/** Which way the bound may go for a kind (anomaly counts only go above; the others have none). */
export function boundsFor(kind: AlertKind): readonly ('above' | 'below')[] {
  return KIND_FIELDS[kind].filter((f): f is 'above' | 'below' => f === 'above' || f === 'below');
}

/** "12" → 12; "" → undefined; "1x" → "1x" (left for the check to name). */
function num(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** The rule the form stands for: only the fields of its kind, empty ones left out. */
export function draftToInput(d: RuleDraft): AlertRuleInput {
  const allowed = new Set(KIND_FIELDS[d.kind]);
  const out: Record<string, unknown> = {
    name: d.name,
    query: d.query,
    kind: d.kind,
    window: d.window.trim(),
    groupBy: d.groupBy
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    for: d.for.trim() || '0s',
    cooldown: d.cooldown.trim() || '0s',
    notify: d.notify,
    enabled: d.enabled,
  };
  if (d.description.trim()) out.description = d.description;
  if (d.payload.trim()) out.payload = d.payload;
  if (allowed.has(d.bound)) {
    const v = num(d.value);
    if (v !== undefined) out[d.bound] = v;
  }
  if (allowed.has('baseline') && d.baseline.trim()) out.baseline = d.baseline.trim();
  if (allowed.has('minCount')) {
    const v = num(d.minCount);
    if (v !== undefined) out.minCount = v;
  }
  if (allowed.has('score')) {
    const v = num(d.score);
    if (v !== undefined) out.score = v;
  }
  if (allowed.has('severity') && d.severity) out.severity = d.severity;
  if (allowed.has('categories') && d.categories.length) out.categories = d.categories;
  if (allowed.has('field') && d.field.trim()) out.field = d.field.trim();
  if (allowed.has('fn') && d.fn) out.fn = d.fn;
  return out as AlertRuleInput;
}

/** The form for a stored rule (to edit or duplicate). */
export function inputToDraft(r: AlertRuleInput | AlertRuleSpec): RuleDraft {
  const bound = r.below !== undefined ? 'below' : 'above';
  const value = r.below ?? r.above;
  return {
    ...EMPTY_DRAFT,
    name: r.name,
    query: r.query ?? '',
    kind: r.kind,
    window: r.window ?? EMPTY_DRAFT.window,
    bound,
    value: value === undefined ? '' : String(value),
    groupBy: (r.groupBy ?? []).join(', '),
    for: r.for ?? '0s',
    cooldown: r.cooldown ?? EMPTY_DRAFT.cooldown,
    notify: [...(r.notify ?? EMPTY_DRAFT.notify)],
    enabled: r.enabled ?? true,
    description: r.description ?? '',
    payload: r.payload ?? '',
    baseline: r.baseline ?? EMPTY_DRAFT.baseline,
    minCount: r.minCount === undefined ? '' : String(r.minCount),
    score: r.score === undefined ? '' : String(r.score),
    severity: r.severity ?? '',
    categories: [...(r.categories ?? [])],
    field: r.field ?? '',
    fn: r.fn ?? EMPTY_DRAFT.fn,
  };
}

export interface Problem {
  path: string;
  message: string;
  start?: number;
  end?: number;
}

/** "groupBy.0" → "groupBy"; '' stays '' (the rule as a whole). */
export function problemField(path: string): string {
  return path.split('.')[0] ?? '';
}

/** Problems by the form field they belong beside. */
export function problemsByField(problems: readonly Problem[]): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>();
  for (const p of problems) {
    const key = problemField(p.path);
    const list = out.get(key) ?? [];
    list.push(p);
    out.set(key, list);
  }
  return out;
}

export function isKind(s: string): s is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(s);
}

/**
 * A rules file as `logscope alerts add` takes it: one rule object, an array of them, or
 * NDJSON (one per line). Returns the objects (checked later by the engine) or an error
 * that says where.
 */
export function parseRulesFile(text: string): { ok: true; rules: unknown[] } | { ok: false; error: string } {
  const t = text.trim();
  if (t === '') return { ok: false, error: 'the file is empty' };
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v)) return { ok: true, rules: v };
    if (typeof v === 'object' && v !== null) return { ok: true, rules: [v] };
    return { ok: false, error: 'a rules file holds a rule object, an array of them, or one per line' };
  } catch (whole) {
    const lines = t.split(/\r?\n/);
    if (lines.length < 2) return { ok: false, error: `not JSON: ${(whole as Error).message}` };
    const rules: unknown[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      try {
        rules.push(JSON.parse(line));
      } catch (e) {
        return { ok: false, error: `line ${i + 1} is not JSON: ${(e as Error).message}` };
      }
    }
    return { ok: true, rules };
  }
}

/** What "Export" writes: a JSON array of rule specs that imports (and `alerts add`s) back. */
export function exportRulesText(specs: readonly AlertRuleSpec[]): string {
  return JSON.stringify(specs, null, 2) + '\n';
}

/** A copy to edit as a new rule. */
export function duplicateDraft(r: AlertRuleSpec): RuleDraft {
  return { ...inputToDraft(r), name: `${r.name} (copy)`, enabled: false };
}
