/**
 * A typed client for the engine protocol, over any message pipe (a MessagePort in the
 * desktop app, a WebSocket in headless mode and for the CLI). Method calls are generated
 * from the method table in protocol.ts, so callers write `client.api.search({...})` and
 * never a method name as a string.
 */
import {
  EngineMessageSchema,
  events,
  methods,
  methodNames,
  type ErrorInfo,
  type EventData,
  type EventName,
  type MethodName,
  type ParamsIn,
  type RequestMsg,
  type Result,
} from './protocol';

export interface Transport {
  send(msg: RequestMsg): void;
  /** Register the handler for every message that arrives (already decoded from JSON). */
  onMessage(handler: (msg: unknown) => void): void;
  /** Called when the pipe closes; pending calls fail. */
  onClose(handler: (reason: string) => void): void;
  close(): void;
}

/** A failed call, carrying the engine's error (with the query position for query errors). */
export class EngineError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'EngineError';
  }
}

export type EngineApi = { [M in MethodName]: (params: ParamsIn<M>) => Promise<Result<M>> };

export interface EngineClient {
  api: EngineApi;
  subscribe<E extends EventName>(event: E, handler: (data: EventData<E>) => void): () => void;
  close(): void;
}

export function createEngineClient(transport: Transport): EngineClient {
  let nextId = 1;
  const pending = new Map<number, { method: MethodName; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const handlers = new Map<EventName, Set<(data: unknown) => void>>();

  transport.onMessage((raw) => {
    const parsed = EngineMessageSchema.safeParse(raw);
    if (!parsed.success) return; // not ours; nothing sane to do with it
    const msg = parsed.data;
    if (msg.t === 'res') {
      const call = pending.get(msg.id);
      if (!call) return;
      pending.delete(msg.id);
      if (!msg.ok) return call.reject(new EngineError(msg.error));
      const result = methods[call.method].result.safeParse(msg.result);
      if (result.success) call.resolve(result.data);
      else call.reject(new EngineError({ code: 'internal', message: `bad ${call.method} result: ${result.error.message}` }));
    } else {
      const data = events[msg.event].safeParse(msg.data);
      if (!data.success) return;
      for (const h of handlers.get(msg.event) ?? []) h(data.data);
    }
  });
  transport.onClose((reason) => {
    for (const call of pending.values()) call.reject(new EngineError({ code: 'unavailable', message: reason }));
    pending.clear();
  });

  const api = {} as Record<MethodName, (params: unknown) => Promise<unknown>>;
  for (const method of methodNames) {
    api[method] = (params: unknown) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { method, resolve, reject });
        transport.send({ t: 'req', id, method, params: params ?? {} });
      });
  }

  return {
    api: api as unknown as EngineApi,
    subscribe(event, handler) {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler as (d: unknown) => void);
      return () => set.delete(handler as (d: unknown) => void);
    },
    close: () => transport.close(),
  };
}
