/**
 * The live evaluator: rules over the stream, incrementally. Each committed batch is counted
 * into per (rule, group, step) counters once (a shared prefilter keeps most records away
 * from most predicates: rules are indexed by the level codes they accept and by one
 * field's exact values they require, looked up once per record; a word many rules
 * require is looked for once per record); each step is judged once it is over
 * (plus a grace for records still being committed), and a threshold crossed "above" is
 * judged as soon as the running count crosses it. Records land in the step of their own
 * time, so late and out-of-order ones count where they belong; steps older than the last
 * judged one are never judged again (replay over the store covers history). A clock that
 * jumps forward judges only the last window's steps; one that jumps back judges nothing
 * until it is past the last judged step again.
 */

import { MAX_GROUPS_PER_RULE, type Alert, type AlertRuleSpec } from '../../shared/alerts';
import { levelCode } from '../../shared/levels';
import type { Catalog } from '../query/catalog';
import { parseQueryOrThrow } from '../../shared/query/parse';
import type { AlertTransition, Clock } from './types';
import { compilePredicate, fieldGetter, fieldKey, type CompiledPredicate, type EvalRecord, type Lookups } from './predicate';
import { GroupMachine, groupFields, holds, timing, windowValue, type Timing } from './semantics';
import { alertId, alertQuery } from './alert-text';

/** How long after a step ends it is judged: records of that step still being committed. */
export const JUDGE_GRACE_MS = 1500;
/** Values kept per step for an aggregate rule (beyond it, the step's values are a sample). */
const MAX_VALUES_PER_STEP = 50_000;

interface Group {
  key: string;
  values: Record<string, string | null>;
  counts: Map<number, number>;
  nums: Map<number, number[]>;
  /** new-pattern: per step, counts by level code. */
  levels: Map<number, number[]>;
  pattern: number | null;
  machine: GroupMachine;
  acknowledged: boolean;
  silencedUntil: number | null;
  lastStep: number;
  /** The first step it had a record in: it is judged from there on (as replay does). */
  firstStep: number;
  /** Steps up to here are already decided (an early firing in a later step). */
  aheadUntil: number;
  /**
   * The step a batch is counting into and its count so far, added to `counts` when the
   * batch ends (flush): records of a batch mostly share a step, and a Map update per record
   * and rule was the counting's largest cost. `hotNums`: that step's list in `nums`.
   */
  hotStep: number;
  hotN: number;
  hotNums: number[] | null;
  /** The batch (observe call) that last counted into it: `touched` lists it once. */
  batch: number;
}

interface Rule {
  id: string;
  spec: AlertRuleSpec;
  /** JSON.stringify(spec): setRules keeps a rule whose spec is unchanged. */
  specJson: string;
  pred: CompiledPredicate;
  /** pred.terms as indexes into the evaluator's word list (checked once per record). */
  termIds: number[];
  /** What is left to test once the prefilter passed a record (for the exact term indexed). */
  residual: CompiledPredicate['residual'];
  t: Timing;
  keyOf: ((r: EvalRecord) => string | number | null)[];
  fields: string[];
  num: ((r: EvalRecord) => string | number | null) | null;
  groups: Map<string, Group>;
  /** A rule without groupBy: its one group, once it has it (no Map lookup per record). */
  only: Group | null;
  /** anomaly: the least score a record needs; else null. */
  minScore: number | null;
  /** t.stepMs, read per record and rule. */
  stepMs: number;
  lastJudged: number;
  warning: string | null;
}

export interface EvaluatorOptions {
  clock: Clock;
  catalog: () => Catalog;
  lookups: Lookups;
  /** When a pattern was first seen (ms), null when unknown. */
  firstSeen: (templateId: number) => number | null;
  onTransition: (t: AlertTransition) => void;
  onWarning?: (ruleId: string, warning: string | null) => void;
}

/** Rules requiring one of a field's exact values, by value, then by level code. */
interface ValueIndex {
  get: (r: EvalRecord) => string | number | null;
  byValue: Map<string, Rule[][]>;
}

export class LiveEvaluator {
  private rules = new Map<string, Rule>();
  /** Rules no exact value narrows, by the level codes they accept. */
  private byLevel: Rule[][] = [];
  /** The other rules, under the field whose exact values they require. */
  private byValue: ValueIndex[] = [];
  /** Every required word once; a record's answer for word i is memoised under its generation. */
  private words: string[] = [];
  private wordGen = new Float64Array(0);
  private wordHas = new Uint8Array(0);
  private gen = 0;
  /** The record being counted: its message lower-cased once, when a rule asks. */
  private curMessage = '';
  private curLower: string | null = null;
  private readonly lower = () => (this.curLower ??= this.curMessage.toLowerCase());
  private readonly firstSeenLocal = new Map<number, number>();
  private batch = 0;
  private readonly scratch: EvalRecord = { ts: 0, level: 0, source: '', host: null, app: null, message: '', format: '', parseError: null, line: 0, fields: null, templateId: null, anomaly: null, ingestTs: 0 };

  constructor(private readonly opts: EvaluatorOptions) {}

  /** The enabled rules (a rule kept by id keeps its groups and state). */
  setRules(list: { id: string; spec: AlertRuleSpec }[]): void {
    const next = new Map<string, Rule>();
    const now = this.opts.clock.now();
    for (const { id, spec } of list) {
      const old = this.rules.get(id);
      const specJson = JSON.stringify(spec);
      if (old && old.specJson === specJson) {
        next.set(id, old);
        continue;
      }
      const catalog = this.opts.catalog();
      const t = timing(spec);
      const fields = groupFields(spec);
      next.set(id, {
        id,
        spec,
        specJson,
        termIds: [],
        residual: null,
        t,
        pred: compilePredicate(parseQueryOrThrow(spec.query), catalog, this.opts.lookups),
        fields,
        keyOf: fields.map((f) => fieldGetter(this.opts.lookups, catalog.resolve(f)!)),
        num: spec.kind === 'aggregate' && spec.field ? fieldGetter(this.opts.lookups, { ...catalog.resolve(spec.field)!, type: 'number' }) : null,
        groups: new Map(),
        only: null,
        minScore: spec.kind === 'anomaly' ? (spec.score ?? 0.5) : null,
        stepMs: t.stepMs,
        lastJudged: Math.floor((now - JUDGE_GRACE_MS) / t.stepMs) - 1,
        warning: null,
      });
    }
    this.rules = next;
    this.index();
  }

  /** Build the prefilter over the current rules. */
  private index(): void {
    const byLevel = (): Rule[][] => Array.from({ length: 8 }, () => []);
    const add = (lists: Rule[][], r: Rule) => {
      for (let code = r.pred.minLevel; code <= r.pred.maxLevel; code++) lists[code]?.push(r);
    };
    const words = new Map<string, number>();
    this.byLevel = byLevel();
    const fields = new Map<string, ValueIndex>();
    // A rule with several exact terms goes under the field with the most values among all
    // rules' exact terms (host over service): the fewest rules per record.
    const distinct = new Map<string, Set<string>>();
    for (const r of this.rules.values())
      for (const a of r.pred.alternatives) {
        const k = fieldKey(a.exact.field);
        const set = distinct.get(k) ?? new Set<string>();
        for (const v of a.exact.values) set.add(v);
        distinct.set(k, set);
      }
    const spread = (a: CompiledPredicate['alternatives'][number]) => (distinct.get(fieldKey(a.exact.field))?.size ?? 0) / a.exact.values.length;
    for (const r of this.rules.values()) {
      r.termIds = r.pred.terms.map((w) => {
        if (!words.has(w)) words.set(w, words.size);
        return words.get(w)!;
      });
      const best = r.pred.alternatives.reduce<CompiledPredicate['alternatives'][number] | null>((b, a) => (!b || spread(a) > spread(b) ? a : b), null);
      r.residual = best ? best.residual : r.pred.residual;
      const ex = best?.exact;
      if (!ex) {
        add(this.byLevel, r);
        continue;
      }
      const key = fieldKey(ex.field);
      let ix = fields.get(key);
      if (!ix) fields.set(key, (ix = { get: fieldGetter(this.opts.lookups, ex.field), byValue: new Map() }));
      for (const v of ex.values) {
        let lists = ix.byValue.get(v);
        if (!lists) ix.byValue.set(v, (lists = byLevel()));
        add(lists, r);
      }
    }
    this.byValue = [...fields.values()];
    this.words = [...words.keys()];
    this.wordGen = new Float64Array(this.words.length);
    this.wordHas = new Uint8Array(this.words.length);
  }

  get ruleCount(): number {
    return this.rules.size;
  }

  /** Count a batch of committed records (live: from the stream now; else history). */
  observe(records: readonly EvalRecord[]): void {
    this.observeWith(records, copyRecord);
  }

  /**
   * Count a batch, each item read into one scratch record by `fill`: the ingest path's
   * records are counted without building a second object per record (at 500 rules and
   * tens of thousands of records a second, those copies and their collection cost as much
   * as the counting). Nothing here keeps the record past its own turn.
   */
  observeWith<T>(items: readonly T[], fill: (item: T, into: EvalRecord) => void): void {
    if (!this.rules.size) return;
    const touched: [Group, Rule][] = [];
    this.batch++;
    const r = this.scratch;
    for (let i = 0; i < items.length; i++) {
      fill(items[i]!, r);
      if (r.templateId !== null && !this.firstSeenLocal.has(r.templateId)) {
        const known = this.opts.firstSeen(r.templateId);
        this.firstSeenLocal.set(r.templateId, known === null ? r.ts : Math.min(known, r.ts));
      }
      this.curMessage = r.message;
      this.curLower = null;
      const lower = this.lower;
      const gen = ++this.gen;
      const all = this.byLevel[r.level];
      if (all && all.length) this.count(all, r, lower, gen, touched);
      for (let f = 0; f < this.byValue.length; f++) {
        const ix = this.byValue[f]!;
        // compare() in predicate.ts: a text field equals a value only as this very string.
        const v = ix.get(r);
        if (typeof v !== 'string') continue;
        const list = ix.byValue.get(v)?.[r.level];
        if (list && list.length) this.count(list, r, lower, gen, touched);
      }
    }
    for (const [g] of touched) flushHot(g);
    // Early judgement: a count that crosses "above" in the current step fires now.
    const now = this.opts.clock.now();
    for (const [g, rule] of touched) {
      if (rule.spec.kind === 'silence' || rule.spec.kind === 'rate' || rule.spec.kind === 'aggregate') continue;
      if (rule.spec.kind === 'threshold' && rule.spec.above === undefined) continue;
      const cur = Math.floor(now / rule.t.stepMs);
      if (cur <= rule.lastJudged) continue;
      const stepEnd = (cur + 1) * rule.t.stepMs;
      const value = this.value(rule, g, cur);
      if (!holds(rule.spec, value)) continue;
      // The steps before this one that are over but still in their grace are judged
      // first, at their own ends: one of them may fire (or resolve) before this one can.
      for (let b = Math.max(rule.lastJudged + 1, g.firstStep, g.aheadUntil + 1); b < cur; b++) {
        const v = this.value(rule, g, b);
        const end = (b + 1) * rule.t.stepMs;
        this.apply(rule, g, end, holds(rule.spec, v), v ?? 0, end, true);
        g.aheadUntil = b;
      }
      if (g.machine.wouldFire(stepEnd)) {
        g.aheadUntil = cur - 1;
        this.apply(rule, g, stepEnd, true, value ?? 0, now, true);
      }
    }
  }

  /** Count one record for each of `rules` it matches. */
  private count(rules: readonly Rule[], r: EvalRecord, lower: () => string, gen: number, touched: [Group, Rule][]): void {
    const wordGen = this.wordGen;
    const wordHas = this.wordHas;
    for (let k = 0; k < rules.length; k++) {
      const rule = rules[k]!;
      const ids = rule.termIds;
      let ok = true;
      for (let j = 0; j < ids.length; j++) {
        const w = ids[j]!;
        if (wordGen[w] !== gen) {
          wordGen[w] = gen;
          wordHas[w] = lower().includes(this.words[w]!) ? 1 : 0;
        }
        if (!wordHas[w]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const rest = rule.residual;
      if (rest && !rest(r, lower)) continue;
      if (rule.minScore !== null && (r.anomaly === null || r.anomaly < rule.minScore)) continue;
      const g = rule.keyOf.length === 0 && rule.only ? rule.only : this.group(rule, r);
      if (!g) continue;
      const step = Math.floor(r.ts / rule.stepMs);
      if (step !== g.hotStep) {
        flushHot(g);
        g.hotStep = step;
        g.hotNums = null;
        if (step > g.lastStep) g.lastStep = step;
        if (step < g.firstStep) g.firstStep = step;
      }
      g.hotN++;
      if (rule.num) {
        const v = rule.num(r);
        if (typeof v === 'number') {
          let arr = g.hotNums;
          if (!arr) {
            arr = g.nums.get(step) ?? [];
            g.nums.set(step, arr);
            g.hotNums = arr;
          }
          if (arr.length < MAX_VALUES_PER_STEP) arr.push(v);
        }
      }
      if (rule.spec.kind === 'new-pattern') {
        const arr = g.levels.get(step) ?? new Array<number>(8).fill(0);
        arr[r.level]!++;
        g.levels.set(step, arr);
      }
      if (g.batch !== this.batch) {
        g.batch = this.batch;
        touched.push([g, rule]);
      }
    }
  }

  /** Judge every step that is over. Call about once a second. */
  tick(): void {
    const now = this.opts.clock.now();
    for (const rule of this.rules.values()) {
      const due = Math.floor((now - JUDGE_GRACE_MS) / rule.t.stepMs) - 1;
      if (due <= rule.lastJudged) continue;
      const first = Math.max(rule.lastJudged + 1, due - rule.t.steps);
      for (let b = first; b <= due; b++) {
        const stepEnd = (b + 1) * rule.t.stepMs;
        for (const g of rule.groups.values()) {
          if (b < g.firstStep || b <= g.aheadUntil) continue;
          const value = this.value(rule, g, b);
          this.apply(rule, g, stepEnd, holds(rule.spec, value), value ?? 0, stepEnd, stepEnd >= now - JUDGE_GRACE_MS - 2 * rule.t.stepMs);
        }
      }
      rule.lastJudged = due;
      this.prune(rule, due);
    }
  }

  alerts(): Alert[] {
    const out: Alert[] = [];
    for (const rule of this.rules.values()) for (const g of rule.groups.values()) if (g.machine.state) out.push(this.alertOf(rule, g));
    return out;
  }

  warning(ruleId: string): string | null {
    return this.rules.get(ruleId)?.warning ?? null;
  }

  /** Acknowledge or silence an open alert; returns it, or null when the evaluator does not hold it. */
  mark(alertIdText: string, change: { acknowledged?: boolean; silencedUntil?: number | null }): Alert | null {
    for (const rule of this.rules.values()) {
      for (const g of rule.groups.values()) {
        if (alertId(rule.id, g.values) !== alertIdText) continue;
        if (change.acknowledged !== undefined) g.acknowledged = change.acknowledged;
        if (change.silencedUntil !== undefined) g.silencedUntil = change.silencedUntil;
        return this.alertOf(rule, g);
      }
    }
    return null;
  }

  // -------------------------------------------------------------------------------------

  private group(rule: Rule, r: EvalRecord): Group | null {
    // One field (the common case) is keyed by the record's own string, whose hash V8 keeps:
    // no array, no JSON, no concatenation per record and rule. null gets a key no log
    // value has in practice (a lone NUL); a number is keyed as its text, as replay groups it.
    let vals: (string | null)[] | null = null;
    let key: string;
    if (rule.keyOf.length === 0) key = '';
    else if (rule.keyOf.length === 1) {
      const v = rule.keyOf[0]!(r);
      key = v === null ? '\u0000' : typeof v === 'string' ? v : String(v);
    } else {
      vals = rule.keyOf.map((get) => {
        const v = get(r);
        return v === null ? null : String(v);
      });
      key = JSON.stringify(vals);
    }
    let g = rule.groups.get(key);
    if (g) return g;
    vals ??= rule.keyOf.map((get) => {
      const v = get(r);
      return v === null ? null : String(v);
    });
    if (rule.groups.size >= MAX_GROUPS_PER_RULE) {
      if (!rule.warning) {
        rule.warning = `more than ${MAX_GROUPS_PER_RULE} groups by ${rule.fields.join(', ')}: new groups are not tracked (group by a field with fewer values)`;
        this.opts.onWarning?.(rule.id, rule.warning);
      }
      return null;
    }
    const values: Record<string, string | null> = {};
    rule.fields.forEach((f, i) => (values[f] = vals[i]!));
    g = {
      key,
      values,
      counts: new Map(),
      nums: new Map(),
      levels: new Map(),
      pattern: r.templateId,
      machine: new GroupMachine(rule.t),
      acknowledged: false,
      silencedUntil: null,
      lastStep: Math.floor(r.ts / rule.t.stepMs),
      firstStep: Math.floor(r.ts / rule.t.stepMs),
      aheadUntil: Number.NEGATIVE_INFINITY,
      hotStep: Number.NaN,
      hotN: 0,
      hotNums: null,
      batch: 0,
    };
    rule.groups.set(key, g);
    if (rule.keyOf.length === 0) rule.only = g;
    return g;
  }

  /** The window's value ending at step b, as semantics.ts defines it per kind. */
  private value(rule: Rule, g: Group, b: number): number | null {
    const spec = rule.spec;
    if (spec.kind !== 'new-pattern') return windowValue(spec, rule.t, g.counts, g.nums, b);
    const { steps, stepMs } = rule.t;
    const first = g.pattern === null ? null : this.firstSeenLocal.get(g.pattern) ?? null;
    const windowStart = (b + 1) * stepMs - rule.t.windowMs;
    if (first === null || first < windowStart) return 0;
    if (spec.categories && !spec.categories.includes(this.opts.lookups.category(g.pattern) as never)) return 0;
    const min = levelCode(spec.severity);
    const inferred = this.opts.lookups.severity(g.pattern);
    let n = 0;
    for (let k = b - steps + 1; k <= b; k++) {
      const lv = g.levels.get(k);
      if (!lv) continue;
      for (let code = 0; code < 8; code++) if ((code === 0 ? inferred : code) >= min) n += lv[code]!;
    }
    return n;
  }

  private apply(rule: Rule, g: Group, stepEnd: number, cond: boolean, value: number, recordAt: number, live: boolean): void {
    const ch = g.machine.judge(stepEnd, cond, value, recordAt);
    if (!ch) return;
    if (ch.to === 'firing' && ch.from !== 'firing') g.acknowledged = false;
    this.opts.onTransition({ alert: this.alertOf(rule, g), ruleId: rule.id, rule: rule.spec, from: ch.from, to: ch.to, at: recordAt, live });
  }

  private alertOf(rule: Rule, g: Group): Alert {
    const m = g.machine;
    const to = m.resolvedAt ?? this.opts.clock.now();
    return {
      id: alertId(rule.id, g.values),
      ruleId: rule.id,
      rule: rule.spec.name,
      kind: rule.spec.kind,
      group: g.values,
      state: m.state ?? 'resolved',
      startedAt: m.startedAt,
      firedAt: m.firedAt,
      resolvedAt: m.resolvedAt,
      value: Number.isFinite(m.value) ? m.value : Number.MAX_VALUE,
      peak: Number.isFinite(m.peak) ? m.peak : Number.MAX_VALUE,
      acknowledged: g.acknowledged,
      silencedUntil: g.silencedUntil,
      query: alertQuery(rule.spec.query, g.values),
      from: Math.min(m.startedAt, to) - rule.t.windowMs,
      to,
    };
  }

  /** Drop counts no window will read again, and groups with nothing left to say. */
  private prune(rule: Rule, judged: number): void {
    const keep = judged - rule.t.steps - rule.t.baselineSteps;
    const keepsGroups = rule.spec.kind === 'silence' || (rule.spec.kind === 'threshold' && rule.spec.below !== undefined);
    for (const [key, g] of rule.groups) {
      for (const map of [g.counts, g.nums, g.levels] as Map<number, unknown>[]) for (const k of map.keys()) if (k < keep) map.delete(k);
      const idle = g.counts.size === 0 && g.machine.state !== 'pending' && g.machine.state !== 'firing';
      if (idle && !keepsGroups && !g.machine.inCooldown((judged + 1) * rule.t.stepMs)) {
        rule.groups.delete(key);
        if (rule.only === g) rule.only = null;
      }
    }
  }
}

/** Add a group's hot step count to its counts (what every reader of counts sees). */
function flushHot(g: Group): void {
  g.hotNums = null;
  if (g.hotN === 0) return;
  g.counts.set(g.hotStep, (g.counts.get(g.hotStep) ?? 0) + g.hotN);
  g.hotN = 0;
}

function copyRecord(from: EvalRecord, into: EvalRecord): void {
  into.ts = from.ts;
  into.level = from.level;
  into.source = from.source;
  into.host = from.host;
  into.app = from.app;
  into.message = from.message;
  into.format = from.format;
  into.parseError = from.parseError;
  into.line = from.line;
  into.fields = from.fields;
  into.templateId = from.templateId;
  into.anomaly = from.anomaly;
  into.ingestTs = from.ingestTs;
}
