/**
 * Writes a trained linear model as an ONNX graph: an embedding-bag classifier.
 *
 *   indices int64 [batch, n]  ─Gather(W [buckets, classes])─▶ [batch, n, classes]
 *   weights float [batch, n]  ─Unsqueeze─▶ [batch, n, 1] ─Mul─▶ ReduceSum(axis 1) ─Add(b)─▶ Softmax ─▶ probs [batch, classes]
 *
 * IR version 8, opset 17: what onnxruntime-node 1.30 runs (checked by runtime tests).
 * onnx-proto is a build-time dependency: only training imports this module.
 */
import onnxProto from 'onnx-proto';
import type { LinearModel } from './softmax';

const { onnx } = onnxProto;

export const IR_VERSION = 8;
export const OPSET = 17;
export const INPUTS = { indices: 'indices', weights: 'weights' } as const;
export const OUTPUT = 'probs';

export interface GraphMeta {
  name: string;
  labels: readonly string[];
  /** Free-form key/values stored in the model's metadata_props. */
  props: Record<string, string>;
}

const DT = onnx.TensorProto.DataType;
const INT = onnx.AttributeProto.AttributeType.INT;

function floatTensor(name: string, dims: number[], data: Float32Array) {
  // Little-endian float32 bytes, as raw_data expects; copy so the proto owns its buffer.
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return onnx.TensorProto.create({ name, dims, dataType: DT.FLOAT, rawData: bytes });
}

function valueInfo(name: string, elemType: number, shape: Array<number | string>) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
}

export function linearBagGraph(model: LinearModel, meta: GraphMeta): Uint8Array {
  if (meta.labels.length !== model.classes) throw new Error(`${meta.name}: ${meta.labels.length} labels for ${model.classes} classes`);
  for (const v of model.W) if (!Number.isFinite(v)) throw new Error(`${meta.name}: non-finite weight; training diverged`);
  for (const v of model.b) if (!Number.isFinite(v)) throw new Error(`${meta.name}: non-finite bias; training diverged`);
  const graph = onnx.GraphProto.create({
    name: meta.name,
    initializer: [
      floatTensor('W', [model.buckets, model.classes], model.W),
      floatTensor('b', [model.classes], model.b),
      onnx.TensorProto.create({ name: 'axis1', dims: [1], dataType: DT.INT64, int64Data: [1] }),
      onnx.TensorProto.create({ name: 'axis2', dims: [1], dataType: DT.INT64, int64Data: [2] }),
    ],
    input: [valueInfo(INPUTS.indices, DT.INT64, ['batch', 'n']), valueInfo(INPUTS.weights, DT.FLOAT, ['batch', 'n'])],
    output: [valueInfo(OUTPUT, DT.FLOAT, ['batch', model.classes])],
    node: [
      onnx.NodeProto.create({ name: 'gather', opType: 'Gather', input: ['W', INPUTS.indices], output: ['rows'], attribute: [{ name: 'axis', type: INT, i: 0 }] }),
      onnx.NodeProto.create({ name: 'unsqueeze', opType: 'Unsqueeze', input: [INPUTS.weights, 'axis2'], output: ['w3'] }),
      onnx.NodeProto.create({ name: 'scale', opType: 'Mul', input: ['rows', 'w3'], output: ['scaled'] }),
      onnx.NodeProto.create({ name: 'bag', opType: 'ReduceSum', input: ['scaled', 'axis1'], output: ['summed'], attribute: [{ name: 'keepdims', type: INT, i: 0 }] }),
      onnx.NodeProto.create({ name: 'bias', opType: 'Add', input: ['summed', 'b'], output: ['logits'] }),
      onnx.NodeProto.create({ name: 'softmax', opType: 'Softmax', input: ['logits'], output: [OUTPUT], attribute: [{ name: 'axis', type: INT, i: -1 }] }),
    ],
  });
  const modelProto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'logscope',
    producerVersion: '1',
    graph,
    metadataProps: [{ key: 'labels', value: JSON.stringify(meta.labels) }, ...Object.entries(meta.props).map(([key, value]) => ({ key, value }))],
  });
  return onnx.ModelProto.encode(modelProto).finish();
}
