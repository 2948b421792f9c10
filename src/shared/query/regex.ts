/**
 * Checking a regex before it reaches the engine. DuckDB matches with RE2, the browser has
 * JavaScript's RegExp; we check with the latter (it catches the everyday mistakes: an
 * unclosed group, nothing to repeat) and reject by hand the JavaScript features RE2 does
 * not have, so the user hears about them while typing rather than as a failed search.
 */

/** Why RE2 would refuse this pattern, or null. Walks the pattern so escapes and classes are respected. */
function unsupportedFeature(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `back-references (\\${next}) are not supported`;
      if (!inClass && next === 'k') return 'named back-references (\\k<name>) are not supported';
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      inClass = true;
    } else if (ch === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith('=') || rest.startsWith('!')) return 'lookahead (?= (?! is not supported';
      if (rest === '<=' || rest === '<!') return 'lookbehind (?<= (?<! is not supported';
      if (rest.startsWith('<')) return 'named groups (?<name>…) are not supported; use a plain group (…)';
    }
  }
  return null;
}

/** A person-readable reason the pattern is unusable, or null when it is fine. */
export function regexProblem(pattern: string): string | null {
  const unsupported = unsupportedFeature(pattern);
  if (unsupported) return unsupported;
  try {
    new RegExp(pattern);
    return null;
  } catch (e) {
    // "Invalid regular expression: /(/: Unterminated group" → "unterminated group"
    const detail = String((e as Error).message).replace(/^.*: /, '');
    return detail.charAt(0).toLowerCase() + detail.slice(1);
  }
}
