/** Precision, recall and F1 of flags `p ≥ threshold` against 0/1 labels. */
export function precisionRecall(
  scores: readonly number[],
  labels: readonly number[],
  threshold: number,
): {
  precision: number;
  recall: number;
  f1: number;
  flagged: number;
  positives: number;
  truePositives: number;
} {
  let tp = 0;
  let flagged = 0;
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    const f = scores[i] >= threshold;
    if (f) flagged++;
    if (labels[i] === 1) positives++;
    if (f && labels[i] === 1) tp++;
  }
  const precision = flagged === 0 ? 0 : tp / flagged;
  const recall = positives === 0 ? 0 : tp / positives;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, flagged, positives, truePositives: tp };
}

/** The threshold (one of the scores) that maximizes F1; ties go to the higher threshold. */
export function bestF1Threshold(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const positives = labels.reduce((n, l) => n + (l === 1 ? 1 : 0), 0);
  let tp = 0;
  let best = { f1: -1, threshold: 1 };
  for (let k = 0; k < order.length; k++) {
    if (labels[order[k]] === 1) tp++;
    // Only where the next score differs: a threshold flags everything at or above it.
    if (k + 1 < order.length && scores[order[k + 1]] === scores[order[k]]) continue;
    const flagged = k + 1;
    const f1 = positives === 0 ? 0 : (2 * tp) / (flagged + positives);
    if (f1 > best.f1) best = { f1, threshold: scores[order[k]] };
  }
  return best.threshold;
}

/** Area under the ROC curve: the chance that a random positive scores above a random negative (ties count half). */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  for (let k = 0; k < order.length; ) {
    let j = k;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[k]]) j++;
    const rank = (k + j) / 2 + 1;
    for (let t = k; t <= j; t++) {
      if (labels[order[t]] === 1) {
        rankSum += rank;
        positives++;
      }
    }
    k = j + 1;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Fold numbers 0…k−1 for items by their group, so that a group's items share a fold (no group is
 * both trained and tested on); groups are dealt to folds in a seeded random order.
 */
export function groupFolds(groups: readonly string[], k: number, random: () => number): number[] {
  const distinct = [...new Set(groups)];
  for (let i = distinct.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [distinct[i], distinct[j]] = [distinct[j], distinct[i]];
  }
  const fold = new Map(distinct.map((g, i) => [g, i % k]));
  return groups.map((g) => fold.get(g)!);
}
