/**
 * What a field name in a query refers to: a column of `logs` (its name taken from the
 * schema, so trusted as SQL) or a key of the JSON `fields` column (only ever a bound
 * parameter), and how its values compare.
 *
 * Built-in fields:
 *   message      text, `:` is the same case-insensitive substring search as a bare word
 *   level        the level scale (trace..fatal, or none)
 *   source       text; `source:access.log` also matches /var/log/nginx/access.log
 *   host app format parse_error method path client    text, exact and case-sensitive
 *   status bytes duration_ms id line                  numbers
 *   ts ingest_ts                                      times (ISO 8601 or epoch ms)
 *   pattern      template id; `pattern:ID` also finds the patterns merged into ID, and for
 *                an ID that was merged into another, that survivor's records (the Patterns
 *                view shows only survivors)
 *   category     the pattern's category (TAXONOMY.md; models or a person's override)
 *   severity     the effective level: the record's own, else its pattern's inferred one
 *                (`severity>=warn`; `level:none severity:error` finds inferred errors)
 *   anomaly      the record's anomaly score, 0..1 (`anomaly>=0.8`)
 *   anomalous    the anomaly model's decision, `anomalous:true` / `anomalous:false`
 * `parse_error:*` finds the lines no format parsed. Built-in names match in any case
 * (`Level:error`) and win over a JSON field of the same name; JSON field names match exactly.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { PROMOTED_FIELDS } from '../store/schema';

export type FieldType = 'text' | 'number' | 'level' | 'time';

export type FieldSource =
  | { kind: 'column'; column: string }
  | { kind: 'json'; key: string }
  /** A SQL expression over a row of logs, written here (never from user text). */
  | { kind: 'expr'; sql: string };

export interface FieldInfo {
  name: string;
  type: FieldType;
  source: FieldSource;
  /**
   * How `:` compares text: exactly (default), as a substring of the message, or also
   * against a path's base name; `pattern`: a pattern id, merged patterns folded in.
   */
  match?: 'exact' | 'substring' | 'basename' | 'pattern';
  /** Set when the field is known but cannot be queried yet: the error message to give. */
  unavailable?: string;
}

export interface Catalog {
  resolve(name: string): FieldInfo | null;
  /** The queryable fields, for completion (the `fields` method). */
  list(): { name: string; type: FieldType }[];
  /** A known name close to `name` (a typo), or null. */
  suggest(name: string): string | null;
}

const column = (name: string): FieldSource => {
  // Column names become SQL text: only ever our own plain identifiers.
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain column name: ${name}`);
  return { kind: 'column', column: name };
};

export const BUILTIN_FIELDS: readonly FieldInfo[] = [
  { name: 'message', type: 'text', source: column('message'), match: 'substring' },
  { name: 'level', type: 'level', source: column('level') },
  { name: 'source', type: 'text', source: column('source'), match: 'basename' },
  { name: 'host', type: 'text', source: column('host') },
  { name: 'app', type: 'text', source: column('app') },
  { name: 'format', type: 'text', source: column('format') },
  { name: 'parse_error', type: 'text', source: column('parse_error') },
  ...Object.entries(PROMOTED_FIELDS).map(([name, f]): FieldInfo => ({ name, type: f.type, source: column(f.column) })),
  { name: 'id', type: 'number', source: column('id') },
  { name: 'line', type: 'number', source: column('line') },
  { name: 'ts', type: 'time', source: column('ts') },
  { name: 'ingest_ts', type: 'time', source: column('ingest_ts') },
  // The miner's pattern id (templates.id). Rows keep the id they were given; a pattern
  // merged into another says so in templates.merged_into, which `:` follows.
  { name: 'pattern', type: 'number', source: column('template_id'), match: 'pattern' },
  // The pattern's class (src/engine/ml): a lookup in templates, so a correction of a
  // pattern applies to all its records at once. `severity` is the effective level: the
  // record's own, or its pattern's inferred one when the source gave none.
  { name: 'category', type: 'text', source: { kind: 'expr', sql: '(SELECT tc.category FROM templates tc WHERE tc.id = template_id)' } },
  {
    name: 'severity',
    type: 'level',
    source: { kind: 'expr', sql: '(CASE WHEN level <> 0 THEN level ELSE coalesce((SELECT ts.severity FROM templates ts WHERE ts.id = template_id), 0) END)' },
  },
  // The per-record anomaly model's answer, stored with the row (a person's verdict applied):
  // `anomaly>=0.8`, `anomalous:true`. Rows scored by no model have neither.
  // Stored as REAL: compared at six decimals, so `anomaly>0.8` does not find 0.8 (0.800000011920929 as a REAL).
  { name: 'anomaly', type: 'number', source: { kind: 'expr', sql: 'round(anomaly::DOUBLE, 6)' } },
  { name: 'anomalous', type: 'text', source: { kind: 'expr', sql: "(CASE WHEN anomalous THEN 'true' WHEN NOT anomalous THEN 'false' END)" } },
];

/** field_names.type is what ingest saw in the JSON; anything numeric compares as a number. */
function jsonFieldType(type: string): FieldType {
  return /^(number|integer|int|bigint|ubigint|hugeint|smallint|tinyint|double|float|real|decimal|numeric)/i.test(type)
    ? 'number'
    : 'text';
}

export function createCatalog(jsonFieldNames: Iterable<{ name: string; type: string }>): Catalog {
  const builtins = new Map(BUILTIN_FIELDS.map((f) => [f.name, f]));
  const json = new Map<string, FieldInfo>();
  for (const { name, type } of jsonFieldNames) {
    if (builtins.has(name)) continue;
    json.set(name, { name, type: jsonFieldType(type), source: { kind: 'json', key: name } });
  }
  const all = [...builtins.values(), ...json.values()].filter((f) => !f.unavailable);
  return {
    resolve: (name) => builtins.get(name) ?? json.get(name) ?? builtins.get(name.toLowerCase()) ?? null,
    list: () => all.map((f) => ({ name: f.name, type: f.type })),
    suggest: (name) =>
      closest(
        name,
        all.map((f) => f.name),
      ),
  };
}

/** The catalog for a store: the built-ins plus the JSON field names ingest has recorded. */
export async function loadCatalog(connection: DuckDBConnection): Promise<Catalog> {
  const reader = await connection.runAndReadAll('SELECT name, type FROM field_names');
  return createCatalog(reader.getRowObjectsJS() as { name: string; type: string }[]);
}

function closest(name: string, names: string[]): string | null {
  const limit = name.length <= 4 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of names) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3; // more than we ever suggest across
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
