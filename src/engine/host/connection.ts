import { directedEvents, eventNames, RequestSchema, type EventMsg, type ResponseMsg } from '../../shared/protocol';
import { CallError, type Engine } from '../engine';
import type { TailPeer } from '../live/tail';

/**
 * Serves the protocol on one pipe (a MessagePort or a WebSocket): validates each request
 * on arrival, answers it, and forwards every engine event. Returns a function that stops
 * the forwarding when the pipe closes.
 */
export function serveConnection(
  engine: Engine,
  send: (msg: ResponseMsg | EventMsg) => void,
  /** Bytes sent and not yet gone out (a WebSocket's bufferedAmount): a live tail holds back while it grows. */
  backlog: () => number = () => 0,
): {
  receive: (raw: unknown) => void;
  close: () => void;
} {
  const unsubscribe = eventNames
    .filter((event) => !directedEvents.has(event))
    .map((event) => engine.on(event, (data) => send({ t: 'evt', event, data })));
  // This connection's own subscriptions (live tail) deliver here only.
  const peer: TailPeer = { deliver: (data) => send({ t: 'evt', event: 'tailRecords', data }), backlog };
  return {
    receive(raw) {
      const req = RequestSchema.safeParse(raw);
      if (!req.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
        send({ t: 'res', id, ok: false, error: { code: 'bad_request', message: `malformed request: ${req.error.issues[0]?.message ?? 'invalid'}` } });
        return;
      }
      const { id, method, params } = req.data;
      engine.call(method, params, peer).then(
        (result) => send({ t: 'res', id, ok: true, result }),
        (err) => {
          const info = err instanceof CallError ? err.info : { code: 'internal' as const, message: String((err as Error).message) };
          send({ t: 'res', id, ok: false, error: info });
        },
      );
    },
    close() {
      unsubscribe.forEach((u) => u());
      engine.tail.dropPeer(peer);
    },
  };
}
