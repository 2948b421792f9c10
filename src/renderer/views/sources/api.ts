/**
 * The Sources view over the protocol: the live sources' list (loaded when the view opens,
 * polled once a second while it is open, and pushed by `liveSourcesChanged`), turning a
 * receiver on and off, following and unfollowing files, and the imported sources.
 */
import type { EngineClient } from '../../../shared/client';
import type { LiveKind } from '../../../shared/protocol';
import { describeError } from '../../api/errors';
import { sourcesActions } from '../../stores/sources';
import { notices } from '../../stores/notices';
import { liveSourcesActions, useLiveSourcesStore, DEFAULT_PORTS, type ReceiverKind } from './store';

let client: EngineClient | null = null;

/** Wire the view to a session's client; returns the unsubscribe. */
export function bindLiveSources(c: EngineClient): () => void {
  client = c;
  const off = c.subscribe('liveSourcesChanged', (e) => liveSourcesActions.receive(e.sources));
  return () => {
    off();
    if (client === c) client = null;
  };
}

/** The live sources and the imported ones. */
export async function loadSources(): Promise<void> {
  if (!client) return;
  try {
    const res = await client.api.liveSources({});
    liveSourcesActions.receive(res.sources, res.available);
  } catch (e) {
    liveSourcesActions.fail(describeError(e).message ?? 'the engine is not reachable');
  }
  try {
    sourcesActions.start();
    sourcesActions.receive((await client.api.sources({})).sources);
  } catch (e) {
    sourcesActions.fail(describeError(e).message);
  }
}

/** Counters only (once a second while the view is open). */
export async function pollLiveSources(): Promise<void> {
  if (!client) return;
  try {
    const res = await client.api.liveSources({});
    liveSourcesActions.receive(res.sources, res.available);
  } catch {
    // the connection banner says it
  }
}

async function act(key: string, run: (c: EngineClient) => Promise<unknown>): Promise<boolean> {
  if (!client) return false;
  liveSourcesActions.busy(key, true);
  liveSourcesActions.actionError(key, null);
  try {
    await run(client);
    return true;
  } catch (e) {
    liveSourcesActions.actionError(key, describeError(e).message ?? 'the engine is not reachable');
    return false;
  } finally {
    liveSourcesActions.busy(key, false);
    await pollLiveSources();
  }
}

/**
 * Turn a receiver on or off. One the engine already has is toggled; one it has not is
 * added on `port` (its default port otherwise), on the address the others listen on.
 */
export function setReceiver(kind: ReceiverKind, on: boolean, port?: number): Promise<boolean> {
  const existing = useLiveSourcesStore.getState().sources.find((s) => s.kind === kind);
  const wantPort = port ?? existing?.port ?? DEFAULT_PORTS[kind];
  if (existing && (existing.port === wantPort || !on)) {
    return act(kind, (c) => c.api.liveSourceSetEnabled({ id: existing.id, enabled: on }));
  }
  const host = useLiveSourcesStore.getState().sources.find((s) => s.kind !== 'follow' && s.host)?.host ?? '127.0.0.1';
  const config: Record<string, unknown> = { host, port: wantPort };
  if (existing?.token) config.token = existing.token;
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost' && kind !== 'http') config.allowRemote = true;
  return act(kind, (c) => c.api.liveSourceAdd({ kind: kind as LiveKind, config }));
}

/** Follow a file, folder or glob. */
export async function followPath(path: string, fromStart: boolean): Promise<boolean> {
  const ok = await act('follow', (c) =>
    c.api.liveSourceAdd({ kind: 'follow', config: { paths: [path], start: fromStart ? 'beginning' : 'end' } }),
  );
  if (ok) notices.info('Following', path);
  return ok;
}

export function removeSource(id: string): Promise<boolean> {
  return act(id, (c) => c.api.liveSourceRemove({ id }));
}
