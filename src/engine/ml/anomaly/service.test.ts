import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/fixtures';
import { AnomalyCardSchema, type TrainedOn } from './fit';
import { generateLogs } from './generate';
import { CARD_FILE, MODEL_FILE } from './model';
import { AnomalyService, RefitCancelledError, RefitRefusedError } from './service';
import { trainAnomalyModel, type RecordColumns } from './train';

function columns(seed: number, days: number): RecordColumns {
  const logs = generateLogs(seed, days, { incidents: false });
  return {
    ts: Float64Array.from(logs.records, (r) => r.ts),
    pattern: Int32Array.from(logs.records, (r) => r.pattern),
    level: Uint8Array.from(logs.records, (r) => r.level),
    params: logs.records.map((r) => JSON.stringify(r.params)),
  };
}

const trainedOn = (records: number): TrainedOn => ({
  kind: 'range', from: 0, to: 1, records, patterns: 17, sources: ['api'], description: 'test',
});

const services: AnomalyService[] = [];
afterEach(() => {
  for (const s of services.splice(0)) s.close();
});

let defaultDir: string;
beforeAll(() => {
  defaultDir = tempDir('logscope-anomaly-default-');
  trainAnomalyModel({ outDir: defaultDir, days: 1, trees: 20 });
});

/** A service whose "shipped" default is a small model trained into a temp folder. */
async function serviceWithDefault(): Promise<{ service: AnomalyService; dataDir: string }> {
  const dataDir = tempDir();
  const service = await AnomalyService.open({ dataDir, defaultModelDir: defaultDir, minRecords: 1000 });
  services.push(service);
  return { service, dataDir };
}

describe('anomaly model service', () => {
  it('serves the shipped default on a fresh data folder, then a refit in a worker swaps in a new model and writes it with its card', async () => {
    const { service, dataDir } = await serviceWithDefault();
    const old = service.model!;
    expect(old.card.trainedOn.kind).toBe('generated');
    const phases = new Set<string>();
    const data = columns(5, 1);
    const job = service.refitColumns(data, trainedOn(data.ts.length), { onProgress: (p) => phases.add(p.phase) });
    // The old model serves while the refit runs.
    expect(service.model).toBe(old);
    const model = await job.done;
    expect(service.model).toBe(model);
    expect(model).not.toBe(old);
    expect([...phases]).toEqual(expect.arrayContaining(['features', 'fit', 'loading']));
    const card = AnomalyCardSchema.parse(JSON.parse(readFileSync(join(dataDir, 'models', CARD_FILE), 'utf8')));
    expect(card.trainedOn).toMatchObject({ kind: 'range', records: data.ts.length });
    expect(card.sha256).toMatch(/^[0-9a-f]{64}$/);
    // A new service on the same folder loads the refitted model, not the default.
    const again = await AnomalyService.open({ dataDir, defaultModelDir: null });
    services.push(again);
    expect(again.model!.card.trainedOn.kind).toBe('range');
    expect(Buffer.from(again.model!.bytes).equals(Buffer.from(model.bytes))).toBe(true);
  });

  it('refuses a refit on a tiny range with a message, and keeps the model', async () => {
    const { service } = await serviceWithDefault();
    const old = service.model;
    const tiny = columns(1, 1);
    const few: RecordColumns = { ts: tiny.ts.subarray(0, 50), pattern: tiny.pattern.subarray(0, 50), level: tiny.level.subarray(0, 50), params: tiny.params.slice(0, 50) };
    expect(() => service.refitColumns(few, trainedOn(50))).toThrow(RefitRefusedError);
    expect(() => service.refitColumns(few, trainedOn(50))).toThrow(/not enough records to learn from: 50 .* at least 1000/);
    expect(service.model).toBe(old);
    expect(service.refitting).toBe(false);
  });

  it('a refit cancelled half way leaves the old model and its files as they were', async () => {
    const { service, dataDir } = await serviceWithDefault();
    const old = service.model;
    const data = columns(2, 2);
    let job: ReturnType<AnomalyService['refitColumns']> | null = null;
    const halfway = new Promise<void>((resolve) => {
      job = service.refitColumns(data, trainedOn(data.ts.length), {
        onProgress: (p) => {
          if (p.phase === 'features' && p.fraction >= 0.5) resolve();
        },
      });
    });
    await halfway;
    // A second refit while one runs is refused.
    expect(() => service.refitColumns(data, trainedOn(data.ts.length))).toThrow(/already running/);
    job!.cancel();
    await expect(job!.done).rejects.toBeInstanceOf(RefitCancelledError);
    expect(service.model).toBe(old);
    expect(existsSync(join(dataDir, 'models', MODEL_FILE))).toBe(false);
    expect(service.refitting).toBe(false);
  });
});
