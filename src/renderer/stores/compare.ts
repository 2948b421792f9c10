/**
 * The compare panel: whether it is open, its two sides, the preset that filled them (until
 * a side is edited by hand), and the last comparison's answer with what it was asked.
 */
import { create } from 'zustand';
import type { Result } from '../../shared/protocol';
import { sameSide, type ComparePresetKey, type CompareSide } from '../lib/compare';

export type CompareResult = Result<'patternsCompare'>;

export interface CompareRequest {
  query: string;
  a: CompareSide;
  b: CompareSide;
}

export interface CompareState {
  open: boolean;
  a: CompareSide;
  b: CompareSide;
  preset: ComparePresetKey | null;
  /** Why the preset could not be applied (e.g. two sources asked, one known). */
  presetError: string | null;
  gen: number;
  request: CompareRequest | null;
  result: CompareResult | null;
  loading: boolean;
  error: string | null;
}

const OPEN_SIDE: CompareSide = { from: null, to: null, source: null };

export const useCompareStore = create<CompareState>()(() => ({
  open: false,
  a: OPEN_SIDE,
  b: OPEN_SIDE,
  preset: null,
  presetError: null,
  gen: 0,
  request: null,
  result: null,
  loading: false,
  error: null,
}));

const set = useCompareStore.setState;

export const compareActions = {
  setOpen(open: boolean) {
    set({ open });
  },
  setSides(a: CompareSide, b: CompareSide, preset: ComparePresetKey | null) {
    set({ a, b, preset, presetError: null });
  },
  presetFailed(preset: ComparePresetKey, error: string) {
    set({ preset, presetError: error });
  },
  /** A hand edit of one side: the preset no longer describes the sides. */
  editSide(which: 'a' | 'b', patch: Partial<CompareSide>) {
    set((s) => {
      const next = { ...s[which], ...patch };
      return sameSide(next, s[which]) ? {} : { [which]: next, preset: null, presetError: null };
    });
  },
  swap() {
    set((s) => ({ a: s.b, b: s.a, preset: null, presetError: null }));
  },
  start(gen: number, request: CompareRequest) {
    set({ gen, request, loading: true, error: null });
  },
  receive(gen: number, result: CompareResult) {
    if (useCompareStore.getState().gen !== gen) return;
    set({ result, loading: false, error: null });
  },
  fail(gen: number, error: string | null) {
    if (useCompareStore.getState().gen !== gen) return;
    set({ loading: false, error, result: null });
  },
};

/** The sides on screen are not what the shown result was asked for. */
export const selectCompareStale = (s: CompareState) =>
  s.request !== null && (!sameSide(s.request.a, s.a) || !sameSide(s.request.b, s.b));
