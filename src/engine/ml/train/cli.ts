/**
 * `npm run train` — rebuild models/category.onnx and models/severity.onnx (and their cards)
 * from models/data, deterministically, measuring each with the evaluation the card reports.
 *
 *   npm run train                              train both, evaluate, write models/ and the
 *                                              assembled sets models/data/{category,severity}.jsonl
 *   npm run train -- --overrides FILE ...      also learn from corrections exported by LogScope
 *                                              (<data folder>/pattern-overrides.jsonl)
 *   npm run train -- --no-eval                 skip the evaluations (the cards then carry none)
 *   npm run train -- --out DIR --loghub DIR    write elsewhere / read Loghub from elsewhere
 *
 * The anomaly model has its own trainer: when src/engine/ml/anomaly/train.ts exists and
 * exports `train({ modelsDir, dataDir, seed })`, it runs after these two.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { evaluateCategoryLodo, evaluateSeverityByTemplate } from '../eval/evaluate';
import { listDatasets, readLabelTable, readLoghubDataset } from '../eval/loghub';
import { buildModel, writeModel } from './build';
import { loadTrainingRows, type TrainRow } from './data';
import { DATA_DIR, LOGHUB_DIR, MODELS_DIR } from './paths';
import { DEFAULT_TASK_OPTIONS, FeatureCache, labelOf, TASK_OPTIONS, type Task } from './tasks';
import type { ModelCard } from '../card';

function writeSet(file: string, rows: TrainRow[], task: Task): number {
  const lines = rows
    .filter((r) => labelOf(r, task) !== null)
    .map((r) => JSON.stringify({ text: r.text, label: labelOf(r, task), source: r.ref, dataset: r.dataset, system: r.system }));
  writeFileSync(file, lines.join('\n') + '\n');
  return lines.length;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      overrides: { type: 'string', multiple: true },
      out: { type: 'string' },
      loghub: { type: 'string' },
      'no-eval': { type: 'boolean' },
    },
  });
  const out = resolve(values.out ?? MODELS_DIR);
  mkdirSync(out, { recursive: true });
  const rows = loadTrainingRows(DATA_DIR, (values.overrides ?? []).map((f) => resolve(f)));
  console.log(`training rows: ${rows.length} (${rows.filter((r) => r.source === 'loghub').length} Loghub templates, ${rows.filter((r) => r.source === 'written').length} written, ${rows.filter((r) => r.source === 'override').length} overrides)`);
  writeSet(join(DATA_DIR, 'category.jsonl'), rows, 'category');
  writeSet(join(DATA_DIR, 'severity.jsonl'), rows, 'severity');
  const cache = new FeatureCache(DEFAULT_TASK_OPTIONS.features);
  const metrics: Record<Task, ModelCard['metrics']> = { category: [], severity: [] };
  const loghub = resolve(values.loghub ?? LOGHUB_DIR);
  if (!values['no-eval'] && existsSync(loghub)) {
    const sets = new Map(listDatasets(loghub).map((d) => [d, readLoghubDataset(join(loghub, d))]));
    const labels = readLabelTable(join(DATA_DIR, 'loghub', 'labels.tsv'));
    const cat = evaluateCategoryLodo(rows, sets, labels, TASK_OPTIONS.category, cache);
    const withLevels = new Map([...sets].filter(([, l]) => l.some((x) => x.level)));
    const sev = evaluateSeverityByTemplate(rows, withLevels, 5, TASK_OPTIONS.severity, cache);
    const split = {
      category: `leave-one-dataset-out over the ${sets.size} Loghub 2k sets (${[...sets.keys()].join(', ')}): lines of the held-out set, model trained without its templates`,
      severity: `5 folds by template over ${[...withLevels.keys()].join(', ')}: lines of held-out templates, level masked (Content only)`,
    };
    for (const [task, r] of [['category', cat], ['severity', sev]] as const) {
      metrics[task].push(
        { name: 'macro_f1', value: round(r.model.macroF1), split: split[task], baseline: round(r.baseline.macroF1), notes: 'over lines; baseline: keyword rules (src/engine/ml/eval/keywords.ts)' },
        { name: 'accuracy', value: round(r.model.accuracy), split: split[task], baseline: round(r.baseline.accuracy) },
        { name: 'macro_f1_per_template', value: round(r.modelByTemplate.macroF1), split: split[task], baseline: round(r.baselineByTemplate.macroF1), notes: 'each template counted once' },
      );
      // Per class: which labels the macro average is over (those in the truth or the predictions) and their support.
      for (const [label, c] of Object.entries(r.model.perLabel)) {
        metrics[task].push({ name: `f1_${label}`, value: round(c.f1), split: split[task], notes: `over lines; support ${c.support} lines, predicted ${c.predicted}` });
      }
      if (r.coarse) {
        metrics[task].push({ name: 'macro_f1_4_levels', value: round(r.coarse.model.macroF1), split: split[task], baseline: round(r.coarse.baseline.macroF1), notes: 'debug-or-below, info-or-notice, warn, error-or-fatal' });
      }
      console.log(`${task}: macro-F1 ${r.model.macroF1.toFixed(3)} (keywords ${r.baseline.macroF1.toFixed(3)}), accuracy ${r.model.accuracy.toFixed(3)} — ${split[task]}`);
    }
  } else if (!values['no-eval']) console.error(`no Loghub samples at ${loghub}: the cards will carry no metrics`);
  for (const task of ['category', 'severity'] as const) {
    const built = buildModel(task, rows, metrics[task], TASK_OPTIONS[task], cache);
    writeModel(out, built);
    console.log(`wrote ${join(out, built.card.file)} (${(built.onnx.length / 1e6).toFixed(2)} MB, sha256 ${built.card.sha256.slice(0, 12)}…)`);
  }
  const anomaly = join(import.meta.dirname, '..', 'anomaly', 'train.ts');
  if (existsSync(anomaly)) {
    const mod = (await import(pathToFileURL(anomaly).href)) as { train?: (o: { modelsDir: string; dataDir: string; seed: number }) => Promise<void> | void };
    if (typeof mod.train === 'function') {
      await mod.train({ modelsDir: out, dataDir: DATA_DIR, seed: DEFAULT_TASK_OPTIONS.train.seed });
      console.log('anomaly model: trained by src/engine/ml/anomaly/train.ts');
    }
  }
  return 0;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`train: ${err.message}`);
    process.exit(1);
  },
);
