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
import { isKey, isWild, isWordWild, shown, wildTrim } from './wildcard';

export { ANY } from './wildcard';

/**
 * isKey in context: a token with a value that repeats the one before it (`blk_<*> blk_<*>`)
 * is an element of a list, whose length varies, so it is gap material.
 */
export function isKeyAt(tokens: readonly string[], i: number): boolean {
  const t = tokens[i]!;
  if (!isKey(t)) return false;
  return !(i > 0 && tokens[i - 1] === t && t.includes(VAR));
}

/** The key tokens of a shape, joined (`keys` of them): shapes with the same key may share a pattern. */
export function keyOf(tokens: readonly string[]): { key: string; keys: number; words: number } {
  let key = '';
  let keys = 0;
  let words = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (!isKeyAt(tokens, i)) continue;
    const t = tokens[i]!;
    key += keys === 0 ? t : `\u0001${t}`;
    keys++;
    if (!isWordWild(t) && !t.includes(VAR)) words++;
  }
  return { key, keys, words };
}

/** Index of the key token at `pos` among the shape's key tokens. */
export function keyIndex(tokens: readonly string[], pos: number): number {
  let k = 0;
  for (let i = 0; i < pos; i++) if (isKeyAt(tokens, i)) k++;
  return k;
}

/** Positions of the key tokens. */
export function keyPositions(tokens: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (isKeyAt(tokens, i)) out.push(i);
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
  /** RAW at a word wildcard: characters of the raw token that the text keeps before and after its `<*>`. */
  pre: number;
  suf: number;
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
        const same = shapes.every((s, m) => s[from[m]! + t] === first);
        // The same token in every shape stays (a value wildcard shows what it keeps); else `<*>`.
        const keep = same && !isWild(first);
        const [pre, suf] = same ? wildTrim(first) : [0, 0];
        pieces.push(same ? shown(first) : VAR);
        plans.forEach((p, m) => p.push({ kind: keep ? KEEP : RAW, from: from[m]! + t, to: 0, pre, suf }));
      }
    } else {
      pieces.push(VAR);
      plans.forEach((p, m) => p.push({ kind: SPAN, from: from[m]!, to: to[m]!, pre: 0, suf: 0 }));
    }
    if (g < w) {
      const k = shapes[0]![words[0]![g]!]!;
      pieces.push(shown(k));
      const [pre, suf] = wildTrim(k);
      plans.forEach((p, m) => p.push({ kind: isWild(k) ? RAW : KEEP, from: words[m]![g]!, to: 0, pre, suf }));
    }
  }
  return { text: pieces.join(' '), plans };
}

/** Text of one shape alone. */
export function textOf(tokens: readonly string[]): string {
  return tokens.map(shown).join(' ');
}
