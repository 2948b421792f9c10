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
 * Measured with `npx tsx bench/substring-methods.ts`: count(*) over 6 M
 * generated nginx access-log messages (139 characters on average, the needle planted in
 * 20 of them), in-memory DuckDB 1.5, threads=2, on the 2-core build machine; median of 9
 * runs (min in brackets). Other jobs shared the machine, so medians wander; the minimums
 * are the better guide, and a second and third run kept the same order.
 *
 *   strategy                              "connection refused"  "nosuchthing"   "10.9.8.7:5432"
 *   message ILIKE ? ESCAPE '\'            1940 (1865)           2387 (2245)     2939 (2490)
 *   message ILIKE ?  (no ESCAPE)          1015 (1002)           1388 (1278)     1675 (1502)
 *   lower(message) LIKE ? ESCAPE '\'      1591 (1554)           1707 (1676)     2158 (2071)
 *   contains(lower(message), ?)  JS-lower  471  (348)            326  (321)      541  (533)
 *   contains(lower(message), lower(?))    504  (353)            313  (304)      603  (545)
 *   regexp_matches(message, ?, 'i')       386  (371)            335  (327)      376  (370)
 *   the mixed form below                  367  (351)            332  (322)      608* (317)
 *   contains(message, ?)  (case-sensitive, wrong for letters)  136 (134)  132 (129)  352 (317)
 *   * a noisy median; in a quieter run: 307 (295) against 499 (497) for contains(lower(...))
 *
 * In the quietest run (median of 5): contains(lower(message), lower(?)) 322 ms for
 * "connection refused", ILIKE 1950 ms; a common needle ("Mozilla", 40 % of rows) 296 ms.
 * Lowering the needle in JavaScript is no faster than lower(?) in SQL, and JavaScript and
 * DuckDB disagree on a few characters (İ, final sigma), so SQL lowers both sides. A caseless
 * "anchor" from the needle (`contains(message, '/4242') AND ...`) helped when the anchor was
 * rare (352 → 223 ms) and hurt when it was common (314 → 497 ms for "Mozilla/5.0 (X11"),
 * so it is not used. regexp_matches(..., 'i') is about as fast, but RE2 folds case by
 * Unicode case-folding orbits (K, ſ), not by lower(), and costs a regex escape.
 *
 * Chosen: a needle without cased letters (IPs, numbers, ids, punctuation) uses plain
 * contains, exact and as fast as the data allows; any other needle lowers the message once:
 * ~0.3-0.35 s for 6 M rows on a quiet machine, within the 0.4 s budget.
 */
export function messageContains(needle: string): Sql {
  return isCaseless(needle) ? sql`contains(message, ${needle})` : sql`contains(lower(message), lower(${needle}))`;
}
