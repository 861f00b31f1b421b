/**
 * A rule-breaking judge for forum replies, trained here on real moderator decisions: the
 * reddit-cmv-threads comments, labelled by whether r/ChangeMyView's moderators removed them for
 * breaking a rule (mostly rule 2, personal attacks). It is an L2-regularized logistic regression
 * on TF-IDF word unigrams and bigrams (quoted lines left out: they are the other person's words).
 * Its penalty and flagging threshold are chosen by cross-validation inside the training data, so
 * its quality can be measured honestly by nested cross-validation with threads of one Reddit
 * submission kept in one fold. It flags replies that read like those the CMV moderators removed;
 * it knows nothing of a simulated community's own rules.
 */
import {
  bestF1Threshold,
  type EncodedText,
  fitSparseLogistic,
  GramIndex,
  groupFolds,
  parametersOf,
  precisionRecall,
  predictProbability,
  rocAuc,
  Vectorizer,
} from "../analysis/text/index.ts";
import { createRng } from "../random/index.ts";
import type { RealThread } from "./realism/threads-file.ts";

/** Penalties tried (mean log-loss scale; rows are unit-length TF-IDF vectors). */
export const LAMBDAS = [1e-5, 1e-4, 1e-3] as const;
const GRAMS = { ngrams: [1, 2], dropQuotes: true } as const;
const MIN_DF = 2;

export interface LabelledText {
  text: string;
  /** The text's n-grams (ids of the corpus's GramIndex). */
  encoded: EncodedText;
  /** 1 when the moderators removed it for breaking a rule. */
  label: number;
  group: string;
}

export interface LabelledCorpus {
  grams: GramIndex;
  texts: LabelledText[];
}

/** Every labelled comment of the threads (comments without a label are left out), split into n-grams once. */
export function labelledComments(threads: readonly RealThread[]): LabelledCorpus {
  const grams = new GramIndex(GRAMS);
  const texts: LabelledText[] = [];
  for (const t of threads) {
    for (const c of t.comments) {
      if (c.violatedRule === undefined) continue;
      texts.push({
        text: c.body,
        encoded: grams.encode(c.body),
        label: c.violatedRule === 0 ? 0 : 1,
        group: t.group,
      });
    }
  }
  return { grams, texts };
}

export interface Judge {
  lambda: number;
  threshold: number;
  features: number;
  probability(text: string): number;
  flags(text: string): boolean;
}

const TOL = 1e-5;

function vectorize(grams: GramIndex, texts: readonly LabelledText[]) {
  const v = Vectorizer.fit(
    texts.map((t) => t.encoded),
    grams.size,
    MIN_DF,
  );
  return { v, rows: texts.map((t) => v.transform(t.encoded)), labels: texts.map((t) => t.label) };
}

/** Out-of-fold scores of each penalty, folds by group; each fold's penalties as a path from the largest. */
function innerScores(
  grams: GramIndex,
  texts: readonly LabelledText[],
  k: number,
  seed: string,
): Map<number, number[]> {
  const folds = groupFolds(
    texts.map((t) => t.group),
    k,
    createRng(seed).next,
  );
  const out = new Map<number, number[]>(LAMBDAS.map((l) => [l, new Array<number>(texts.length).fill(0)]));
  for (let f = 0; f < k; f++) {
    const { v, rows, labels } = vectorize(
      grams,
      texts.filter((_, i) => folds[i] !== f),
    );
    const testAt = texts.map((_, i) => i).filter((i) => folds[i] === f);
    const testRows = testAt.map((i) => v.transform(texts[i].encoded));
    let init: Float64Array | undefined;
    for (const lambda of [...LAMBDAS].sort((a, b) => b - a)) {
      const model = fitSparseLogistic(rows, labels, v.size, { lambda, tol: TOL, init });
      init = parametersOf(model);
      const scores = out.get(lambda)!;
      testAt.forEach((i, j) => {
        scores[i] = predictProbability(model, testRows[j]);
      });
    }
  }
  return out;
}

/**
 * Trains the judge: the penalty whose inner 3-fold out-of-fold scores reach the best F1, the
 * threshold that reaches it, then the model refitted on all the texts.
 */
export function trainJudge(grams: GramIndex, texts: readonly LabelledText[], seed = 1): Judge {
  const labels = texts.map((t) => t.label);
  let best = { f1: -1, lambda: LAMBDAS[0] as number, threshold: 0.5 };
  for (const [lambda, scores] of innerScores(grams, texts, 3, `judge:${seed}:inner`)) {
    const threshold = bestF1Threshold(scores, labels);
    const { f1 } = precisionRecall(scores, labels, threshold);
    if (f1 > best.f1) best = { f1, lambda, threshold };
  }
  const { v, rows, labels: y } = vectorize(grams, texts);
  const model = fitSparseLogistic(rows, y, v.size, { lambda: best.lambda, tol: TOL });
  const probability = (text: string) => predictProbability(model, v.transform(grams.encode(text, false)));
  return {
    lambda: best.lambda,
    threshold: best.threshold,
    features: v.size,
    probability,
    flags: (text) => probability(text) >= best.threshold,
  };
}

export interface JudgeValidation {
  method: string;
  folds: number;
  seed: number;
  comments: number;
  flaggedByModerators: number;
  /** Pooled over the held-out folds. */
  precision: number;
  recall: number;
  f1: number;
  auc: number;
  perFold: { precision: number; recall: number; lambda: number; threshold: number; test: number }[];
}

/**
 * Nested cross-validation of the whole training procedure: each outer fold (Reddit submissions
 * held out together) is judged by a judge trained, penalty and threshold included, on the others.
 */
export function validateJudge(corpus: LabelledCorpus, folds = 5, seed = 1): JudgeValidation {
  const { grams, texts } = corpus;
  const outer = groupFolds(
    texts.map((t) => t.group),
    folds,
    createRng(`judge:${seed}:outer`).next,
  );
  const scores = new Array<number>(texts.length).fill(0);
  const flagged = new Array<number>(texts.length).fill(0);
  const perFold: JudgeValidation["perFold"] = [];
  for (let f = 0; f < folds; f++) {
    const train = texts.filter((_, i) => outer[i] !== f);
    const testAt = texts.map((_, i) => i).filter((i) => outer[i] === f);
    const judge = trainJudge(grams, train, seed + f);
    const s = testAt.map((i) => judge.probability(texts[i].text));
    testAt.forEach((i, j) => {
      scores[i] = s[j];
      flagged[i] = s[j] >= judge.threshold ? 1 : 0;
    });
    const pr = precisionRecall(
      testAt.map((i) => flagged[i]),
      testAt.map((i) => texts[i].label),
      0.5,
    );
    perFold.push({
      precision: pr.precision,
      recall: pr.recall,
      lambda: judge.lambda,
      threshold: judge.threshold,
      test: testAt.length,
    });
  }
  const labels = texts.map((t) => t.label);
  const pooled = precisionRecall(flagged, labels, 0.5);
  return {
    method:
      `nested ${folds}-fold cross-validation, folds by Reddit submission (seed ${seed}); in each training part, ` +
      `the penalty (${LAMBDAS.join(", ")}) and the flagging threshold that maximise F1 in an inner 3-fold ` +
      "cross-validation, then a refit on the whole training part; TF-IDF word unigrams and bigrams seen in ≥ 2 " +
      "training comments, quoted lines left out",
    folds,
    seed,
    comments: texts.length,
    flaggedByModerators: labels.filter((l) => l === 1).length,
    precision: pooled.precision,
    recall: pooled.recall,
    f1: pooled.f1,
    auc: rocAuc(scores, labels),
    perFold,
  };
}
