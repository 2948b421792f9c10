/** Classification scores. Macro-F1 averages over every label that occurs in the truth or the predictions. */
export interface Scores {
  macroF1: number;
  accuracy: number;
  n: number;
  perLabel: Record<string, { f1: number; precision: number; recall: number; support: number; predicted: number }>;
  /** matrix[truth][predicted] = lines, over the same labels. */
  confusion: Record<string, Record<string, number>>;
}

export function score(truth: readonly string[], predicted: readonly string[]): Scores {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const labels = [...new Set([...truth, ...predicted])].sort();
  const perLabel: Scores['perLabel'] = {};
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  const confusion: Scores['confusion'] = {};
  for (const t of labels) confusion[t] = Object.fromEntries(labels.map((p) => [p, 0]));
  for (let i = 0; i < truth.length; i++) confusion[truth[i]!]![predicted[i]!]!++;
  let sum = 0;
  for (const l of labels) {
    let tp = 0;
    let support = 0;
    let pred = 0;
    for (let i = 0; i < truth.length; i++) {
      if (truth[i] === l) support++;
      if (predicted[i] === l) pred++;
      if (truth[i] === l && predicted[i] === l) tp++;
    }
    const f1 = support + pred === 0 ? 0 : (2 * tp) / (support + pred);
    perLabel[l] = { f1, precision: pred ? tp / pred : 0, recall: support ? tp / support : 0, support, predicted: pred };
    sum += f1;
  }
  return { macroF1: labels.length ? sum / labels.length : 0, accuracy: truth.length ? correct / truth.length : 0, n: truth.length, perLabel, confusion };
}
