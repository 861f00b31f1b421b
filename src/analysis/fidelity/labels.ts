/** Plain-language names of the fidelity metrics, for reports (the JSON keeps the short keys). */
export const METRIC_LABELS: Record<string, string> = {
  n_pairs: "pairs compared (person × item answered on both sides)",
  n_persons: "people compared",
  n_items: "items compared",
  accuracy: "accuracy: share of pairs where the simulated answer equals the person's",
  n_retest_pairs: "pairs with a retest answer too",
  n_retest_persons: "people with a retest answer",
  accuracy_on_retest_pairs: "accuracy on the pairs with a retest answer",
  retest_accuracy: "retest agreement: share of pairs where people repeated their own answer (the ceiling)",
  normalized_accuracy: "normalized accuracy: accuracy ÷ retest agreement, per person, averaged",
  normalized_accuracy_pooled: "normalized accuracy, pooled: simulated matches ÷ retest matches",
  mae: "mean absolute error (simulated − human)",
  r_pooled: "correlation over all pairs (mostly differences between items' scales)",
  r: "correlation across people, mean over items",
  n_items_r: "items with a correlation (≥ 3 pairs, variance on both sides)",
  r_on_retest_pairs: "correlation across people on pairs with a retest answer",
  retest_r: "retest correlation: people with their own earlier answers (the ceiling)",
  normalized_r: "normalized correlation: correlation ÷ retest correlation",
  n_items_normalized_r: "items in the normalized correlation",
  retest_mae: "retest mean absolute error (people against themselves)",
};

export function metricLabel(key: string): string {
  return METRIC_LABELS[key] ?? key.replaceAll("_", " ");
}

/** The distances and gaps reports show, each with a one-line meaning. */
export const GLOSSARY = {
  jsd: {
    term: "JSD (Jensen–Shannon divergence)",
    meaning:
      "how far the simulated answer distribution is from the human one: 0 = identical, 1 = no answer in common (log base 2).",
  },
  tv: {
    term: "TV (total variation distance)",
    meaning: "the share of answers that would have to change for the two distributions to match: 0 to 1.",
  },
  w1: {
    term: "W1 (Wasserstein-1 distance)",
    meaning:
      "how far, on the answer scale, simulated answers would have to move on average to match the human distribution.",
  },
  dpd: {
    term: "DPD (demographic parity difference)",
    meaning:
      "the gap between the best- and the worst-served group: max − min of the metric over groups large enough to count.",
  },
  entropy_ratio: {
    term: "entropy ratio",
    meaning:
      "how varied simulated answers are relative to people's: below 1, simulated people agree with each other more than real ones do.",
  },
  variance_ratio: {
    term: "variance ratio",
    meaning:
      "the simulated answers' variance ÷ the human answers' variance: below 1, simulated people are less varied.",
  },
} as const;
