/**
 * The template miner in a worker thread, for bulk imports: the main thread reads and
 * parses, the worker mines. The worker owns the miner's state (so ids come from one thread
 * in one order); the client sends batches of messages and gets back each record's pattern
 * id and parameters, in the order the batches were sent. Changes the worker's miner
 * reports (merges, generalisations, evictions) reach `onChange` before the result of the
 * batch that caused them, and the client keeps every live pattern's text, so `template(id)`
 * answers synchronously (what the writer's `templateText` needs).
 *
 *   const miner = await MinerClient.start({ state, onChange });
 *   const { ids, params } = await miner.mine(records.map((r) => r.message));
 *   const state = await miner.save(); // TemplateMiner.toJSON(), to store
 *   await miner.close();
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MinerOptions, MinerStats, TemplateChange } from '../../ingest/patterns/miner';
import type { MinerState } from '../../ingest/patterns/state';
import { packStrings, type FromWorker, type MinerWorkerData, type ToWorker } from './miner-wire';

export interface MinerClientOptions {
  /** A saved state (TemplateMiner.toJSON(), or what save() returned), or none for a new miner. */
  state?: unknown;
  options?: Omit<MinerOptions, 'onChange'>;
  onChange?: (change: TemplateChange) => void;
}

export interface MinedBatch {
  /** Pattern id per message. */
  ids: Uint32Array;
  /** Parameters per message, in the template's order. */
  params: (string[] | null)[];
}

type Reply = Exclude<FromWorker, { type: 'ready' } | { type: 'change' }>;

export class MinerClient {
  onChange: ((change: TemplateChange) => void) | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  /** Live patterns' texts, mirrored from the worker. */
  private readonly texts = new Map<number, string>();
  private broken: Error | null = null;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    onChange: ((change: TemplateChange) => void) | undefined,
  ) {
    this.onChange = onChange;
  }

  /** Starts the worker and waits until its miner is ready (rejects when the state does not load). */
  static async start(opts: MinerClientOptions = {}): Promise<MinerClient> {
    const data: MinerWorkerData = { state: opts.state ?? null, options: opts.options ?? {} };
    const worker = startWorker(data);
    const client = new MinerClient(worker, opts.onChange);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new Error(`the pattern miner worker did not start: ${err.message}`));
      const onExit = (code: number): void => reject(new Error(`the pattern miner worker exited (code ${code}) before it was ready`));
      worker.once('error', onError);
      worker.once('exit', onExit);
      const first = (m: FromWorker): void => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (m.type === 'ready') {
          for (const [id, text] of m.templates) client.texts.set(id, text);
          worker.on('message', (msg: FromWorker) => client.receive(msg));
          worker.on('error', (err) => client.fail(new Error(`the pattern miner worker failed: ${err.message}`)));
          worker.on('exit', (code) => client.fail(new Error(`the pattern miner worker exited (code ${code})`)));
          // Idle, the worker does not keep the process alive (a forgotten close() cannot hang a CLI run).
          worker.unref();
          resolve();
        } else {
          void worker.terminate();
          reject(new Error(m.type === 'failed' ? m.message : `the pattern miner worker said ${m.type} first`));
        }
      };
      worker.once('message', first);
    });
    return client;
  }

  /** Pattern ids and parameters for the messages, in order. Batches are mined in the order they are sent. */
  async mine(messages: string[]): Promise<MinedBatch> {
    const { text, lengths } = packStrings(messages);
    const r = await this.request((seq) => ({ type: 'mine', seq, text, lengths }), [lengths.buffer]);
    if (r.type !== 'mined') throw new Error(`the pattern miner worker answered ${r.type} to mine`);
    for (const [id, t] of r.created) this.texts.set(id, t);
    const params = new Array<string[] | null>(r.ids.length);
    let at = 0;
    let k = 0;
    for (let i = 0; i < r.ids.length; i++) {
      const n = r.paramCounts[i]!;
      const list = new Array<string>(n);
      for (let j = 0; j < n; j++) {
        const end = at + r.paramLengths[k++]!;
        list[j] = r.paramText.slice(at, end);
        at = end;
      }
      params[i] = list;
    }
    return { ids: r.ids, params };
  }

  /** The miner's state now (to store; give it to start() to carry on with the same ids). */
  async save(): Promise<MinerState> {
    const r = await this.request((seq) => ({ type: 'save', seq }));
    if (r.type !== 'saved') throw new Error(`the pattern miner worker answered ${r.type} to save`);
    return r.state;
  }

  async stats(): Promise<MinerStats> {
    const r = await this.request((seq) => ({ type: 'stats', seq }));
    if (r.type !== 'stats') throw new Error(`the pattern miner worker answered ${r.type} to stats`);
    return r.stats;
  }

  /** A live pattern's text, as of the last batch mined (synchronous: the client mirrors them). */
  template(id: number): string | undefined {
    return this.texts.get(id);
  }

  /** Stops the worker; batches still in flight are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error('the pattern miner worker was closed'));
    await this.worker.terminate();
  }

  private request(make: (seq: number) => ToWorker, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.broken) return Promise.reject(this.broken);
    const seq = ++this.seq;
    return new Promise<Reply>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage(make(seq), transfer);
    });
  }

  private receive(m: FromWorker): void {
    if (m.type === 'change') {
      const c = m.change;
      if (c.kind === 'merged') {
        this.texts.delete(c.from);
        this.texts.set(c.into, c.template);
      } else if (c.kind === 'generalised') this.texts.set(c.id, c.template);
      else this.texts.delete(c.id);
      this.onChange?.(c);
      return;
    }
    if (m.type === 'ready') return;
    if (m.seq === null) return this.fail(new Error(m.type === 'failed' ? m.message : 'the pattern miner worker failed'));
    const p = this.pending.get(m.seq);
    if (!p) return;
    this.pending.delete(m.seq);
    if (this.pending.size === 0) this.worker.unref();
    if (m.type === 'failed') p.reject(new Error(`the pattern miner worker: ${m.message}`));
    else p.resolve(m);
  }

  private fail(err: Error): void {
    this.broken ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/**
 * The worker's entry: the bundled `miner-worker.js` beside the engine bundle (out/engine,
 * scripts/build.mjs; the CLI's bundle in out/cli looks there too), or else this folder's
 * TypeScript source behind tsx's loader (tests and `tsx` runs: a worker does not inherit
 * the parent's loader, nor take --import).
 */
function startWorker(workerData: MinerWorkerData): Worker {
  for (const rel of ['./miner-worker.js', '../engine/miner-worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return new Worker(url, { workerData });
  }
  // tsx's ESM register API (its ./esm/api export resolves to the CommonJS build under require).
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const source = new URL('./miner-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
