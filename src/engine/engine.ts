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
import { Importer, type ImportTarget } from './import/importer';
import { MinerService } from './patterns/miner-service';
import { PatternQueries } from './patterns/pattern-queries';
import { Store } from './store/store';
import { LogWriter } from './store/writer';
import { VERSION } from './version';

export interface EngineOptions {
  dataDir: string;
  mode?: 'desktop' | 'headless';
  /** Zone for timestamps that carry none ('local', 'UTC' or an IANA name). */
  defaultZone?: string;
}

type Handlers = { [M in MethodName]: (params: Params<M>) => Promise<Result<M>> };

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

  private constructor(
    readonly opts: Required<EngineOptions>,
    readonly store: Store,
    readonly writer: LogWriter,
    readonly explorer: Explorer,
    readonly importer: Importer,
    readonly patterns: MinerService,
  ) {
    this.events.setMaxListeners(0);
    this.patternQueries = new PatternQueries(store, explorer);
    writer.onCommit = (rows) => this.noteCommit(rows);
    this.handlers = {
      health: async () => ({
        version: VERSION,
        dataDir: opts.dataDir,
        records: await explorer.count(),
        startedAt: this.startedAt,
        mode: opts.mode,
      }),
      search: (p) => explorer.search(p),
      histogram: (p) => explorer.histogram(p),
      facets: (p) => explorer.facets(p),
      fields: () => explorer.fields(),
      record: (p) => explorer.record(p.id),
      context: async (p) => ({ rows: await explorer.context(p.id, p.before, p.after) }),
      parseQuery: async (p) => ({ error: await explorer.checkQuery(p.query) }),
      sources: () => explorer.sources(),
      patterns: (p) => this.patternQueries.list(p),
      patternsCompare: (p) => this.patternQueries.compare(p),
      importStart: async (p) => ({ importId: this.importFiles(p.paths.map((path) => ({ path }))) }),
      importCancel: async (p) => ({ cancelled: importer.cancel(p.importId) }),
      importStatus: async (p) => importer.status(p.importId),
    };
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const opts = { mode: 'headless' as const, defaultZone: 'local', ...options };
    const store = await Store.open(opts.dataDir);
    const writer = await LogWriter.create(store);
    const explorer = new Explorer(store);
    const patterns = await MinerService.open(store, writer);
    let engine: Engine | null = null;
    const importer = new Importer(writer, (p) => engine?.emit('importProgressed', p), {
      defaultZone: opts.defaultZone,
      beforeWrite: (records) => patterns.mine(records),
    });
    engine = new Engine(opts, store, writer, explorer, importer, patterns);
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
  async call<M extends MethodName>(method: M, rawParams: unknown): Promise<Result<M>> {
    const spec = methods[method];
    if (!spec) throw new CallError({ code: 'bad_request', message: `unknown method ${String(method)}` });
    const parsed = (spec.params as z.ZodType).safeParse(rawParams ?? {});
    if (!parsed.success) {
      throw new CallError({ code: 'bad_request', message: `${method}: ${describeZodError(parsed.error)}` });
    }
    try {
      return await (this.handlers[method] as (p: unknown) => Promise<Result<M>>)(parsed.data);
    } catch (err) {
      if (err instanceof CallError) throw err;
      if (err instanceof QueryTextError) throw new CallError({ code: 'query', message: err.message, query: err.info });
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

  /** Coalesce commits into at most one dataChanged event per 250 ms. */
  private noteCommit(rows: number): void {
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

  /** Stop imports, commit what is queued, close the database. */
  async close(): Promise<void> {
    await this.importer.cancelAll();
    this.patterns.close();
    await this.writer.close();
    if (this.dataChangedTimer) clearTimeout(this.dataChangedTimer);
    this.store.close();
  }
}

export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'params'}: ${i.message}`).join('; ');
}
