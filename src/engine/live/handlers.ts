/**
 * The protocol methods of live sources and live tail, for the engine's handler table. A
 * tail belongs to the connection that started it (`peer`): its batches go there only,
 * and only it may stop it.
 */
import type { Params, Result } from '../../shared/protocol';
import type { LiveManager } from './manager';
import type { TailHub, TailPeer } from './tail';

type LiveMethod =
  'liveSources' | 'liveSourceAdd' | 'liveSourceRemove' | 'liveSourceSetEnabled' | 'tailStart' | 'tailStop';
export type LiveHandlers = { [M in LiveMethod]: (params: Params<M>, peer: TailPeer) => Promise<Result<M>> };

export function liveHandlers(live: LiveManager, tail: TailHub): LiveHandlers {
  return {
    liveSources: async () => ({ sources: live.list(), available: live.available() }),
    liveSourceAdd: (p) => live.add({ kind: p.kind, config: p.config, id: p.id }),
    liveSourceRemove: async (p) => ({ removed: await live.remove(p.id) }),
    liveSourceSetEnabled: (p) => live.setEnabled(p.id, p.enabled),
    tailStart: async (p, peer) => ({ tailId: await tail.start(p.query, peer) }),
    tailStop: async (p, peer) => ({ stopped: tail.stop(p.tailId, peer) }),
  };
}
