/**
 * The refit's worker thread: features for every record, the forest, the ONNX bytes. CPU
 * work off the engine's event loop; the engine cancels a refit by terminating this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { N_FEATURES } from './features';
import { fitAnomalyModel } from './fit';
import type { RefitRequest, RefitMessage } from './refit-protocol';
import { featuresFromColumns } from './train';

function send(msg: RefitMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(msg, transfer);
}

function run(req: RefitRequest): void {
  const rows = featuresFromColumns(req.columns, (f) => send({ type: 'progress', phase: 'features', fraction: f }));
  send({ type: 'progress', phase: 'fit', fraction: 0 });
  const fitted = fitAnomalyModel(rows, req.trainedOn, {
    ...req.options,
    onProgress: (f) => send({ type: 'progress', phase: 'fit', fraction: f }),
  });
  // A few real rows, so the engine can check the session it loads agrees with the trees
  // before it swaps the model in.
  const probe = rows.slice(0, 64 * N_FEATURES);
  const onnx = fitted.onnx.slice();
  send({ type: 'done', onnx, card: fitted.card, probe }, [onnx.buffer as ArrayBuffer, probe.buffer as ArrayBuffer]);
}

try {
  run(workerData as RefitRequest);
} catch (err) {
  send({ type: 'error', message: (err as Error).message });
}
