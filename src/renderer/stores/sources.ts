/** The sources the store holds (for the compare picker now, a Sources view later). */
import { create } from 'zustand';
import type { Source } from '../../shared/protocol';

export interface SourcesState {
  sources: Source[];
  loading: boolean;
  loaded: boolean;
  error: string | null;
}

export const useSourcesStore = create<SourcesState>()(() => ({
  sources: [],
  loading: false,
  loaded: false,
  error: null,
}));

export const sourcesActions = {
  start() {
    useSourcesStore.setState({ loading: true, error: null });
  },
  receive(sources: Source[]) {
    useSourcesStore.setState({ sources, loading: false, loaded: true, error: null });
  },
  fail(error: string | null) {
    useSourcesStore.setState({ loading: false, error });
  },
};

/** Names, busiest first. */
export const selectSourceNames = (s: SourcesState): string[] =>
  [...s.sources].sort((a, b) => b.records - a.records || a.name.localeCompare(b.name)).map((x) => x.name);
