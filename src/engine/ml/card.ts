/**
 * A model card: `models/<name>.json` beside `models/<name>.onnx`. What the model does, what
 * it takes and gives, its labels, the data it was trained on and where that came from, its
 * measured quality with the split used, and the sha256 of the .onnx file (checked at load).
 * Written by `npm run train`; validated here, since a card is input like any other file.
 */
import { z } from 'zod';

const tensorSpec = z.object({
  name: z.string().min(1),
  type: z.enum(['int64', 'float32']),
  shape: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])),
});

export const modelCardSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/),
  version: z.string().min(1),
  task: z.string().min(1),
  description: z.string(),
  file: z.string().regex(/^[\w.-]+\.onnx$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  inputs: z.array(tensorSpec).min(1),
  outputs: z.array(tensorSpec).min(1),
  labels: z.array(z.string().min(1)).min(2),
  features: z.object({ version: z.number().int().positive(), buckets: z.number().int().positive(), maxWords: z.number().int().positive() }),
  training: z.object({
    command: z.string(),
    algorithm: z.string(),
    seed: z.number().int(),
    hyperparameters: z.record(z.string(), z.union([z.number(), z.string()])),
    data: z.array(z.object({ source: z.string(), rows: z.number().int().nonnegative(), description: z.string() })),
    labelCounts: z.record(z.string(), z.number().int().nonnegative()),
  }),
  metrics: z.array(
    z.object({
      name: z.string(),
      value: z.number(),
      split: z.string(),
      baseline: z.number().nullable().optional(),
      notes: z.string().optional(),
    }),
  ),
  license: z.string().optional(),
});

export type ModelCard = z.infer<typeof modelCardSchema>;
