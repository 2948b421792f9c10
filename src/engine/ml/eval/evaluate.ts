/**
 * The evaluations behind the model cards and `npm run eval:models`.
 *
 * - Category, leave-one-dataset-out over Loghub: for each dataset, train on every row
 *   except that dataset's templates (and written lines that copy it), then classify each
 *   of its lines (the raw Content) and compare with the hand label of the line's template.
 *   Predictions of all folds are pooled into one macro-F1 over lines.
 * - Severity, split by template: the templates of the level-bearing sets are dealt into
 *   folds; each fold is predicted by a model trained on everything but its templates, from
 *   the Content alone (the level is a separate field in Loghub, so it is masked by
 *   construction). Pooled macro-F1 over lines.
 * Each beside the keyword baseline (keywords.ts) on the same lines.
 */
import { hashString } from '../features';
import type { TrainRow } from '../train/data';
import { argmax, predict } from '../train/softmax';
import { DEFAULT_TASK_OPTIONS, FeatureCache, TASK_LABELS, TASK_OPTIONS, trainTask, type TaskOptions } from '../train/tasks';
import { keywordCategory, keywordSeverity } from './keywords';
import type { LoghubLine } from './loghub';
import { score, type Scores } from './metrics';

export interface EvalLine {
  text: string;
  truth: string;
  /** Fold or dataset it belongs to. */
  group: string;
  /** The template key, so scores can also be given per template. */
  template: string;
}

export interface EvalResult {
  /** Severity only: the same lines on a coarse scale (debug-or-below, info-or-notice, warn, error-or-fatal). */
  coarse?: { model: Scores; baseline: Scores };
  model: Scores;
  baseline: Scores;
  /** The same, counting each template once (its first line). */
  modelByTemplate: Scores;
  baselineByTemplate: Scores;
  perGroup: Array<{ group: string; lines: number; model: Scores; baseline: Scores }>;
  /** The model's most frequent mistakes: truth → predicted, with a line that shows it. */
  confusions: Array<{ group: string; truth: string; predicted: string; lines: number; example: string }>;
}

function summarise(lines: EvalLine[], predicted: string[], baseline: string[]): EvalResult {
  const seen = new Set<string>();
  const firstIdx: number[] = [];
  lines.forEach((l, i) => {
    if (!seen.has(l.template)) {
      seen.add(l.template);
      firstIdx.push(i);
    }
  });
  const groups = [...new Set(lines.map((l) => l.group))];
  const mistakes = new Map<string, EvalResult['confusions'][number]>();
  lines.forEach((l, i) => {
    if (l.truth === predicted[i]) return;
    const key = `${l.group}|${l.truth}|${predicted[i]}`;
    const m = mistakes.get(key);
    if (m) m.lines++;
    else mistakes.set(key, { group: l.group, truth: l.truth, predicted: predicted[i]!, lines: 1, example: l.text.slice(0, 160) });
  });
  return {
    confusions: [...mistakes.values()].sort((a, b) => b.lines - a.lines).slice(0, 40),
    model: score(
      lines.map((l) => l.truth),
      predicted,
    ),
    baseline: score(
      lines.map((l) => l.truth),
      baseline,
    ),
    modelByTemplate: score(
      firstIdx.map((i) => lines[i]!.truth),
      firstIdx.map((i) => predicted[i]!),
    ),
    baselineByTemplate: score(
      firstIdx.map((i) => lines[i]!.truth),
      firstIdx.map((i) => baseline[i]!),
    ),
    perGroup: groups.map((g) => {
      const idx = lines.map((l, i) => (l.group === g ? i : -1)).filter((i) => i >= 0);
      return {
        group: g,
        lines: idx.length,
        model: score(
          idx.map((i) => lines[i]!.truth),
          idx.map((i) => predicted[i]!),
        ),
        baseline: score(
          idx.map((i) => lines[i]!.truth),
          idx.map((i) => baseline[i]!),
        ),
      };
    }),
  };
}

/** Category macro-F1, leave one Loghub dataset out. `labels` maps `dataset:EventId` to a category. */
export function evaluateCategoryLodo(
  rows: TrainRow[],
  datasets: Map<string, LoghubLine[]>,
  labels: Map<string, string>,
  opts: TaskOptions = DEFAULT_TASK_OPTIONS,
  cache = new FeatureCache(opts.features),
): EvalResult {
  const lines: EvalLine[] = [];
  const predicted: string[] = [];
  for (const [dataset, data] of datasets) {
    const model = trainTask(
      rows.filter((r) => r.dataset !== dataset),
      'category',
      cache,
      opts,
    );
    for (const l of data) {
      const truth = labels.get(`${dataset}:${l.eventId}`) ?? l.category;
      if (!truth) continue;
      lines.push({ text: l.content, truth, group: dataset, template: `${dataset}:${l.eventId}` });
      predicted.push(TASK_LABELS.category[argmax(predict(model, cache.get(l.content)))]!);
    }
  }
  return summarise(
    lines,
    predicted,
    lines.map((l) => keywordCategory(l.text)),
  );
}

/** Severity macro-F1 with folds by template over the level-bearing datasets. */
export function evaluateSeverityByTemplate(
  rows: TrainRow[],
  datasets: Map<string, LoghubLine[]>,
  folds = 5,
  opts: TaskOptions = TASK_OPTIONS.severity,
  cache = new FeatureCache(opts.features),
): EvalResult {
  const foldOf = (key: string) => hashString(`fold|${key}`) % folds;
  const lines: EvalLine[] = [];
  const predicted: string[] = [];
  for (let f = 0; f < folds; f++) {
    const model = trainTask(
      rows.filter((r) => !(r.source === 'loghub' && foldOf(r.ref.slice('loghub:'.length)) === f)),
      'severity',
      cache,
      opts,
    );
    for (const [dataset, data] of datasets) {
      for (const l of data) {
        if (!l.level) continue;
        const key = `${dataset}:${l.eventId}`;
        if (foldOf(key) !== f) continue;
        lines.push({ text: l.content, truth: l.level, group: dataset, template: key });
        predicted.push(TASK_LABELS.severity[argmax(predict(model, cache.get(l.content)))]!);
      }
    }
  }
  const baseline = lines.map((l) => keywordSeverity(l.text));
  return withCoarse(summarise(lines, predicted, baseline), lines, predicted, baseline);
}

/**
 * Nested folds by template, the figure severity's options were chosen by: inside each outer
 * fold's training templates, `inner` folds by template (another hash), each predicted by a
 * model trained without it; the outer test templates are never seen. Pooled over all inner
 * predictions (each template counted once per outer fold it trains in), so it spreads over
 * four times the lines of the outer figure and moves less when one template flips.
 */
export function evaluateSeverityNested(
  rows: TrainRow[],
  datasets: Map<string, LoghubLine[]>,
  folds = 5,
  inner = 4,
  opts: TaskOptions = TASK_OPTIONS.severity,
  cache = new FeatureCache(opts.features),
): EvalResult {
  const outerOf = (key: string) => hashString(`fold|${key}`) % folds;
  const innerOf = (key: string) => hashString(`inner|${key}`) % inner;
  const lines: EvalLine[] = [];
  const predicted: string[] = [];
  for (let f = 0; f < folds; f++) {
    for (let g = 0; g < inner; g++) {
      const held = (key: string) => outerOf(key) !== f && innerOf(key) === g;
      const model = trainTask(
        rows.filter((r) => !(r.source === 'loghub' && (outerOf(r.ref.slice('loghub:'.length)) === f || held(r.ref.slice('loghub:'.length))))),
        'severity',
        cache,
        opts,
      );
      for (const [dataset, data] of datasets) {
        for (const l of data) {
          const key = `${dataset}:${l.eventId}`;
          if (!l.level || !held(key)) continue;
          lines.push({ text: l.content, truth: l.level, group: dataset, template: key });
          predicted.push(TASK_LABELS.severity[argmax(predict(model, cache.get(l.content)))]!);
        }
      }
    }
  }
  const baseline = lines.map((l) => keywordSeverity(l.text));
  return withCoarse(summarise(lines, predicted, baseline), lines, predicted, baseline);
}

const COARSE: Record<string, string> = { trace: 'debug', debug: 'debug', info: 'info', notice: 'info', warn: 'warn', error: 'error', fatal: 'error' };

export function withCoarse(r: EvalResult, lines: EvalLine[], predicted: string[], baseline: string[]): EvalResult {
  const truth = lines.map((l) => COARSE[l.truth] ?? l.truth);
  return {
    ...r,
    coarse: {
      model: score(truth, predicted.map((p) => COARSE[p] ?? p)),
      baseline: score(truth, baseline.map((p) => COARSE[p] ?? p)),
    },
  };
}

/**
 * Shipped-model evaluation on other log sets: predictions come from a classifier (the
 * ONNX models through the runtime), truths from the set's Category / Level columns or labels.
 */
export function evaluatePredictions(lines: EvalLine[], predicted: string[], baseline: (t: string) => string): EvalResult {
  return summarise(
    lines,
    predicted,
    lines.map((l) => baseline(l.text)),
  );
}
