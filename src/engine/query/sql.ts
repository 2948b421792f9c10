/**
 * Building SQL where user text can only ever be a bound parameter.
 *
 * `sql` is a template tag: an interpolated `Sql` is spliced in (it was built the same way),
 * anything else becomes a `?` and joins the parameter list in order. The only way to put
 * raw text into SQL is `trusted()`, used for names taken from the schema module.
 */

export type SqlParam = string | number | boolean;

export class Sql {
  constructor(
    readonly text: string,
    readonly params: readonly SqlParam[],
  ) {}
}

export function sql(strings: TemplateStringsArray, ...values: (Sql | SqlParam)[]): Sql {
  let text = strings[0]!;
  const params: SqlParam[] = [];
  values.forEach((v, i) => {
    if (v instanceof Sql) {
      text += v.text;
      params.push(...v.params);
    } else {
      text += '?';
      params.push(v);
    }
    text += strings[i + 1]!;
  });
  return new Sql(text, params);
}

/** SQL text we wrote ourselves (schema column names, fixed expressions). Never user text. */
export function trusted(text: string): Sql {
  return new Sql(text, []);
}

export function joinSql(parts: readonly Sql[], separator: ', ' | ' AND ' | ' OR '): Sql {
  return new Sql(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.params),
  );
}

export const TRUE = trusted('TRUE');
export const FALSE = trusted('FALSE');

/**
 * A LIKE over `parts` joined by `%`. When no part holds `%` or `_` the pattern goes
 * unescaped and without an ESCAPE clause: DuckDB then has no default escape character
 * (a backslash is literal) and, measured, only turns `LIKE ?` into a fast `contains`-style
 * scan when there is no ESCAPE clause (0.12 s against 1.9 s over 6 M messages).
 */
export function like(expr: Sql, parts: readonly string[], opts: { anchored: boolean; ignoreCase: boolean }): Sql {
  const special = parts.some((p) => /[%_]/.test(p));
  const esc = (p: string) => (special ? p.replace(/[\\%_]/g, (c) => '\\' + c) : p);
  const body = parts.map(esc).join('%');
  const pattern = opts.anchored ? body : `%${body}%`;
  const escape = trusted(special ? ` ESCAPE '\\'` : '');
  return opts.ignoreCase ? sql`lower(${expr}) LIKE lower(${pattern})${escape}` : sql`${expr} LIKE ${pattern}${escape}`;
}

/**
 * A JSON Pointer (RFC 6901) for a top-level key. Unlike a JSONPath (`$."key"`), a pointer
 * has no special cases: `*`, an empty key, quotes and backslashes all need nothing but
 * `~` → `~0` and `/` → `~1` (tried against DuckDB 1.5: `$."*"` is a wildcard and `$.""` an error).
 */
export function jsonPointer(key: string): string {
  return '/' + key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * True when DuckDB's lower() leaves every character as it is and no other character
 * lowers to one of these: the needle has no cased letters, so a case-sensitive search
 * finds exactly what a case-insensitive one would. (compile.duckdb.test.ts checks the
 * second half against DuckDB's lower() for every code point.)
 */
export function isCaseless(s: string): boolean {
  return s.toLowerCase() === s && s.toUpperCase() === s;
}

/**
 * "The message contains `needle`, ignoring case".
 *
 * Measured with src/engine/query/measure-substring.ts: count(*) over 6 M generated nginx
 * access-log messages (139 bytes on average), in-memory DuckDB 1.5, threads=2, on the
 * 2-core build machine; median of 9 runs (min in brackets). The machine is shared, so
 * figures wander by ±10 %.
 *
 *   needle                    ILIKE ?             contains(lower(message), lower(?))   regexp_matches(message, ?, 'i')   contains(message, ?)*
 *   "connection refused"      1950 ms (1843)      322 ms (305)                         354 ms (324)                      126 ms (124)
 *   "nosuchthing"             2128 ms (1883)      327 ms (306)                         331 ms (327)                      130 ms (125)
 *   "Mozilla" (40 % match)    1645 ms (1598)      298 ms (292)                         341 ms (328)                      99 ms (90)
 *   "10.9.8.7:5432"           2131 ms (2066)      499 ms (497)                         328 ms (319)                      307 ms (295)
 *   (* case-sensitive, so only correct for needles without letters)
 *
 * Also tried: `lower(message) LIKE ?` with ESCAPE 1576 ms; `message ILIKE ?` without ESCAPE
 * 1043 ms; contains(lower(message), ?) with the needle lowered in JavaScript: same as
 * lower(?) in SQL, which we keep because JavaScript and DuckDB disagree on a few
 * characters (İ, final sigma). A caseless "anchor" taken from the needle
 * (`contains(message, ' 4242') AND ...`) helped when the anchor was rare (352 → 223 ms) but
 * cost when it was common (314 → 497 ms for "Mozilla/5.0 (X11"), so it is not used.
 *
 * Chosen: the mixed form. A needle without cased letters (IPs, numbers, ids, punctuation)
 * uses plain contains, as fast as the data allows; any other needle lowers the message
 * once, ~0.3 s for 6 M rows, within the 0.4 s budget.
 */
export function messageContains(needle: string): Sql {
  return isCaseless(needle) ? sql`contains(message, ${needle})` : sql`contains(lower(message), lower(${needle}))`;
}
