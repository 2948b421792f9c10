import { EventEmitter } from 'node:events';
import { z } from 'zod';
import {
  methods,
  type ErrorInfo,
  type EventData,
  type EventName,
  type MethodName,
  type Params,
  type Result,
} from '../shared/protocol';
import { Explorer, QueryTextError } from './explore/explore';
import { categoryHistogram } from './explore/category-histogram';
import { Importer, type ImportTarget } from './import/importer';
import { MinerService } from './patterns/miner-service';
import { PatternQueries } from './patterns/pattern-queries';
import { AnomalyWindowsQuery } from './ml/anomaly/windows-query';
import { MlService } from './ml/ml-service';
import { AnomalyEngine, AnomalyNotFoundError } from './ml/anomaly/anomaly-engine';
import { RefitRefusedError } from './ml/anomaly/service';
import { defaultModelsDir } from './ml/models-dir';
import { Store } from './store/store';
import { LogWriter } from './store/writer';
import { SettingsError, SettingsService } from './settings/settings-service';
import { createLiveSink } from './live/live-sink';
import { createFileOffsets } from './live/file-offsets';
import { LiveManager, LiveSourceError } from './live/manager';
import { TailHub, type TailPeer } from './live/tail';
import { liveHandlers } from './live/handlers';
import { applyReceiverSettings } from './live/settings-receivers';
import { VERSION } from './version';
import type { IngestRecord } from '../ingest/record';
import { AlertRuleError, AlertService } from './alerts/service';
import { systemClock } from './alerts/types';
import { levelCode } from '../shared/levels';

export interface EngineOptions {
  dataDir: string;
  mode?: 'desktop' | 'headless';
  /** Zone for timestamps that carry none ('local', 'UTC' or an IANA name). */
  defaultZone?: string;
  /** The ONNX models' folder (models-dir.ts finds the shipped one); null runs without models. */
  modelsDir?: string | null;
  /** The shipped anomaly model's folder (tests point it elsewhere); undefined: models/ as found. */
  anomalyModelDir?: string | null;
}

/** `peer`: the connection that called (live tail sends its batches there). */
type Handlers = { [M in MethodName]: (params: Params<M>, peer: TailPeer) => Promise<Result<M>> };

/** A failed call as the protocol reports it. */
export class CallError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

/**
 * The engine: the store, the importer and the views, behind the protocol's methods. The
 * host serves it over a MessagePort or a WebSocket; tests and the CLI call it directly.
 */
export class Engine {
  private readonly events = new EventEmitter();
  private readonly handlers: Handlers;
  private readonly startedAt = Date.now();
  private dataChangedTimer: NodeJS.Timeout | null = null;
  private pendingRows = 0;
  private readonly patternQueries: PatternQueries;
  private readonly anomalyWindows: AnomalyWindowsQuery;

  private constructor(
    readonly opts: Required<Omit<EngineOptions, 'anomalyModelDir'>> & Pick<EngineOptions, 'anomalyModelDir'>,
    readonly store: Store,
    readonly writer: LogWriter,
    readonly explorer: Explorer,
    readonly importer: Importer,
    readonly patterns: MinerService,
    readonly settings: SettingsService,
    /** Receivers and followed files (src/engine/live/manager.ts). */
    readonly live: LiveManager,
    readonly tail: TailHub,
    /** Category and severity per pattern (src/engine/ml/ml-service.ts). */
    readonly ml: MlService,
    /** Per-record anomaly scores, verdicts and refits (src/engine/ml/anomaly/anomaly-engine.ts). */
    readonly anomaly: AnomalyEngine,
    /** Alert rules, the live evaluator, replay and the notifier (src/engine/alerts/). */
    readonly alerts: AlertService,
  ) {
    this.events.setMaxListeners(0);
    live.onChange = (sources) => this.emit('liveSourcesChanged', { sources });
    settings.onChange((report) => this.emit('settingsChanged', report));
    // Receivers follow their settings while the engine runs (only the ones that changed).
    let receivers = settings.current.receivers;
    settings.onChange((report) => {
      const prev = receivers;
      receivers = report.settings.receivers;
      void applyReceiverSettings(live, receivers, prev, (m) => console.error(`logscope: ${m}`));
    });
    this.patternQueries = new PatternQueries(store, explorer);
    this.anomalyWindows = new AnomalyWindowsQuery(store);
    writer.onCommit = (rows) => this.noteCommit(rows);
    this.handlers = {
      health: async () => ({
        version: VERSION,
        dataDir: opts.dataDir,
        records: await explorer.count(),
        startedAt: this.startedAt,
        mode: opts.mode,
        live: live.summary(),
        patterns: patterns.health(),
        models: [...ml.status().map((m) => ({ name: m.name, state: m.state, reason: m.reason, version: m.version })), anomaly.status()],
      }),
      anomalyOverride: async (p) => {
        try {
          const updated = await anomaly.setVerdict({ templateId: p.templateId, recordId: p.recordId }, p.verdict);
          return { templateId: p.templateId ?? null, recordId: p.recordId ?? null, verdict: p.verdict, updated };
        } catch (err) {
          if (err instanceof AnomalyNotFoundError) throw new CallError({ code: 'not_found', message: err.message });
          throw err;
        }
      },
      anomalyOverrides: async () => ({ overrides: await anomaly.verdicts() }),
      anomalyRefit: async (p) => {
        try {
          return { jobId: await anomaly.refit(p.from, p.to) };
        } catch (err) {
          if (err instanceof RefitRefusedError) throw new CallError({ code: 'bad_request', message: err.message });
          throw err;
        }
      },
      anomalyRefitCancel: async (p) => ({ cancelled: anomaly.cancel(p.jobId) }),
      patternOverride: async (p) => {
        const cls = await ml.setOverride(p.id, { category: p.category, severity: p.severity });
        return { id: p.id, class: cls };
      },
      search: (p) => explorer.search(p),
      histogram: (p) => explorer.histogram(p),
      categoryHistogram: (p) => categoryHistogram(store, explorer, p),
      facets: (p) => explorer.facets(p),
      fields: () => explorer.fields(),
      record: async (p) => {
        const rec = await explorer.record(p.id);
        return rec && { ...rec, anomalyVerdict: await anomaly.verdictOf(rec.id, rec.pattern ?? null) };
      },
      context: async (p) => ({ rows: await explorer.context(p.id, p.before, p.after) }),
      parseQuery: async (p) => ({ error: await explorer.checkQuery(p.query) }),
      sources: () => explorer.sources(),
      patterns: (p) => this.patternQueries.list(p),
      patternsCompare: (p) => this.patternQueries.compare(p),
      anomalies: (p) => this.anomalyWindows.list(p),
      importStart: async (p) => ({ importId: this.importFiles(p.paths.map((path) => ({ path }))) }),
      importCancel: async (p) => ({ cancelled: importer.cancel(p.importId) }),
      importStatus: async (p) => importer.status(p.importId),
      settingsGet: async () => settings.report(),
      settingsSet: async (p) => {
        try {
          return settings.set(p.settings);
        } catch (err) {
          if (err instanceof SettingsError) throw new CallError({ code: 'bad_request', message: err.message });
          throw err;
        }
      },
      ...liveHandlers(live, tail),
      ...alerts.handlers(),
    };
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const opts = { mode: 'headless' as const, defaultZone: 'local', modelsDir: defaultModelsDir(), ...options };
    // settings.json lives in the LogScope folder; the database where the settings say.
    const settings = SettingsService.load(opts.dataDir);
    const store = await Store.open(settings.storeFolder(opts.dataDir));
    const writer = await LogWriter.create(store);
    void writer.backfillGrams();
    const explorer = new Explorer(store);
    const patterns = await MinerService.open(store, writer);
    const ml = await MlService.open({
      modelsDir: opts.modelsDir,
      store,
      writer,
      templateText: (id) => patterns.miner.get(id)?.template ?? null,
      exportDir: opts.dataDir,
    });
    // Records without a level get their pattern's inferred one as their effective severity.
    writer.severityOf = (id) => ml.severityFor(id);
    // Patterns first, then their classes: a record costs the miner plus one Set insertion.
    const mine = (records: IngestRecord[]) => {
      patterns.mine(records);
      ml.observe(records);
    };
    let engine: Engine | null = null;
    // Committed live batches are counted by the alert rules; an imported file is judged
    // as history once it is committed (AlertService.judgeHistory).
    const alerts = await AlertService.open({
      store,
      writer,
      clock: systemClock,
      catalog: () => explorer.fieldCatalog(),
      lookups: {
        category: (id) => ml.classOf(id)?.category ?? null,
        severity: (id) => levelCode(ml.severityFor(id)),
        survivor: (id) => patterns.liveId(id),
      },
      emit: {
        alertsChanged: (d) => engine?.emit('alertsChanged', d),
        alertRulesChanged: (d) => engine?.emit('alertRulesChanged', d),
        alertNotice: (n) => engine?.emit('alertNotice', n),
      },
    });
    const importer = new Importer(writer, (p) => engine?.emit('importProgressed', p), {
      defaultZone: opts.defaultZone,
      beforeWrite: mine,
      afterFile: (f) => void alerts.judgeHistory(f).catch(() => {}),
    });
    const sink = alerts.wrapSink(createLiveSink(writer, mine));
    const live = new LiveManager(sink, {
      context: {
        engineFigures: () => ({ lastCommitMs: writer.stats.lastCommitMs, committedRows: writer.stats.committed, commits: writer.stats.commits }),
        fileOffsets: createFileOffsets(store),
      },
    });
    const tail = await TailHub.open(store, explorer);
    const anomaly = await AnomalyEngine.open({
      dataDir: opts.dataDir,
      store,
      writer,
      severityOf: (id) => ml.severityFor(id),
      templateText: (id) => patterns.miner.get(id)?.template ?? null,
      emit: (d) => engine?.emit('anomalyRefitProgressed', d),
      // The anomaly model lives with the others unless a test points it elsewhere, so an
      // engine opened without models (modelsDir null or empty) runs without this one too.
      defaultModelDir: opts.anomalyModelDir !== undefined ? opts.anomalyModelDir : opts.modelsDir,
    });
    engine = new Engine(opts, store, writer, explorer, importer, patterns, settings, live, tail, ml, anomaly, alerts);
    // The desktop app's receivers are the settings' (`logscope serve` starts its own from flags).
    if (opts.mode === 'desktop') await applyReceiverSettings(live, settings.current.receivers, null, (m) => console.error(`logscope: ${m}`));
    return engine;
  }

  /** Start importing; progress arrives as importProgressed events. */
  importFiles(targets: ImportTarget[]): string {
    return this.importer.start(targets);
  }

  /**
   * Dispatch one protocol call. Params are validated here (they come from the renderer or
   * the network); errors come back as CallError with a protocol error code.
   */
  async call<M extends MethodName>(method: M, rawParams: unknown, peer: TailPeer = this.localPeer): Promise<Result<M>> {
    const spec = methods[method];
    if (!spec) throw new CallError({ code: 'bad_request', message: `unknown method ${String(method)}` });
    const parsed = (spec.params as z.ZodType).safeParse(rawParams ?? {});
    if (!parsed.success) {
      throw new CallError({ code: 'bad_request', message: `${method}: ${describeZodError(parsed.error)}` });
    }
    try {
      return await (this.handlers[method] as (p: unknown, peer: TailPeer) => Promise<Result<M>>)(parsed.data, peer);
    } catch (err) {
      if (err instanceof CallError) throw err;
      if (err instanceof LiveSourceError) throw new CallError({ code: err.code, message: err.message });
      if (err instanceof QueryTextError) throw new CallError({ code: 'query', message: err.message, query: err.info });
      if (err instanceof AlertRuleError) {
        const q = err.problems[0];
        throw new CallError(
          err.code === 'query' && q?.start !== undefined
            ? { code: 'query', message: `query: ${q.message}`, query: { message: q.message, start: q.start, end: q.end ?? q.start + 1 } }
            : { code: err.code, message: err.message },
        );
      }
      throw new CallError({ code: 'internal', message: (err as Error).message });
    }
  }

  on<E extends EventName>(event: E, handler: (data: EventData<E>) => void): () => void {
    this.events.on(event, handler);
    return () => this.events.off(event, handler);
  }

  emit<E extends EventName>(event: E, data: EventData<E>): void {
    this.events.emit(event, data);
  }

  /** In-process callers (tests, the CLI's own engine) get their tail batches as events. */
  private readonly localPeer: TailPeer = { deliver: (batch) => this.emit('tailRecords', batch), backlog: () => 0 };

  /** Coalesce commits into at most one dataChanged event per 250 ms. */
  private noteCommit(rows: number): void {
    this.tail.noteCommit(rows);
    this.explorer.invalidateFields();
    this.pendingRows += rows;
    if (this.dataChangedTimer) return;
    this.dataChangedTimer = setTimeout(() => {
      this.dataChangedTimer = null;
      const records = this.pendingRows;
      this.pendingRows = 0;
      this.emit('dataChanged', { records });
    }, 250);
  }

  /** Stop receivers (they commit what they accepted), stop imports, commit what is queued, close the database. */
  async close(): Promise<void> {
    await this.live.close();
    await this.alerts.close();
    this.tail.close();
    await this.importer.cancelAll();
    await this.ml.close();
    this.patterns.close();
    await this.writer.close();
    // After the writer: its last commits still wait for their scores.
    this.anomaly.close();
    if (this.dataChangedTimer) clearTimeout(this.dataChangedTimer);
    this.store.close();
  }
}

export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'params'}: ${i.message}`).join('; ');
}
