/**
 * The engine's classification service: loads the models, classifies each pattern the miner
 * produces (once when it appears, again when its text generalises), keeps the answers in a
 * cache keyed by pattern id, writes them to the templates table, and holds people's
 * overrides. The ingest path pays one Set insertion per record (`observe`); inference runs
 * on onnxruntime's threads, off the ingest path, in batches.
 *
 * Where answers are stored: templates.category/category_confidence/severity/
 * severity_confidence/classified_by hold the effective class (override applied), written
 * with the writer's next commit. A pattern's row may not exist yet when its answer is ready
 * (its rows still queued behind a full writer queue), so written answers are checked
 * against the store after commits and written again until they are there.
 */
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestRecord } from '../../ingest/record';
import { levelCode, levelFromCode, type Level } from '../../shared/levels';
import type { DuckDBType } from '@duckdb/node-api';
import { bindLists, type Store } from '../store/store';
import type { LogWriter } from '../store/writer';
import { TemplateClassifier, type TemplateClass, type TemplateOverride } from './classifier';
import { CATEGORIES, isCategory, SEVERITIES, type Category } from './labels';
import { ModelRuntime, type ModelStatus } from './runtime';

export const MODEL_SPECS = [
  { name: 'category', labels: CATEGORIES },
  { name: 'severity', labels: SEVERITIES },
] as const;

/** The file people's overrides are exported to, in the data folder, for `npm run train -- --overrides`. */
export const OVERRIDES_EXPORT = 'pattern-overrides.jsonl';

const BATCH = 256;
const RECONCILE_MS = 1000;
/** Checks of a written answer whose pattern row never appeared before it is given up. */
const MAX_RECONCILE_TRIES = 300;

export interface MlServiceOptions {
  modelsDir: string | null;
  store: Store;
  writer: LogWriter;
  /** The miner's current text of a pattern. */
  templateText: (id: number) => string | null;
  /** Where the overrides export goes (the data folder); null: not exported. */
  exportDir: string | null;
}

export class MlService {
  /** Text each pattern was last classified with (or is queued with). */
  private readonly texts = new Map<number, string>();
  private readonly queue = new Map<number, string>();
  private running: Promise<void> | null = null;
  private readonly unconfirmed = new Map<number, number>();
  private reconcileTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Scratch set reused by observe(): no allocation per batch. */
  private readonly seen = new Set<number>();
  readonly classifier = new TemplateClassifier(null);
  private runtime: ModelRuntime | null = null;
  private tag = '';
  /** Settles when the models are loaded (or found missing) and stored answers are read. */
  readonly ready: Promise<void>;

  /** Answers waiting for the next commit, by pattern id (the latest answer wins). */
  private readonly pendingAnswers = new Map<number, unknown[]>();

  /** Settles when people's overrides are read (open waits for it). */
  private readonly overridesLoaded: Promise<void>;

  private constructor(private readonly opts: MlServiceOptions) {
    opts.writer.beforeCommit.push(() => this.answersToCommit());
    // The models load only once the overrides are read: the stored answers they redo are
    // written with the override applied, and one written before it was known put the
    // model's class back over a person's correction after a restart (a flaky test showed it).
    this.overridesLoaded = this.loadOverrides();
    this.ready = this.overridesLoaded.then(() => this.load());
    this.ready.catch(() => undefined); // open reports a failed read; callers of ready see it too
  }

  /**
   * Overrides are read before this resolves; the models load in the background (loading
   * onnxruntime costs ~0.5 s, which the engine's start does not wait for). Patterns seen
   * meanwhile are queued and classified once the models are there.
   */
  static async open(opts: MlServiceOptions): Promise<MlService> {
    const service = new MlService(opts);
    await service.overridesLoaded;
    return service;
  }

  private async load(): Promise<void> {
    const runtime = await ModelRuntime.load(this.opts.modelsDir, MODEL_SPECS);
    for (const s of runtime.status()) {
      if (s.state === 'failed') console.error(`logscope: model ${s.name} not used: ${s.reason}`);
    }
    this.tag = runtime
      .status()
      .filter((s) => s.state === 'ready')
      .map((s) => `${s.name}@${s.version}`)
      .join(' ');
    this.runtime = runtime;
    this.classifier.attach(runtime);
    if (this.closed) return;
    if (!this.classifier.available) {
      this.queue.clear();
      this.texts.clear();
      return;
    }
    await this.loadStored();
  }

  /** Model states for health: which models run, and why the others do not. */
  status(): Array<Omit<ModelStatus, 'state'> & { state: ModelStatus['state'] | 'loading' }> {
    if (!this.runtime) return MODEL_SPECS.map((m) => ({ name: m.name, state: 'loading', reason: null, version: null, sha256: null }));
    return this.runtime.status();
  }

  /**
   * Note the patterns of a batch (after the miner gave them ids): new ones, and ones whose
   * text changed, are queued for classification. Cost per record: a Set insertion.
   */
  observe(records: readonly IngestRecord[]): void {
    if ((this.runtime && !this.classifier.available) || this.closed) return;
    const seen = this.seen;
    for (let i = 0; i < records.length; i++) {
      const id = records[i]!.templateId;
      if (id !== null && id !== undefined) seen.add(id);
    }
    for (const id of seen) {
      const text = this.opts.templateText(id);
      if (text !== null && this.texts.get(id) !== text) {
        this.texts.set(id, text);
        this.queue.set(id, text);
      }
    }
    seen.clear();
    if (this.queue.size && this.runtime) this.kick();
  }

  /** The class of a pattern (override applied): a Map lookup. */
  classOf(id: number | null | undefined): TemplateClass | undefined {
    return id === null || id === undefined ? undefined : this.classifier.get(id);
  }

  /** Inferred severity for a record of this pattern whose source gave no level. */
  severityFor(id: number | null | undefined): Level | null {
    return this.classifier.severityFor(id);
  }

  /** Resolves when everything queued so far is classified and handed to the writer. */
  async flush(): Promise<void> {
    await this.ready;
    while (!this.closed && (this.running || this.queue.size)) {
      if (!this.running) this.kick();
      await this.running;
    }
  }

  /**
   * A person's correction of a pattern's category and/or severity (null clears that part).
   * Applies at once (the cache), is durable when this resolves (the store), survives
   * restarts, and is exported for the next training run.
   */
  async setOverride(id: number, o: TemplateOverride): Promise<TemplateClass | null> {
    await this.ready;
    const text = this.opts.templateText(id) ?? this.texts.get(id) ?? null;
    const rows = await this.opts.store.read('SELECT template FROM templates WHERE id = ?', [id]);
    const stored = rows[0] ? String(rows[0].template) : null;
    const template = text ?? stored;
    if (template === null) throw new Error(`no pattern ${id}`);
    this.classifier.setOverride(id, o);
    if (!this.classifier.has(id) && this.classifier.available) await this.classifier.classifyTemplates([{ id, text: template }]);
    const w = this.opts.writer;
    if (o.category || o.severity) {
      w.writeWithNextCommit(`INSERT OR REPLACE INTO pattern_overrides VALUES (?, ?, ?, ?, now()::TIMESTAMP)`, [
        id,
        o.category,
        o.severity ? levelCode(o.severity) : null,
        template,
      ]);
    } else {
      w.writeWithNextCommit(`DELETE FROM pattern_overrides WHERE template_id = ?`, [id]);
    }
    const cls = this.classifier.get(id) ?? null;
    this.writeAnswers([id]);
    // Records already stored without a level follow their pattern's severity.
    w.writeWithNextCommit(`UPDATE logs SET severity = ?, severity_inferred = ? WHERE template_id = ? AND level = 0`, [
      cls?.severity ? levelCode(cls.severity) : null,
      cls?.severity ? true : null,
      id,
    ]);
    // An empty batch: its promise resolves once the statements above are committed.
    await w.append({ source: { name: '', kind: 'file', format: null }, records: [], fallbackTs: Date.now() });
    await this.exportOverrides();
    return cls;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.ready.catch(() => {});
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    await this.running;
    await this.runtime?.close();
  }

  // -------------------------------------------------------------------------------------

  private async loadOverrides(): Promise<void> {
    for (const r of await this.opts.store.read('SELECT template_id, category, severity FROM pattern_overrides')) {
      const category = r.category === null ? null : String(r.category);
      this.classifier.setOverride(Number(r.template_id), {
        category: category && isCategory(category) ? category : null,
        severity: levelFromCode(r.severity === null ? 0 : Number(r.severity)),
      });
    }
  }

  /** Answers kept in the store; patterns classified by other models are redone. */
  private async loadStored(): Promise<void> {
    const rows = await this.opts.store.read(
      `SELECT id, template, category, category_confidence, severity, severity_confidence, classified_by
       FROM templates WHERE merged_into IS NULL`,
    );
    for (const r of rows) {
      const id = Number(r.id);
      const text = String(r.template);
      if (this.texts.has(id)) continue; // seen by observe() while the models loaded: queued already
      this.texts.set(id, text);
      if (r.classified_by === this.tag) {
        const category = r.category === null ? null : String(r.category);
        this.classifier.remember(id, {
          category: category && isCategory(category) ? (category as Category) : null,
          confidence: r.category_confidence === null ? null : Number(r.category_confidence),
          severity: levelFromCode(r.severity === null ? 0 : Number(r.severity)),
          severityConfidence: r.severity_confidence === null ? null : Number(r.severity_confidence),
        });
      } else {
        // Other models' answers are redone; an overridden pattern still gets the model's
        // answer underneath, for when the override is cleared.
        this.queue.set(id, text);
      }
    }
    if (this.queue.size) this.kick();
  }

  private kick(): void {
    if (this.running || this.closed) return;
    this.running = (async () => {
      try {
        while (this.queue.size && !this.closed) {
          const items: Array<{ id: number; text: string }> = [];
          for (const [id, text] of this.queue) {
            items.push({ id, text });
            if (items.length >= BATCH) break;
          }
          for (const { id } of items) this.queue.delete(id);
          try {
            await this.classifier.classifyTemplates(items);
          } catch (err) {
            // A model that fails at run time: say so once per batch, keep ingesting.
            console.error(`logscope: classification failed: ${(err as Error).message}`);
            continue;
          }
          this.writeAnswers(items.map((i) => i.id));
        }
      } finally {
        this.running = null;
      }
    })();
  }

  /**
   * Write the effective classes of these patterns with the next commit: answers gather
   * here and go in one statement per commit (answersToCommit), however many classification
   * batches finished since the last one. During an import a commit is a chain of
   * statements whose every step waits for the busy JavaScript thread, so each statement
   * fewer is DuckDB time saved, not only SQL.
   */
  private writeAnswers(ids: number[]): void {
    let added = false;
    for (const id of ids) {
      const c = this.classifier.get(id);
      if (!c) continue;
      this.pendingAnswers.set(id, [
        id,
        c.category,
        c.confidence,
        c.severity ? levelCode(c.severity) : null,
        c.severityConfidence,
        c.source === 'override' ? 'override' : this.tag,
      ]);
      this.unconfirmed.set(id, 0);
      added = true;
    }
    if (!added) return;
    this.opts.writer.commitSoon();
    this.scheduleReconcile();
  }

  /**
   * The answers gathered since the last commit, as one statement for it to run, its
   * columns bound as lists: one text whatever the count (so it stays prepared), and a
   * large import's thousands of answers bind as six values, not six per pattern.
   */
  private answersToCommit(): Array<{ sql: string; params: unknown[]; types: DuckDBType[] }> {
    if (!this.pendingAnswers.size) return [];
    const rows = [...this.pendingAnswers.values()];
    this.pendingAnswers.clear();
    const column = <T extends string | number | null>(i: number) => rows.map((r) => r[i] as T);
    const { values, types } = bindLists([
      ['UINTEGER', column<number>(0)],
      ['VARCHAR', column<string | null>(1)],
      ['DOUBLE', column<number | null>(2)],
      ['UINTEGER', column<number | null>(3)],
      ['DOUBLE', column<number | null>(4)],
      ['VARCHAR', column<string>(5)],
    ]);
    return [
      {
        sql: `UPDATE templates SET category = v.category, category_confidence = v.cc, severity = v.sev::UTINYINT,
                severity_confidence = v.sc, classified_by = v.source
              FROM (SELECT unnest($1::UINTEGER[]) AS id, unnest($2::VARCHAR[]) AS category, unnest($3::DOUBLE[]) AS cc,
                           unnest($4::UINTEGER[]) AS sev, unnest($5::DOUBLE[]) AS sc, unnest($6::VARCHAR[]) AS source) AS v
              WHERE templates.id = v.id`,
        params: values,
        types,
      },
    ];
  }

  private scheduleReconcile(): void {
    if (this.reconcileTimer || this.closed) return;
    this.reconcileTimer = setTimeout(() => {
      this.reconcileTimer = null;
      this.reconcile().catch((err: Error) => console.error(`logscope: checking stored classes failed: ${err.message}`));
    }, RECONCILE_MS);
    this.reconcileTimer.unref();
  }

  /** Written answers that are not in the store yet (their row came later) are written again. */
  private async reconcile(): Promise<void> {
    const ids = [...this.unconfirmed.keys()].slice(0, 1000);
    if (!ids.length || this.closed) return;
    const rows = await this.opts.store.read(
      `SELECT id, category, severity FROM templates WHERE id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    const stored = new Map(rows.map((r) => [Number(r.id), r]));
    const again: number[] = [];
    for (const id of ids) {
      const c = this.classifier.get(id);
      const r = stored.get(id);
      const tries = (this.unconfirmed.get(id) ?? 0) + 1;
      if (!c) this.unconfirmed.delete(id);
      else if (r && (r.category === null ? null : String(r.category)) === c.category && Number(r.severity ?? 0) === levelCode(c.severity)) {
        this.unconfirmed.delete(id);
      } else if (r) again.push(id);
      else if (tries > MAX_RECONCILE_TRIES) this.unconfirmed.delete(id);
      else this.unconfirmed.set(id, tries);
    }
    if (again.length) this.writeAnswers(again);
    else if (this.unconfirmed.size) this.scheduleReconcile();
  }

  private async exportOverrides(): Promise<void> {
    if (!this.opts.exportDir) return;
    const rows = await this.opts.store.read('SELECT template_id, template, category, severity FROM pattern_overrides ORDER BY template_id');
    const lines = rows.map((r) =>
      JSON.stringify({
        id: Number(r.template_id),
        template: String(r.template),
        category: r.category === null ? null : String(r.category),
        severity: levelFromCode(r.severity === null ? 0 : Number(r.severity)),
      }),
    );
    const file = join(this.opts.exportDir, OVERRIDES_EXPORT);
    writeFileSync(file + '.tmp', lines.length ? lines.join('\n') + '\n' : '');
    renameSync(file + '.tmp', file);
  }
}
