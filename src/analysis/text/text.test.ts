import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "../../random/index.ts";
import { logistic } from "../stats/index.ts";
import {
  bestF1Threshold,
  distinctN,
  fitSparseLogistic,
  GramIndex,
  groupFolds,
  ngrams,
  precisionRecall,
  predictProbability,
  rocAuc,
  Vectorizer,
  words,
} from "./index.ts";

test("words, n-grams and distinct-n", () => {
  assert.deepEqual(words("I don't THINK so: see https://x.org/a?b=1 now"), [
    "i",
    "don't",
    "think",
    "so",
    "see",
    "httplink",
    "now",
  ]);
  assert.deepEqual(words("> you said this\nno I did not", { dropQuotes: true }), ["no", "i", "did", "not"]);
  assert.deepEqual(ngrams(["a", "b", "c"], 2), ["a b", "b c"]);
  // 6 unigrams, 4 distinct; 4 bigrams ("a b" twice), 3 distinct.
  assert.equal(
    distinctN(
      [
        ["a", "b", "c"],
        ["a", "b", "d"],
      ],
      1,
    ),
    4 / 6,
  );
  assert.equal(
    distinctN(
      [
        ["a", "b", "c"],
        ["a", "b", "d"],
      ],
      2,
    ),
    3 / 4,
  );
  assert.equal(distinctN([], 2), 0);
});

test("features come from the training texts only, as log-count × smoothed idf rows of unit length", () => {
  const grams = new GramIndex({ ngrams: [1] });
  const train = ["cat dog", "cat fish", "cat cat bird"].map((t) => grams.encode(t));
  const unseen = grams.encode("zebra cat");
  const v = Vectorizer.fit(train, grams.size, 2);
  assert.equal(v.size, 1, "only 'cat' is in 2 training texts");
  const row = v.transform(unseen);
  assert.deepEqual([...row.value], [1], "one feature, scaled to length 1");
  const v1 = Vectorizer.fit(train, grams.size, 1);
  const r = v1.transform(grams.encode("cat dog", false));
  const norm = Math.sqrt([...r.value].reduce((s, x) => s + x * x, 0));
  assert.ok(Math.abs(norm - 1) < 1e-12);
  // idf(cat) = ln(4/4) + 1 = 1, idf(dog) = ln(4/2) + 1: dog weighs more.
  const byValue = [...r.value].sort((a, b) => a - b);
  assert.ok(Math.abs(byValue[1] / byValue[0] - (Math.log(2) + 1)) < 1e-12);
});

test("the sparse logistic fit agrees with the project's dense IRLS fit when the penalty is negligible", () => {
  const rng = createRng("sparse-logit");
  const n = 400;
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    x.push([1, a, b]);
    y.push(rng.next() < 1 / (1 + Math.exp(-(0.5 + 1.5 * a - b))) ? 1 : 0);
  }
  const dense = logistic(x, y);
  const rows = x.map((r) => ({ index: Int32Array.from([0, 1]), value: Float64Array.from([r[1], r[2]]) }));
  const fit = fitSparseLogistic(rows, y, 2, { lambda: 1e-9, tol: 1e-9 });
  assert.ok(fit.converged);
  assert.ok(Math.abs(fit.bias - dense.coef[0]) < 1e-3, `${fit.bias} vs ${dense.coef[0]}`);
  assert.ok(Math.abs(fit.weights[0] - dense.coef[1]) < 1e-3);
  assert.ok(Math.abs(fit.weights[1] - dense.coef[2]) < 1e-3);
  // A strong penalty shrinks the weights towards 0.
  const shrunk = fitSparseLogistic(rows, y, 2, { lambda: 1 });
  assert.ok(Math.abs(shrunk.weights[0]) < Math.abs(fit.weights[0]) / 2);
  assert.ok(predictProbability(fit, { index: Int32Array.from([0]), value: Float64Array.from([3]) }) > 0.95);
});

test("precision, recall, the F1-best threshold, ROC AUC and grouped folds", () => {
  const scores = [0.9, 0.8, 0.7, 0.4, 0.3, 0.1];
  const labels = [1, 0, 1, 1, 0, 0];
  assert.deepEqual(precisionRecall(scores, labels, 0.5), {
    precision: 2 / 3,
    recall: 2 / 3,
    f1: 2 / 3,
    flagged: 3,
    positives: 3,
    truePositives: 2,
  });
  assert.equal(bestF1Threshold(scores, labels), 0.4, "flagging the top four gives F1 6/7");
  // Positives at ranks 6, 4, 3 (of 6): (13 − 6) / 9.
  assert.equal(rocAuc(scores, labels), 7 / 9);
  assert.equal(rocAuc([0.5, 0.5], [1, 0]), 0.5);
  const groups = ["a", "a", "b", "c", "c", "c", "d"];
  const folds = groupFolds(groups, 2, createRng("f").next);
  for (let i = 0; i < groups.length; i++)
    for (let j = 0; j < groups.length; j++) if (groups[i] === groups[j]) assert.equal(folds[i], folds[j]);
  assert.deepEqual([...new Set(folds)].sort(), [0, 1]);
});
