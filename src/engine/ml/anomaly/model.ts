import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { InferenceSession } from 'onnxruntime-node';
import { AnomalyCardSchema, type AnomalyCard } from './fit';
import { FEATURES, N_FEATURES, type FeatureName } from './features';
import { attribution, type Forest } from './isolation-forest';
import { defaultModelsDir } from '../models-dir';
import { IO, onnxToForest } from './onnx-forest';

// Loaded on first use with require, as runtime.ts does: the native binding costs start-up time.
type Ort = typeof import('onnxruntime-node');
let ortModule: Ort | null = null;
function ort(): Ort {
  ortModule ??= createRequire(import.meta.url)('onnxruntime-node') as Ort;
  return ortModule;
}

export const MODEL_FILE = 'anomaly.onnx';
export const CARD_FILE = 'anomaly.json';

/** One feature behind a score, for the UI's "why". */
export interface AnomalyReason {
  feature: FeatureName;
  value: number;
  /** The feature's usual range in the training data (0.5 % … 99.5 %). */
  typical: [number, number];
  /** Share of the isolating splits this feature made (path-length attribution), 0..1. */
  weight: number;
  outside: boolean;
  /** A short sentence for a person. */
  text: string;
}

export interface ScoredBatch {
  scores: Float32Array;
  anomalous: Uint8Array;
}

/**
 * A loaded anomaly model: the ONNX session does the scoring (batched, native); the trees
 * read back from the same file explain a score (`reasons`).
 */
export class AnomalyModel {
  private constructor(
    readonly session: InferenceSession,
    readonly forest: Forest,
    readonly card: AnomalyCard,
    readonly bytes: Uint8Array,
    /** Where it was loaded from ('memory' for a model not yet written). */
    readonly origin: string,
  ) {}

  static async fromBytes(bytes: Uint8Array, card: AnomalyCard, origin = 'memory'): Promise<AnomalyModel> {
    const { forest } = onnxToForest(bytes);
    if (forest.nFeatures !== N_FEATURES) {
      throw new Error(`the anomaly model ${origin} has ${forest.nFeatures} features; this LogScope computes ${N_FEATURES}`);
    }
    // One thread, as the other models: scoring runs beside ingest and DuckDB on two cores.
    const session = await ort().InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    return new AnomalyModel(session, forest, card, bytes, origin);
  }

  /** Load `anomaly.onnx` and its card `anomaly.json` from a folder. */
  static async load(dir: string): Promise<AnomalyModel> {
    const file = join(dir, MODEL_FILE);
    const cardFile = join(dir, CARD_FILE);
    const bytes = readFileSync(file);
    let card: AnomalyCard;
    try {
      card = AnomalyCardSchema.parse(JSON.parse(readFileSync(cardFile, 'utf8')));
    } catch (err) {
      throw new Error(`the model card ${cardFile} is not usable: ${(err as Error).message}`);
    }
    // A truncated or replaced file is refused before onnxruntime sees it.
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (card.sha256 && digest !== card.sha256) {
      throw new Error(`${file}: sha256 ${digest.slice(0, 12)}… does not match the card's ${card.sha256.slice(0, 12)}… (truncated or replaced)`);
    }
    return AnomalyModel.fromBytes(new Uint8Array(bytes), card, file);
  }

  get threshold(): number {
    return this.card.threshold;
  }

  /** Scores and decisions for feature rows (row-major, N_FEATURES columns), through ONNX. */
  async score(rows: Float32Array): Promise<ScoredBatch> {
    const n = rows.length / N_FEATURES;
    if (!n) return { scores: new Float32Array(0), anomalous: new Uint8Array(0) };
    const out = await this.session.run({ [IO.input]: new (ort().Tensor)('float32', rows, [n, N_FEATURES]) });
    const scores = out[IO.score]!.data as Float32Array;
    const anomalous = out[IO.anomalous]!.data as Uint8Array;
    return { scores, anomalous: Uint8Array.from(anomalous, (b) => (b ? 1 : 0)) };
  }

  /** The features that pushed one record's score up, most weight first. */
  reasons(row: Float32Array, limit = 3): AnomalyReason[] {
    const weights = attribution(this.forest, row, FEATURES.map((f) => this.card.center[f] ?? 0));
    const all = FEATURES.map((feature, f): AnomalyReason => {
      const value = row[f]!;
      const typical = this.card.typical[feature] ?? [value, value];
      const outside = value < typical[0] || value > typical[1];
      return { feature, value, typical: [typical[0], typical[1]], weight: weights[f]!, outside, text: describe(feature, value) };
    });
    // Features outside their usual range first; among them, the ones that isolated the point.
    const outside = all.filter((r) => r.outside).sort((a, b) => b.weight - a.weight);
    return (outside.length ? outside : all.sort((a, b) => b.weight - a.weight)).slice(0, limit);
  }

  /** Write the model and its card into `dir`, each through a temporary file and a rename. */
  save(dir: string): void {
    writeModelFiles(dir, this.bytes, this.card);
  }
}

export function writeModelFiles(dir: string, bytes: Uint8Array, card: AnomalyCard): void {
  mkdirSync(dir, { recursive: true });
  const withHash = { ...card, file: MODEL_FILE, sha256: createHash('sha256').update(bytes).digest('hex') };
  // Model first, card second: a card always describes a complete model file beside it.
  writeFileSync(join(dir, MODEL_FILE + '.tmp'), bytes);
  renameSync(join(dir, MODEL_FILE + '.tmp'), join(dir, MODEL_FILE));
  writeFileSync(join(dir, CARD_FILE + '.tmp'), JSON.stringify(withHash, null, 2) + '\n');
  renameSync(join(dir, CARD_FILE + '.tmp'), join(dir, CARD_FILE));
}

/**
 * The shipped default model's folder: the models folder the other models use (models-dir.ts:
 * $LOGSCOPE_MODELS, or the one beside the engine, unpacked from app.asar), else `models/` at
 * the top of the source tree or beside the bundle.
 */
export function shippedModelDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const shared = defaultModelsDir();
  // src/engine/ml/anomaly → models; out/engine or out/cli → models.
  for (const c of [...(shared ? [shared] : []), join(here, '../../../../models'), join(here, '../../models'), join(here, '../models')]) {
    if (existsSync(join(c, MODEL_FILE)) && existsSync(join(c, CARD_FILE))) return c;
  }
  return null;
}

function describe(feature: FeatureName, v: number): string {
  switch (feature) {
    case 'rarity':
      return `rare pattern: about 1 in ${formatPow10(v)} records`;
    case 'age':
      return v < 0.01 ? 'pattern seen for the first time' : `pattern first seen ${formatSeconds(Math.pow(10, v) - 1)} ago`;
    case 'severity':
      return `severity ${['none', 'trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal'][Math.round(v)] ?? v}`;
    case 'category_rarity':
      return `rare category: about 1 in ${formatPow10(v)} records`;
    case 'param_z':
      return `a parameter is ${v.toFixed(1)} standard deviations from its usual value`;
    case 'burst':
      return v >= 0 ? `pattern at ${Math.pow(2, v).toFixed(1)}× its average rate` : `pattern at ${Math.pow(2, v).toFixed(2)}× its average rate`;
  }
}

function formatPow10(v: number): string {
  const x = Math.pow(10, v);
  return x < 1e6 ? String(Math.round(x)) : `10^${v.toFixed(1)}`;
}

function formatSeconds(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}
