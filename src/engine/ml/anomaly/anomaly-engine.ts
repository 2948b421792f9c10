/**
 * The engine's per-record anomaly side: the model in use (service.ts: the user's refitted
 * one, else the shipped default), the scorer the writer calls for every batch (scorer.ts),
 * people's verdicts (the anomaly_overrides table), and refits as jobs with progress events.
 *
 * A verdict on a pattern applies to the stored rows in one commit (score 0 and not
 * anomalous for 'normal', 1 and anomalous for 'anomalous') and to every record of the
 * pattern that arrives later; a verdict on a record changes that row. Clearing a verdict
 * leaves stored scores as they are (the model's answer for them is gone) and lets the
 * model score new records again.
 */
import type { AnomalyVerdict, EventData } from '../../../shared/protocol';
import type { Level } from '../../../shared/levels';
import type { Store } from '../../store/store';
import type { LogWriter } from '../../store/writer';
import { AnomalyScorer } from './scorer';
import { AnomalyService, MIN_REFIT_RECORDS, RefitCancelledError, RefitRefusedError, type RefitJob } from './service';

/** Records people marked anomalous, or of patterns they marked so: left out of a refit's baseline. */
const BASELINE_WHERE = `id NOT IN (SELECT record_id FROM anomaly_overrides WHERE verdict = 'anomalous' AND record_id IS NOT NULL)
  AND coalesce(template_id, 4294967295) NOT IN (SELECT template_id FROM anomaly_overrides WHERE verdict = 'anomalous' AND template_id IS NOT NULL)`;
const DAY_MS = 86_400_000;

export class AnomalyNotFoundError extends Error {}

export interface AnomalyEngineOptions {
  dataDir: string;
  store: Store;
  writer: LogWriter;
  severityOf: (templateId: number) => Level | null;
  templateText: (id: number) => string | null;
  emit: (data: EventData<'anomalyRefitProgressed'>) => void;
  /** Folder of the shipped model (tests point it elsewhere); default: models/. */
  defaultModelDir?: string | null;
  /** Refit over the last week once a day (default true). */
  schedule?: boolean;
}

export class AnomalyEngine {
  private readonly jobs = new Map<string, RefitJob>();

  private constructor(
    private readonly opts: AnomalyEngineOptions,
    readonly service: AnomalyService,
    readonly scorer: AnomalyScorer,
  ) {}

  static async open(opts: AnomalyEngineOptions): Promise<AnomalyEngine> {
    const service = await AnomalyService.open({
      dataDir: opts.dataDir,
      store: opts.store,
      defaultModelDir: opts.defaultModelDir,
      baselineWhere: BASELINE_WHERE,
    });
    const scorer = new AnomalyScorer({
      model: () => service.model,
      severityOf: opts.severityOf,
    });
    await scorer.seed((sql, params) => opts.store.read(sql, params));
    for (const r of await opts.store.read(`SELECT template_id, verdict FROM anomaly_overrides WHERE template_id IS NOT NULL`)) {
      scorer.patternVerdicts.set(Number(r.template_id), String(r.verdict) as AnomalyVerdict);
    }
    const engine = new AnomalyEngine(opts, service, scorer);
    opts.writer.extras = { stage: (records, firstId, fallbackTs) => scorer.stage(records, firstId, fallbackTs)?.result ?? null };
    if (opts.schedule !== false) engine.startSchedule();
    return engine;
  }

  /** For health.models: the anomaly model's state and, when it is not in use, why. */
  status(): { name: string; state: 'ready' | 'missing' | 'failed'; reason: string | null; version: string | null } {
    const m = this.service.model;
    if (m) return { name: 'anomaly', state: 'ready', reason: this.scorer.lastError, version: `${m.card.trainedOn.kind}@${m.card.createdAt}` };
    const problems = this.service.loadProblems;
    const missing = problems.every((p) => p.startsWith('no anomaly model'));
    return { name: 'anomaly', state: missing ? 'missing' : 'failed', reason: problems.join('; ') || null, version: null };
  }

  /** A person's verdict on a pattern or a record (null clears it); durable when this resolves. */
  async setVerdict(target: { templateId?: number; recordId?: number }, verdict: AnomalyVerdict | null): Promise<number> {
    const store = this.opts.store;
    const w = this.opts.writer;
    let updated = 0;
    if (target.templateId !== undefined) {
      const id = target.templateId;
      const [t] = await store.read(`SELECT template FROM templates WHERE id = ?`, [id]);
      const text = this.opts.templateText(id) ?? (t ? String(t.template) : null);
      if (text === null) throw new AnomalyNotFoundError(`no pattern ${id}: it does not exist (any more)`);
      w.writeWithNextCommit(`DELETE FROM anomaly_overrides WHERE template_id = ?`, [id]);
      if (verdict) {
        this.scorer.patternVerdicts.set(id, verdict);
        w.writeWithNextCommit(`INSERT INTO anomaly_overrides VALUES (?, NULL, ?, ?, now()::TIMESTAMP)`, [id, verdict, text]);
        const [c] = await store.read(`SELECT count(*)::DOUBLE AS n FROM logs WHERE template_id = ?`, [id]);
        updated = Number(c?.n ?? 0);
        // Stored rows follow at once, in the same commit as the verdict; merged patterns' rows too.
        w.writeWithNextCommit(
          `UPDATE logs SET anomaly = ?, anomalous = ? WHERE template_id = ? OR template_id IN (SELECT id FROM templates WHERE merged_into = ?)`,
          [verdict === 'normal' ? 0 : 1, verdict === 'anomalous', id, id],
        );
      } else this.scorer.patternVerdicts.delete(id);
    } else if (target.recordId !== undefined) {
      const id = target.recordId;
      const [r] = await store.read(`SELECT id FROM logs WHERE id = ?`, [id]);
      if (!r) throw new AnomalyNotFoundError(`no record ${id}`);
      w.writeWithNextCommit(`DELETE FROM anomaly_overrides WHERE record_id = ?`, [id]);
      if (verdict) {
        w.writeWithNextCommit(`INSERT INTO anomaly_overrides VALUES (NULL, ?, ?, NULL, now()::TIMESTAMP)`, [id, verdict]);
        w.writeWithNextCommit(`UPDATE logs SET anomaly = ?, anomalous = ? WHERE id = ?`, [verdict === 'normal' ? 0 : 1, verdict === 'anomalous', id]);
        updated = 1;
      }
    }
    // An empty batch: its promise resolves once the statements above are committed.
    await w.append({ source: { name: '', kind: 'file', format: null }, records: [], fallbackTs: Date.now() });
    return updated;
  }

  async verdicts(): Promise<Array<{ templateId: number | null; recordId: number | null; verdict: AnomalyVerdict; template: string | null; updatedAt: number }>> {
    const rows = await this.opts.store.read(
      `SELECT template_id, record_id::DOUBLE AS record_id, verdict, template, epoch_ms(updated_at)::DOUBLE AS at FROM anomaly_overrides ORDER BY updated_at DESC`,
    );
    return rows.map((r) => ({
      templateId: r.template_id === null ? null : Number(r.template_id),
      recordId: r.record_id === null ? null : Number(r.record_id),
      verdict: String(r.verdict) as AnomalyVerdict,
      template: r.template === null ? null : String(r.template),
      updatedAt: Number(r.at),
    }));
  }

  /** The verdict that applies to one record: its own, else its pattern's. */
  async verdictOf(recordId: number, templateId: number | null): Promise<{ verdict: AnomalyVerdict; on: 'record' | 'pattern' } | null> {
    const rows = await this.opts.store.read(
      `SELECT verdict, record_id IS NOT NULL AS on_record FROM anomaly_overrides WHERE record_id = ? OR template_id = ? ORDER BY on_record DESC LIMIT 1`,
      [recordId, templateId ?? -1],
    );
    const r = rows[0];
    return r ? { verdict: String(r.verdict) as AnomalyVerdict, on: r.on_record ? 'record' : 'pattern' } : null;
  }

  /** "Learn from this range": throws RefitRefusedError (with why) when it cannot start. */
  async refit(from: number, to: number, scheduled = false): Promise<string> {
    if (!(to > from)) throw new RefitRefusedError('the range to learn from is empty: its end is not after its start');
    // Counted before the job starts, so the person is told at once rather than by an event.
    const [c] = await this.opts.store.read(
      `SELECT count(*)::DOUBLE AS n FROM logs WHERE ts >= make_timestamp(?::BIGINT) AND ts < make_timestamp(?::BIGINT) AND ${BASELINE_WHERE}`,
      [Math.ceil(from * 1000), Math.ceil(to * 1000)],
    );
    const n = Number(c?.n ?? 0);
    if (n < MIN_REFIT_RECORDS) {
      throw new RefitRefusedError(
        `not enough records to learn from: ${n} in this range${n ? ' (records marked anomalous left out)' : ''}, and a refit needs at least ${MIN_REFIT_RECORDS}`,
      );
    }
    let jobId = '';
    const job = this.service.refitRange(from, to, {
      kind: scheduled ? 'recent' : 'range',
      onProgress: (p) => this.opts.emit({ jobId, state: 'running', phase: p.phase, fraction: p.fraction, message: null, scheduled }),
    });
    jobId = job.id;
    this.jobs.set(job.id, job);
    job.done.then(
      (m) =>
        this.opts.emit({
          jobId,
          state: 'done',
          phase: 'done',
          fraction: 1,
          message: `fitted on ${m.card.trainedOn.records} records of ${m.card.trainedOn.patterns} patterns`,
          scheduled,
        }),
      (err: Error) =>
        this.opts.emit({
          jobId,
          state: err instanceof RefitCancelledError ? 'cancelled' : 'failed',
          phase: 'done',
          fraction: 0,
          message: err.message,
          scheduled,
        }),
    ).finally(() => this.jobs.delete(jobId));
    return job.id;
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job) return false;
    job.cancel();
    return true;
  }

  private timer: NodeJS.Timeout | null = null;

  /**
   * Once a day, refit over the week before the newest record when at least a day's worth of
   * new records (MIN_REFIT_RECORDS or more) came since the model was fitted.
   */
  private startSchedule(): void {
    this.timer = setInterval(() => void this.scheduledRefit().catch((err: Error) => console.error(`logscope: scheduled refit: ${err.message}`)), DAY_MS);
    this.timer.unref();
  }

  async scheduledRefit(): Promise<string | null> {
    if (this.service.refitting) return null;
    const fittedTo = this.service.model?.card.trainedOn.to ?? 0;
    const [b] = await this.opts.store.read(
      `SELECT epoch_ms(max(ts))::DOUBLE AS hi, count(*) FILTER (WHERE ts > make_timestamp(?::BIGINT))::DOUBLE AS fresh FROM logs`,
      [Math.round(fittedTo * 1000)],
    );
    if (!b || b.hi === null || Number(b.fresh) < 1000) return null;
    const to = Number(b.hi) + 1;
    try {
      return await this.refit(to - 7 * DAY_MS, to, true);
    } catch (err) {
      if (err instanceof RefitRefusedError) return null;
      throw err;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.opts.writer.extras = null;
    this.service.close();
  }
}
