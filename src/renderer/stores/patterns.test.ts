import { beforeEach, describe, expect, it } from 'vitest';
import type { Pattern } from '../../shared/protocol';
import { patternsActions, selectPatternIds, selectTruncated, usePatternsStore } from './patterns';
import { compareActions, selectCompareStale, useCompareStore } from './compare';
import { createViewStore, hashForView, viewFromHash } from './view';
import { selectSourceNames, sourcesActions, useSourcesStore } from './sources';

const pat = (id: number, count: number, over: Partial<Pattern> = {}): Pattern => ({
  id,
  template: `t${id} <*>`,
  count,
  firstSeen: id,
  lastSeen: 100 - id,
  newInRange: false,
  levels: { info: count },
  trend: [count],
  example: `t${id} x`,
  sources: [],
  ...over,
});
const answer = (patterns: Pattern[], total = patterns.length) => ({
  patterns,
  total,
  bucketMs: 1,
  start: 0,
  tookMs: 1,
});
const params = { query: '', from: null, to: null };

describe('patterns store', () => {
  beforeEach(() =>
    usePatternsStore.setState({
      gen: 0,
      sort: 'count',
      params: null,
      data: null,
      loading: false,
      error: null,
      resetKey: 0,
      selectedId: null,
      expandedId: null,
    }),
  );

  it('keeps the answer in the chosen order, and drops older runs', () => {
    patternsActions.start(1, params);
    patternsActions.start(2, params);
    patternsActions.receive(1, answer([pat(9, 1)]), false);
    expect(usePatternsStore.getState().data).toBeNull();
    patternsActions.receive(2, answer([pat(1, 5), pat(2, 50)]), false);
    expect(selectPatternIds(usePatternsStore.getState())).toEqual([2, 1]);
    expect(usePatternsStore.getState()).toMatchObject({ loading: false, resetKey: 1 });
  });

  it('re-sorts on screen when the order changes', () => {
    patternsActions.start(1, params);
    patternsActions.receive(1, answer([pat(1, 5), pat(2, 50)]), false);
    patternsActions.setSort('first');
    expect(selectPatternIds(usePatternsStore.getState())).toEqual([2, 1]);
    patternsActions.setSort('last');
    expect(selectPatternIds(usePatternsStore.getState())).toEqual([1, 2]);
  });

  it('keeps selection and the opened row through a refresh while they are listed', () => {
    patternsActions.start(1, params);
    patternsActions.receive(1, answer([pat(1, 5), pat(2, 50)]), false);
    patternsActions.toggleExpanded(2);
    expect(usePatternsStore.getState()).toMatchObject({ selectedId: 2, expandedId: 2 });
    patternsActions.start(2, params);
    patternsActions.receive(2, answer([pat(2, 51)]), true);
    expect(usePatternsStore.getState()).toMatchObject({ selectedId: 2, expandedId: 2, resetKey: 1 });
    patternsActions.start(3, params);
    patternsActions.receive(3, answer([pat(3, 1)]), false);
    expect(usePatternsStore.getState()).toMatchObject({ selectedId: null, expandedId: null, resetKey: 2 });
  });

  it('knows a list cut short, and clears on a query error', () => {
    patternsActions.start(1, params);
    patternsActions.receive(1, answer([pat(1, 5)], 40), false);
    expect(selectTruncated(usePatternsStore.getState())).toBe(true);
    patternsActions.start(2, params);
    patternsActions.fail(2, null, true);
    expect(usePatternsStore.getState()).toMatchObject({ data: null, error: null, loading: false });
  });
});

describe('compare store', () => {
  const side = (from: number | null) => ({ from, to: null, source: null });
  it('forgets the preset on a hand edit, and knows a stale result', () => {
    compareActions.setSides(side(1), side(2), 'previous');
    compareActions.editSide('a', { from: 1 });
    expect(useCompareStore.getState().preset).toBe('previous');
    compareActions.start(1, { query: '', a: side(1), b: side(2) });
    expect(selectCompareStale(useCompareStore.getState())).toBe(false);
    compareActions.editSide('b', { source: '/x' });
    expect(useCompareStore.getState().preset).toBeNull();
    expect(selectCompareStale(useCompareStore.getState())).toBe(true);
  });
  it('swaps sides and drops answers from older comparisons', () => {
    compareActions.setSides(side(1), side(2), null);
    compareActions.swap();
    expect(useCompareStore.getState().a.from).toBe(2);
    compareActions.start(5, { query: '', a: side(2), b: side(1) });
    compareActions.start(6, { query: '', a: side(2), b: side(1) });
    compareActions.fail(5, 'old');
    expect(useCompareStore.getState().error).toBeNull();
    compareActions.receive(6, { added: [], gone: [], changed: [], totalA: 1, totalB: 2, tookMs: 1 });
    expect(useCompareStore.getState()).toMatchObject({ loading: false, result: { totalB: 2 } });
  });
});

describe('view store', () => {
  it('reads the view from the hash', () => {
    expect(viewFromHash('#/patterns')).toBe('patterns');
    expect(viewFromHash('#Patterns')).toBe('patterns');
    expect(viewFromHash('#/patterns?x=1')).toBe('patterns');
    expect(viewFromHash('')).toBe('explore');
    expect(viewFromHash('#/nope')).toBe('explore');
    expect(hashForView('patterns')).toBe('#/patterns');
    expect(hashForView('explore')).toBe('');
  });
  it('starts from the address and writes the choice back without a navigation', () => {
    const calls: string[] = [];
    const location = { href: 'http://h/app/?a=1#/patterns', hash: '#/patterns' };
    const history = {
      state: { k: 1 },
      replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void calls.push(String(url)),
    };
    const store = createViewStore({ location, history });
    expect(store.getState().view).toBe('patterns');
    store.getState().setView('explore');
    expect(store.getState().view).toBe('explore');
    expect(calls).toEqual(['/app/?a=1']);
    location.href = 'http://h/app/?a=1';
    location.hash = '';
    store.getState().setView('patterns');
    expect(calls[1]).toBe('/app/?a=1#/patterns');
    store.getState().setView('patterns');
    expect(calls).toHaveLength(2);
  });
  it('works without an address (node, tests)', () => {
    const store = createViewStore({ location: null, history: null });
    expect(store.getState().view).toBe('explore');
    store.getState().setView('patterns');
    expect(store.getState().view).toBe('patterns');
  });
});

describe('sources store', () => {
  it('names sources busiest first', () => {
    const s = (name: string, records: number) => ({
      name,
      kind: 'file' as const,
      format: null,
      records,
      unparsed: 0,
      firstTs: null,
      lastTs: null,
    });
    sourcesActions.receive([s('b', 1), s('a', 9), s('c', 1)]);
    expect(selectSourceNames(useSourcesStore.getState())).toEqual(['a', 'b', 'c']);
    expect(useSourcesStore.getState().loaded).toBe(true);
  });
});
