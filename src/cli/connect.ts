import WebSocket from 'ws';
import { createEngineClient, type EngineApi, type EngineClient, type Transport } from '../shared/client';
import type { EventData, EventName } from '../shared/protocol';
import { Engine, CallError } from '../engine/engine';
import { readEngineFile, type EngineInfo } from '../engine/host/engine-file';
import { StoreLockedError } from '../engine/store/store';
import { methodNames } from '../shared/protocol';

/** The engine as the CLI sees it: the same API whether it runs in this process or another. */
export interface EngineHandle {
  api: EngineApi;
  subscribe<E extends EventName>(event: E, handler: (data: EventData<E>) => void): () => void;
  /** The engine in this process, when the CLI opened the database itself. */
  local: Engine | null;
  close(): Promise<void>;
}

/**
 * DuckDB lets one process hold a database file for writing. When an engine (desktop or
 * `logscope serve`) already runs on the folder, talk to it over its protocol; otherwise
 * open the database here.
 */
export async function connectEngine(dataDir: string, say: (msg: string) => void): Promise<EngineHandle> {
  const info = readEngineFile(dataDir);
  if (info) {
    const client = await connectRemote(info).catch(() => null);
    if (client) {
      say(`using the LogScope engine already running on ${dataDir} (pid ${info.pid})`);
      return { api: client.api, subscribe: client.subscribe, local: null, close: async () => client.close() };
    }
  }
  let engine: Engine;
  try {
    engine = await Engine.open({ dataDir, mode: 'headless' });
  } catch (err) {
    if (err instanceof StoreLockedError) {
      throw new Error(`${err.message}, and it does not answer on its port; close it or choose another --data folder`);
    }
    throw err;
  }
  const api = {} as Record<string, (p: unknown) => Promise<unknown>>;
  for (const m of methodNames) api[m] = (p) => engine.call(m, p);
  return {
    api: api as unknown as EngineApi,
    subscribe: (event, handler) => engine.on(event, handler),
    local: engine,
    close: () => engine.close(),
  };
}

export function connectRemote(
  info: Pick<EngineInfo, 'port' | 'token'>,
  timeoutMs = 3000,
  /** Told when the connection closes after it was open (the engine stopped). */
  onClose?: (reason: string) => void,
): Promise<EngineClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${info.port}/ws?token=${encodeURIComponent(info.token)}`, {
      headers: { host: `127.0.0.1:${info.port}` },
    });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('the running engine did not answer'));
    }, timeoutMs);
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.once('open', () => {
      clearTimeout(timer);
      if (onClose) ws.on('close', () => onClose('the engine closed the connection'));
      const transport: Transport = {
        send: (msg) => ws.send(JSON.stringify(msg)),
        onMessage: (h) => ws.on('message', (d) => h(JSON.parse(String(d)))),
        onClose: (h) => ws.on('close', () => h('the engine closed the connection')),
        close: () => ws.close(),
      };
      resolve(createEngineClient(transport));
    });
  });
}

export { CallError };
