/**
 * The model runtime: onnxruntime-node sessions for the models in a models folder, each
 * checked against its card before use. A model that is missing, truncated, altered (sha256),
 * made for other features or labels, or that gives the wrong shape is not used — and never
 * stops the engine: the runtime records which model and why (`status()`, which the engine
 * reports in `health`), and the features that need it do without.
 *
 * The folder is a parameter: the repository's `models/` in development, the unpacked
 * `models/` beside app.asar when packaged (models-dir.ts finds either).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { modelCardSchema, type ModelCard } from './card';
import { DEFAULT_FEATURES, type FeatureConfig, type PaddedBatch } from './features';

// Loaded lazily with require: the native binding costs start-up time, and an engine with
// no models folder never needs it.
type Ort = typeof import('onnxruntime-node');
let ortModule: Ort | null = null;
function ort(): Ort {
  ortModule ??= createRequire(import.meta.url)('onnxruntime-node') as Ort;
  return ortModule;
}

export type ModelState = 'ready' | 'missing' | 'failed';

export interface ModelStatus {
  name: string;
  state: ModelState;
  /** Why the model is not in use (null when ready). */
  reason: string | null;
  version: string | null;
  sha256: string | null;
}

/** What the engine expects of a model: its name and, optionally, its exact label set. */
export interface ModelSpec {
  name: string;
  labels?: readonly string[];
}

export class ModelLoadError extends Error {
  constructor(
    readonly state: Exclude<ModelState, 'ready'>,
    message: string,
  ) {
    super(message);
  }
}

/** A loaded, checked model. */
export class LoadedModel {
  constructor(
    readonly card: ModelCard,
    private readonly session: InferenceSession,
  ) {}

  get labels(): readonly string[] {
    return this.card.labels;
  }

  /**
   * Class probabilities for each row of the batch. A row whose output is not a finite
   * distribution (a NaN from a damaged weight) comes back null rather than as a guess.
   */
  async run(batch: PaddedBatch): Promise<Array<Float32Array | null>> {
    const { Tensor } = ort();
    const [indicesName, weightsName] = [this.card.inputs[0]!.name, this.card.inputs[1]!.name];
    const out = await this.session.run({
      [indicesName]: new Tensor('int64', batch.indices, [batch.batch, batch.width]),
      [weightsName]: new Tensor('float32', batch.weights, [batch.batch, batch.width]),
    });
    const probs = out[this.card.outputs[0]!.name] as Tensor | undefined;
    const classes = this.card.labels.length;
    if (!probs || probs.dims.length !== 2 || probs.dims[0] !== batch.batch || probs.dims[1] !== classes) {
      throw new Error(`${this.card.name}: output has shape [${probs?.dims.join(', ')}], expected [${batch.batch}, ${classes}]`);
    }
    const data = probs.data as Float32Array;
    const rows: Array<Float32Array | null> = [];
    for (let r = 0; r < batch.batch; r++) {
      const row = data.slice(r * classes, (r + 1) * classes);
      let sum = 0;
      let ok = true;
      for (const v of row) {
        if (!Number.isFinite(v) || v < 0) ok = false;
        sum += v;
      }
      rows.push(ok && Math.abs(sum - 1) < 1e-3 ? row : null);
    }
    return rows;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

export class ModelRuntime {
  private constructor(
    readonly modelsDir: string | null,
    private readonly models: Map<string, LoadedModel>,
    private readonly statuses: ModelStatus[],
  ) {}

  /** Load every model in `specs` from `modelsDir`; never throws for a bad model. */
  static async load(modelsDir: string | null, specs: readonly ModelSpec[], features: FeatureConfig = DEFAULT_FEATURES): Promise<ModelRuntime> {
    const models = new Map<string, LoadedModel>();
    const statuses: ModelStatus[] = [];
    for (const spec of specs) {
      try {
        const model = await loadModel(modelsDir, spec, features);
        models.set(spec.name, model);
        statuses.push({ name: spec.name, state: 'ready', reason: null, version: model.card.version, sha256: model.card.sha256 });
      } catch (err) {
        const e = err as Error;
        const state = err instanceof ModelLoadError ? err.state : 'failed';
        statuses.push({ name: spec.name, state, reason: e.message, version: null, sha256: null });
      }
    }
    return new ModelRuntime(modelsDir, models, statuses);
  }

  model(name: string): LoadedModel | null {
    return this.models.get(name) ?? null;
  }

  status(): ModelStatus[] {
    return this.statuses.map((s) => ({ ...s }));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.models.values()].map((m) => m.release()));
    this.models.clear();
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function loadModel(dir: string | null, spec: ModelSpec, features: FeatureConfig): Promise<LoadedModel> {
  if (!dir || !existsSync(dir)) throw new ModelLoadError('missing', `no models folder${dir ? ` at ${dir}` : ''}`);
  const cardFile = join(dir, `${spec.name}.json`);
  if (!existsSync(cardFile)) throw new ModelLoadError('missing', `${cardFile} not found`);
  let card: ModelCard;
  try {
    const parsed = modelCardSchema.safeParse(JSON.parse(readFileSync(cardFile, 'utf8')));
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new Error(`${i.path.join('.') || 'card'}: ${i.message}`);
    }
    card = parsed.data;
  } catch (err) {
    throw new ModelLoadError('failed', `${cardFile}: not a valid model card (${(err as Error).message})`);
  }
  if (card.name !== spec.name) throw new ModelLoadError('failed', `${cardFile}: the card is for "${card.name}", not "${spec.name}"`);
  if (card.features.version !== features.version || card.features.buckets !== features.buckets) {
    throw new ModelLoadError(
      'failed',
      `${spec.name}: trained with features v${card.features.version}/${card.features.buckets} buckets; this LogScope computes v${features.version}/${features.buckets}`,
    );
  }
  if (spec.labels && [...spec.labels].sort().join() !== [...card.labels].sort().join()) {
    throw new ModelLoadError('failed', `${spec.name}: labels [${card.labels.join(', ')}] are not the ones expected [${spec.labels.join(', ')}]`);
  }
  if (card.inputs.length !== 2 || card.outputs.length !== 1) {
    throw new ModelLoadError('failed', `${spec.name}: expected 2 inputs (indices, weights) and 1 output, the card declares ${card.inputs.length} and ${card.outputs.length}`);
  }
  const file = join(dir, card.file);
  if (!existsSync(file)) throw new ModelLoadError('missing', `${file} not found`);
  const bytes = readFileSync(file);
  if (bytes.length !== card.bytes) throw new ModelLoadError('failed', `${file}: ${bytes.length} bytes, the card says ${card.bytes} (truncated or replaced)`);
  const digest = sha256(bytes);
  if (digest !== card.sha256) throw new ModelLoadError('failed', `${file}: sha256 ${digest.slice(0, 12)}… does not match the card's ${card.sha256.slice(0, 12)}…`);
  let session: InferenceSession;
  try {
    session = await ort().InferenceSession.create(bytes, {
      // The models are small; the engine shares two cores with ingest and DuckDB.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw new ModelLoadError('failed', `${file}: onnxruntime could not load it (${(err as Error).message.split('\n')[0]})`);
  }
  const model = new LoadedModel(card, session);
  try {
    const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name).join(', ');
    if (names(card.inputs) !== session.inputNames.join(', ') || names(card.outputs) !== session.outputNames.join(', ')) {
      throw new Error(`the graph's inputs/outputs (${session.inputNames.join(', ')} → ${session.outputNames.join(', ')}) differ from the card's`);
    }
    // One empty row through the graph: proves the output has one probability per label.
    const [row] = await model.run({ indices: new BigInt64Array(1), weights: new Float32Array(1), batch: 1, width: 1 });
    if (!row) throw new Error('a test input gave no finite probabilities');
  } catch (err) {
    await session.release().catch(() => {});
    throw new ModelLoadError('failed', `${spec.name}: ${(err as Error).message}`);
  }
  return model;
}
