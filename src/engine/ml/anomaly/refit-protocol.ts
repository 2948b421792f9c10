import type { AnomalyCard, FitOptions, TrainedOn } from './fit';
import type { RecordColumns } from './train';

/** What the engine hands the refit worker (as workerData). */
export interface RefitRequest {
  columns: RecordColumns;
  trainedOn: TrainedOn;
  options: Pick<FitOptions, 'seed' | 'trees' | 'sampleSize' | 'contamination'>;
}

export type RefitPhase = 'reading' | 'features' | 'fit' | 'loading';

/** What the worker sends back. */
export type RefitMessage =
  | { type: 'progress'; phase: RefitPhase; fraction: number }
  | { type: 'done'; onnx: Uint8Array; card: AnomalyCard; probe: Float32Array }
  | { type: 'error'; message: string };
