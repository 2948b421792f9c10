/**
 * Live tail in Explore: on or off, paused or streaming, what it held while paused, and
 * how fast matching records arrive. The rows themselves go into the results store (the
 * table shows one list); this store keeps only the tail's own state.
 */
import { create } from 'zustand';
import type { LogRow } from '../../shared/protocol';

/** The table keeps at most this many rows while live; older ones fall off the bottom. */
export const MAX_LIVE_ROWS = 10_000;

export type LiveStatus = 'off' | 'starting' | 'live' | 'error';

export interface LiveState {
  on: boolean;
  paused: boolean;
  status: LiveStatus;
  error: string | null;
  /** Rows that arrived while paused, newest first (bounded; the oldest go first). */
  held: LogRow[];
  /** Matches not kept: the engine's buffer overflowed, or more arrived while paused than are held. */
  dropped: number;
  /** Matching records per second over the last few seconds. */
  rate: number;
  /** Matching records since Live was turned on. */
  received: number;
}

const initial = {
  on: false,
  paused: false,
  status: 'off' as LiveStatus,
  error: null,
  held: [] as LogRow[],
  dropped: 0,
  rate: 0,
  received: 0,
} satisfies LiveState;

export const useLiveStore = create<LiveState>()(() => ({ ...initial }));

export const liveActions = {
  starting() {
    useLiveStore.setState({ ...initial, on: true, status: 'starting' });
  },
  started() {
    useLiveStore.setState({ status: 'live', error: null });
  },
  failed(error: string) {
    useLiveStore.setState({ ...initial, status: 'error', error });
  },
  stopped() {
    useLiveStore.setState({ ...initial });
  },
  setPaused(paused: boolean) {
    useLiveStore.setState({ paused });
  },
  /** Rows (oldest first, as they arrive) held while paused. */
  hold(rows: LogRow[], dropped: number) {
    const s = useLiveStore.getState();
    const next = rows.slice().reverse().concat(s.held);
    const over = Math.max(0, next.length - MAX_LIVE_ROWS);
    useLiveStore.setState({ held: over ? next.slice(0, MAX_LIVE_ROWS) : next, dropped: s.dropped + dropped + over });
  },
  /** Take what was held (newest first) and clear it. */
  takeHeld(): LogRow[] {
    const held = useLiveStore.getState().held;
    useLiveStore.setState({ held: [] });
    return held;
  },
  counted(received: number, dropped: number, rate: number) {
    const s = useLiveStore.getState();
    useLiveStore.setState({ received: s.received + received, dropped: s.dropped + dropped, rate });
  },
  rate(rate: number) {
    if (useLiveStore.getState().rate !== rate) useLiveStore.setState({ rate });
  },
};

/** Samples of arrivals for a rate over a sliding window. */
export class RateMeter {
  private samples: Array<[number, number]> = [];
  constructor(private readonly windowMs = 5_000) {}
  add(n: number, now: number): void {
    this.samples.push([now, n]);
    this.trim(now);
  }
  /** Per second, over the window (or since the first sample, when younger than the window). */
  rate(now: number, since: number): number {
    this.trim(now);
    const total = this.samples.reduce((a, [, n]) => a + n, 0);
    const span = Math.max(1000, Math.min(this.windowMs, now - since));
    return (total * 1000) / span;
  }
  reset(): void {
    this.samples = [];
  }
  private trim(now: number): void {
    while (this.samples.length && now - this.samples[0]![0] > this.windowMs) this.samples.shift();
  }
}
