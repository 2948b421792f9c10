import { describe, expect, it } from 'vitest';
import { createChords, isTypingTarget } from './keys';

describe('createChords', () => {
  it('completes a chord within the timeout', () => {
    const c = createChords({ ge: 'explore', gp: 'patterns' }, 1000);
    expect(c.feed('g', 0)).toEqual({ pending: true });
    expect(c.feed('p', 500)).toEqual({ action: 'patterns' });
    expect(c.feed('p', 600)).toBeNull();
  });
  it('forgets the leader after the timeout or another key', () => {
    const c = createChords({ ge: 'explore' }, 1000);
    c.feed('g', 0);
    expect(c.feed('e', 1500)).toBeNull();
    c.feed('g', 2000);
    expect(c.feed('x', 2100)).toBeNull();
    expect(c.feed('e', 2200)).toBeNull();
  });
  it('re-arms on a repeated leader and can be reset', () => {
    const c = createChords({ ge: 'explore' }, 1000);
    c.feed('g', 0);
    expect(c.feed('g', 100)).toEqual({ pending: true });
    expect(c.feed('e', 200)).toEqual({ action: 'explore' });
    c.feed('g', 300);
    c.reset();
    expect(c.feed('e', 400)).toBeNull();
  });
});

describe('isTypingTarget', () => {
  it('knows text boxes from buttons', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget({ tagName: 'SELECT' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('listMoveDelta', () => {
  it('moves by one for j/k and arrows, by a page for page keys, and not at all otherwise', async () => {
    const { listMoveDelta } = await import('./keys');
    expect(['j', 'ArrowDown', 'k', 'ArrowUp', 'PageDown', 'PageUp', 'Enter', 'x'].map((k) => listMoveDelta(k, 20))).toEqual([
      1, 1, -1, -1, 20, -20, 0, 0,
    ]);
  });
});
