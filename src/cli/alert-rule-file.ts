/**
 * Rule files for `logscope alerts add|replay`: read, split into rules, and problems said
 * the way a person fixes them — the file, which rule (its number and name), the field,
 * why, and for a query the place in it, with a caret under the query text.
 *
 * A file holds one rule (a JSON object), an array of rules, or one rule per line (NDJSON:
 * what `logscope alerts rules --json` prints, so an export reads back in).
 */
import { readFileSync } from 'node:fs';
import { AlertRuleInputSchema } from '../shared/alerts';

export interface RuleInFile {
  file: string;
  /** 1-based position in the file (the array index + 1, or the line of an NDJSON file). */
  index: number;
  /** The NDJSON line it came from, else null. */
  line: number | null;
  /** How many rules the file holds (1: the label leaves the number out). */
  of: number;
  value: unknown;
}

/** One thing wrong with a rule: `path` is the rule's field ('' for the rule as a whole or the file). */
export interface RuleProblem {
  path: string;
  message: string;
  start?: number;
  end?: number;
}

export class RuleFileError extends Error {}

/** Reads `path` into its rules; a file that is not JSON is a RuleFileError saying where. */
export function readRuleFile(path: string): RuleInFile[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new RuleFileError(`${path}: cannot read it (${e.code === 'ENOENT' ? 'no such file' : e.message})`);
  }
  return parseRuleText(path, text);
}

export function parseRuleText(file: string, text: string): RuleInFile[] {
  const body = text.replace(/^\uFEFF/, '');
  const lines = body.split(/\r?\n/);
  const filled = lines.map((l, i) => ({ l: l.trim(), i })).filter((x) => x.l !== '');
  if (!filled.length) throw new RuleFileError(`${file}: the file is empty (it should hold a rule, an array of rules, or one rule per line)`);
  // One object per line (what `alerts rules --json` prints).
  if (filled.length > 1 && filled.every((x) => x.l.startsWith('{') && x.l.endsWith('}'))) {
    return filled.map((x, k) => {
      try {
        return { file, index: k + 1, line: x.i + 1, of: filled.length, value: JSON.parse(x.l) as unknown };
      } catch (err) {
        throw new RuleFileError(`${file}:${x.i + 1}: not JSON: ${jsonMessage(err as Error, x.l).text}`);
      }
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const m = jsonMessage(err as Error, body);
    throw new RuleFileError(`${file}${m.where ? `:${m.where}` : ''}: not JSON: ${m.text}`);
  }
  if (Array.isArray(value)) {
    if (!value.length) throw new RuleFileError(`${file}: the array holds no rules`);
    return value.map((v, k) => ({ file, index: k + 1, line: null, of: value.length, value: v as unknown }));
  }
  return [{ file, index: 1, line: null, of: 1, value }];
}

/** V8 says "… at position N": turn N into line:column, which editors jump to. */
function jsonMessage(err: Error, text: string): { text: string; where: string | null } {
  const m = / at position (\d+)/.exec(err.message);
  if (!m) return { text: err.message, where: null };
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return { text: err.message.replace(/ in JSON at position \d+.*$/, '').replace(/ at position \d+.*$/, ''), where: `${line}:${col}` };
}

/** `rules.json: rule 2 of 3 "db refused"` — what the person looks for in the file. */
export function ruleLabel(r: RuleInFile): string {
  const where = r.line !== null ? `${r.file}:${r.line}` : r.file;
  const name = ruleName(r.value);
  const which = r.of > 1 ? `rule ${r.index} of ${r.of}` : 'rule';
  return `${where}: ${which}${name ? ` "${name}"` : ''}`;
}

function ruleName(v: unknown): string | null {
  if (v && typeof v === 'object' && 'name' in v && typeof v.name === 'string' && v.name.trim()) return v.name.trim();
  return null;
}

/** The schema's problems, field by field (the engine adds what only it can know). */
export function schemaProblems(value: unknown): RuleProblem[] {
  const r = AlertRuleInputSchema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: i.path.join('.'), message: issueMessage(i, value) }));
}

function issueMessage(i: { code: string; message: string; path: PropertyKey[]; keys?: string[]; expected?: unknown }, value: unknown): string {
  if (i.code === 'unrecognized_keys' && i.keys) return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
  if (i.code === 'invalid_type' && i.path.length === 0 && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    return 'a rule is a JSON object ({"name": …, "kind": …})';
  }
  if (i.code === 'invalid_type' && /received undefined$/.test(i.message)) return `missing (a rule needs it${typeof i.expected === 'string' ? `: ${i.expected}` : ''})`;
  return i.message;
}

/** Problems from both sides, each once, in the order given. */
export function mergeProblems(...lists: RuleProblem[][]): RuleProblem[] {
  const seen = new Set<string>();
  const out: RuleProblem[] = [];
  for (const p of lists.flat()) {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/**
 * The lines that say one problem: `file: rule "x": field: why`, and for a problem with a
 * position in the query, the query's line with a caret under the place.
 */
export function formatProblem(label: string, p: RuleProblem, query: string | null): string[] {
  const field = p.path ? `${p.path}: ` : '';
  if (p.start === undefined || query === null) return [`${label}: ${field}${p.message}`];
  const start = Math.max(0, Math.min(p.start, query.length));
  const end = Math.max(start + 1, Math.min(p.end ?? start + 1, query.length));
  const lineStart = query.lastIndexOf('\n', start - 1) + 1;
  const nl = query.indexOf('\n', start);
  const lineEnd = nl === -1 ? query.length : nl;
  const col = start - lineStart;
  const width = Math.max(1, Math.min(end, lineEnd) - start);
  return [
    `${label}: ${field}${p.message} (at character ${start + 1})`,
    `    ${query.slice(lineStart, lineEnd)}`,
    `    ${' '.repeat(col)}${'^'.repeat(width)}`,
  ];
}

/** The rule's query text, when it has one, for the caret. */
export function queryOf(value: unknown): string | null {
  if (value && typeof value === 'object' && 'query' in value && typeof value.query === 'string') return value.query;
  return null;
}
