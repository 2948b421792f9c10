/**
 * Capture groups of a pattern by index. Reading `m[3]` is cheaper than building and
 * reading `m.groups` on every one of millions of lines, so parsers use indices.
 */

export interface Captures {
  /** The name of each capture group in order (null for an unnamed one). */
  names: (string | null)[];
  /**
   * The pattern with its groups unnamed: V8 builds a `groups` object for every match of a
   * pattern with named groups, garbage on every line when the groups are read by index.
   */
  unnamed: string;
}

/** Capture groups by index. Throws if the pattern does not compile. */
export function captureNames(source: string): Captures {
  new RegExp(source); // a syntax error, reported on the user's own pattern
  const names: (string | null)[] = [];
  let unnamed = '';
  let copied = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (c === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') {
      if (source[i + 1] !== '?') names.push(null);
      else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        const end = source.indexOf('>', i + 3);
        names.push(source.slice(i + 3, end));
        unnamed += source.slice(copied, i + 1);
        copied = end + 1;
      }
    }
  }
  // The scan above is a shortcut; the engine is the truth. Disagreement means a construct
  // the scan does not know, and reading the wrong group would corrupt every record.
  const m = new RegExp(`(?:${source})|`).exec('')!;
  const named = Object.keys(m.groups ?? {});
  if (m.length - 1 !== names.length || named.join('\0') !== names.filter((n) => n !== null).join('\0')) {
    throw new Error('cannot map the capture groups of this pattern to indices');
  }
  unnamed += source.slice(copied);
  const check = new RegExp(`(?:${unnamed})|`).exec('')!;
  if (check.length !== m.length || check.groups) throw new Error('cannot unname the capture groups of this pattern');
  return { names, unnamed };
}

/** `ts__2` stands for `ts`: the way to name one field in two branches of an alternation. */
export function canonicalGroup(name: string): string {
  const k = name.lastIndexOf('__');
  return k > 0 && /^__\d+$/.test(name.slice(k)) ? name.slice(0, k) : name;
}
