/**
 * What a rule means, step by step, shared by the live evaluator and replay so they agree
 * to the step (src/shared/alerts.ts's header is the prose): the timing of a rule, whether
 * its condition holds for a value, and the per-group state machine.
 */
import { alertStepMs, parseDuration, STEPS_PER_WINDOW, type AlertRuleSpec, type AlertState } from '../../shared/alerts';

export interface Timing {
  windowMs: number;
  stepMs: number;
  /** Steps per window. */
  steps: number;
  forMs: number;
  cooldownMs: number;
  /** rate: how many steps back the baseline window ends. */
  baselineSteps: number;
}

export function timing(spec: AlertRuleSpec): Timing {
  const stepMs = alertStepMs(spec.window);
  return {
    windowMs: stepMs * STEPS_PER_WINDOW,
    stepMs,
    steps: STEPS_PER_WINDOW,
    forMs: parseDuration(spec.for) ?? 0,
    cooldownMs: parseDuration(spec.cooldown) ?? 0,
    baselineSteps: spec.baseline ? Math.max(1, Math.round((parseDuration(spec.baseline) ?? 0) / stepMs)) : 0,
  };
}

/** The groups a rule's values are split by (new-pattern rules are always per pattern). */
export function groupFields(spec: AlertRuleSpec): string[] {
  if (spec.kind === 'new-pattern') return spec.groupBy.includes('pattern') ? spec.groupBy : ['pattern', ...spec.groupBy];
  if (spec.kind === 'silence' && spec.groupBy.length === 0) return ['source'];
  return spec.groupBy;
}

/** Whether the condition holds for a window's value (null: not judged, so it does not). */
export function holds(spec: AlertRuleSpec, value: number | null): boolean {
  if (value === null || Number.isNaN(value)) return false;
  switch (spec.kind) {
    case 'silence':
      return value === 0;
    case 'new-pattern':
      return value > 0;
    case 'anomaly':
      return value > (spec.above ?? 0);
    default:
      return spec.above !== undefined ? value > spec.above : spec.below !== undefined && value < spec.below;
  }
}

/** rate: the ratio of a window's count to its baseline's, or null when neither side has minCount. */
export function rateValue(count: number, base: number, minCount: number): number | null {
  if (count < minCount && base < minCount) return null;
  if (base === 0) return count > 0 ? Number.POSITIVE_INFINITY : null;
  return count / base;
}

/**
 * The value of the window that ends at step b, from per-step counts (and numbers, for
 * aggregate), for every kind but new-pattern: the live evaluator and replay both judge
 * with this, so they cannot drift apart. new-pattern also needs when the pattern was first
 * seen, which each of them knows its own way; it gets the window's count here.
 */
export function windowValue(
  spec: AlertRuleSpec,
  t: Pick<Timing, 'steps' | 'baselineSteps'>,
  counts: Map<number, number>,
  nums: Map<number, number[]>,
  b: number,
): number | null {
  let count = 0;
  for (let k = b - t.steps + 1; k <= b; k++) count += counts.get(k) ?? 0;
  switch (spec.kind) {
    case 'rate': {
      let base = 0;
      for (let k = b - t.baselineSteps - t.steps + 1; k <= b - t.baselineSteps; k++) base += counts.get(k) ?? 0;
      return rateValue(count, base, spec.minCount ?? 1);
    }
    case 'aggregate': {
      const vals: number[] = [];
      for (let k = b - t.steps + 1; k <= b; k++) for (const v of nums.get(k) ?? []) vals.push(v);
      return aggregate(spec.fn ?? 'avg', vals);
    }
    default:
      return count;
  }
}

/** p50..p99 as DuckDB's quantile_cont (linear between the closest ranks), avg, min, max, sum. */
export function aggregate(fn: string, values: number[]): number | null {
  if (!values.length) return null;
  switch (fn) {
    case 'avg': return values.reduce((a, b) => a + b, 0) / values.length;
    case 'sum': return values.reduce((a, b) => a + b, 0);
    case 'min': return values.reduce((a, b) => Math.min(a, b));
    case 'max': return values.reduce((a, b) => Math.max(a, b));
  }
  const q = Number(fn.slice(1)) / 100;
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface MachineChange {
  from: AlertState | null;
  to: AlertState;
}

/**
 * One (rule, group)'s state. `judge(at, holds, value)` is called at the end of every step
 * (`at` = the step's end, event time), and may be called early in a step when the
 * condition already holds and would fire at once (a live count crossing `above`).
 */
export class GroupMachine {
  state: AlertState | null = null;
  startedAt = 0;
  firedAt: number | null = null;
  resolvedAt: number | null = null;
  /** When it last stopped firing: the cooldown runs from there. */
  lastFiringEnd: number | null = null;
  value = 0;
  peak = 0;

  constructor(private readonly t: Pick<Timing, 'forMs' | 'cooldownMs'>) {}

  inCooldown(at: number): boolean {
    return this.lastFiringEnd !== null && at - this.lastFiringEnd < this.t.cooldownMs;
  }

  /** Whether holding at `stepEnd` would make it fire now (for early judgement). */
  wouldFire(stepEnd: number): boolean {
    if (this.state === 'firing' || this.inCooldown(stepEnd)) return false;
    if (this.state === 'pending') return stepEnd - this.startedAt >= this.t.forMs;
    return this.t.forMs === 0;
  }

  /** `at`: the step end the judgement is about; `recordAt`: the time to store (defaults to at). */
  judge(at: number, cond: boolean, value: number, recordAt = at): MachineChange | null {
    this.value = value;
    const from = this.state;
    if (cond) {
      if (from === 'firing') {
        this.peak = Math.max(this.peak, value);
        return null;
      }
      if (from !== 'pending') {
        this.startedAt = recordAt;
        this.firedAt = null;
        this.resolvedAt = null;
        this.peak = value;
      } else {
        this.peak = Math.max(this.peak, value);
      }
      const fire = !this.inCooldown(at) && (from === 'pending' ? at - this.startedAt >= this.t.forMs : this.t.forMs === 0);
      if (fire) {
        this.state = 'firing';
        this.firedAt = recordAt;
        return { from, to: 'firing' };
      }
      if (from === 'pending') return null;
      this.state = 'pending';
      return { from, to: 'pending' };
    }
    if (from === 'pending' || from === 'firing') {
      this.state = 'resolved';
      this.resolvedAt = recordAt;
      if (from === 'firing') this.lastFiringEnd = at;
      return { from, to: 'resolved' };
    }
    return null;
  }
}
