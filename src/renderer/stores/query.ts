/**
 * The query spec: what the person typed (draft), what was last run (applied: query text
 * plus time range), and the errors that point into the text. Changing `applied` is what
 * makes the views run; it is replaced on every submit so running the same text again
 * re-runs it.
 */
import { create } from 'zustand';
import type { QueryErrorInfo } from '../../shared/protocol';
import { ALL_TIME, zoomOut, type RangeSpec } from '../lib/time';

export interface AppliedQuery {
  query: string;
  range: RangeSpec;
  /** Bumped on every submit. */
  rev: number;
}

/** An error about a particular query text, with where in it (0-based, end exclusive). */
export interface QueryError extends QueryErrorInfo {
  query: string;
}

export interface QueryState {
  draft: string;
  applied: AppliedQuery;
  /** From validating the draft as it is typed (`parseQuery`). */
  syntaxError: QueryError | null;
  /** From the last search of `applied`. */
  runError: QueryError | null;
  setDraft(text: string): void;
  /**
   * Run the draft (or `text`, which also becomes the draft) with the current range (or
   * `range`, which becomes the range: one run, not two).
   */
  submit(text?: string, range?: RangeSpec): void;
  setRange(range: RangeSpec): void;
  zoomOut(): void;
  setSyntaxError(err: QueryError | null): void;
  setRunError(err: QueryError | null): void;
}

export const useQueryStore = create<QueryState>()((set, get) => ({
  draft: '',
  applied: { query: '', range: ALL_TIME, rev: 0 },
  syntaxError: null,
  runError: null,
  setDraft: (draft) => set({ draft }),
  submit: (text, range) => {
    const { draft, applied } = get();
    const query = (text ?? draft).trim();
    set({
      draft: text ?? draft,
      applied: { query, range: range ?? applied.range, rev: applied.rev + 1 },
      runError: null,
    });
  },
  setRange: (range) => {
    const { applied, draft } = get();
    // A range change runs what is in the bar, as Grafana does.
    set({ applied: { query: draft.trim(), range, rev: applied.rev + 1 }, runError: null });
  },
  zoomOut: () => get().setRange(zoomOut(get().applied.range)),
  setSyntaxError: (syntaxError) => set({ syntaxError }),
  setRunError: (runError) => set({ runError }),
}));

/** The error to show under the bar: only one that is about the text now in it. */
export function selectVisibleQueryError(s: QueryState): QueryError | null {
  if (s.syntaxError && s.syntaxError.query === s.draft) return s.syntaxError;
  if (s.runError && s.runError.query === s.draft.trim()) return s.runError;
  return null;
}
