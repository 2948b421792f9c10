import { beforeEach, describe, expect, it } from 'vitest';
import type { ImportProgress, LogRow } from '../../shared/protocol';
import { selectVisibleQueryError, useQueryStore } from './query';
import { MAX_ROWS, resultsActions, selectCapped, useResultsStore } from './results';
import { moveSelection, useSelectionStore } from './selection';
import { importsActions, isImportFinished, MAX_IMPORTS, selectRunningCount, useImportsStore } from './imports';
import { createThemeStore, initialTheme, THEME_KEY } from './theme';
import { connectionActions, selectStoreEmpty, useConnectionStore } from './connection';
import { ALL_TIME } from '../lib/time';

const row = (id: number, ts = 1000 - id): LogRow => ({
  id,
  ts,
  level: 'info',
  source: '/a.log',
  host: null,
  app: null,
  message: `m${id}`,
  format: 'raw',
  line: id,
  parseError: null,
});
const page = (ids: number[], next: { ts: number; id: number } | null = null, total: number | null = null) => ({
  rows: ids.map((i) => row(i)),
  total,
  nextCursor: next,
  tookMs: 1,
});

describe('query store', () => {
  beforeEach(() => {
    useQueryStore.setState({
      draft: '',
      applied: { query: '', range: ALL_TIME, rev: 0 },
      syntaxError: null,
      runError: null,
    });
  });

  it('submits the draft, trimmed, with a new rev each time', () => {
    const s = useQueryStore.getState();
    s.setDraft('  level:error ');
    s.submit();
    const a = useQueryStore.getState().applied;
    expect(a).toEqual({ query: 'level:error', range: ALL_TIME, rev: 1 });
    useQueryStore.getState().submit();
    expect(useQueryStore.getState().applied.rev).toBe(2);
    expect(useQueryStore.getState().applied).not.toBe(a);
  });

  it('submits given text as the new draft', () => {
    useQueryStore.getState().submit('host:"a"');
    expect(useQueryStore.getState().draft).toBe('host:"a"');
    expect(useQueryStore.getState().applied.query).toBe('host:"a"');
  });

  it('runs the text in the bar when the range changes, and zooms out', () => {
    useQueryStore.getState().setDraft('x');
    useQueryStore.getState().setRange({ kind: 'relative', key: '1h' });
    expect(useQueryStore.getState().applied).toMatchObject({
      query: 'x',
      range: { kind: 'relative', key: '1h' },
      rev: 1,
    });
    useQueryStore.getState().zoomOut();
    expect(useQueryStore.getState().applied.range).toEqual({ kind: 'relative', key: '6h' });
  });

  it('shows only an error about the text now in the bar', () => {
    const s = useQueryStore.getState();
    s.setDraft('a (');
    s.setSyntaxError({ query: 'a (', message: 'Missing )', start: 3, end: 3 });
    expect(selectVisibleQueryError(useQueryStore.getState())?.message).toBe('Missing )');
    useQueryStore.getState().setDraft('a ( b');
    expect(selectVisibleQueryError(useQueryStore.getState())).toBeNull();
    useQueryStore.getState().setRunError({ query: 'a ( b', message: 'Unknown', start: 0, end: 1 });
    expect(selectVisibleQueryError(useQueryStore.getState())?.message).toBe('Unknown');
    // The run error clears on the next submit.
    useQueryStore.getState().submit();
    expect(useQueryStore.getState().runError).toBeNull();
  });
});

describe('results store', () => {
  beforeEach(() => resultsActions.reset());

  it('keeps rows on screen while a run loads, then replaces them', () => {
    resultsActions.start(1, { query: '', from: null, to: null });
    resultsActions.receive(1, page([1, 2], { ts: 998, id: 2 }, 10), false);
    const key = useResultsStore.getState().resetKey;
    resultsActions.start(2, { query: 'x', from: null, to: null });
    expect(useResultsStore.getState().rows).toHaveLength(2);
    expect(useResultsStore.getState().loading).toBe(true);
    resultsActions.receive(2, page([5]), false);
    expect(useResultsStore.getState().rows.map((r) => r.id)).toEqual([5]);
    expect(useResultsStore.getState().resetKey).toBe(key + 1);
  });

  it('drops answers from an older run', () => {
    resultsActions.start(1, { query: 'a', from: null, to: null });
    resultsActions.start(2, { query: 'b', from: null, to: null });
    resultsActions.receive(1, page([1]), false);
    expect(useResultsStore.getState().rows).toEqual([]);
    resultsActions.fail(1, 'old');
    expect(useResultsStore.getState().error).toBeNull();
  });

  it('keeps the scroll position on a refresh and the total when paging skips it', () => {
    resultsActions.start(1, { query: '', from: null, to: null });
    resultsActions.receive(1, page([1], null, 7), false);
    const key = useResultsStore.getState().resetKey;
    resultsActions.start(2, { query: '', from: null, to: null });
    resultsActions.receive(2, page([0, 1], null, null), true);
    expect(useResultsStore.getState().resetKey).toBe(key);
    expect(useResultsStore.getState().total).toBe(7);
  });

  it('appends pages without repeating rows, once at a time', () => {
    resultsActions.start(1, { query: '', from: null, to: null });
    resultsActions.receive(1, page([1, 2], { ts: 998, id: 2 }, 4), false);
    expect(resultsActions.beginMore(1)).toBe(true);
    expect(resultsActions.beginMore(1)).toBe(false);
    resultsActions.append(1, page([2, 3, 4], null));
    const s = useResultsStore.getState();
    expect(s.rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(s.nextCursor).toBeNull();
    expect(s.loadingMore).toBe(false);
    expect(resultsActions.beginMore(1)).toBe(false);
  });

  it('stops at MAX_ROWS', () => {
    resultsActions.start(1, { query: '', from: null, to: null });
    const ids = Array.from({ length: MAX_ROWS + 5 }, (_, i) => i + 1);
    resultsActions.receive(1, page(ids, { ts: 0, id: 1 }, MAX_ROWS * 2), false);
    const s = useResultsStore.getState();
    expect(s.rows).toHaveLength(MAX_ROWS);
    expect(s.nextCursor).toBeNull();
    expect(selectCapped(s)).toBe(true);
  });
});

describe('selection', () => {
  it('moves through ids, clamped, starting at an end', () => {
    const ids = [10, 11, 12];
    expect(moveSelection(ids, null, 1)).toBe(10);
    expect(moveSelection(ids, null, -1)).toBe(12);
    expect(moveSelection(ids, 10, 1)).toBe(11);
    expect(moveSelection(ids, 12, 1)).toBe(12);
    expect(moveSelection(ids, 11, -20)).toBe(10);
    expect(moveSelection(ids, 99, 1)).toBe(10);
    expect(moveSelection([], 1, 1)).toBeNull();
  });
  it('opens details only with a selection', () => {
    useSelectionStore.setState({ selectedId: null, detailOpen: false });
    useSelectionStore.getState().openDetail();
    expect(useSelectionStore.getState().detailOpen).toBe(false);
    useSelectionStore.getState().select(5);
    useSelectionStore.getState().openDetail();
    expect(useSelectionStore.getState()).toMatchObject({ selectedId: 5, detailOpen: true });
    useSelectionStore.getState().select(6);
    expect(useSelectionStore.getState().detailOpen).toBe(true);
    useSelectionStore.getState().closeDetail();
    expect(useSelectionStore.getState().detailOpen).toBe(false);
  });
});

const progress = (importId: string, state: ImportProgress['state'] = 'running', records = 0): ImportProgress => ({
  importId,
  state,
  current: '/x.log',
  filesDone: 0,
  filesTotal: 1,
  bytesRead: 10,
  bytesTotal: 100,
  records,
  unparsed: 0,
  files: [],
  error: null,
});

describe('imports store', () => {
  beforeEach(() => useImportsStore.setState({ uploads: [], imports: [], panelOpen: false }));

  it('tracks an import, newest first, and follows its progress', () => {
    importsActions.track('a', 'a.log', 1);
    importsActions.track('b', 'b.log', 2);
    expect(useImportsStore.getState().imports.map((e) => e.importId)).toEqual(['b', 'a']);
    expect(useImportsStore.getState().panelOpen).toBe(true);
    importsActions.progress(progress('a', 'running', 5));
    expect(useImportsStore.getState().imports[1]!.progress?.records).toBe(5);
    expect(selectRunningCount(useImportsStore.getState())).toBe(2);
    importsActions.progress(progress('a', 'done', 9));
    expect(selectRunningCount(useImportsStore.getState())).toBe(1);
  });

  it('adds imports it hears about first from events', () => {
    importsActions.progress(progress('cli-1'));
    expect(useImportsStore.getState().imports[0]).toMatchObject({ importId: 'cli-1', label: '/x.log' });
  });

  it('counts uploads as running until they fail', () => {
    importsActions.addUpload({ key: 'u1', name: 'a', size: 1, state: 'uploading', error: null });
    expect(selectRunningCount(useImportsStore.getState())).toBe(1);
    importsActions.updateUpload('u1', { state: 'failed', error: 'no' });
    expect(selectRunningCount(useImportsStore.getState())).toBe(0);
    importsActions.clearFinished();
    expect(useImportsStore.getState().uploads).toEqual([]);
  });

  it('marks lost imports finished and clears finished ones', () => {
    importsActions.track('a', 'a');
    importsActions.track('b', 'b');
    importsActions.lost('a');
    expect(isImportFinished(useImportsStore.getState().imports[1]!)).toBe(true);
    importsActions.clearFinished();
    expect(useImportsStore.getState().imports.map((e) => e.importId)).toEqual(['b']);
  });

  it('keeps running imports when trimming to MAX_IMPORTS', () => {
    importsActions.track('running', 'r');
    for (let i = 0; i < MAX_IMPORTS + 5; i++) {
      importsActions.track(`d${i}`, 'd');
      importsActions.progress(progress(`d${i}`, 'done'));
    }
    const ids = useImportsStore.getState().imports.map((e) => e.importId);
    expect(ids).toHaveLength(MAX_IMPORTS);
    expect(ids).toContain('running');
    expect(ids[0]).toBe(`d${MAX_IMPORTS + 4}`);
  });
});

describe('theme', () => {
  const storage = () => {
    const m = new Map<string, string>();
    return { m, getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
  };
  it('defaults to the system preference, then to what was chosen', () => {
    expect(initialTheme({ storage: null, prefersDark: true })).toBe('dark');
    expect(initialTheme({ storage: null, prefersDark: false })).toBe('light');
    const s = storage();
    s.m.set(THEME_KEY, 'light');
    expect(initialTheme({ storage: s, prefersDark: true })).toBe('light');
    s.m.set(THEME_KEY, 'purple');
    expect(initialTheme({ storage: s, prefersDark: true })).toBe('dark');
  });
  it('persists a toggle', () => {
    const s = storage();
    const store = createThemeStore({ storage: s, prefersDark: false });
    store.getState().toggle();
    expect(store.getState().theme).toBe('dark');
    expect(s.m.get(THEME_KEY)).toBe('dark');
  });
  it('survives storage that throws', () => {
    const bad = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
    };
    const store = createThemeStore({ storage: bad, prefersDark: true });
    expect(store.getState().theme).toBe('dark');
    store.getState().setTheme('light');
    expect(store.getState().theme).toBe('light');
  });
});

describe('connection', () => {
  it('knows when it has been open and when the store is empty', () => {
    connectionActions.status({ state: 'open', attempt: 0, retryAt: null, reason: null });
    connectionActions.status({ state: 'closed', attempt: 1, retryAt: 5, reason: 'x' });
    expect(useConnectionStore.getState().everOpen).toBe(true);
    expect(selectStoreEmpty(useConnectionStore.getState())).toBe(false);
    connectionActions.health({ version: '1', dataDir: '/', records: 0, startedAt: 0, mode: 'headless' });
    expect(selectStoreEmpty(useConnectionStore.getState())).toBe(true);
  });
});
