/** Explore only: j/k and arrows move the selection; Enter opens details; Esc closes them. */
import { useEffect } from 'react';
import { useResultsStore } from '../stores/results';
import { moveSelection, useSelectionStore } from '../stores/selection';
import { isTypingTarget, listMoveDelta } from '../lib/keys';
import { useViewStore } from '../stores/view';

const PAGE = 20;

export function useTableKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (useViewStore.getState().view !== 'explore') return;
      const sel = useSelectionStore.getState();
      const delta = listMoveDelta(e.key, PAGE);
      if (!delta)
        switch (e.key) {
          case 'Enter':
            if (sel.selectedId === null) return;
            // A focused button keeps its own Enter.
            if ((e.target as HTMLElement | null)?.tagName === 'BUTTON') return;
            e.preventDefault();
            sel.openDetail();
            return;
          case 'Escape':
            if (sel.detailOpen) {
              e.preventDefault();
              sel.closeDetail();
            }
            return;
          default:
            return;
        }
      const ids = useResultsStore.getState().rows.map((r) => r.id);
      const next = moveSelection(ids, sel.selectedId, delta);
      if (next === null) return;
      e.preventDefault();
      sel.select(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
