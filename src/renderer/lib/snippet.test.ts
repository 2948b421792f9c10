import { describe, expect, it } from 'vitest';
import { errorSnippet } from './snippet';

describe('errorSnippet', () => {
  it('marks the span in a short query', () => {
    const s = errorSnippet('level:error (x', 12, 14);
    expect(s).toEqual({ before: 'level:error ', mark: '(x', after: '', caretAt: 12, caretLen: 2 });
  });
  it('gives a one-column caret for an empty span at the end', () => {
    const s = errorSnippet('a (b', 4, 4);
    expect(s.mark).toBe('');
    expect(s.caretAt).toBe(4);
    expect(s.caretLen).toBe(1);
  });
  it('clamps positions outside the text', () => {
    const s = errorSnippet('abc', 10, 20);
    expect(s.before).toBe('abc');
    expect(s.mark).toBe('');
  });
  it('windows a long query with ellipses, keeping the mark', () => {
    const text = 'x'.repeat(200) + 'BAD' + 'y'.repeat(200);
    const s = errorSnippet(text, 200, 203, 60);
    expect(s.mark).toBe('BAD');
    expect(s.before.startsWith('…')).toBe(true);
    expect(s.after.endsWith('…')).toBe(true);
    expect((s.before + s.mark + s.after).length).toBeLessThanOrEqual(64);
    expect(s.caretAt).toBe(s.before.length);
  });
});
