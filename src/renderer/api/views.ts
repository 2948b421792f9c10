/**
 * Which view's queries to run, and when. Only the view on screen runs: the applied query
 * changing runs it afresh; new data (or a reconnect) refreshes it and marks the others
 * stale; switching to a view runs it if what it shows is not for the applied query, or
 * refreshes it if it went stale while hidden.
 */
import type { View } from '../stores/view';

export interface ViewScheduler {
  /** The applied query changed, or the view switched: bring the visible view up to date. */
  ensure(): void;
  /** Everything shown may be out of date (new data, the engine came back). */
  invalidate(): void;
}

export function createViewScheduler<Q>(deps: {
  runners: Record<View, (refresh: boolean) => void>;
  view: () => View;
  applied: () => Q;
}): ViewScheduler {
  const ranFor = new Map<View, Q>();
  const stale = new Set<View>();
  return {
    ensure() {
      const v = deps.view();
      const applied = deps.applied();
      const fresh = ranFor.get(v) !== applied;
      if (!fresh && !stale.has(v)) return;
      ranFor.set(v, applied);
      stale.delete(v);
      deps.runners[v](!fresh);
    },
    invalidate() {
      for (const v of ranFor.keys()) stale.add(v);
    },
  };
}
