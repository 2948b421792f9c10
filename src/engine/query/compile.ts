/**
 * Query syntax tree → a boolean SQL expression over `logs`, with `?` placeholders. The
 * caller ANDs it with its own conditions and binds `params` in order.
 *
 * Nothing from the query reaches the SQL text: values, regexes, LIKE patterns and JSON keys
 * are parameters (see sql.ts); operators go through fixed tables; column names come from
 * the catalog, which takes them from the schema.
 *
 * Semantics, beyond "what you would expect":
 * - A NOT is `NOT COALESCE(x, FALSE)`: a record without the field is not `host:web1`, so
 *   `-host:web1` includes it (SQL's NULL would drop it).
 * - Text fields compare exactly and case-sensitively; `*` makes a LIKE. The message (bare
 *   words, phrases, `message:`) is a case-insensitive substring search.
 * - Numbers compare numerically; a JSON field through TRY_CAST(... AS DOUBLE), so a value
 *   that is not a number matches nothing. `status:5*` matches the digits as text.
 * - `level>=warn` is a range over the scale; `level<warn` leaves out records with no level
 *   (`level:none` finds those). Wildcards and regexes on level test the level names.
 */
import { LEVELS, levelCode, normalizeLevel } from '../../shared/levels';
import type { CompareOp, FieldNode, FieldRef, QueryNode, RegexNode, Span, Value } from '../../shared/query/ast';
import { QueryError } from '../../shared/query/error';
import { parseQueryOrThrow } from '../../shared/query/parse';
import type { Catalog, FieldInfo } from './catalog';
import { FALSE, Sql, TRUE, joinSql, jsonPointer, like, messageContains, sql, trusted, type SqlParam } from './sql';

export type { Catalog, FieldInfo, FieldType } from './catalog';
export { createCatalog, loadCatalog } from './catalog';

export interface CompiledQuery {
  sql: string;
  params: SqlParam[];
}

export function compileQuery(ast: QueryNode | null, catalog: Catalog): CompiledQuery {
  const out = ast ? new Compiler(catalog).node(ast) : TRUE;
  return { sql: out.text, params: [...out.params] };
}

/** Parse and compile in one step; a problem in either is thrown as a QueryError. */
export function compileQueryText(text: string, catalog: Catalog): CompiledQuery {
  return compileQuery(parseQueryOrThrow(text), catalog);
}

/** What the `parseQuery` method answers: the first problem with the query, or null. */
export function checkQuery(text: string, catalog: Catalog): QueryError | null {
  try {
    compileQueryText(text, catalog);
    return null;
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
}

/**
 * The time picker's range, `from` inclusive and `to` exclusive, in epoch milliseconds;
 * either end may be left open. Bound as whole microseconds (make_timestamp), so a
 * fractional millisecond from a brush-zoom still cuts exactly: epoch_ms() takes only
 * whole milliseconds.
 */
export function compileTimeRange(from?: number | null, to?: number | null): CompiledQuery {
  const micros = (ms: number) => {
    if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
    return Math.ceil(ms * 1000);
  };
  const parts: Sql[] = [];
  if (from !== null && from !== undefined) parts.push(sql`ts >= make_timestamp(CAST(${micros(from)} AS BIGINT))`);
  if (to !== null && to !== undefined) parts.push(sql`ts < make_timestamp(CAST(${micros(to)} AS BIGINT))`);
  const out = parts.length ? joinSql(parts, ' AND ') : TRUE;
  return { sql: out.text, params: [...out.params] };
}

/**
 * A field's value as a SQL expression, for facets and group-bys: the column, or the JSON
 * key's value as text (the key a bound parameter). Level gives the stored code.
 */
export function fieldExpression(info: FieldInfo): CompiledQuery {
  const out = valueExpr(info);
  return { sql: out.text, params: [...out.params] };
}

// ---------------------------------------------------------------------------------------

/** Comparison operators as SQL: a fixed table, so an odd AST cannot smuggle text in. */
const SQL_OP: Record<CompareOp, Sql> = {
  ':': trusted('='),
  '=': trusted('='),
  '>': trusted('>'),
  '>=': trusted('>='),
  '<': trusted('<'),
  '<=': trusted('<='),
};

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const LEVEL_LIST = `${LEVELS.join(', ')}, or none`;

function opSql(op: CompareOp): Sql {
  const s = SQL_OP[op];
  if (!s) throw new Error(`unknown operator ${String(op)}`);
  return s;
}

const isEquality = (op: CompareOp) => op === ':' || op === '=';

class Compiler {
  constructor(private readonly catalog: Catalog) {}

  node(n: QueryNode): Sql {
    switch (n.type) {
      case 'and':
        return sql`(${joinSql(
          n.children.map((c) => this.node(c)),
          ' AND ',
        )})`;
      case 'or':
        return sql`(${joinSql(
          n.children.map((c) => this.node(c)),
          ' OR ',
        )})`;
      case 'not':
        return sql`(NOT COALESCE(${this.node(n.child)}, FALSE))`;
      case 'all':
        return TRUE;
      case 'text':
        return messageMatch(n.value);
      case 'regex':
        return this.regex(n);
      case 'exists':
        return this.exists(this.field(n.field));
      case 'field':
        return this.compare(n, this.field(n.field));
    }
  }

  private field(ref: FieldRef): FieldInfo {
    const info = this.catalog.resolve(ref.name);
    if (!info) {
      const near = this.catalog.suggest(ref.name);
      const hint = near
        ? ` (did you mean "${near}"?)`
        : ref.name.match(/^https?$/i)
          ? ' (to search for a URL, put it in quotes)'
          : '';
      throw new QueryError(`unknown field "${ref.name}"${hint}`, ref.span.start, ref.span.end);
    }
    if (info.unavailable) throw new QueryError(info.unavailable, ref.span.start, ref.span.end);
    return info;
  }

  private exists(f: FieldInfo): Sql {
    if (f.source.kind === 'json') return sql`json_exists(fields, ${jsonPointer(f.source.key)})`;
    return f.type === 'level' ? sql`${valueExpr(f)} <> 0` : sql`${valueExpr(f)} IS NOT NULL`;
  }

  private regex(n: RegexNode): Sql {
    const flags = trusted(n.ignoreCase ? `, 'i'` : '');
    if (!n.field) return sql`regexp_matches(message, ${n.pattern}${flags})`;
    const f = this.field(n.field);
    switch (f.type) {
      case 'level': {
        const re = new RegExp(n.pattern, n.ignoreCase ? 'i' : '');
        return levelIn(valueExpr(f), LEVELS.filter((l) => re.test(l)));
      }
      case 'time':
        throw new QueryError(
          `"${f.name}" is a time: compare it with > or <, not a regular expression`,
          n.span.start,
          n.span.end,
        );
      case 'number':
        return sql`regexp_matches(${textExpr(f)}, ${n.pattern}${flags})`;
      case 'text':
        return sql`regexp_matches(${valueExpr(f)}, ${n.pattern}${flags})`;
    }
  }

  private compare(n: FieldNode, f: FieldInfo): Sql {
    switch (f.type) {
      case 'level':
        return compareLevel(n, f);
      case 'number':
        return compareNumber(n, f);
      case 'time':
        return compareTime(n, f);
      case 'text':
        return compareText(n, f);
    }
  }
}

/** The field's value as SQL: its column, or the JSON key's value as text. */
function valueExpr(f: FieldInfo): Sql {
  if (f.source.kind === 'expr') return trusted(f.source.sql);
  return f.source.kind === 'column'
    ? trusted(f.source.column)
    : sql`json_extract_string(fields, ${jsonPointer(f.source.key)})`;
}

/** The field's value as text, for wildcards and regexes on numbers. */
function textExpr(f: FieldInfo): Sql {
  return f.source.kind !== 'json' ? sql`CAST(${valueExpr(f)} AS VARCHAR)` : valueExpr(f);
}

function numberExpr(f: FieldInfo): Sql {
  return f.source.kind !== 'json' ? valueExpr(f) : sql`TRY_CAST(${valueExpr(f)} AS DOUBLE)`;
}

function messageMatch(v: Value): Sql {
  if (v.kind === 'literal') return messageContains(v.text);
  // Leading and trailing `*` add nothing to a substring search; `*err*` is just "err".
  const parts = trimEmptyEnds(v.parts);
  return parts.length === 1
    ? messageContains(parts[0]!)
    : like(trusted('message'), parts, { anchored: false, ignoreCase: true });
}

function trimEmptyEnds(parts: string[]): string[] {
  let [a, b] = [0, parts.length];
  while (a < b && parts[a] === '') a++;
  while (b > a && parts[b - 1] === '') b--;
  return a === b ? [''] : parts.slice(a, b);
}

function typeError(message: string, span: Span): QueryError {
  return new QueryError(message, span.start, span.end);
}

function literalOf(n: FieldNode): string {
  // The parser only gives literals to > >= < <=; an AST from elsewhere might not.
  if (n.value.kind !== 'literal') throw typeError(`wildcards (*) only work with ":"`, n.valueSpan);
  return n.value.text;
}

function compareText(n: FieldNode, f: FieldInfo): Sql {
  if (f.match === 'substring') {
    if (!isEquality(n.op)) throw typeError(`"${n.op}" does not apply to the message; use ${f.name}:text`, n.span);
    return messageMatch(n.value);
  }
  if (!isEquality(n.op)) {
    // Ordering only makes sense for numbers; a JSON field recorded as text may still hold them.
    const text = literalOf(n);
    if (f.source.kind === 'json' && NUMBER.test(text)) {
      return sql`${numberExpr(f)} ${opSql(n.op)} ${Number(text)}`;
    }
    throw typeError(`"${n.op}" compares numbers, levels and times; "${f.name}" is text`, n.span);
  }
  const expr = valueExpr(f);
  if (n.value.kind === 'wildcard') {
    const full = like(expr, n.value.parts, { anchored: true, ignoreCase: false });
    if (f.match !== 'basename') return full;
    return sql`(${full} OR ${like(baseName(expr), n.value.parts, { anchored: true, ignoreCase: false })})`;
  }
  const text = n.value.text;
  // A value with a path separator in it can never equal a base name; skip that test.
  if (f.match === 'basename' && !/[/\\]/.test(text)) return sql`(${expr} = ${text} OR ${baseName(expr)} = ${text})`;
  return sql`${expr} = ${text}`;
}

/** The last part of a path, for / and \ separators alike: sources are full paths. */
function baseName(expr: Sql): Sql {
  return sql`parse_filename(${expr}, false, 'both_slash')`;
}

function compareNumber(n: FieldNode, f: FieldInfo): Sql {
  if (n.value.kind === 'wildcard') return like(textExpr(f), n.value.parts, { anchored: true, ignoreCase: false });
  const text = n.value.text;
  if (!NUMBER.test(text)) throw typeError(`"${f.name}" holds numbers; "${text}" is not a number`, n.valueSpan);
  if (f.match === 'pattern' && isEquality(n.op)) return samePattern(f, Number(text));
  return sql`${numberExpr(f)} ${opSql(n.op)} ${Number(text)}`;
}

/**
 * `pattern:ID`: the records of the pattern ID stands for now — the survivor, when ID was
 * merged into another — and of every pattern merged into that one. The miner service
 * keeps merged_into pointing at a live pattern (one hop), so no recursion is needed.
 */
function samePattern(f: FieldInfo, id: number): Sql {
  const col = valueExpr(f);
  const survivor = sql`coalesce((SELECT tm.merged_into FROM templates tm WHERE tm.id = ${id}), ${id})`;
  return sql`(${col} = ${survivor} OR ${col} IN (SELECT tp.id FROM templates tp WHERE tp.merged_into = ${survivor}))`;
}

function compareLevel(n: FieldNode, f: FieldInfo): Sql {
  const col = valueExpr(f);
  if (n.value.kind === 'wildcard') {
    const glob = new RegExp('^' + n.value.parts.map(escapeRegex).join('.*') + '$', 'i');
    return levelIn(col, LEVELS.filter((l) => glob.test(l)));
  }
  const word = n.value.text;
  const none = word.toLowerCase() === 'none';
  const level = normalizeLevel(word);
  if (!none && !level) throw typeError(`unknown level "${word}": use ${LEVEL_LIST}`, n.valueSpan);
  if (isEquality(n.op)) return sql`${col} = ${levelCode(level)}`;
  if (none) throw typeError(`"none" has no place on the level scale; use level:none`, n.valueSpan);
  const code = levelCode(level);
  // Records with no level (code 0) are not "below warn".
  if (n.op === '<' || n.op === '<=') return sql`(${col} >= 1 AND ${col} ${opSql(n.op)} ${code})`;
  return sql`${col} ${opSql(n.op)} ${code}`;
}

function levelIn(col: Sql, levels: readonly string[]): Sql {
  if (levels.length === 0) return FALSE;
  return sql`${col} IN (${joinSql(
    levels.map((l) => sql`${levelCode(l as (typeof LEVELS)[number])}`),
    ', ',
  )})`;
}

function compareTime(n: FieldNode, f: FieldInfo): Sql {
  const text = literalOf(n);
  const ms = /^\d{10,}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw typeError(
      `"${f.name}" is a time; "${text}" is not one (write 2024-05-01T12:00:00Z or milliseconds since 1970)`,
      n.valueSpan,
    );
  }
  const expr = f.source.kind !== 'json' ? valueExpr(f) : sql`TRY_CAST(${valueExpr(f)} AS TIMESTAMP)`;
  return sql`${expr} ${opSql(n.op)} make_timestamp(CAST(${Math.round(ms * 1000)} AS BIGINT))`;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
