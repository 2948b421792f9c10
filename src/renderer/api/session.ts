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
import { cancelImport as cancelImportCall, importFiles as importFilesCall, refreshImports } from './imports';
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
  const unsubs: (() => void)[] = [];

  useConnectionStore.setState({ mode: transport.kind, missingToken: transport.kind === 'browser' && !token });

  const refresh = throttle(() => {
    void runner.run(true);
    void runner.refreshHealth();
  }, 1000);

  let opened = false;
  unsubs.push(
    transport.onStatus((status) => {
      connectionActions.status(status);
      if (status.state !== 'open') return;
      void runner.refreshHealth();
      void runner.run(opened); // first time: a fresh run; after a reconnect: a refresh
      opened = true;
      void refreshImports(client.api);
      const sel = useSelectionStore.getState();
      if (sel.detailOpen && sel.selectedId !== null) void runner.loadDetail(sel.selectedId);
    }),
  );
  connectionActions.status(transport.status());

  unsubs.push(client.subscribe('importProgressed', onProgress));
  unsubs.push(client.subscribe('dataChanged', () => refresh()));

  // The applied query (text + range) changed: run it.
  unsubs.push(
    useQueryStore.subscribe((s, prev) => {
      if (s.applied !== prev.applied) void runner.run(false);
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
    shell,
    token,
    stop() {
      refresh.cancel();
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

export function retryConnection(): void {
  session?.transport.retryNow();
}
