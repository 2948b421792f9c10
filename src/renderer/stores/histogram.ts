/** The histogram of the applied query, by level over time. */
import { create } from 'zustand';
import type { Histogram } from '../../shared/protocol';

export interface HistogramState {
  gen: number;
  data: Histogram | null;
  loading: boolean;
  error: string | null;
}

export const useHistogramStore = create<HistogramState>()(() => ({ gen: 0, data: null, loading: false, error: null }));

export const histogramActions = {
  start(gen: number) {
    useHistogramStore.setState({ gen, loading: true, error: null });
  },
  receive(gen: number, data: Histogram) {
    if (useHistogramStore.getState().gen !== gen) return;
    useHistogramStore.setState({ data, loading: false, error: null });
  },
  fail(gen: number, error: string | null, clear = false) {
    if (useHistogramStore.getState().gen !== gen) return;
    useHistogramStore.setState({ loading: false, error, ...(clear ? { data: null } : {}) });
  },
};
