/**
 * The Patterns view's list for the applied query: the order asked for, the engine's
 * answer (kept in that order), and which row is selected or opened up. Generations drop
 * answers from older runs, as the Explore stores do.
 */
import { create } from 'zustand';
import type { Result } from '../../shared/protocol';
import { sortPatterns, type PatternSort } from '../lib/patterns';

export type PatternsResult = Result<'patterns'>;

export interface PatternsParams {
  query: string;
  from: number | null;
  to: number | null;
}

export interface PatternsState {
  gen: number;
  sort: PatternSort;
  params: PatternsParams | null;
  data: PatternsResult | null;
  loading: boolean;
  error: string | null;
  /** Bumped when a new query's list arrives (back to the top); not on a refresh. */
  resetKey: number;
  selectedId: number | null;
  expandedId: number | null;
}

export const usePatternsStore = create<PatternsState>()(() => ({
  gen: 0,
  sort: 'count',
  params: null,
  data: null,
  loading: false,
  error: null,
  resetKey: 0,
  selectedId: null,
  expandedId: null,
}));

const set = usePatternsStore.setState;

export const patternsActions = {
  start(gen: number, params: PatternsParams) {
    set({ gen, params, loading: true, error: null });
  },
  /** `refresh`: the same query again (new data arrived): keep the scroll and what is open. */
  receive(gen: number, data: PatternsResult, refresh: boolean) {
    const s = usePatternsStore.getState();
    if (s.gen !== gen) return;
    const ids = new Set(data.patterns.map((p) => p.id));
    set({
      data: { ...data, patterns: sortPatterns(data.patterns, s.sort) },
      loading: false,
      error: null,
      resetKey: refresh ? s.resetKey : s.resetKey + 1,
      selectedId: s.selectedId !== null && ids.has(s.selectedId) ? s.selectedId : null,
      expandedId: s.expandedId !== null && ids.has(s.expandedId) ? s.expandedId : null,
    });
  },
  fail(gen: number, error: string | null, clear = false) {
    if (usePatternsStore.getState().gen !== gen) return;
    set({ loading: false, error, ...(clear ? { data: null } : {}) });
  },
  /** A new order: the list on screen is re-sorted at once (the caller refetches if it was cut short). */
  setSort(sort: PatternSort) {
    const s = usePatternsStore.getState();
    if (s.sort === sort) return;
    set({ sort, data: s.data ? { ...s.data, patterns: sortPatterns(s.data.patterns, sort) } : null });
  },
  select(selectedId: number | null) {
    set({ selectedId });
  },
  toggleExpanded(id: number) {
    set((s) => ({ expandedId: s.expandedId === id ? null : id, selectedId: id }));
  },
  collapse() {
    set({ expandedId: null });
  },
};

/** Listed ids in display order (for keyboard moves). */
export const selectPatternIds = (s: PatternsState): number[] => s.data?.patterns.map((p) => p.id) ?? [];
/** The engine listed the top only: there are more patterns than rows. */
export const selectTruncated = (s: PatternsState) => s.data !== null && s.data.total > s.data.patterns.length;
