/**
 * A message as the miner sees it: whitespace-separated tokens, each masked (mask.ts).
 * Bounded work per line whatever the input: at most `maxTokens` tokens are read; the
 * rest of a longer message becomes one final value, so a 100,000-character line costs
 * about what a long ordinary line does and its template stays short.
 */
import { VAR, maskToken } from './mask';

export interface Tokenized {
  /** The tokens as written. */
  raw: string[];
  /** Each token masked: itself, or its text with `<*>` for values. */
  masked: string[];
  /** The values the masks took, all tokens in order. */
  params: string[];
  /** paramEnd[i]: params.length after token i, so token i's values are params[paramEnd[i-1] .. paramEnd[i]). */
  paramEnd: number[];
  /** The message had more than maxTokens tokens: the last token holds the rest. */
  truncated: boolean;
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

export function tokenize(message: string, maxTokens: number): Tokenized {
  const raw: string[] = [];
  const masked: string[] = [];
  const params: string[] = [];
  const paramEnd: number[] = [];
  let truncated = false;
  const n = message.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(message.charCodeAt(i))) i++;
    if (i >= n) break;
    if (raw.length === maxTokens - 1) {
      // The rest of the line, whatever it holds, is one value.
      let end = n;
      while (isSpace(message.charCodeAt(end - 1))) end--;
      const rest = message.slice(i, end);
      let j = i;
      while (j < end && !isSpace(message.charCodeAt(j))) j++;
      if (j < end) {
        truncated = true;
        raw.push(rest);
        masked.push(VAR);
        params.push(rest);
        paramEnd.push(params.length);
        break;
      }
    }
    let j = i + 1;
    while (j < n && !isSpace(message.charCodeAt(j))) j++;
    const tok = message.slice(i, j);
    const m = maskToken(tok, params);
    const k = raw.length;
    raw.push(tok);
    masked.push(m);
    paramEnd.push(params.length);
    if (k > 0) contextMask(raw, masked, params, paramEnd, k);
    i = j;
  }
  return { raw, masked, params, paramEnd, truncated };
}

/**
 * Values that only their neighbours reveal, decided when token k arrives:
 * - a size or time unit after a number is part of the value (`17.5 KB` and `16.0 B` are one shape);
 * - month and weekday names next to a day or a time are a date (`Fri Jun 17 07:07:00 2005`),
 *   so a template does not split when the month turns.
 */
function contextMask(raw: string[], masked: string[], params: string[], paramEnd: number[], k: number): void {
  const m = masked[k]!;
  const prev = masked[k - 1]!;
  if (m === raw[k] && prev.endsWith(VAR) && isNumber(lastValue(params, paramEnd, k - 1))) {
    const unit = unitLength(m);
    if (unit > 0) {
      toValue(raw, masked, params, paramEnd, k, unit);
      return;
    }
  }
  const dayOrTime = m.startsWith(VAR);
  if (dayOrTime && isDateWord(prev, MONTHS) && prev === raw[k - 1]) {
    // "Jun 17": the month, and a weekday before it
    toValue(raw, masked, params, paramEnd, k - 1);
    if (k >= 2 && masked[k - 2] === raw[k - 2] && isDateWord(masked[k - 2]!, WEEKDAYS)) toValue(raw, masked, params, paramEnd, k - 2);
  } else if (prev === VAR && m === raw[k] && isDateWord(m, MONTHS) && isNumber(raw[k - 1]!)) {
    // "17 Jun 2005"
    toValue(raw, masked, params, paramEnd, k);
  }
}

const UNITS = new Set(
  'B b KB kB MB GB TB PB KiB MiB GiB TiB K M G ms us µs ns s sec secs min mins h hr hrs'.split(' '),
);
const MONTHS = new Set('jan feb mar apr may jun jul aug sep sept oct nov dec'.split(' '));
const WEEKDAYS = new Set('mon tue wed thu fri sat sun'.split(' '));

const stripComma = (t: string): string => (t.endsWith(',') || t.endsWith(';') ? t.slice(0, -1) : t);
const isNumber = (t: string): boolean => /^[-+]?[0-9][0-9.,]*$/.test(t);

/** The last value token k holds, or '' when it holds none. */
function lastValue(params: string[], paramEnd: number[], k: number): string {
  const end = paramEnd[k]!;
  return end > (k === 0 ? 0 : paramEnd[k - 1]!) ? params[end - 1]! : '';
}

/** Length of the unit at the start of t when the rest is only closing punctuation (`KB)`, `ms,`), else 0. */
function unitLength(t: string): number {
  let end = t.length;
  while (end > 0 && CLOSERS.has(t.charCodeAt(end - 1))) end--;
  return end > 0 && UNITS.has(end === t.length ? t : t.slice(0, end)) ? end : 0;
}
const CLOSERS = new Set([41, 93, 125, 44, 59, 58, 46]); // ) ] } , ; : .

/** Jun, June, Jun., Jun, — three letters at least, first capital. */
function isDateWord(t: string, names: Set<string>): boolean {
  const w = stripComma(t.endsWith('.') ? t.slice(0, -1) : t);
  if (w.length < 3 || w.length > 9) return false;
  const c = w.charCodeAt(0);
  if (c < 65 || c > 90) return false;
  return names.has(w.slice(0, 3).toLowerCase()) && (w.length === 3 || FULL_NAMES.has(w.toLowerCase()));
}
const FULL_NAMES = new Set(
  'january february march april june july august september sept october november december monday tuesday wednesday thursday friday saturday sunday'.split(
    ' ',
  ),
);

/**
 * Makes token k (a constant so far, with no values) a value — its first `length`
 * characters, the rest staying text — keeping params in token order.
 */
function toValue(raw: string[], masked: string[], params: string[], paramEnd: number[], k: number, length = raw[k]!.length): void {
  const at = k === 0 ? 0 : paramEnd[k - 1]!;
  const tok = raw[k]!;
  params.splice(at, 0, length === tok.length ? tok : tok.slice(0, length));
  masked[k] = length === tok.length ? VAR : VAR + tok.slice(length);
  for (let i = k; i < paramEnd.length; i++) paramEnd[i]!++;
}
