/**
 * The rule editor and its replay: the draft being edited (null: closed), the problems the
 * engine's check found in it, saving, and the last replay over a chosen range.
 */
import { create } from 'zustand';
import type { Result } from '../../../shared/protocol';
import { EMPTY_DRAFT, type Problem, type RuleDraft } from './draft';

export const REPLAY_PRESETS = [
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { key: 'all', label: 'All stored data', ms: null },
  { key: 'custom', label: 'From … to …', ms: null },
] as const;
export type ReplayPresetKey = (typeof REPLAY_PRESETS)[number]['key'];

/** What alertReplay answers: the protocol's own type, so the two cannot drift apart. */
export type ReplayResult = Result<'alertReplay'>;

export interface EditorState {
  open: boolean;
  /** The rule being edited; null: a new one. */
  id: string | null;
  draft: RuleDraft;
  problems: Problem[];
  /** The draft as last checked, to ignore answers for older text. */
  checkedRev: number;
  rev: number;
  saving: boolean;
  saveError: string | null;
  replayPreset: ReplayPresetKey;
  replayFrom: string;
  replayTo: string;
  replaying: boolean;
  replay: ReplayResult | null;
  replayError: string | null;
}

const closed: EditorState = {
  open: false,
  id: null,
  draft: EMPTY_DRAFT,
  problems: [],
  checkedRev: 0,
  rev: 0,
  saving: false,
  saveError: null,
  replayPreset: '7d',
  replayFrom: '',
  replayTo: '',
  replaying: false,
  replay: null,
  replayError: null,
};

export const useEditorStore = create<EditorState>()(() => ({ ...closed }));

export const editorActions = {
  open(id: string | null, draft: RuleDraft) {
    useEditorStore.setState({ ...closed, open: true, id, draft, rev: 1 });
  },
  close() {
    useEditorStore.setState({ ...closed });
  },
  edit(patch: Partial<RuleDraft>) {
    useEditorStore.setState((s) => ({ draft: { ...s.draft, ...patch }, rev: s.rev + 1, saveError: null }));
  },
  /** The check's answer for draft revision `rev` (older answers are dropped). */
  checked(rev: number, problems: Problem[]) {
    if (rev < useEditorStore.getState().checkedRev) return;
    useEditorStore.setState({ problems, checkedRev: rev });
  },
  saving(on: boolean, error: string | null = null) {
    useEditorStore.setState({ saving: on, saveError: error });
  },
  saveProblems(problems: Problem[], error: string | null) {
    useEditorStore.setState({ saving: false, problems, saveError: error });
  },
  setReplayRange(patch: Partial<Pick<EditorState, 'replayPreset' | 'replayFrom' | 'replayTo'>>) {
    useEditorStore.setState(patch);
  },
  replayStarted() {
    useEditorStore.setState({ replaying: true, replayError: null });
  },
  replayDone(replay: ReplayResult) {
    useEditorStore.setState({ replaying: false, replay, replayError: null });
  },
  replayFailed(error: string) {
    useEditorStore.setState({ replaying: false, replayError: error });
  },
};

/** The draft has been checked as it stands and nothing is wrong. */
export function selectClean(s: Pick<EditorState, 'problems' | 'checkedRev' | 'rev'>): boolean {
  return s.checkedRev === s.rev && s.problems.length === 0;
}
