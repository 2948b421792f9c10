import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TemplateClassifier } from '../classifier';
import { MODEL_SPECS } from '../ml-service';
import { ModelRuntime } from '../runtime';
import { TINY_OPTIONS, TINY_ROWS } from '../testing';
import { buildModel, writeModel } from './build';
import { readOverrides, readWrittenFile, type TrainRow } from './data';
import { predict } from './softmax';
import { examplesFor, FeatureCache, TASK_LABELS, trainTask } from './tasks';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'logscope-train-'));
  dirs.push(d);
  return d;
};

describe('training', () => {
  it('gives the same bytes from the same data and seed, and other bytes from another seed', () => {
    const a = buildModel('category', TINY_ROWS, [], TINY_OPTIONS);
    const b = buildModel('category', TINY_ROWS, [], TINY_OPTIONS);
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
    expect(a.card).toEqual(b.card);
    const c = buildModel('category', TINY_ROWS, [], { ...TINY_OPTIONS, train: { ...TINY_OPTIONS.train, seed: 8 } });
    expect(c.card.sha256).not.toBe(a.card.sha256);
  });

  it('writes a graph that computes what the trainer computes', async () => {
    const dir = tmp();
    const cache = new FeatureCache(TINY_OPTIONS.features);
    for (const task of ['category', 'severity'] as const) writeModel(dir, buildModel(task, TINY_ROWS, [], TINY_OPTIONS, cache));
    const model = trainTask(TINY_ROWS, 'category', cache, TINY_OPTIONS);
    const rt = await ModelRuntime.load(dir, MODEL_SPECS);
    const texts = ['Failed password for admin from 10.1.1.1 port 22 ssh2', 'disk full on /var', ''];
    const [onnx] = await Promise.all([rt.model('category')!.run({ ...(await import('../features')).padBatch(texts.map((t) => cache.get(t))) })]);
    texts.forEach((t, i) => {
      const js = predict(model, cache.get(t));
      onnx[i]!.forEach((p, c) => expect(p).toBeCloseTo(js[c]!, 5));
    });
    await rt.close();
  });

  it('learns the clear cases it was given', async () => {
    const dir = tmp();
    const cache = new FeatureCache(TINY_OPTIONS.features);
    for (const task of ['category', 'severity'] as const) writeModel(dir, buildModel(task, TINY_ROWS, [], TINY_OPTIONS, cache));
    const rt = await ModelRuntime.load(dir, MODEL_SPECS);
    const answers = await new TemplateClassifier(rt).classifyTexts(TINY_ROWS.map((r) => r.text));
    answers.forEach((a, i) => expect(a.category).toBe(TINY_ROWS[i]!.category));
    expect(TASK_LABELS.severity).toContain(answers[0]!.severity);
    await rt.close();
  });

  it('reads written lines and overrides, and says where a bad one is', () => {
    const dir = tmp();
    const file = join(dir, 'x.txt');
    writeFileSync(file, '# c\n@system nginx\nnetwork error | upstream timed out\\nsecond line\n');
    const [row] = readWrittenFile(file, 'x.txt');
    expect(row).toMatchObject({ category: 'network', severity: 'error', system: 'nginx', text: 'upstream timed out\nsecond line' });
    writeFileSync(file, 'netwrk error | x\n');
    expect(() => readWrittenFile(file, 'x.txt')).toThrow(/x\.txt:1: unknown category "netwrk"/);
    const ov = join(dir, 'o.jsonl');
    writeFileSync(ov, '{"id": 3, "template": "foo <*>", "category": "storage", "severity": null}\n');
    expect(readOverrides(ov)[0]).toMatchObject({ text: 'foo <*>', category: 'storage', severity: null, source: 'override' });
    writeFileSync(ov, '{"template": "foo", "category": "disk"}\n');
    expect(() => readOverrides(ov)).toThrow(/o\.jsonl:1: category: unknown category/);
    expect(readFileSync(file, 'utf8')).toContain('netwrk');
  });
});

describe('severity weights', () => {
  it('weigh a Loghub template by 1 + ln(its lines) when asked, and not otherwise', () => {
    const lh = (lines: number): TrainRow => ({ text: `event ${lines}`, category: 'other', severity: 'info', source: 'loghub', dataset: 'X', ref: `loghub:X:E${lines}`, system: 'X', lines });
    const rows = [lh(1), lh(100)];
    const cache = new FeatureCache(TINY_OPTIONS.features);
    const [a, b] = examplesFor(rows, 'severity', cache, 0, true);
    expect(b!.weight / a!.weight).toBeCloseTo(1 + Math.log(100), 10);
    const [c, d] = examplesFor(rows, 'severity', cache, 0, false);
    expect(d!.weight).toBe(c!.weight);
  });
});
