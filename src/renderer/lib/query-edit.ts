/**
 * Editing query text from the UI (a facet click adds `field:"value"`), without a parser:
 * the terms we add are always in one quoted form, so finding them again is exact.
 */

/** `"value"` with `\` and `"` escaped. */
export function quoteValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function facetTerm(field: string, value: string, negate = false): string {
  return `${negate ? '-' : ''}${field}:${quoteValue(value)}`;
}

/** Text with quoted strings and /regex/ blanked out, so keywords inside them are not seen. */
function withoutLiterals(query: string): string {
  return query
    .replace(/"(?:[^"\\]|\\.)*"?/g, (m) => ' '.repeat(m.length))
    .replace(/(^|\s)\/(?:[^/\\]|\\.)*\/?/g, (m) => ' '.repeat(m.length));
}

function hasTopLevelOr(query: string): boolean {
  let bare = withoutLiterals(query);
  // Blank out parenthesised groups, innermost first, until only the top level is left.
  for (let prev = ''; prev !== bare;) {
    prev = bare;
    bare = bare.replace(/\([^()]*\)/g, (m) => ' '.repeat(m.length));
  }
  return /(^|[\s)])OR(?=[\s(]|$)/.test(bare);
}

function indexOfTerm(query: string, term: string): number {
  let from = 0;
  for (;;) {
    const i = query.indexOf(term, from);
    if (i < 0) return -1;
    const before = i === 0 ? ' ' : query[i - 1]!;
    const after = query[i + term.length] ?? ' ';
    // A whole term: not the tail of `-field:...` nor the head of a longer token.
    if (/[\s(]/.test(before) && /[\s)]/.test(after)) return i;
    from = i + 1;
  }
}

/**
 * Add `term` to a query. If it is already there nothing changes; if one of its opposites
 * is there, the first found is replaced in place; a query with a top-level OR is wrapped
 * in parentheses so the new term applies to all of it.
 */
function addTerm(query: string, term: string, same: readonly string[], opposites: readonly string[]): string {
  const q = query.trim();
  if ([term, ...same].some((t) => indexOfTerm(q, t) >= 0)) return q;
  for (const opposite of opposites) {
    const j = indexOfTerm(q, opposite);
    if (j >= 0) return q.slice(0, j) + term + q.slice(j + opposite.length);
  }
  if (q === '') return term;
  return `${hasTopLevelOr(q) ? `(${q})` : q} ${term}`;
}

/**
 * Add `field:"value"` (or `-field:"value"`) to a query. If that term is already there
 * nothing changes; if its opposite is there it is replaced; a query with a top-level OR
 * is wrapped in parentheses so the new term applies to all of it.
 */
export function addFacetFilter(query: string, field: string, value: string, negate = false): string {
  return addTerm(query, facetTerm(field, value, negate), [], [facetTerm(field, value, !negate)]);
}

/** `pattern:12` or `-pattern:12`: ids are digits, so they need no quotes. */
export function patternTerm(id: number, negate = false): string {
  return `${negate ? '-' : ''}pattern:${id}`;
}

/**
 * Filter a query to one pattern (or exclude it), as `addFacetFilter` does for a field;
 * the quoted form `pattern:"12"` counts as the same term.
 */
export function addPatternFilter(query: string, id: number, negate = false): string {
  return addTerm(
    query,
    patternTerm(id, negate),
    [facetTerm('pattern', String(id), negate)],
    [patternTerm(id, !negate), facetTerm('pattern', String(id), !negate)],
  );
}
