/** The record shown in the detail panel, with the lines around it. */
import { create } from 'zustand';
import type { LogRecord, LogRow } from '../../shared/protocol';

export interface DetailState {
  id: number | null;
  record: LogRecord | null;
  context: LogRow[];
  loading: boolean;
  error: string | null;
}

export const useDetailStore = create<DetailState>()(() => ({
  id: null,
  record: null,
  context: [],
  loading: false,
  error: null,
}));

export const detailActions = {
  start(id: number) {
    const s = useDetailStore.getState();
    useDetailStore.setState({ id, loading: true, error: null, ...(s.id === id ? {} : { record: null, context: [] }) });
  },
  receive(id: number, record: LogRecord | null, context: LogRow[]) {
    if (useDetailStore.getState().id !== id) return;
    useDetailStore.setState({
      record,
      context,
      loading: false,
      error: record ? null : 'This record is no longer in the store.',
    });
  },
  fail(id: number, error: string) {
    if (useDetailStore.getState().id !== id) return;
    useDetailStore.setState({ loading: false, error });
  },
  clear() {
    useDetailStore.setState({ id: null, record: null, context: [], loading: false, error: null });
  },
};
