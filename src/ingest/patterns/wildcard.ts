/**
 * What a position of a shape can hold: a token as masked (a constant, or a masked value
 * such as `<*>:<*>`), or one of two kinds of wildcard.
 *
 * - A value wildcard, where values of different forms were seen (`<*>` and `<*>:<*>`,
 *   `[node_A8]` and `[node_B3]`). It is gap material between a pattern's key tokens
 *   (layout.ts). ANY when it keeps nothing, else VMARK + prefix + VMARK + suffix.
 * - A word wildcard, where words were seen to vary ("session opened for user <*>"). It is
 *   a key token: a fixed slot of the event. It keeps what the words had in common around
 *   the variable part — a prefix up to a separator and trailing punctuation — so
 *   `[Thunderbird_A8]` and `[Thunderbird_B3]` give `[Thunderbird_<*>]`, `user=root` and
 *   `user=guest` give `user=<*>`, and `(24-54-76-216.example.net)` and `(unknown)` give `(<*>)`.
 *   Encoded as MARK + prefix + MARK + suffix, or MARK alone when nothing is kept.
 *   Masked tokens never hold control characters (mask.ts makes such tokens values), so
 *   the encoding cannot be mistaken for a token.
 */
import { VAR } from './mask';

/** A value wildcard that keeps nothing. Tokens are never empty, so this is never a token. */
export const ANY = '';
const MARK = '\u0002';
const VMARK = '\u0003';
/** A word wildcard that keeps nothing around the variable part. */
export const WILD = MARK;

/** Any wildcard. */
export const isWild = (t: string): boolean => t === ANY || t.charCodeAt(0) <= 3;
/** A word wildcard, bare or with a prefix or suffix. */
export const isWordWild = (t: string): boolean => t.charCodeAt(0) === 2;
/** A value wildcard that keeps a prefix or a suffix. */
const isValueWild = (t: string): boolean => t.charCodeAt(0) === 3;

/** The wildcard (word or value) keeping `prefix` and `suffix`. */
export function wildcard(word: boolean, prefix: string, suffix: string): string {
  if (prefix === '' && suffix === '') return word ? WILD : ANY;
  const m = word ? MARK : VMARK;
  return m + prefix + m + suffix;
}

/** Prefix and suffix of a wildcard. */
export function wildParts(t: string): [string, string] {
  if (t.length <= 1) return ['', ''];
  const sep = t.indexOf(t[0]!, 1);
  return [t.slice(1, sep), t.slice(sep + 1)];
}

/** Characters a wildcard keeps before and after its variable part (0, 0 for a token). */
export function wildTrim(t: string): [number, number] {
  if (t.length <= 1 || !isWild(t)) return [0, 0];
  const sep = t.indexOf(t[0]!, 1);
  return [sep - 1, t.length - sep - 1];
}

/** The token as template text. */
export function shown(t: string): string {
  if (t === ANY) return VAR;
  if (!isWild(t)) return t;
  const [prefix, suffix] = wildParts(t);
  return prefix + VAR + suffix;
}

/** A shape position holding `t` takes `x` (a masked token, or a wildcard: then every token that takes). */
export function accepts(t: string, x: string): boolean {
  if (t === x || t === ANY) return true;
  if (!isWild(t)) return false;
  if (t === WILD) return true;
  if (x === ANY || x === WILD) return false;
  // Compared in place: this runs for every wildcard of every shape a new line is tried
  // against, and slicing out the parts would allocate each time.
  const sep = t.indexOf(t[0]!, 1);
  const pre = sep - 1;
  const suf = t.length - sep - 1;
  if (isWild(x)) {
    // A wildcard of the other kind stands for other positions: never taken.
    if (isWordWild(x) !== isWordWild(t)) return false;
    const xsep = x.length <= 1 ? -1 : x.indexOf(x[0]!, 1);
    if (xsep < 0) return pre === 0 && suf === 0;
    // x's prefix starts with t's, x's suffix ends with t's.
    return xsep - 1 >= pre && sameAt(x, 1, t, 1, pre) && x.length - xsep - 1 >= suf && sameAt(x, x.length - suf, t, sep + 1, suf);
  }
  return x.length >= pre + suf && sameAt(x, 0, t, 1, pre) && sameAt(x, x.length - suf, t, sep + 1, suf);
}

/** a[ai, ai+n) equals b[bi, bi+n). */
function sameAt(a: string, ai: number, b: string, bi: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a.charCodeAt(ai + k) !== b.charCodeAt(bi + k)) return false;
  return true;
}

/**
 * The wildcard (a word wildcard with `word`, else a value wildcard) that takes all of
 * `tokens` (masked tokens or wildcards): their common prefix cut after its last separator,
 * so no word is split (session/sessions keep nothing), and their common trailing
 * punctuation. Neither holds a value, so a line's raw token has exactly that text around
 * the variable part.
 */
export function generalised(tokens: readonly string[], word: boolean): string {
  let prefix: string | null = null;
  let suffix: string | null = null;
  for (const t of tokens) {
    if (t === ANY || t === WILD) return word ? WILD : ANY;
    const [p, s] = isWild(t) ? wildParts(t) : [t, t];
    prefix = prefix === null ? p : commonPrefix(prefix, p);
    suffix = suffix === null ? s : commonSuffix(suffix, s);
  }
  if (prefix === null || suffix === null) return WILD;
  const v = prefix.indexOf(VAR);
  if (v >= 0) prefix = prefix.slice(0, v);
  let cut = prefix.length;
  while (cut > 0 && isAlnum(prefix.charCodeAt(cut - 1))) cut--;
  prefix = prefix.slice(0, cut);
  let from = suffix.length;
  while (from > 0 && !isAlnum(suffix.charCodeAt(from - 1)) && !suffix.endsWith(VAR, from)) from--;
  suffix = suffix.slice(from);
  // Prefix and suffix may not overlap in the shortest token.
  let shortest = Infinity;
  for (const t of tokens) if (!isWild(t)) shortest = Math.min(shortest, t.length);
  if (prefix.length + suffix.length > shortest) suffix = '';
  if (prefix.length > shortest) prefix = '';
  return wildcard(word, prefix, suffix);
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  const n = Math.min(a.length, b.length);
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return a.slice(0, i);
}

function commonSuffix(a: string, b: string): string {
  let i = 0;
  const n = Math.min(a.length, b.length);
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return a.slice(a.length - i);
}

/** Letters (any script) and digits: the characters of a word, which a wildcard never splits. */
function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
}

/**
 * Key tokens are what a pattern is: words, word wildcards, and tokens with a value but
 * letters around it (`rhost=<*>`, `blk_<*>`). The rest — pure values such as `<*>`,
 * `(<*>`, `<*>:<*>`, and words with digits, which the miner takes for values too
 * (an14, tty2) — are the gaps between them, which may differ in length.
 */
export function isKey(t: string): boolean {
  if (t === ANY || isValueWild(t)) return false;
  if (isWordWild(t)) return true;
  let i = t.indexOf(VAR);
  if (i < 0) return !hasDigit(t);
  let from = 0;
  while (i >= 0) {
    if (hasLetter(t, from, i)) return true;
    from = i + VAR.length;
    i = t.indexOf(VAR, from);
  }
  return hasLetter(t, from, t.length);
}

function hasDigit(t: string): boolean {
  for (let k = 0; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function hasLetter(t: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = t.charCodeAt(k);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127) return true;
  }
  return false;
}
