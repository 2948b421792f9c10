/** Classification scores. Macro-F1 averages over every label that occurs in the truth or the predictions. */
export interface Scores {
  macroF1: number;
  accuracy: number;
  n: number;
  perLabel: Record<string, { f1: number; support: number; predicted: number }>;
}

export function score(truth: readonly string[], predicted: readonly string[]): Scores {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const labels = [...new Set([...truth, ...predicted])].sort();
  const perLabel: Scores['perLabel'] = {};
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
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
    perLabel[l] = { f1, support, predicted: pred };
    sum += f1;
  }
  return { macroF1: labels.length ? sum / labels.length : 0, accuracy: truth.length ? correct / truth.length : 0, n: truth.length, perLabel };
}
