/**
 * Transitions that come together become one notification: the first one opens a short
 * window, everything pushed before it closes goes out with it. Short enough that a
 * crossing is announced well inside a second, long enough that a storm of alerts from one
 * tick (a rule over 240 hosts) is one message, not 240.
 */
import type { Clock } from '../types';

/** The window; a figure of the notify path's latency budget (p99 ≤ 1 s, bench/alerts). */
export const GROUP_MS = 300;

export interface Batcher<T> {
  push(item: T): void;
  /** Send what is waiting now (at close). */
  flush(): void;
  cancel(): void;
}

export function createBatcher<T>(clock: Clock, windowMs: number, deliver: (items: T[]) => void): Batcher<T> {
  let items: T[] = [];
  let timer: { cancel(): void } | null = null;
  const flush = () => {
    timer?.cancel();
    timer = null;
    if (items.length === 0) return;
    const out = items;
    items = [];
    deliver(out);
  };
  return {
    push(item) {
      items.push(item);
      timer ??= clock.setTimeout(flush, windowMs);
    },
    flush,
    cancel() {
      timer?.cancel();
      timer = null;
      items = [];
    },
  };
}
