import onnxProto from 'onnx-proto';
import { averagePathLength, type Forest } from './isolation-forest';

// onnx-proto is CommonJS: its namespace arrives as the default export under ESM.
const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const BOOL = onnx.TensorProto.DataType.BOOL;

const ML_DOMAIN = 'ai.onnx.ml';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toNumber(x: number | { toNumber(): number }): number {
  return typeof x === 'number' ? x : x.toNumber();
}

/** Names of the graph's input and outputs: the runtime and the tests use these. */
export const IO = {
  input: 'features',
  pathSum: 'path_length_sum',
  score: 'score',
  anomalous: 'anomalous',
} as const;

export interface ForestGraphOptions {
  /** Feature names, in column order (kept in the model's metadata). */
  featureNames: readonly string[];
  /** A score above this is `anomalous` (the graph's second output). */
  threshold: number;
  /** More metadata for the file (stringified values). */
  metadata?: Record<string, string>;
}

/**
 * The forest as an ONNX graph:
 *
 *   features [N,F] ─▶ ai.onnx.ml.TreeEnsembleRegressor (SUM of leaf path lengths) ─▶ path_length_sum [N,1]
 *                  ─▶ Mul(−1/(T·c(ψ))) ─▶ Pow(2, ·) ─▶ score [N,1] ─▶ Greater(threshold) ─▶ anomalous [N,1]
 *
 * so the standard score 2^(−E[h]/c(ψ)) is computed inside the graph with plain ONNX ops.
 */
export function forestToOnnx(forest: Forest, opts: ForestGraphOptions): Uint8Array {
  if (opts.featureNames.length !== forest.nFeatures) {
    throw new Error(`forestToOnnx: ${opts.featureNames.length} feature names for ${forest.nFeatures} features`);
  }
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const values: number[] = [];
  const modes: Uint8Array[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const targetTree: number[] = [];
  const targetNode: number[] = [];
  const targetWeight: number[] = [];
  const LT = encoder.encode('BRANCH_LT');
  const LEAF = encoder.encode('LEAF');
  for (let t = 0; t < forest.trees; t++) {
    const root = forest.treeStart[t]!;
    const end = t + 1 < forest.trees ? forest.treeStart[t + 1]! : forest.feature.length;
    // Node ids are local to their tree in ONNX.
    for (let node = root; node < end; node++) {
      const f = forest.feature[node]!;
      treeIds.push(t);
      nodeIds.push(node - root);
      if (f >= 0) {
        featureIds.push(f);
        values.push(forest.threshold[node]!);
        modes.push(LT);
        trueIds.push(forest.left[node]! - root);
        falseIds.push(forest.right[node]! - root);
      } else {
        featureIds.push(0);
        values.push(0);
        modes.push(LEAF);
        trueIds.push(0);
        falseIds.push(0);
        targetTree.push(t);
        targetNode.push(node - root);
        targetWeight.push(forest.value[node]!);
      }
    }
  }
  const ints = (name: string, v: number[]) => ({ name, type: A.INTS, ints: v });
  const floats = (name: string, v: number[]) => ({ name, type: A.FLOATS, floats: v });
  const ensemble = {
    opType: 'TreeEnsembleRegressor',
    domain: ML_DOMAIN,
    name: 'isolation_forest',
    input: [IO.input],
    output: [IO.pathSum],
    attribute: [
      ints('nodes_treeids', treeIds),
      ints('nodes_nodeids', nodeIds),
      ints('nodes_featureids', featureIds),
      floats('nodes_values', values),
      { name: 'nodes_modes', type: A.STRINGS, strings: modes },
      ints('nodes_truenodeids', trueIds),
      ints('nodes_falsenodeids', falseIds),
      ints('target_treeids', targetTree),
      ints('target_nodeids', targetNode),
      ints('target_ids', targetTree.map(() => 0)),
      floats('target_weights', targetWeight),
      { name: 'n_targets', type: A.INT, i: 1 },
      { name: 'aggregate_function', type: A.STRING, s: encoder.encode('SUM') },
    ],
  };
  const scalar = (name: string, v: number) => ({ name, dataType: FLOAT, dims: [], floatData: [v] });
  const scale = -1 / (forest.trees * averagePathLength(forest.sampleSize));
  const F = forest.nFeatures;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'logscope',
    producerVersion: '1',
    domain: 'dev.logscope',
    docString: 'LogScope anomaly model: an isolation forest over per-record features (src/engine/ml/anomaly).',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: ML_DOMAIN, version: 3 },
    ],
    metadataProps: Object.entries({
      feature_names: JSON.stringify(opts.featureNames),
      trees: String(forest.trees),
      sample_size: String(forest.sampleSize),
      threshold: String(opts.threshold),
      ...opts.metadata,
    }).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'anomaly_isolation_forest',
      initializer: [scalar('neg_inv_norm', scale), scalar('two', 2), scalar('threshold', opts.threshold)],
      node: [
        ensemble,
        { opType: 'Mul', input: [IO.pathSum, 'neg_inv_norm'], output: ['exponent'], name: 'normalise' },
        { opType: 'Pow', input: ['two', 'exponent'], output: [IO.score], name: 'score' },
        { opType: 'Greater', input: [IO.score, 'threshold'], output: [IO.anomalous], name: 'decide' },
      ],
      input: [tensorType(IO.input, FLOAT, F)],
      output: [tensorType(IO.pathSum, FLOAT, 1), tensorType(IO.score, FLOAT, 1), tensorType(IO.anomalous, BOOL, 1)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function tensorType(name: string, elemType: number, cols: number) {
  return { name, type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, { dimValue: cols }] } } } };
}

export interface ForestGraph {
  forest: Forest;
  metadata: Record<string, string>;
}

/**
 * Read a forest back from a graph this module wrote: the engine keeps one file (the ONNX
 * model) and rebuilds the trees from it for the "top reasons" behind a score.
 */
export function onnxToForest(bytes: Uint8Array): ForestGraph {
  const model = onnx.ModelProto.decode(bytes);
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps) if (p.key) metadata[p.key] = p.value ?? '';
  const node = (model.graph?.node ?? []).find((n) => n.opType === 'TreeEnsembleRegressor');
  if (!node) throw new Error('not an anomaly model: the graph has no TreeEnsembleRegressor');
  const attr = new Map((node.attribute ?? []).map((a) => [a.name, a]));
  // int64s come as Long objects; Number(long) goes through its decimal string (~12 ms
  // per list of 10k nodes, most of the model's load time), toNumber() does not.
  const intsOf = (name: string) => (attr.get(name)?.ints ?? []).map(toNumber);
  const treeIds = intsOf('nodes_treeids');
  const nodeIds = intsOf('nodes_nodeids');
  const featureIds = intsOf('nodes_featureids');
  const values = attr.get('nodes_values')?.floats ?? [];
  const modes = (attr.get('nodes_modes')?.strings ?? []).map((s) => decoder.decode(s));
  const trueIds = intsOf('nodes_truenodeids');
  const falseIds = intsOf('nodes_falsenodeids');
  const targetTree = intsOf('target_treeids');
  const targetNode = intsOf('target_nodeids');
  const weights = attr.get('target_weights')?.floats ?? [];

  const trees = Number(metadata.trees);
  const sampleSize = Number(metadata.sample_size);
  const names = JSON.parse(metadata.feature_names ?? '[]') as string[];
  if (!Number.isInteger(trees) || !Number.isInteger(sampleSize) || !names.length) {
    throw new Error('not an anomaly model: its metadata lacks trees, sample_size or feature_names');
  }
  const n = treeIds.length;
  const treeStart = new Int32Array(trees);
  const feature = new Int32Array(n);
  const threshold = new Float32Array(n);
  const left = new Int32Array(n);
  const right = new Int32Array(n);
  const value = new Float32Array(n);
  // Nodes are written tree by tree with local ids; flat index = tree start + local id.
  for (let i = n - 1; i >= 0; i--) treeStart[treeIds[i]!] = i;
  const leafValue = new Map<string, number>();
  targetTree.forEach((t, i) => leafValue.set(`${t}:${targetNode[i]}`, weights[i]!));
  for (let i = 0; i < n; i++) {
    const root = treeStart[treeIds[i]!]!;
    if (root + nodeIds[i]! !== i) throw new Error('anomaly model: nodes are not in the order this reader expects');
    if (modes[i] === 'LEAF') {
      feature[i] = -1;
      value[i] = leafValue.get(`${treeIds[i]}:${nodeIds[i]}`) ?? 0;
    } else {
      feature[i] = featureIds[i]!;
      threshold[i] = values[i]!;
      left[i] = root + trueIds[i]!;
      right[i] = root + falseIds[i]!;
    }
  }
  return {
    forest: { nFeatures: names.length, trees, sampleSize, treeStart, feature, threshold, left, right, value },
    metadata,
  };
}
