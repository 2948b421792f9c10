/**
 * The one connection to the engine for this page: picks the pipe, builds the client,
 * and wires engine events and store changes to the runner. Components call the small
 * functions at the bottom; they never see the transport.
 *
 * How the pipe is picked: the desktop preload defines `window.logscopeShell`
 * (`isDesktop: true`), and then the engine's MessagePort is posted into the page;
 * otherwise the page was served by `logscope serve` and talks WebSocket to its own host.
 */
import { createEngineClient, type EngineClient } from '../../shared/client';
import type { ImportProgress } from '../../shared/protocol';
import type { LogscopeShell } from '../env';
import { connectionActions, useConnectionStore } from '../stores/connection';
import { importsActions, useImportsStore } from '../stores/imports';
import { notices } from '../stores/notices';
import { useQueryStore } from '../stores/query';
import { useSelectionStore } from '../stores/selection';
import { detailActions } from '../stores/detail';
import { plural } from '../lib/format';
import { throttle } from '../lib/throttle';
import { createRunner, type Runner } from './runner';
import { createPatternsRunner, type PatternsRunner } from './patterns';
import { createViewScheduler } from './views';
import { useViewStore, type View } from '../stores/view';
import { patternsActions, selectTruncated, usePatternsStore } from '../stores/patterns';
import { compareActions, useCompareStore } from '../stores/compare';
import { selectSourceNames, useSourcesStore } from '../stores/sources';
import { addFacetFilter, addPatternFilter } from '../lib/query-edit';
import { applyPreset, dataSpan, type ComparePresetKey, type CompareSide } from '../lib/compare';
import { ALL_TIME, resolveRange, type RangeSpec } from '../lib/time';
import type { PatternSort } from '../lib/patterns';
import { cancelImport as cancelImportCall, importFiles as importFilesCall, refreshImports } from './imports';
import { bindSettings, loadSettings } from '../views/settings/api';
import { bindLiveSources, loadSources as loadSourcesView } from '../views/sources/api';
import { bindAnomalies, bindRefitEvents, loadAnomaliesView, loadWindows } from '../views/anomalies/api';
import { createLiveTail, type LiveTail } from './live';
import { bindAlerts, loadAlertsView, refreshAlertCount } from '../views/alerts/api';
import {
  createPortTransport,
  createWebSocketTransport,
  takeToken,
  webSocketUrl,
  type ManagedTransport,
  type PortSource,
} from './transport';

export interface Session {
  client: EngineClient;
  transport: ManagedTransport;
  runner: Runner;
  patterns: PatternsRunner;
  live: LiveTail;
  shell: LogscopeShell | null;
  token: string | null;
  stop(): void;
}

let session: Session | null = null;

export function getSession(): Session | null {
  return session;
}

/** Desktop if the preload is there, else WebSocket to the page's own host. */
export function pickTransport(win: Window): {
  transport: ManagedTransport;
  shell: LogscopeShell | null;
  token: string | null;
} {
  const shell = win.logscopeShell?.isDesktop ? win.logscopeShell : null;
  if (shell) return { transport: createPortTransport(win as unknown as PortSource), shell, token: null };
  let storage: Storage | null = null;
  try {
    storage = win.sessionStorage;
  } catch {
    storage = null;
  }
  const token = takeToken({ location: win.location, history: win.history, storage });
  const transport = createWebSocketTransport({ url: webSocketUrl(win.location, token), WebSocketImpl: WebSocket });
  return { transport, shell: null, token };
}

/** Start once, as early as possible (the preload may post the port right away). */
export function startSession(win: Window = window): Session {
  if (session) return session;
  const { transport, shell, token } = pickTransport(win);
  const client = createEngineClient(transport);
  const runner = createRunner(client.api);
  const patterns = createPatternsRunner(client.api);
  const live = createLiveTail(client);
  const unsubs: (() => void)[] = [];
  // Only the view on screen runs its queries; a hidden one catches up when shown.
  const views = createViewScheduler({
    runners: {
      // The histogram shades the range's anomaly windows, so Explore loads them too: once
      // the first page is in, since judging the windows is the heaviest of these queries
      // (measured on 5.8 M rows at start: the page came 0.6 s late when all went at once).
      explore: (refresh) => void runner.run(refresh, () => void loadWindows()),
      patterns: (refresh) => void patterns.run(refresh),
      anomalies: () => loadAnomaliesView(),
      alerts: () => void loadAlertsView(),
      sources: () => void loadSourcesView(),
      settings: () => void loadSettings(),
    } satisfies Record<View, (refresh: boolean) => void>,
    view: () => useViewStore.getState().view,
    applied: () => useQueryStore.getState().applied,
  });

  useConnectionStore.setState({ mode: transport.kind, missingToken: transport.kind === 'browser' && !token });

  const refresh = throttle(() => {
    views.invalidate();
    // While live, Explore's table fills from the tail; only its histogram catches up.
    if (!(useViewStore.getState().view === 'explore' && live.onDataChanged())) views.ensure();
    void runner.refreshHealth();
    if (useCompareStore.getState().open && useViewStore.getState().view === 'patterns') void patterns.loadSources();
  }, 1000);

  let opened = false;
  unsubs.push(
    transport.onStatus((status) => {
      connectionActions.status(status);
      if (status.state !== 'open') return;
      void runner.refreshHealth();
      // First time: a fresh run; after a reconnect: a refresh (and hidden views go stale).
      if (opened) views.invalidate();
      views.ensure();
      live.onOpen();
      opened = true;
      void refreshImports(client.api);
      void refreshAlertCount();
      const sel = useSelectionStore.getState();
      if (sel.detailOpen && sel.selectedId !== null) void runner.loadDetail(sel.selectedId);
    }),
  );
  unsubs.push(bindRefitEvents(client));
  connectionActions.status(transport.status());

  unsubs.push(client.subscribe('importProgressed', onProgress));
  unsubs.push(bindSettings(client, transport));
  unsubs.push(bindLiveSources(client));
  unsubs.push(bindAlerts(client, shell !== null));
  // A correction changes what rows and charts show: re-read the view and the open record.
  unsubs.push(
    bindAnomalies(client.api, () => {
      views.invalidate();
      views.ensure();
      const sel = useSelectionStore.getState();
      if (sel.detailOpen && sel.selectedId !== null) void runner.loadDetail(sel.selectedId);
    }),
  );
  unsubs.push(client.subscribe('dataChanged', () => refresh()));

  // The applied query (text + range) changed: run it. A comparison on screen follows the
  // query text (its sides have their own ranges).
  unsubs.push(
    useQueryStore.subscribe((s, prev) => {
      if (s.applied === prev.applied) return;
      views.ensure();
      const cmp = useCompareStore.getState();
      if (
        cmp.open &&
        cmp.request &&
        cmp.request.query !== s.applied.query &&
        useViewStore.getState().view === 'patterns'
      )
        void patterns.compare();
    }),
  );
  // Another view: bring it up to date.
  unsubs.push(
    useViewStore.subscribe((s, prev) => {
      if (s.view !== prev.view) views.ensure();
    }),
  );
  // Details follow the selection while the panel is open.
  unsubs.push(
    useSelectionStore.subscribe((s, prev) => {
      if (!s.detailOpen || s.selectedId === null) {
        if (s.selectedId === null) detailActions.clear();
        return;
      }
      if (s.selectedId !== prev.selectedId || !prev.detailOpen) void runner.loadDetail(s.selectedId);
    }),
  );

  const online = () => transport.retryNow();
  win.addEventListener('online', online);
  unsubs.push(() => win.removeEventListener('online', online));

  session = {
    client,
    transport,
    runner,
    patterns,
    shell,
    token,
    live,
    stop() {
      refresh.cancel();
      live.stop();
      for (const u of unsubs) u();
      client.close();
      session = null;
    },
  };
  return session;
}

/** Progress into the store; a finishing import also says so in a notice. */
function onProgress(p: ImportProgress) {
  const before = useImportsStore.getState().imports.find((e) => e.importId === p.importId);
  const wasRunning = !before?.progress || before.progress.state === 'running';
  importsActions.progress(p);
  if (!wasRunning || p.state === 'running') return;
  const failedFiles = p.files.filter((f) => f.error).length;
  if (p.state === 'failed') notices.error('Import failed', p.error ?? undefined);
  else if (p.state === 'done') {
    const unparsed = p.unparsed > 0 ? `, ${plural(p.unparsed, 'line')} not parsed` : '';
    const failed = failedFiles > 0 ? `; ${plural(failedFiles, 'file')} with errors` : '';
    if (failedFiles > 0)
      notices.error(`Imported ${plural(p.records, 'record')}${unparsed}${failed}`, 'See the import panel for details.');
    else notices.info(`Imported ${plural(p.records, 'record')}${unparsed}`);
  }
}

// ---------------------------------------------------------------------------------------
// What components call.

export function loadMore(): void {
  void session?.runner.loadMore();
}

export function validateQuery(text: string): void {
  void session?.runner.validate(text);
}

export function importFiles(files: readonly File[]): void {
  if (!session) return;
  void importFilesCall(files, {
    api: session.client.api,
    shell: session.shell,
    token: session.token,
    fetch: (...a) => fetch(...a),
  });
}

export function cancelImport(importId: string): void {
  if (session) void cancelImportCall(importId, session.client.api);
}

/** Live tail in Explore on or off (api/live.ts). */
export function setLive(on: boolean): Promise<void> {
  return session?.live.setOn(on) ?? Promise.resolve();
}

export function setLivePaused(paused: boolean): void {
  session?.live.setPaused(paused);
}

export function retryConnection(): void {
  session?.transport.retryNow();
}

// ---------------------------------------------------------------------------------------
// Patterns.

/** A new order: re-sorted at once; asked again only when the engine listed the top only. */
export function changePatternSort(sort: PatternSort): void {
  const before = usePatternsStore.getState();
  if (before.sort === sort) return;
  const truncated = selectTruncated(before);
  patternsActions.setSort(sort);
  if (truncated || before.data === null) void session?.patterns.run(true);
}

export interface OpenPatternOptions {
  /** Exclude the pattern (`-pattern:ID`) and stay in the Patterns view. */
  negate?: boolean;
  /** Open the records in this side's range and source (from a comparison). */
  side?: CompareSide;
}

/**
 * Show a pattern's records in Explore (`pattern:ID` added to the query in the bar), or
 * exclude it from what the Patterns view lists (`-pattern:ID`, staying there).
 */
export function openPattern(id: number, opts: OpenPatternOptions = {}): void {
  const q = useQueryStore.getState();
  let text = addPatternFilter(q.draft, id, opts.negate ?? false);
  let range: RangeSpec | undefined;
  if (opts.side) {
    const { from, to, source } = opts.side;
    if (source !== null && !opts.negate) text = addFacetFilter(text, 'source', source);
    range = from === null && to === null ? ALL_TIME : { kind: 'absolute', from, to };
  }
  q.submit(text, range);
  if (!opts.negate) useViewStore.getState().setView('explore');
}

export async function loadSources(): Promise<void> {
  await session?.patterns.loadSources();
}

/** Fill both sides from a preset (loading the sources first when it needs them). */
export async function applyComparePreset(key: ComparePresetKey, now = Date.now()): Promise<void> {
  if (!useSourcesStore.getState().loaded) await loadSources();
  const src = useSourcesStore.getState();
  const res = applyPreset(key, {
    current: resolveRange(useQueryStore.getState().applied.range, now),
    span: dataSpan(src.sources),
    now,
    sources: selectSourceNames(src),
  });
  if (res.ok) compareActions.setSides(res.a, res.b, key);
  else compareActions.presetFailed(key, res.error);
}

/** Open or close the compare panel; opening it the first time fills it from "previous period". */
export function setCompareOpen(open: boolean): void {
  compareActions.setOpen(open);
  if (!open) return;
  const s = useCompareStore.getState();
  if (s.preset === null && s.request === null && s.a.from === null && s.b.from === null)
    void applyComparePreset('previous');
  else if (!useSourcesStore.getState().loaded) void loadSources();
}

export function runCompare(): void {
  void session?.patterns.compare();
}
