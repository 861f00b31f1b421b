import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { planMixedSubjects, ppiAte, ppiLogistic, ppiMean, ppiOls, type RegressionData } from "./index.ts";

// Vectors and expected values from fixtures/ppi_reference.py: ppi_py's code paths (commit bd90caa)
// re-implemented in numpy, without Populace.
const ref = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/ppi_reference.json"), "utf8"));

const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${a} ≠ ${b}`);

interface Bounds {
  estimate: number[];
  se: number[];
  lower: number[];
  upper: number[];
}
const sameInterval = (
  got: {
    estimate: number | number[];
    se: number | number[];
    lower: number | number[];
    upper: number | number[];
  },
  want: Bounds,
  tol = 1e-9,
) => {
  for (const k of ["estimate", "se", "lower", "upper"] as const) {
    const g = got[k];
    for (const [j, v] of (Array.isArray(g) ? g : [g]).entries()) close(v, want[k][j], tol);
  }
};

const m = ref.mean;
const meanData = { y: m.y, yhat: m.yhat, yhatUnlabeled: m.yhat_unlabeled };

test("PPI++ mean equals ppi_py: tuned λ, λ = 0 and λ = 1, and the classical interval", () => {
  const r = ppiMean(meanData);
  close(r.lambda, m.auto.lambda);
  sameInterval(r, m.auto);
  sameInterval(ppiMean(meanData, { lambda: 1 }), m.lambda1);
  sameInterval(r.classical, m.classical);
  sameInterval(r.ppi, m.lambda1);
});

test("λ = 0 gives exactly the human-only interval (both use the divide-by-n variance)", () => {
  const zero = ppiMean(meanData, { lambda: 0 });
  const r = ppiMean(meanData);
  assert.equal(zero.se, r.classical.se);
  assert.equal(zero.lower, r.classical.lower);
  assert.equal(zero.upper, r.classical.upper);
  sameInterval(zero, m.lambda0);
  // And an ATE with λ = 0 is the difference of the human-only arm means.
  const ate = ppiAte(
    meanData,
    { y: m.y.slice(0, 12), yhat: m.yhat.slice(0, 12), yhatUnlabeled: m.yhat_unlabeled },
    { lambda: 0 },
  );
  assert.equal(ate.se, ate.classical.se);
  assert.equal(ate.estimate, ate.classical.estimate);
});

test("weighted PPI++ mean equals ppi_py with w and w_unlabeled (rescaled to sum to n and N)", () => {
  const weighted = { ...meanData, w: m.w, wUnlabeled: m.w_unlabeled };
  const r = ppiMean(weighted);
  close(r.lambda, m.weighted.lambda);
  sameInterval(r, m.weighted);
  sameInterval(ppiMean(weighted, { lambda: 0 }), m.weighted_lambda0);
  sameInterval(r.classical, m.weighted_classical);
  // Scaling all weights by a constant changes nothing.
  sameInterval(ppiMean({ ...weighted, w: m.w.map((v: number) => v * 7) }), m.weighted, 1e-12);
});

const g = ref.regression;
const regData = (outcome: "y" | "b", weighted: boolean): RegressionData => ({
  x: g.x.map((v: number) => [1, v]),
  xUnlabeled: g.x_unlabeled.map((v: number) => [1, v]),
  y: outcome === "y" ? g.y : g.b,
  yhat: outcome === "y" ? g.yhat : g.bhat,
  yhatUnlabeled: outcome === "y" ? g.yhat_unlabeled : g.bhat_unlabeled,
  ...(weighted ? { w: g.w, wUnlabeled: g.w_unlabeled } : {}),
});

test("weighted PPI++ OLS equals ppi_py; the classical interval is WLS with HC0", () => {
  const r = ppiOls(regData("y", true));
  close(r.lambdaEstimate, g.ols_weighted.lambda_estimate);
  close(r.lambda, g.ols_weighted.lambda);
  for (const [j, v] of r.estimate.entries()) close(v, g.ols_weighted.point[j]);
  sameInterval({ ...r, estimate: r.center }, g.ols_weighted);
  sameInterval(r.classical, g.ols_weighted_classical);
});

test("PPI++ logistic equals ppi_py; the classical interval uses the gradient covariance", () => {
  const r = ppiLogistic(regData("b", false));
  close(r.lambdaEstimate, g.logistic.lambda_estimate, 1e-7);
  close(r.lambda, g.logistic.lambda, 1e-7);
  for (const [j, v] of r.estimate.entries()) close(v, g.logistic.point[j], 1e-7);
  sameInterval({ ...r, estimate: r.center }, g.logistic, 1e-7);
  // classical_logistic_ci: V⁻¹ Cov(g) V⁻¹ / n, √(n/(n − 1)) wider than the HC0 sandwich.
  sameInterval(r.classical, g.logistic_classical, 1e-8);
  // With λ = 0, PPI++ is that same human-only interval.
  const zero = ppiLogistic(regData("b", false), { lambda: 0 });
  sameInterval(zero, g.logistic_lambda0, 1e-8);
  sameInterval(zero, g.logistic_classical, 1e-8);
  const w = ppiLogistic(regData("b", true));
  sameInterval({ ...w, estimate: w.center }, g.logistic_weighted, 1e-7);
  sameInterval(w.classical, g.logistic_weighted_classical, 1e-8);
});

test("plan equals ppi_py's power analysis, including its round-half-even rounding", () => {
  const p = ref.power;
  for (const c of p.plans) {
    const goal = c.budget !== undefined ? { budget: c.budget } : { targetN: c.effective_n };
    const plan = planMixedSubjects(
      { y: p.y, yhat: p.yhat },
      { human: c.cost_y, sim: c.cost_yhat, covariates: c.cost_x },
      goal,
    );
    close(plan.correlation, p.ppi_corr, 1e-12);
    const what = JSON.stringify(c);
    assert.equal(plan.n, c.result.n, what);
    assert.equal(plan.N, c.result.N, what);
    assert.equal(plan.effective_n, c.result.effective_n, what);
    close(plan.cost, c.result.cost, 1e-12);
    assert.equal(plan.design, c.result.N > 0 ? "mixed" : "human-only", what);
  }
  // 777 / 2 = 388.5 humans: Python's round() gives 388 (half to even), Math.round 389.
  const half = p.plans.find((c: { cost_y: number; budget?: number }) => c.cost_y === 2 && c.budget === 777);
  assert.equal(half.result.n, 388);
});
