/**
 * The piece of a query shown under the bar with its error underlined: a window of at
 * most `width` characters around start..end, with an ellipsis where it was cut.
 */
export interface Snippet {
  before: string;
  mark: string;
  after: string;
  /** Columns of `before` (for the caret line). */
  caretAt: number;
  /** Length of the caret line's `^~~~`, at least 1. */
  caretLen: number;
}

export function errorSnippet(text: string, start: number, end: number, width = 80): Snippet {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  const markLen = e - s;
  // Room on each side of the mark.
  const side = Math.max(8, Math.floor((width - Math.min(markLen, width / 2)) / 2));
  let from = Math.max(0, s - side);
  let to = Math.min(text.length, e + side);
  if (to - from > width) to = Math.max(e, from + width);
  const cutLeft = from > 0;
  const cutRight = to < text.length;
  if (cutLeft) from = Math.min(from + 1, s);
  const before = (cutLeft ? '…' : '') + text.slice(from, s);
  const mark = text.slice(s, e);
  const after = text.slice(e, to) + (cutRight ? '…' : '');
  return { before, mark, after, caretAt: [...before].length, caretLen: Math.max(1, [...mark].length) };
}
