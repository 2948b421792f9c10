import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateClassifier } from './classifier';
import { featurize, padBatch } from './features';
import { MODEL_SPECS } from './ml-service';
import { ModelRuntime, sha256 } from './runtime';
import { writeTinyModels } from './testing';

let good: string;
const dirs: string[] = [];

function variant(change: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'logscope-models-'));
  dirs.push(dir);
  for (const f of ['category.onnx', 'category.json', 'severity.onnx', 'severity.json']) copyFileSync(join(good, f), join(dir, f));
  change(dir);
  return dir;
}

function editCard(dir: string, name: string, edit: (card: Record<string, unknown>) => void): void {
  const file = join(dir, `${name}.json`);
  const card = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(card);
  writeFileSync(file, JSON.stringify(card));
}

async function statusOf(dir: string | null) {
  const rt = await ModelRuntime.load(dir, MODEL_SPECS);
  const status = Object.fromEntries(rt.status().map((s) => [s.name, s]));
  return { rt, status };
}

beforeAll(() => {
  good = mkdtempSync(join(tmpdir(), 'logscope-models-'));
  dirs.push(good);
  writeTinyModels(good);
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('model runtime', () => {
  it('loads good models, checks them and runs a batch', async () => {
    const { rt, status } = await statusOf(good);
    expect(status.category!.state).toBe('ready');
    expect(status.severity!.state).toBe('ready');
    const rows = await rt.model('category')!.run(padBatch([featurize('Failed password for root from 10.0.0.9 port 22 ssh2'), featurize('')]));
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    await rt.close();
  });

  it('runs without a models folder and says why', async () => {
    const { rt, status } = await statusOf(join(good, 'nope'));
    expect(status.category!.state).toBe('missing');
    expect(status.category!.reason).toMatch(/no models folder/);
    const classifier = new TemplateClassifier(rt);
    expect(classifier.available).toBe(false);
    expect(await classifier.classifyTexts(['anything'])).toEqual([{ category: null, confidence: null, severity: null, severityConfidence: null }]);
  });

  it('reports a missing model file by name, and keeps the other model', async () => {
    const dir = variant((d) => rmSync(join(d, 'severity.onnx')));
    const { rt, status } = await statusOf(dir);
    expect(status.severity!.state).toBe('missing');
    expect(status.severity!.reason).toMatch(/severity\.onnx not found/);
    expect(status.category!.state).toBe('ready');
    const [answer] = await new TemplateClassifier(rt).classifyTexts(['Failed password for root from 10.0.0.1 port 22 ssh2']);
    expect(answer!.category).toBe('security');
    expect(answer!.severity).toBeNull();
    await rt.close();
  });

  it('refuses a truncated model', async () => {
    const dir = variant((d) => {
      const bytes = readFileSync(join(d, 'category.onnx'));
      writeFileSync(join(d, 'category.onnx'), bytes.subarray(0, bytes.length >> 1));
    });
    const { status } = await statusOf(dir);
    expect(status.category!.state).toBe('failed');
    expect(status.category!.reason).toMatch(/truncated or replaced/);
  });

  it('refuses a truncated model even when its card was updated to match', async () => {
    const dir = variant((d) => {
      const bytes = readFileSync(join(d, 'category.onnx')).subarray(0, 5000);
      writeFileSync(join(d, 'category.onnx'), bytes);
      editCard(d, 'category', (c) => Object.assign(c, { bytes: bytes.length, sha256: sha256(bytes) }));
    });
    const { status } = await statusOf(dir);
    expect(status.category!.state).toBe('failed');
    expect(status.category!.reason).toMatch(/onnxruntime could not load it/);
  });

  it('refuses a model whose sha256 does not match its card', async () => {
    const dir = variant((d) => {
      const bytes = readFileSync(join(d, 'category.onnx'));
      bytes[bytes.length - 100]! ^= 0xff;
      writeFileSync(join(d, 'category.onnx'), bytes);
    });
    const { status } = await statusOf(dir);
    expect(status.category!.state).toBe('failed');
    expect(status.category!.reason).toMatch(/sha256 .* does not match/);
  });

  it('refuses a model of the wrong shape (a severity graph behind a category card)', async () => {
    const dir = variant((d) => {
      copyFileSync(join(d, 'severity.onnx'), join(d, 'category.onnx'));
      const bytes = readFileSync(join(d, 'category.onnx'));
      editCard(d, 'category', (c) => Object.assign(c, { bytes: bytes.length, sha256: sha256(bytes) }));
    });
    const { status } = await statusOf(dir);
    expect(status.category!.state).toBe('failed');
    expect(status.category!.reason).toMatch(/shape \[1, 7\], expected \[1, 11\]/);
  });

  it('refuses a model trained with other features, other labels or a bad card', async () => {
    const features = await statusOf(variant((d) => editCard(d, 'category', (c) => Object.assign(c, { features: { version: 99, buckets: 65536, maxWords: 64 } }))));
    expect(features.status.category!.reason).toMatch(/features v99/);
    const labels = await statusOf(variant((d) => editCard(d, 'severity', (c) => ((c.labels as string[])[0] = 'verbose'))));
    expect(labels.status.severity!.reason).toMatch(/labels .* are not the ones expected/);
    const card = await statusOf(variant((d) => writeFileSync(join(d, 'category.json'), '{"name": "category"')));
    expect(card.status.category!.state).toBe('failed');
    expect(card.status.category!.reason).toMatch(/not a valid model card/);
  });
});
