/** Which record is selected in the table, and whether its details are open. By id only. */
import { create } from 'zustand';

export interface SelectionState {
  selectedId: number | null;
  detailOpen: boolean;
  select(id: number | null, open?: boolean): void;
  openDetail(): void;
  closeDetail(): void;
}

export const useSelectionStore = create<SelectionState>()((set, get) => ({
  selectedId: null,
  detailOpen: false,
  select: (selectedId, open) => set({ selectedId, detailOpen: open ?? get().detailOpen }),
  openDetail: () => {
    if (get().selectedId !== null) set({ detailOpen: true });
  },
  closeDetail: () => set({ detailOpen: false }),
}));

/**
 * The id `delta` rows away from the selected one (clamped to the list). With nothing
 * selected (or the selection scrolled out of the rows), moving down starts at the top.
 */
export function moveSelection(ids: readonly number[], selectedId: number | null, delta: number): number | null {
  if (ids.length === 0) return null;
  const i = selectedId === null ? -1 : ids.indexOf(selectedId);
  if (i < 0) return delta >= 0 ? ids[0]! : ids[ids.length - 1]!;
  return ids[Math.max(0, Math.min(ids.length - 1, i + delta))]!;
}
