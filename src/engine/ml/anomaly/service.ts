import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Row } from '../../store/store';
import type { AnomalyCard, TrainedOn } from './fit';
import { N_FEATURES } from './features';
import { scoreRows } from './isolation-forest';
import { AnomalyModel, CARD_FILE, MODEL_FILE, shippedModelDir, writeModelFiles } from './model';
import type { RefitMessage, RefitPhase, RefitRequest } from './refit-protocol';
import type { RecordColumns } from './train';

/** A refit that cannot be done (too little data, another one running): the message says why. */
export class RefitRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefitRefusedError';
  }
}

export class RefitCancelledError extends Error {
  constructor() {
    super('the refit was cancelled; the previous model stays in use');
    this.name = 'RefitCancelledError';
  }
}

export interface RefitProgress {
  phase: RefitPhase;
  /** 0..1 within the phase. */
  fraction: number;
}

export interface RefitJob {
  readonly id: string;
  /** The new model, once it is written and in use. Rejects with RefitCancelledError or the failure. */
  readonly done: Promise<AnomalyModel>;
  cancel(): void;
}

export interface AnomalyServiceOptions {
  /** The data folder: a refitted model and its card go to `<dataDir>/models/`. */
  dataDir: string;
  /** Read access to the store, for refits from a time range. */
  store?: { read(sql: string, params?: unknown[]): Promise<Row[]> };
  /** Fewer records than this in a range: refused. */
  minRecords?: number;
  /** More records than this: the most recent ones are used. */
  maxRecords?: number;
  /** Folder of the shipped default model (tests point it elsewhere); default: models/. */
  defaultModelDir?: string | null;
  /**
   * A condition on logs rows (our own SQL, never user text) that a refit's records must meet:
   * the engine leaves out the records people marked anomalous, so they are not learnt as usual.
   */
  baselineWhere?: string;
}

export const MIN_REFIT_RECORDS = 1000;
const MAX_REFIT_RECORDS = 2_000_000;
const READ_CHUNK = 100_000;
const DAY_MS = 86_400_000;

/**
 * The anomaly model in use, and refits of it. A refit runs in a worker thread; the old
 * model keeps serving until the new one has loaded, checked out and been written, then it
 * is swapped in. A cancelled or failed refit leaves the old model (and its files) as they
 * were.
 */
export class AnomalyService {
  private current: AnomalyModel | null;
  private running: { id: string; cancel: () => void } | null = null;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly opts: AnomalyServiceOptions,
    model: AnomalyModel | null,
    /** Why no model is in use, or why a model was passed over (health says it). */
    readonly loadProblems: string[] = [],
  ) {
    this.current = model;
  }

  /** The user's refitted model if there is one, else the shipped default, else none. */
  static async open(opts: AnomalyServiceOptions): Promise<AnomalyService> {
    const userDir = join(opts.dataDir, 'models');
    const shipped = opts.defaultModelDir === undefined ? shippedModelDir() : opts.defaultModelDir;
    let model: AnomalyModel | null = null;
    const problems: string[] = [];
    for (const dir of [userDir, shipped]) {
      if (!dir || !existsSync(join(dir, MODEL_FILE)) || !existsSync(join(dir, CARD_FILE))) continue;
      try {
        model = await AnomalyModel.load(dir);
        break;
      } catch (err) {
        const why = `the anomaly model in ${dir} could not be loaded (${(err as Error).message})`;
        problems.push(why);
        console.error(`logscope: ${why}; trying the next`);
      }
    }
    if (!model && !problems.length) problems.push(`no anomaly model: neither ${userDir} nor the shipped models folder has ${MODEL_FILE} and ${CARD_FILE}`);
    return new AnomalyService(opts, model, problems);
  }

  get model(): AnomalyModel | null {
    return this.current;
  }

  get modelDir(): string {
    return join(this.opts.dataDir, 'models');
  }

  get refitting(): boolean {
    return this.running !== null;
  }

  /**
   * "Learn from this range": read the range's records and refit on them. Refused when the
   * range holds fewer than `minRecords` records or another refit is running.
   */
  refitRange(from: number, to: number, opts: { onProgress?: (p: RefitProgress) => void; kind?: TrainedOn['kind'] } = {}): RefitJob {
    const store = this.opts.store;
    if (!store) throw new RefitRefusedError('this anomaly service has no store to read a range from');
    if (!(to > from)) throw new RefitRefusedError('the range to learn from is empty: its end is not after its start');
    let cancelled = false;
    let inner: RefitJob | null = null;
    const id = randomUUID();
    const claim = this.claim(id, () => {
      cancelled = true;
      inner?.cancel();
    });
    const done = (async () => {
      try {
        const columns = await this.readRange(store, from, to, () => cancelled, opts.onProgress);
        if (cancelled) throw new RefitCancelledError();
        const trainedOn = await this.describeRange(store, columns, opts.kind ?? 'range');
        this.running = null;
        // The worker's job takes the slot over; cancelling this job cancels it.
        inner = this.refitColumns(columns, trainedOn, opts);
        return await inner.done;
      } finally {
        if (this.running?.id === id) this.running = null;
      }
    })();
    return { id, done, cancel: claim };
  }

  /** Refit on records already in memory (the range reader, tests, benchmarks). */
  refitColumns(columns: RecordColumns, trainedOn: TrainedOn, opts: { onProgress?: (p: RefitProgress) => void } = {}): RefitJob {
    const n = columns.ts.length;
    const min = this.opts.minRecords ?? MIN_REFIT_RECORDS;
    if (n < min) {
      throw new RefitRefusedError(`not enough records to learn from: ${n} in this range, and a refit needs at least ${min}`);
    }
    const id = randomUUID();
    let worker: Worker | null = null;
    let cancelled = false;
    let reject: ((err: Error) => void) | null = null;
    const claim = this.claim(id, () => {
      cancelled = true;
      void worker?.terminate();
      reject?.(new RefitCancelledError());
    });
    const done = new Promise<AnomalyModel>((resolve, rej) => {
      reject = rej;
      const request: RefitRequest = { columns, trainedOn, options: { seed: 7 } };
      worker = startWorker(request);
      worker.on('message', (msg: RefitMessage) => {
        if (cancelled) return;
        if (msg.type === 'progress') opts.onProgress?.({ phase: msg.phase, fraction: msg.fraction });
        else if (msg.type === 'error') rej(new Error(`the refit failed: ${msg.message}`));
        else {
          opts.onProgress?.({ phase: 'loading', fraction: 0 });
          this.install(msg.onnx, msg.card, msg.probe, () => cancelled).then(resolve, rej);
        }
      });
      worker.on('error', (err) => rej(new Error(`the refit worker failed: ${err.message}`)));
      worker.on('exit', (code) => {
        if (!cancelled && code !== 0) rej(new Error(`the refit worker stopped with code ${code}`));
      });
    }).finally(() => {
      void worker?.terminate();
      if (this.running?.id === id) this.running = null;
    });
    return { id, done, cancel: claim };
  }

  /**
   * Refit over the last `lookbackMs` of data every `everyMs` (when a refit is not already
   * running). The timer does not keep the process alive.
   */
  startSchedule(everyMs = DAY_MS, lookbackMs = 7 * DAY_MS): void {
    this.stopSchedule();
    this.timer = setInterval(() => void this.scheduledRefit(lookbackMs).catch(() => {}), everyMs);
    this.timer.unref();
  }

  stopSchedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One scheduled refit now: over the last `lookbackMs` before the newest record. Null when it was not started. */
  async scheduledRefit(lookbackMs = 7 * DAY_MS): Promise<AnomalyModel | null> {
    if (this.running || !this.opts.store) return null;
    const [b] = await this.opts.store.read(`SELECT epoch_ms(max(last_ts))::DOUBLE AS hi FROM sources`);
    if (!b || b.hi === null) return null;
    const to = Number(b.hi) + 1;
    try {
      return await this.refitRange(to - lookbackMs, to, { kind: 'recent' }).done;
    } catch (err) {
      if (err instanceof RefitRefusedError || err instanceof RefitCancelledError) return null;
      throw err;
    }
  }

  /** Cancel a running refit and stop the schedule. */
  close(): void {
    this.stopSchedule();
    this.running?.cancel();
  }

  /** One refit at a time: take the slot (returning the cancel function) or refuse. */
  private claim(id: string, cancel: () => void): () => void {
    if (this.running) throw new RefitRefusedError('a refit is already running; cancel it or wait for it to finish');
    this.running = { id, cancel };
    return cancel;
  }

  /** Load the new model, check ONNX agrees with its trees, write it, then swap it in. */
  private async install(onnx: Uint8Array, card: AnomalyCard, probe: Float32Array, cancelled: () => boolean): Promise<AnomalyModel> {
    const model = await AnomalyModel.fromBytes(onnx, card, join(this.modelDir, MODEL_FILE));
    const ours = scoreRows(model.forest, probe);
    const { scores } = await model.score(probe);
    for (let i = 0; i < probe.length / N_FEATURES; i++) {
      if (Math.abs(scores[i]! - ours[i]!) > 1e-4) throw new Error('the refitted model does not score like its trees; keeping the old one');
    }
    if (cancelled()) throw new RefitCancelledError();
    writeModelFiles(this.modelDir, onnx, card);
    this.current = model;
    return model;
  }

  /** The range's records as columns, read in chunks (the event loop breathes between them). */
  private async readRange(
    store: NonNullable<AnomalyServiceOptions['store']>,
    from: number,
    to: number,
    cancelled: () => boolean,
    onProgress?: (p: RefitProgress) => void,
  ): Promise<RecordColumns> {
    const range = [Math.ceil(from * 1000), Math.ceil(to * 1000)];
    const where = `ts >= make_timestamp(?::BIGINT) AND ts < make_timestamp(?::BIGINT)${this.opts.baselineWhere ? ` AND ${this.opts.baselineWhere}` : ''}`;
    const [c] = await store.read(`SELECT count(*)::DOUBLE AS n FROM logs WHERE ${where}`, range);
    let n = Number(c?.n ?? 0);
    const min = this.opts.minRecords ?? MIN_REFIT_RECORDS;
    if (n < min) throw new RefitRefusedError(`not enough records to learn from: ${n} in this range, and a refit needs at least ${min}`);
    const max = this.opts.maxRecords ?? MAX_REFIT_RECORDS;
    if (n > max) {
      // Too many: learn from the most recent `max` of them.
      const [q] = await store.read(
        `SELECT epoch_us(quantile_disc(ts, ?::DOUBLE))::DOUBLE AS us FROM logs WHERE ${where}`,
        [1 - max / n, ...range],
      );
      range[0] = Number(q!.us);
      n = max;
    }
    const ts = new Float64Array(n);
    const pattern = new Int32Array(n);
    const level = new Uint8Array(n);
    const params: (string | null)[] = new Array<string | null>(n).fill(null);
    let k = 0;
    let lastId = -1;
    while (k < n) {
      if (cancelled()) throw new RefitCancelledError();
      const rows = await store.read(
        `SELECT id::DOUBLE AS id, epoch_us(ts) / 1000.0 AS ts, coalesce(template_id::INTEGER, -1) AS p, level::INTEGER AS level, params
         FROM logs WHERE ${where} AND id > ?::BIGINT ORDER BY id LIMIT ?`,
        [...range, lastId, Math.min(READ_CHUNK, n - k)],
      );
      if (!rows.length) break;
      for (const r of rows) {
        ts[k] = Number(r.ts);
        pattern[k] = Number(r.p);
        level[k] = Number(r.level);
        params[k] = r.params === null ? null : String(r.params);
        k++;
      }
      lastId = Number(rows[rows.length - 1]!.id);
      onProgress?.({ phase: 'reading', fraction: k / n });
    }
    return { ts: ts.subarray(0, k), pattern: pattern.subarray(0, k), level: level.subarray(0, k), params: params.slice(0, k) };
  }

  private async describeRange(
    store: NonNullable<AnomalyServiceOptions['store']>,
    c: RecordColumns,
    kind: TrainedOn['kind'],
  ): Promise<TrainedOn> {
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of c.ts) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    const range = [Math.floor(lo * 1000), Math.ceil(hi * 1000) + 1];
    const sources = await store.read(
      `SELECT source FROM logs WHERE ts >= make_timestamp(?::BIGINT) AND ts < make_timestamp(?::BIGINT) GROUP BY 1 ORDER BY count(*) DESC LIMIT 50`,
      range,
    );
    return {
      kind,
      from: Number.isFinite(lo) ? lo : null,
      to: Number.isFinite(hi) ? hi : null,
      records: c.ts.length,
      patterns: new Set(c.pattern).size,
      sources: sources.map((s) => String(s.source)),
      description: kind === 'recent' ? 'scheduled refit over the most recent data' : 'learnt from a range the user chose',
    };
  }
}

/**
 * The worker's entry: the bundled `anomaly-refit-worker.js` beside the engine or CLI bundle
 * (scripts/build.mjs), or else this folder's TypeScript source behind tsx's loader (tests
 * and `tsx` runs: a worker does not inherit the parent's loader, nor take --import).
 */
function startWorker(workerData: RefitRequest): Worker {
  for (const rel of ['./anomaly-refit-worker.js', '../engine/anomaly-refit-worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return new Worker(url, { workerData });
  }
  // tsx's ESM register API (its ./esm/api export resolves to the CommonJS build under require).
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const source = new URL('./refit-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
