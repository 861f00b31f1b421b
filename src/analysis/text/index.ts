/** Text as data: words and n-grams, TF-IDF features, a sparse logistic classifier and its metrics. */
export { type EncodedText, GramIndex, type GramOptions, type SparseRow, Vectorizer } from "./features.ts";
export {
  fitSparseLogistic,
  parametersOf,
  predictProbability,
  type SparseLogisticFit,
  type SparseLogisticOptions,
} from "./logistic.ts";
export { bestF1Threshold, groupFolds, precisionRecall, rocAuc } from "./metrics.ts";
export { distinctN, ngrams, words } from "./tokens.ts";
