/**
 * Text → hashed sparse features, the one featuriser behind training, evaluation and the
 * engine's inference, so a model always sees what it was trained on.
 *
 * 1. Values are masked the way the pattern miner masks them (src/ingest/patterns), so a raw
 *    line, a loghub template and a miner template of the same event read the same:
 *    numbers, addresses, ids, paths, URLs become `<*>`.
 * 2. Words: identifiers are split at camelCase and punctuation (`NameSystem.addStoredBlock`
 *    → name system add stored block), lower-cased; digits dropped (`eth0` → eth); `<*>`
 *    becomes the word `var`-marker so "user <*>" and "port <*>" are features.
 * 3. Features: word unigrams, their stems (a small suffix stripper, so `connected`,
 *    `connecting`, `connections` are one feature), stem bigrams, character 3–4-grams of
 *    each word (so `authenticate` and `unauthenticated` share evidence), and the groups of a
 *    hand-written lexicon (lexicon.ts: words known across systems to signal a subsystem or a
 *    severity — refused, denied, corrupt, panic, deprecated …). Each is hashed (FNV-1a)
 *    into `buckets` slots; weights summed per slot, then L2-normalised so long and short
 *    messages weigh alike. The lexicon groups generalise to systems the training data
 *    never saw better than hashed n-grams do, which learn each system's vocabulary.
 *
 * The ONNX graph does the rest (an embedding-bag: gather rows by index, weight, sum).
 * Changing anything here changes what models mean: bump FEATURES_VERSION, and the runtime
 * will refuse models trained with another version.
 */
import { tokenize } from '../../ingest/patterns/tokenize';
import { lexiconGroups, stem } from './lexicon';

export const FEATURES_VERSION = 2;

export interface FeatureConfig {
  version: number;
  /** Number of hash buckets: a power of two. */
  buckets: number;
  /** Words read per text (the rest of a long stack trace adds little). */
  maxWords: number;
}

export const DEFAULT_FEATURES: FeatureConfig = { version: FEATURES_VERSION, buckets: 1 << 16, maxWords: 64 };

/** A text's features: bucket indices (distinct) and their weights (finite, L2 norm 1, or empty). */
export interface Features {
  indices: Int32Array;
  weights: Float32Array;
}

const VAR_WORD = 'qvarq';
/** Characters read per text before masking: bounded work whatever the input. */
const MAX_CHARS = 2000;
// Char n-grams are many per word and learn a system's own vocabulary; kept light so the lexicon
// groups and stems, which carry across systems, weigh more after normalising.
const WEIGHT = { word: 1, stem: 0.7, bigram: 0.3, char: 0.2, lexicon: 2 };

/** The masked, lower-cased words of a text, as the features see them. */
export function featureWords(text: string, maxWords = DEFAULT_FEATURES.maxWords): string[] {
  const masked = tokenize(text.slice(0, MAX_CHARS), 160).masked.join(' ');
  const spaced = masked
    // negations are evidence (can't find / found): keep them as the word `not`
    .replace(/\bcan'?t\b/gi, 'cannot')
    .replace(/n't\b/gi, ' not')
    .replace(/<\*>/g, ` ${VAR_WORD} `)
    // camelCase and ACRONYMWord boundaries: addStoredBlock, HTTPServer
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  const out: string[] = [];
  for (const w of spaced.split(/[^a-z\u00c0-\uffff]+/)) {
    if (!w) continue;
    out.push(w === VAR_WORD ? '<*>' : w);
    if (out.length >= maxWords) break;
  }
  return out;
}

/** FNV-1a over UTF-16 code units, with a final avalanche so low bits are well mixed. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export function featurize(text: string, config: FeatureConfig = DEFAULT_FEATURES): Features {
  const mask = config.buckets - 1;
  const acc = new Map<number, number>();
  const add = (key: string, w: number) => {
    const b = hashString(key) & mask;
    acc.set(b, (acc.get(b) ?? 0) + w);
  };
  const words = featureWords(typeof text === 'string' ? text : '', config.maxWords);
  const stems = words.map(stem);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    add('w|' + w, WEIGHT.word);
    if (stems[i] !== w) add('s|' + stems[i], WEIGHT.stem);
    if (i > 0) add('b|' + stems[i - 1] + ' ' + stems[i], WEIGHT.bigram);
    if (w !== '<*>' && w.length > 2) {
      const padded = '<' + w + '>';
      for (let n = 3; n <= 4; n++) {
        for (let j = 0; j + n <= padded.length; j++) add('c|' + padded.slice(j, j + n), WEIGHT.char);
      }
    }
  }
  for (const g of lexiconGroups(stems)) add('l|' + g, WEIGHT.lexicon);
  if (words.length === 0) add('empty|', 1);
  // Deterministic order (by bucket) so the same text gives the same bytes everywhere.
  const keys = [...acc.keys()].sort((a, b) => a - b);
  let norm = 0;
  for (const k of keys) norm += acc.get(k)! ** 2;
  norm = Math.sqrt(norm);
  const indices = new Int32Array(keys.length);
  const weights = new Float32Array(keys.length);
  keys.forEach((k, i) => {
    indices[i] = k;
    const w = acc.get(k)! / norm;
    weights[i] = Number.isFinite(w) ? w : 0;
  });
  return { indices, weights };
}

/**
 * A batch as the models take it: `indices` [batch, width] (int64) and `weights`
 * [batch, width] (float32), rows padded with index 0 and weight 0, which add nothing.
 */
export interface PaddedBatch {
  indices: BigInt64Array;
  weights: Float32Array;
  batch: number;
  width: number;
}

export function padBatch(rows: Features[]): PaddedBatch {
  const width = Math.max(1, ...rows.map((r) => r.indices.length));
  const indices = new BigInt64Array(rows.length * width);
  const weights = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    for (let j = 0; j < r.indices.length; j++) {
      indices[i * width + j] = BigInt(r.indices[j]!);
      weights[i * width + j] = r.weights[j]!;
    }
  });
  return { indices, weights, batch: rows.length, width };
}
