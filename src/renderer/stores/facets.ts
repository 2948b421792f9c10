/** Top values of a few fields for the applied query (the left sidebar). */
import { create } from 'zustand';
import type { Facet } from '../../shared/protocol';

export const FACET_FIELDS = ['level', 'source', 'host', 'app'] as const;

export interface FacetsState {
  gen: number;
  facets: Facet[];
  loading: boolean;
  error: string | null;
}

export const useFacetsStore = create<FacetsState>()(() => ({ gen: 0, facets: [], loading: false, error: null }));

export const facetsActions = {
  start(gen: number) {
    useFacetsStore.setState({ gen, loading: true, error: null });
  },
  receive(gen: number, facets: Facet[]) {
    if (useFacetsStore.getState().gen !== gen) return;
    useFacetsStore.setState({ facets, loading: false, error: null });
  },
  fail(gen: number, error: string | null, clear = false) {
    if (useFacetsStore.getState().gen !== gen) return;
    useFacetsStore.setState({ loading: false, error, ...(clear ? { facets: [] } : {}) });
  },
};
