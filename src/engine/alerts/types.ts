/**
 * What the alert evaluator (service.ts) hands the notifier (notify/): one state change of
 * one (rule, group). The notifier decides who is told, groups changes that come together
 * into one notice and rate-limits per channel; the evaluator never waits for it.
 */
import type { Alert, AlertRuleSpec, AlertState } from '../../shared/alerts';

export interface AlertTransition {
  alert: Alert;
  ruleId: string;
  rule: AlertRuleSpec;
  from: AlertState | null;
  to: AlertState;
  /** When it changed (the evaluator's clock). */
  at: number;
  /**
   * False when judged over history (records imported from old files, a restart catching
   * up): stored, shown in the history, never notified.
   */
  live: boolean;
}

/** Wall-clock time, replaceable in tests (the evaluator is driven by a controllable clock). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};
