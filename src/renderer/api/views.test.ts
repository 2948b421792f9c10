import { describe, expect, it } from 'vitest';
import { createViewScheduler } from './views';
import type { View } from '../stores/view';

function setup() {
  const calls: string[] = [];
  let view: View = 'explore';
  let applied = { rev: 0 };
  const s = createViewScheduler({
    runners: {
      explore: (refresh) => void calls.push(`explore${refresh ? ' refresh' : ''}`),
      patterns: (refresh) => void calls.push(`patterns${refresh ? ' refresh' : ''}`),
      anomalies: (refresh) => void calls.push(`anomalies${refresh ? ' refresh' : ''}`),
      alerts: (refresh) => void calls.push(`alerts${refresh ? ' refresh' : ''}`),
      sources: (refresh) => void calls.push(`sources${refresh ? ' refresh' : ''}`),
      settings: (refresh) => void calls.push(`settings${refresh ? ' refresh' : ''}`),
    },
    view: () => view,
    applied: () => applied,
  });
  return {
    s,
    calls,
    show: (v: View) => {
      view = v;
      s.ensure();
    },
    apply: () => {
      applied = { rev: applied.rev + 1 };
      s.ensure();
    },
  };
}

describe('view scheduler', () => {
  it('runs only the visible view, and a hidden one when it is shown', () => {
    const t = setup();
    t.s.ensure();
    t.apply();
    expect(t.calls).toEqual(['explore', 'explore']);
    t.show('patterns');
    t.show('explore');
    t.show('patterns');
    expect(t.calls).toEqual(['explore', 'explore', 'patterns']);
  });
  it('runs a view afresh when the query changed while it was hidden', () => {
    const t = setup();
    t.s.ensure();
    t.show('patterns');
    t.apply();
    t.show('explore');
    expect(t.calls).toEqual(['explore', 'patterns', 'patterns', 'explore']);
  });
  it('refreshes the visible view on new data and the others when shown', () => {
    const t = setup();
    t.s.ensure();
    t.show('patterns');
    t.calls.length = 0;
    t.s.invalidate();
    t.s.ensure();
    expect(t.calls).toEqual(['patterns refresh']);
    t.show('explore');
    t.show('patterns');
    expect(t.calls).toEqual(['patterns refresh', 'explore refresh']);
  });
  it('does not mark a view that never ran as stale', () => {
    const t = setup();
    t.s.invalidate();
    t.s.ensure();
    expect(t.calls).toEqual(['explore']);
  });
});
