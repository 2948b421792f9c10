/**
 * `npm run eval:models` — how well the category and severity models do, beside keyword rules.
 *
 *   npm run eval:models                       leave-one-dataset-out (category) and split-by-
 *                                             template (severity) over ../shared/loghub,
 *                                             retraining from models/data for each fold
 *   npm run eval:models -- --data DIR ...     the shipped models (models/*.onnx) on other log
 *                                             sets in Loghub's layout: DIR is one dataset
 *                                             folder or a folder of them; categories from a
 *                                             `Category` column or --labels FILE (labels.tsv
 *                                             format), severities from a `Level` column
 *   options: --loghub DIR  --models DIR  --labels FILE  --folds N  --per-dataset  --json
 *            --nested   also severity by nested folds (inner folds inside each outer fold's
 *                       training templates: the figure severity's options were chosen by)
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TemplateClassifier } from '../classifier';
import { CATEGORIES } from '../labels';
import { ModelRuntime } from '../runtime';
import { loadTrainingRows } from '../train/data';
import { DATA_DIR, LOGHUB_DIR, MODELS_DIR } from '../train/paths';
import { FeatureCache } from '../train/tasks';
import { evaluateCategoryLodo, evaluatePredictions, evaluateSeverityByTemplate, evaluateSeverityNested, withCoarse, type EvalLine, type EvalResult } from './evaluate';
import { keywordCategory, keywordSeverity } from './keywords';
import { listDatasets, readLabelTable, readLoghubDataset, structuredFile, type LoghubLine } from './loghub';
import { SEVERITIES } from '../labels';

function pct(x: number): string {
  return x.toFixed(3);
}

export function formatTable(rows: Array<{ name: string; split: string; r: EvalResult }>, perDataset: boolean): string {
  const out: string[] = [];
  const head = ['task', 'split', 'lines', 'model macro-F1', 'keyword macro-F1', 'model acc', 'keyword acc', 'model F1 (per template)', 'keyword F1 (per template)'];
  const body = rows.map(({ name, split, r }) => [
    name,
    split,
    String(r.model.n),
    pct(r.model.macroF1),
    pct(r.baseline.macroF1),
    pct(r.model.accuracy),
    pct(r.baseline.accuracy),
    pct(r.modelByTemplate.macroF1),
    pct(r.baselineByTemplate.macroF1),
  ]);
  for (const { name, split, r } of rows) {
    if (!r.coarse) continue;
    body.push([
      `${name} (4 levels)`,
      split,
      String(r.coarse.model.n),
      pct(r.coarse.model.macroF1),
      pct(r.coarse.baseline.macroF1),
      pct(r.coarse.model.accuracy),
      pct(r.coarse.baseline.accuracy),
      '-',
      '-',
    ]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  out.push(line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line));
  if (perDataset) {
    for (const { name, r } of rows) {
      out.push('', `${name}, per dataset (macro-F1 model / keywords, accuracy model / keywords):`);
      for (const g of r.perGroup) {
        out.push(`  ${g.group.padEnd(14)} ${String(g.lines).padStart(5)} lines  ${pct(g.model.macroF1)} / ${pct(g.baseline.macroF1)}   ${pct(g.model.accuracy)} / ${pct(g.baseline.accuracy)}`);
      }
      out.push(`  per label (F1, precision, recall, support in lines; the macro average is over these labels):`);
      for (const [label, s] of Object.entries(r.model.perLabel)) out.push(`    ${label.padEnd(12)} ${pct(s.f1)}  ${pct(s.precision)}  ${pct(s.recall)}  ${s.support}`);
      const labels = Object.keys(r.model.confusion);
      out.push(`  confusion (lines; rows truth, columns predicted):`, '    ' + ''.padEnd(12) + labels.map((l) => l.slice(0, 7).padStart(8)).join(''));
      for (const t of labels) out.push('    ' + t.padEnd(12) + labels.map((p) => String(r.model.confusion[t]![p]).padStart(8)).join(''));
      out.push(`  most frequent mistakes (lines, dataset, truth → predicted, example):`);
      for (const c of r.confusions.slice(0, 25)) out.push(`    ${String(c.lines).padStart(5)} ${c.group.padEnd(12)} ${c.truth} → ${c.predicted}: ${c.example}`);
    }
  }
  return out.join('\n');
}

function readSets(root: string): Map<string, LoghubLine[]> {
  const dirs = structuredFile(root) ? [root] : listDatasets(root).map((d) => join(root, d));
  if (!dirs.length) throw new Error(`${root}: no dataset in Loghub's layout (<Name>/<Name>_2k.log_structured.csv)`);
  return new Map(dirs.map((d) => [d.split(/[\\/]/).pop()!, readLoghubDataset(d)]));
}

async function evaluateShipped(dirs: string[], modelsDir: string, labelsFile: string | undefined) {
  const runtime = await ModelRuntime.load(modelsDir, [
    { name: 'category', labels: CATEGORIES },
    { name: 'severity', labels: SEVERITIES },
  ]);
  for (const s of runtime.status()) if (s.state !== 'ready') console.error(`model ${s.name}: ${s.state} (${s.reason})`);
  const classifier = new TemplateClassifier(runtime);
  const labels = labelsFile ? readLabelTable(labelsFile) : new Map<string, string>();
  const results: Array<{ name: string; split: string; r: EvalResult }> = [];
  for (const dir of dirs) {
    const sets = readSets(resolve(dir));
    const cat: EvalLine[] = [];
    const sev: EvalLine[] = [];
    for (const [name, lines] of sets) {
      for (const l of lines) {
        const truth = labels.get(`${name}:${l.eventId}`) ?? l.category;
        const base = { text: l.content, group: name, template: `${name}:${l.eventId}` };
        if (truth) cat.push({ ...base, truth });
        if (l.level) sev.push({ ...base, truth: l.level });
      }
    }
    const answer = await classifier.classifyTexts([...new Set([...cat, ...sev].map((l) => l.text))]);
    const texts = [...new Set([...cat, ...sev].map((l) => l.text))];
    const byText = new Map(texts.map((t, i) => [t, answer[i]!]));
    if (cat.length && runtime.model('category')) {
      results.push({ name: 'category', split: `shipped model on ${dir}`, r: evaluatePredictions(cat, cat.map((l) => byText.get(l.text)!.category ?? 'other'), keywordCategory) });
    } else console.error(`${dir}: no category labels (a Category column or --labels FILE); category not evaluated`);
    if (sev.length && runtime.model('severity')) {
      const predicted = sev.map((l) => byText.get(l.text)!.severity ?? 'info');
      const baseline = sev.map((l) => keywordSeverity(l.text));
      results.push({ name: 'severity', split: `shipped model on ${dir}`, r: withCoarse(evaluatePredictions(sev, predicted, keywordSeverity), sev, predicted, baseline) });
    } else console.error(`${dir}: no Level column; severity not evaluated`);
  }
  await runtime.close();
  return results;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      loghub: { type: 'string' },
      data: { type: 'string', multiple: true },
      models: { type: 'string' },
      labels: { type: 'string' },
      folds: { type: 'string' },
      'per-dataset': { type: 'boolean' },
      nested: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  let results: Array<{ name: string; split: string; r: EvalResult }>;
  if (values.data?.length) {
    results = await evaluateShipped(values.data, resolve(values.models ?? MODELS_DIR), values.labels);
  } else {
    const root = resolve(values.loghub ?? LOGHUB_DIR);
    if (!existsSync(root)) throw new Error(`no Loghub samples at ${root} (give --loghub DIR)`);
    const rows = loadTrainingRows(DATA_DIR);
    const sets = readSets(root);
    const labels = readLabelTable(values.labels ?? join(DATA_DIR, 'loghub', 'labels.tsv'));
    const cache = new FeatureCache();
    const folds = Number(values.folds ?? 5);
    const withLevels = new Map([...sets].filter(([, lines]) => lines.some((l) => l.level)));
    results = [
      { name: 'category', split: `leave-one-dataset-out (${sets.size} Loghub sets)`, r: evaluateCategoryLodo(rows, sets, labels, undefined, cache) },
      { name: 'severity', split: `${folds} folds by template (${[...withLevels.keys()].join(', ')})`, r: evaluateSeverityByTemplate(rows, withLevels, folds, undefined, cache) },
    ];
    if (values.nested) results.push({ name: 'severity', split: `nested: 4 inner folds by template in each outer fold's training templates`, r: evaluateSeverityNested(rows, withLevels, folds, 4, undefined, cache) });
  }
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else console.log(formatTable(results, values['per-dataset'] ?? false));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`eval:models: ${err.message}`);
    process.exit(1);
  },
);
