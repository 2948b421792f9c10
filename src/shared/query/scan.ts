/**
 * The lexical pieces of the search language: quoted strings, bare words, regex literals,
 * field names. parse.ts puts them together; format.ts uses the same rules in reverse, so
 * the two cannot drift apart.
 */
import { QueryError } from './error';

/** A field name: a letter, `_` or `@`, then letters, digits, `_ . @ -` (`x-request-id`, `user.id`). */
export const FIELD_NAME = /[\p{L}_@][\p{L}\p{N}_.@-]*/uy;
export const FIELD_NAME_WHOLE = /^[\p{L}_@][\p{L}\p{N}_.@-]*$/u;

/** Longest first, so `>=` is not read as `>` followed by a value starting with `=`. */
export const OPERATORS = ['!=', '>=', '<=', ':', '=', '>', '<'] as const;
export type OperatorText = (typeof OPERATORS)[number];

export const KEYWORD = /^(and|or|not)$/i;

export function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch);
}

/** Where a word, value or regex literal may end: whitespace, a closing paren, the end. */
export function isDelimiter(text: string, i: number): boolean {
  return i >= text.length || isSpace(text[i]) || text[i] === ')';
}

/**
 * Characters a backslash escapes in a bare word. A backslash before anything else is an
 * ordinary backslash, so a Windows path (`source:C:\logs\new.log`) needs no doubling.
 */
export const BARE_ESCAPABLE = new Set(['\\', '"', '(', ')', '*', ':', '<', '>', '=', '-', '!', '/']);

export function matchOperator(text: string, i: number): OperatorText | null {
  for (const op of OPERATORS) if (text.startsWith(op, i)) return op;
  return null;
}

/**
 * A quoted string starting at `start` (a `"`). Inside, `\"` is a quote and `\\` a
 * backslash; any other backslash is kept as it is.
 */
export function readQuoted(text: string, start: number): { text: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '\\' && (next === '"' || next === '\\')) {
      out += next;
      i += 2;
    } else if (ch === '"') {
      return { text: out, end: i + 1 };
    } else {
      out += ch;
      i++;
    }
  }
  throw new QueryError(`unclosed quote starting at ${start}`, start, text.length);
}

/**
 * A regex literal at `start` (a `/`): it ends at the first unescaped `/` outside a
 * character class, may carry an `i` flag, and must be followed by a delimiter. Anything else is not a regex, just a word
 * that starts with a slash (`path:/api/users`, `/health`): so paths rarely need quoting,
 * and `path:/health/` is the one shape that reads as a regex.
 */
export function readRegex(text: string, start: number): { pattern: string; ignoreCase: boolean; end: number } | null {
  // As in a JavaScript regex literal, a `/` inside a character class does not end it.
  let i = start + 1;
  let inClass = false;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) break;
  }
  if (i >= text.length) return null;
  const pattern = text.slice(start + 1, i);
  if (pattern === '') return null; // `//` is a word (URLs), not an empty regex
  let end = i + 1;
  let ignoreCase = false;
  if (text[end] === 'i' && isDelimiter(text, end + 1)) {
    ignoreCase = true;
    end++;
  }
  return isDelimiter(text, end) ? { pattern, ignoreCase, end } : null;
}

/**
 * A bare word or value at `start`, up to whitespace or a closing paren that it did not
 * open itself: `getUser()` and `Foo.bar(Foo.java:42)` stay one word, while the `)` in
 * `(a OR foo)` still closes the group. Unescaped `*` splits it into wildcard parts.
 */
export function readBare(text: string, start: number): { parts: string[]; escaped: boolean; end: number } {
  const parts: string[] = [];
  let cur = '';
  let escaped = false;
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const ch = text[i]!;
    if (isSpace(ch) || (ch === ')' && depth === 0)) break;
    if (ch === '\\') {
      const next = text[i + 1];
      if (next !== undefined && (BARE_ESCAPABLE.has(next) || isSpace(next))) {
        cur += next;
        escaped = true;
        i += 2;
        continue;
      }
    }
    if (ch === '*') {
      parts.push(cur);
      cur = '';
    } else {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      cur += ch;
    }
    i++;
  }
  parts.push(cur);
  return { parts, escaped, end: i };
}
