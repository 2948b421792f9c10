/**
 * One template text for shapes of different lengths. A pattern unites shapes (fixed-length
 * token sequences) that have the same key tokens in the same order and differ only in
 * the pure values between them: `bytes sent` and `bytes (1.2 KB) sent`, one datanode or
 * two. Between two consecutive key tokens each shape has a gap of value tokens; where the
 * shapes' gaps agree token by token the text keeps them, and where their lengths differ
 * the gap is one `<*>` whose parameter is that run of tokens (possibly empty).
 *
 * A plan says, for one shape, how a line's parameters are read in the text's order, so
 * that filling the text's `<*>` with them gives the line's tokens back.
 */
import { VAR } from './mask';

/** A wildcard where a value stood: any token; part of the gaps between a pattern's key tokens. */
export const ANY = '';
/**
 * A wildcard where a word stood ("session opened for user <*>"): any token, but a fixed
 * slot of the event, so it is a key token like the word it replaced. Masked tokens never
 * hold control characters (mask.ts makes such tokens values), so this cannot be a token.
 */
export const WILD = '\u0002';

export const isWild = (t: string): boolean => t === ANY || t === WILD;

/**
 * Key tokens are what a pattern is: words, word wildcards, and tokens with a value but
 * letters around it (`rhost=<*>`, `blk_<*>`). The rest — pure values such as `<*>`,
 * `(<*>`, `<*>:<*>` — are the gaps between them, which may differ in length.
 */
export function isKey(t: string): boolean {
  if (t === WILD) return true;
  if (t === ANY) return false;
  let i = t.indexOf(VAR);
  if (i < 0) return true;
  let from = 0;
  while (i >= 0) {
    if (hasLetter(t, from, i)) return true;
    from = i + VAR.length;
    i = t.indexOf(VAR, from);
  }
  return hasLetter(t, from, t.length);
}

function hasLetter(t: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = t.charCodeAt(k);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127) return true;
  }
  return false;
}

/** The token as template text. */
export const shown = (t: string): string => (isWild(t) ? VAR : t);

/** The key tokens of a shape, joined (`keys` of them): shapes with the same key may share a pattern. */
export function keyOf(tokens: readonly string[]): { key: string; keys: number; words: number } {
  let key = '';
  let keys = 0;
  let words = 0;
  for (const t of tokens) {
    if (!isKey(t)) continue;
    key += keys === 0 ? t : `\u0001${t}`;
    keys++;
    if (t !== WILD && !t.includes(VAR)) words++;
  }
  return { key, keys, words };
}

/** Index of the key token at `pos` among the shape's key tokens. */
export function keyIndex(tokens: readonly string[], pos: number): number {
  let k = 0;
  for (let i = 0; i < pos; i++) if (isKey(tokens[i]!)) k++;
  return k;
}

/** Positions of the key tokens. */
export function keyPositions(tokens: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (isKey(tokens[i]!)) out.push(i);
  return out;
}

/** The token stays as the shape has it: its own mask values are the parameters. */
export const KEEP = 0;
/** The text has `<*>` for this one token: the raw token is the parameter. */
export const RAW = 1;
/** The text has one `<*>` for tokens [from, to): joined with spaces, '' when empty. */
export const SPAN = 2;
export interface Op {
  kind: typeof KEEP | typeof RAW | typeof SPAN;
  from: number;
  to: number;
}

export interface Layout {
  text: string;
  /** One plan per shape, in the order given. */
  plans: Op[][];
}

/** Text and plans for shapes that share their key tokens. */
export function layout(shapes: readonly (readonly string[])[]): Layout {
  const words = shapes.map(keyPositions);
  const w = words[0]!.length;
  for (const ws of words) if (ws.length !== w) throw new Error('layout: shapes with different key tokens');
  const pieces: string[] = [];
  const plans: Op[][] = shapes.map(() => []);
  for (let g = 0; g <= w; g++) {
    const from = shapes.map((s, m) => (g === 0 ? 0 : words[m]![g - 1]! + 1));
    const to = shapes.map((s, m) => (g === w ? s.length : words[m]![g]!));
    const len = to[0]! - from[0]!;
    if (shapes.every((_, m) => to[m]! - from[m]! === len)) {
      for (let t = 0; t < len; t++) {
        const first = shapes[0]![from[0]! + t]!;
        const same = !isWild(first) && shapes.every((s, m) => s[from[m]! + t] === first);
        pieces.push(same ? first : VAR);
        plans.forEach((p, m) => p.push({ kind: same ? KEEP : RAW, from: from[m]! + t, to: 0 }));
      }
    } else {
      pieces.push(VAR);
      plans.forEach((p, m) => p.push({ kind: SPAN, from: from[m]!, to: to[m]! }));
    }
    if (g < w) {
      const k = shapes[0]![words[0]![g]!]!;
      pieces.push(shown(k));
      plans.forEach((p, m) => p.push({ kind: isWild(k) ? RAW : KEEP, from: words[m]![g]!, to: 0 }));
    }
  }
  return { text: pieces.join(' '), plans };
}

/** Text of one shape alone. */
export function textOf(tokens: readonly string[]): string {
  return tokens.map(shown).join(' ');
}
