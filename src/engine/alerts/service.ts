/**
 * Alerts in the engine: rules stored in DuckDB (alert_rules), the live evaluator fed with
 * every committed live batch, states and history written with the writer's commits
 * (alerts, alert_events), the notifier told of every transition, replay over the store,
 * and the protocol's alert methods.
 */
import { randomUUID } from 'node:crypto';
import { AlertRuleInputSchema, type Alert, type AlertEvent, type AlertRule, type AlertRuleSpec } from '../../shared/alerts';
import { levelCode } from '../../shared/levels';
import type { Params, Result } from '../../shared/protocol';
import type { IngestRecord } from '../../ingest/record';
import type { RecordSink } from '../../ingest/sources/sink';
import type { Store } from '../store/store';
import type { LogWriter } from '../store/writer';
import type { Catalog } from '../query/catalog';
import { LiveEvaluator } from './evaluator';
import type { Lookups } from './predicate';
import { replayRule } from './replay';
import { checkRule, type RuleProblem } from './validate';
import { BUILTIN_RULES } from './builtin';
import { createNotifier, type Notifier } from './notify/index';
import type { AlertTransition, Clock } from './types';
import { alertId, alertQuery as alertQueryOf } from './alert-text';
import { timing } from './semantics';

/** Episodes stored per rule and imported file (a rule firing all through a file says so in its first thousand). */
const HISTORY_EPISODES = 1000;
/** Records counted per turn of the event loop on the ingest path (see wrapSink). */
const OBSERVE_SLICE = 250;

export class AlertRuleError extends Error {
  constructor(
    readonly problems: RuleProblem[],
    readonly code: 'bad_request' | 'query' | 'not_found' = 'bad_request',
  ) {
    super(problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '));
  }
}

export interface AlertServiceOptions {
  store: Store;
  writer: LogWriter;
  clock: Clock;
  catalog: () => Promise<Catalog>;
  lookups: Lookups;
  emit: {
    alertsChanged(d: { open: number; alerts: Alert[] }): void;
    alertRulesChanged(d: { rules: AlertRule[] }): void;
    alertNotice: Parameters<typeof createNotifier>[0]['emitNotice'];
  };
  fetch?: typeof fetch;
  uiUrl?: () => string | null;
}

interface StoredRule {
  id: string;
  spec: AlertRuleSpec;
  builtin: boolean;
  createdAt: number;
  updatedAt: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class AlertService {
  private rules = new Map<string, StoredRule>();
  private evaluator!: LiveEvaluator;
  readonly notifier: Notifier;
  private catalog: Catalog | null = null;
  private timer: { cancel(): void } | null = null;
  private closed = false;
  private firstSeen = new Map<number, number>();
  private historyQueue: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: AlertServiceOptions) {
    this.notifier = createNotifier({ clock: opts.clock, emitNotice: opts.emit.alertNotice, fetch: opts.fetch, uiUrl: opts.uiUrl });
  }

  static async open(opts: AlertServiceOptions): Promise<AlertService> {
    const s = new AlertService(opts);
    s.catalog = await opts.catalog();
    s.evaluator = new LiveEvaluator({
      clock: opts.clock,
      catalog: () => s.catalog!,
      lookups: opts.lookups,
      firstSeen: (id) => s.firstSeen.get(id) ?? null,
      onTransition: (t) => s.transition(t),
      onWarning: () => opts.emit.alertRulesChanged({ rules: s.list() }),
    });
    for (const r of await opts.store.read('SELECT id, epoch_ms(first_ts) AS f FROM templates')) s.firstSeen.set(Number(r.id), Number(r.f));
    for (const r of await opts.store.read('SELECT id, spec, builtin, epoch_ms(created_at) AS c, epoch_ms(updated_at) AS u FROM alert_rules')) {
      const parsed = AlertRuleInputSchema.safeParse(JSON.parse(String(r.spec)));
      if (!parsed.success) continue;
      s.rules.set(String(r.id), { id: String(r.id), spec: parsed.data, builtin: Boolean(r.builtin), createdAt: Number(r.c), updatedAt: Number(r.u) });
    }
    let added = false;
    for (const b of BUILTIN_RULES) {
      if (s.rules.has(b.id)) continue;
      const now = opts.clock.now();
      s.rules.set(b.id, { id: b.id, spec: AlertRuleInputSchema.parse(b.rule), builtin: true, createdAt: now, updatedAt: now });
      s.persistRule(b.id);
      added = true;
    }
    if (added) await s.flush();
    s.applyRules();
    s.schedule();
    return s;
  }

  /** The live sink, with every committed batch counted by the rules. */
  wrapSink(inner: RecordSink): RecordSink {
    return {
      write: async (source, records, o) => {
        await inner.write(source, records, o);
        const fallbackTs = o?.fallbackTs ?? this.opts.clock.now();
        // In slices, each after a turn of the event loop: right after a commit the writer
        // has only sent its next commit's first statement, and counting a whole batch here
        // would hold back the next (the insert) for the whole count. Sliced, the counting
        // fills the time the main thread waits on DuckDB.
        for (let i = 0; i < records.length; i += OBSERVE_SLICE) {
          await new Promise<void>((r) => setImmediate(r));
          this.observe(source.name, i === 0 && records.length <= OBSERVE_SLICE ? records : records.slice(i, i + OBSERVE_SLICE), fallbackTs);
        }
      },
      get full() {
        return inner.full;
      },
      whenSpace: () => inner.whenSpace(),
    };
  }

  observe(source: string, records: readonly IngestRecord[], fallbackTs: number): void {
    if (!this.evaluator.ruleCount || !records.length) return;
    const now = this.opts.clock.now();
    this.evaluator.observeWith(records, (r, into) => {
      into.ts = r.ts ?? fallbackTs;
      into.level = levelCode(r.level);
      into.source = source;
      into.host = r.host;
      into.app = r.app;
      into.message = r.message;
      into.format = r.format;
      into.parseError = r.parseError;
      into.line = r.line;
      into.fields = r.fields;
      into.templateId = r.templateId ?? null;
      into.anomaly = r.anomaly ?? null;
      into.ingestTs = now;
    });
  }

  /**
   * Records imported from files are history, not live: every enabled rule is replayed over
   * the stretch the file covers, restricted to its source, and what it would have done is
   * stored as events that are not live (the Alerts view's history says so). Nothing is
   * notified and no current alert changes. One file at a time, in the order they end.
   */
  judgeHistory(file: { source: string; fromTs: number; toTs: number }): Promise<void> {
    const run = this.historyQueue.then(() => this.judgeHistoryNow(file));
    this.historyQueue = run.catch((err: Error) => console.error(`logscope: judging ${file.source} as alert history: ${err.message}`));
    return run;
  }

  private async judgeHistoryNow(file: { source: string; fromTs: number; toTs: number }): Promise<void> {
    const rules = [...this.rules.values()].filter((r) => r.spec.enabled);
    if (!rules.length || this.closed) return;
    await this.refreshCatalog();
    let stored = 0;
    for (const r of rules) {
      if (this.closed) return;
      const spec = { ...r.spec, query: alertQueryOf(r.spec.query, { source: file.source }) };
      const t = timing(spec);
      // Past the file's last record until the windows have emptied, so an episode that
      // runs to the end resolves; a silence rule stops at the last record (the file
      // ending is not its source falling silent).
      const to = spec.kind === 'silence' ? file.toTs + 1 : file.toTs + t.windowMs + t.stepMs;
      const res = await replayRule(this.opts.store, this.catalog!, spec, { from: file.fromTs, to, limit: HISTORY_EPISODES });
      for (const e of res.episodes) {
        const a = { id: alertId(r.id, e.group), ruleId: r.id, rule: r.spec.name, group: e.group };
        this.storeEvent(a, { at: e.start, from: t.forMs > 0 ? 'pending' : null, to: 'firing', value: e.peak, live: false });
        if (e.end !== null) this.storeEvent(a, { at: e.end, from: 'firing', to: 'resolved', value: e.peak, live: false });
        stored++;
      }
    }
    if (stored) await this.flush();
  }

  /** Refresh the catalogue (new JSON fields) the next rules compile against. */
  async refreshCatalog(): Promise<void> {
    this.catalog = await this.opts.catalog();
  }

  // ---- protocol ------------------------------------------------------------------------

  handlers() {
    return {
      alertRules: async () => ({ rules: this.list() }),
      alertRuleSave: (p: Params<'alertRuleSave'>) => this.save(p.id ?? null, p.rule),
      alertRuleCheck: async (p: Params<'alertRuleCheck'>): Promise<Result<'alertRuleCheck'>> => {
        await this.refreshCatalog();
        return { problems: checkRule(p.rule, this.catalog!).problems };
      },
      alertRuleDelete: async (p: Params<'alertRuleDelete'>) => {
        const had = this.rules.delete(p.id);
        if (had) {
          this.opts.writer.writeWithNextCommit('DELETE FROM alert_rules WHERE id = ?', [p.id]);
          await this.flush();
          this.applyRules();
        }
        return { deleted: had };
      },
      alertRuleSetEnabled: async (p: Params<'alertRuleSetEnabled'>) => {
        const r = this.rules.get(p.id);
        if (!r) throw new AlertRuleError([{ path: '', message: `no rule ${p.id}` }], 'not_found');
        return this.save(p.id, { ...r.spec, enabled: p.enabled });
      },
      alertsList: (p: Params<'alertsList'>) => this.alertsList(p),
      alertHistory: (p: Params<'alertHistory'>) => this.history(p),
      alertAck: (p: Params<'alertAck'>) => this.mark(p.id, { acknowledged: true }, 'acknowledged'),
      alertSilence: (p: Params<'alertSilence'>) => this.mark(p.id, { silencedUntil: p.until }, 'silenced'),
      alertReplay: async (p: Params<'alertReplay'>): Promise<Result<'alertReplay'>> => {
        const spec = await this.checked(p.rule);
        const to = p.to ?? this.opts.clock.now();
        const from = p.from ?? to - 7 * 86_400_000;
        return replayRule(this.opts.store, this.catalog!, spec, { from, to, limit: p.limit });
      },
      alertChannels: async () => ({ channels: this.notifier.status() }),
      alertChannelTest: (p: Params<'alertChannelTest'>) => this.notifier.test(p.channel, p.payload),
    };
  }

  list(): AlertRule[] {
    return [...this.rules.values()]
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map((r) => ({ id: r.id, spec: r.spec, createdAt: r.createdAt, updatedAt: r.updatedAt, builtin: r.builtin, warning: this.evaluator.warning(r.id) }));
  }

  async save(id: string | null, input: unknown): Promise<AlertRule> {
    const spec = await this.checked(input);
    const now = this.opts.clock.now();
    const ruleId = id ?? randomUUID();
    const old = this.rules.get(ruleId);
    this.rules.set(ruleId, { id: ruleId, spec, builtin: old?.builtin ?? false, createdAt: old?.createdAt ?? now, updatedAt: now });
    this.persistRule(ruleId);
    await this.flush();
    this.applyRules();
    return this.list().find((r) => r.id === ruleId)!;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    await this.historyQueue; // stops at its next rule: the store must outlive its reads
    await this.notifier.close();
  }

  // ---- internals -----------------------------------------------------------------------

  private async checked(input: unknown): Promise<AlertRuleSpec> {
    await this.refreshCatalog();
    const { spec, problems } = checkRule(input, this.catalog!);
    if (!spec) {
      const q = problems.find((p) => p.path === 'query' && p.start !== undefined);
      throw new AlertRuleError(q ? [q] : problems, q ? 'query' : 'bad_request');
    }
    return spec;
  }

  private persistRule(id: string): void {
    const r = this.rules.get(id)!;
    this.opts.writer.writeWithNextCommit('INSERT OR REPLACE INTO alert_rules VALUES (?, ?, ?, ?, make_timestamp(CAST(? AS BIGINT)), make_timestamp(CAST(? AS BIGINT)))', [
      id, JSON.stringify(r.spec), r.spec.enabled, r.builtin, r.createdAt * 1000, r.updatedAt * 1000,
    ]);
  }

  /** Resolves once what was queued for the writer is committed. */
  private async flush(): Promise<void> {
    await this.opts.writer.append({ source: { name: '', kind: 'file', format: null }, records: [], fallbackTs: this.opts.clock.now() });
  }

  private applyRules(): void {
    this.evaluator.setRules([...this.rules.values()].filter((r) => r.spec.enabled).map((r) => ({ id: r.id, spec: r.spec })));
    this.opts.emit.alertRulesChanged({ rules: this.list() });
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.evaluator.tick();
      this.schedule();
    }, 1000);
  }

  /** Run the due judgements now (tests with a controlled clock). */
  tick(): void {
    this.evaluator.tick();
  }

  private transition(t: AlertTransition): void {
    this.store(t.alert, { at: t.at, from: t.from, to: t.to, value: t.alert.value, live: t.live });
    this.notifier.push(t);
    this.announce();
  }

  private store(a: Alert, e: { at: number; from: AlertEvent['from']; to: AlertEvent['to']; value: number; live: boolean }): void {
    const w = this.opts.writer;
    const group = JSON.stringify(a.group);
    w.writeWithNextCommit(
      `INSERT OR REPLACE INTO alerts VALUES (?, ?, ?, ?, make_timestamp(CAST(? AS BIGINT)), ?::TIMESTAMP, ?::TIMESTAMP, ?, ?, ?, ?::TIMESTAMP, make_timestamp(CAST(? AS BIGINT)), make_timestamp(CAST(? AS BIGINT)))`,
      [a.id, a.ruleId, group, a.state, Math.round(a.startedAt * 1000), iso(a.firedAt), iso(a.resolvedAt), a.value, a.peak, a.acknowledged, iso(a.silencedUntil), Math.round(a.from * 1000), Math.round(a.to * 1000)],
    );
    this.storeEvent(a, e);
  }

  /** One state change in alert_events (the history). */
  private storeEvent(
    a: Pick<Alert, 'id' | 'ruleId' | 'rule' | 'group'>,
    e: { at: number; from: AlertEvent['from']; to: AlertEvent['to']; value: number; live: boolean },
  ): void {
    this.opts.writer.writeWithNextCommit(`INSERT INTO alert_events VALUES (make_timestamp(CAST(? AS BIGINT)), ?, ?, ?, ?, ?, ?, ?, ?)`, [
      Math.round(e.at * 1000), a.id, a.ruleId, a.rule, JSON.stringify(a.group), e.from, e.to, Number.isFinite(e.value) ? e.value : Number.MAX_VALUE, e.live,
    ]);
  }

  private announce(): void {
    const alerts = this.evaluator.alerts();
    const open = alerts.filter((a) => a.state === 'firing' && !a.acknowledged).length;
    this.opts.emit.alertsChanged({ open, alerts });
  }

  private async mark(id: string, change: { acknowledged?: boolean; silencedUntil?: number | null }, to: 'acknowledged' | 'silenced'): Promise<Alert> {
    const a = this.evaluator.mark(id, change) ?? (await this.storedAlert(id, change));
    if (!a) throw new AlertRuleError([{ path: '', message: `no alert ${id}` }], 'not_found');
    this.store(a, { at: this.opts.clock.now(), from: a.state, to, value: a.value, live: true });
    await this.flush();
    this.announce();
    return a;
  }

  private async storedAlert(id: string, change: { acknowledged?: boolean; silencedUntil?: number | null }): Promise<Alert | null> {
    const rows = await this.alertRows('WHERE a.id = ?', [id], 1);
    const a = rows[0];
    if (!a) return null;
    return { ...a, ...change } as Alert;
  }

  private async alertRows(where: string, params: unknown[], limit: number): Promise<Alert[]> {
    const rows = await this.opts.store.read(
      `SELECT a.id, a.rule_id, a.group_values, a.state, epoch_ms(a.started_at) AS started, epoch_ms(a.fired_at) AS fired,
              epoch_ms(a.resolved_at) AS resolved, a.value, a.peak, a.acknowledged, epoch_ms(a.silenced_until) AS silenced,
              epoch_ms(a.window_from) AS wf, epoch_ms(a.window_to) AS wt
       FROM alerts a ${where} ORDER BY coalesce(a.resolved_at, a.fired_at, a.started_at) DESC LIMIT ${Math.floor(limit)}`,
      params,
    );
    return rows.map((r) => {
      const rule = this.rules.get(String(r.rule_id));
      const group = JSON.parse(String(r.group_values)) as Record<string, string | null>;
      return {
        id: String(r.id),
        ruleId: String(r.rule_id),
        rule: rule?.spec.name ?? String(r.rule_id),
        kind: rule?.spec.kind ?? 'threshold',
        group,
        state: String(r.state) as Alert['state'],
        startedAt: Number(r.started),
        firedAt: r.fired === null ? null : Number(r.fired),
        resolvedAt: r.resolved === null ? null : Number(r.resolved),
        value: Number(r.value),
        peak: Number(r.peak),
        acknowledged: Boolean(r.acknowledged),
        silencedUntil: r.silenced === null ? null : Number(r.silenced),
        query: rule ? alertQueryOf(rule.spec.query, group) : '',
        from: Number(r.wf),
        to: Number(r.wt),
      };
    });
  }

  private async alertsList(p: Params<'alertsList'>): Promise<Result<'alertsList'>> {
    // What the evaluator holds is newest; the table has what it let go and what a restart left.
    const live = this.evaluator.alerts();
    const ids = new Set(live.map((a) => a.id));
    const stored = (await this.alertRows('', [], p.limit * 2)).filter((a) => !ids.has(a.id));
    const all = [...live, ...stored]
      .filter((a) => p.states.includes(a.state) && (p.ruleId === null || a.ruleId === p.ruleId))
      .sort((a, b) => (b.resolvedAt ?? b.firedAt ?? b.startedAt) - (a.resolvedAt ?? a.firedAt ?? a.startedAt))
      .slice(0, p.limit);
    return { alerts: all, open: live.filter((a) => a.state === 'firing' && !a.acknowledged).length };
  }

  private async history(p: Params<'alertHistory'>): Promise<Result<'alertHistory'>> {
    const cond: string[] = [];
    const params: unknown[] = [];
    if (p.ruleId !== null) {
      cond.push('rule_id = ?');
      params.push(p.ruleId);
    }
    if (p.alertId !== null) {
      cond.push('alert_id = ?');
      params.push(p.alertId);
    }
    if (p.from !== null) {
      cond.push('changed_at >= make_timestamp(CAST(? AS BIGINT))');
      params.push(Math.round(p.from * 1000));
    }
    if (p.to !== null) {
      cond.push('changed_at < make_timestamp(CAST(? AS BIGINT))');
      params.push(Math.round(p.to * 1000));
    }
    const rows = await this.opts.store.read(
      `SELECT epoch_ms(changed_at) AS at, alert_id, rule_id, rule_name, group_values, from_state, to_state, value, live FROM alert_events
       ${cond.length ? `WHERE ${cond.join(' AND ')}` : ''} ORDER BY changed_at DESC LIMIT ${Math.floor(p.limit)}`,
      params,
    );
    return {
      events: rows.map((r) => ({
        at: Number(r.at),
        alertId: String(r.alert_id),
        ruleId: String(r.rule_id),
        rule: String(r.rule_name),
        group: JSON.parse(String(r.group_values)) as Record<string, string | null>,
        from: r.from_state === null ? null : (String(r.from_state) as AlertEvent['from']),
        to: String(r.to_state) as AlertEvent['to'],
        value: Number(r.value),
        live: Boolean(r.live),
      })),
    };
  }
}

