import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "../../random/index.ts";
import { logistic, ols, SingularDesignError, sigmoid } from "../stats/index.ts";
import { ppiLogistic, ppiOls, type RegressionData } from "./index.ts";

const close = (a: number, b: number, tol: number) =>
  assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${a} ≠ ${b}`);
const closeAll = (a: number[], b: number[], tol: number) => {
  for (const [j, v] of a.entries()) close(v, b[j], tol);
};

// Tiny data; the expected values below come from a separate numpy/scipy implementation of the
// ppi_py algorithm (lstsq for the fits, np.cov, np.linalg.inv, BFGS for the logistic loss).
const xs = [0.2, 1.5, -0.7, 2.3, 0.9, -1.1, 0.4, 1.8];
const xsU = [0.1, -0.4, 1.2, 2.0, -1.5, 0.7, 1.1, -0.2, 0.5, 1.6, -0.9, 2.4];
const tiny: RegressionData = {
  x: xs.map((v) => [1, v]),
  y: [1.1, 3.0, 0.2, 4.1, 2.2, -0.5, 1.4, 3.3],
  yhat: [0.8, 2.5, 0.6, 3.5, 1.7, 0.1, 1.0, 3.6],
  xUnlabeled: xsU.map((v) => [1, v]),
  yhatUnlabeled: [0.9, 0.3, 2.2, 3.4, -0.6, 1.9, 2.0, 0.6, 1.5, 2.8, 0.0, 3.9],
};
const terms = ["intercept", "x"];

test("PPI++ OLS matches an independent numpy implementation of ppi_py", () => {
  const r = ppiOls(tiny, { terms });
  close(r.lambdaEstimate, 0.19886217119065225, 1e-10);
  close(r.lambda, 0.10762411419780438, 1e-10);
  closeAll(r.estimate, [0.9550695985113866, 1.3452248334664416], 1e-12);
  closeAll(r.center, [0.9625225569246219, 1.3365505651945324], 1e-12);
  closeAll(r.se, [0.035540839654261726, 0.032210258474883666], 1e-10);
  assert.equal(r.tunedFor, null);
  // Tuning for the slope alone (Broska, Howes & van Loon) gives a different λ and a narrower slope interval.
  const s = ppiOls(tiny, { terms, tuneFor: "x" });
  close(s.lambdaEstimate, 0.1337942596715792, 1e-10);
  close(s.lambda, 0.014281309709331313, 1e-9);
  closeAll(s.center, [0.9701474457369936, 1.3276761924374614], 1e-11);
  closeAll(s.se, [0.04168044779386409, 0.02790399507940545], 1e-10);
  assert.ok(s.se[1] < r.se[1]);
});

test("OLS with λ = 0 is the human-only fit; λ = 1 is imputed fit plus rectifier fit", () => {
  const zero = ppiOls(tiny, { lambda: 0, terms });
  const human = ols(tiny.x, [...tiny.y], { robust: "HC0" });
  closeAll(zero.estimate, human.coef, 1e-12);
  closeAll(zero.classical.estimate, human.coef, 1e-12);
  closeAll(zero.classical.se, human.se, 1e-12);
  // The M-estimation sandwich uses sample covariances (divisor n − 1): HC0 · √(n/(n − 1)).
  closeAll(zero.se, [0.04597523426731407, 0.028942233170630365], 1e-10);
  closeAll(
    zero.se,
    human.se.map((s) => s * Math.sqrt(8 / 7)),
    1e-10,
  );
  // λ = 1 by simple-regression closed forms: slope = Sxy/Sxx, intercept = ȳ − slope·x̄, per part.
  const simple = (x: number[], y: number[]) => {
    const mx = x.reduce((a, b) => a + b) / x.length;
    const my = y.reduce((a, b) => a + b) / y.length;
    let sxy = 0;
    let sxx = 0;
    x.forEach((v, i) => {
      sxy += (v - mx) * (y[i] - my);
      sxx += (v - mx) ** 2;
    });
    return [my - (sxy / sxx) * mx, sxy / sxx];
  };
  const imputed = simple(xsU, [...tiny.yhatUnlabeled]);
  const rectifier = simple(
    xs,
    tiny.y.map((y, i) => y - tiny.yhat[i]),
  );
  const one = ppiOls(tiny, { lambda: 1 });
  closeAll(one.estimate, [imputed[0] + rectifier[0], imputed[1] + rectifier[1]], 1e-12);
  closeAll(one.ppi.estimate, one.estimate, 0);
  assert.equal(one.lambda, 1);
  assert.equal(one.lambdaEstimate, 1);
});

// Logistic data from formulas (integer pseudo-random draws), reproduced identically in numpy.
function logisticData(): RegressionData {
  const gen = (n: number, a: number, b: number, m: number, c: number, vc: number) => {
    const x: number[][] = [];
    const y: number[] = [];
    const yhat: number[] = [];
    for (let i = 0; i < n; i++) {
      const xv = Math.sin(a * i + b);
      const u = (((i * m + c) * 104729) % 10007) / 10007;
      const yv = u < sigmoid(0.4 + 1.2 * xv) ? 1 : 0;
      const v = (((i * 3571 + vc) * 7727) % 10009) / 10009;
      x.push([1, xv]);
      y.push(yv);
      yhat.push(sigmoid(0.3 + xv + 0.8 * (yv - 0.5) + 3 * (v - 0.5)));
    }
    return { x, y, yhat };
  };
  const L = gen(30, 1.7, 0.3, 7919, 13, 7);
  const U = gen(60, 0.9, 1.1, 6007, 29, 11);
  return { x: L.x, y: L.y, yhat: L.yhat, xUnlabeled: U.x, yhatUnlabeled: U.yhat };
}

test("PPI++ logistic matches an independent numpy/scipy implementation of ppi_py", () => {
  const data = logisticData();
  assert.equal(data.y.join(""), "100011111000100111010011110000");
  const r = ppiLogistic(data, { terms });
  assert.equal(r.converged, true);
  close(r.lambdaEstimate, 0.364152565670615, 1e-7);
  close(r.lambda, 0.3450410951108335, 1e-7);
  closeAll(r.estimate, [0.03654588024613468, 0.9375983176267124], 1e-7);
  closeAll(r.center, [0.034817599638933376, 0.9431057217241705], 1e-7);
  closeAll(r.se, [0.3791334799199125, 0.5488834394928851], 1e-7);
  closeAll(r.ppi.estimate, [0.0950605209883356, 0.7601632145943906], 1e-7);
  const s = ppiLogistic(data, { terms, tuneFor: "x" });
  close(s.lambdaEstimate, 0.27720958375282945, 1e-7);
  close(s.lambda, 0.2765832429424049, 1e-7);
  closeAll(s.se, [0.38178206418790384, 0.5523755933800872], 1e-7);
});

test("logistic with λ = 0 is the human-only MLE; λ = 1 solves the rectified score equations", () => {
  const data = logisticData();
  const zero = ppiLogistic(data, { lambda: 0 });
  const human = logistic(data.x, [...data.y], { variance: "sandwich" });
  closeAll(zero.estimate, human.coef, 1e-9);
  // Both are ppi_py's classical interval: the gradient covariance (divisor n − 1), which is the
  // HC0 sandwich times √(n/(n − 1)).
  closeAll(
    zero.classical.se,
    human.se.map((s) => s * Math.sqrt(30 / 29)),
    1e-8,
  );
  closeAll(zero.se, zero.classical.se, 1e-9);
  // (1/N) Σ' x'(μ' − ŷ') + (1/n) Σ x(ŷ − y) = 0 at the λ = 1 estimate.
  const one = ppiLogistic(data, { lambda: 1 });
  const score = [0, 0];
  data.xUnlabeled.forEach((x, i) => {
    const r = sigmoid(x[0] * one.estimate[0] + x[1] * one.estimate[1]) - data.yhatUnlabeled[i];
    for (let j = 0; j < 2; j++) score[j] += (x[j] * r) / 60;
  });
  data.x.forEach((x, i) => {
    for (let j = 0; j < 2; j++) score[j] += (x[j] * (data.yhat[i] - data.y[i])) / 30;
  });
  assert.ok(Math.abs(score[0]) < 1e-12 && Math.abs(score[1]) < 1e-12, `score ${score}`);
});

test("OLS and logistic intervals cover known coefficients at the nominal rate (simulation)", () => {
  const rng = createRng("coverage-regression");
  const reps = 600;
  let olsCovered = 0;
  let logitCovered = 0;
  let olsRatio = 0;
  for (let rep = 0; rep < reps; rep++) {
    const unit = () => {
      const x = rng.normal();
      const e = rng.normal();
      const y = 1 + 0.5 * x + e;
      // The simulator sees the structure and part of the noise, with its own bias.
      const yhat = 1.3 + 0.4 * x + 0.6 * e + 0.5 * rng.normal();
      const p = sigmoid(-0.3 + 0.8 * x);
      const b = rng.next() < p ? 1 : 0;
      const bhat = sigmoid(-0.1 + 0.6 * x + 1.2 * (b - 0.5));
      return { x: [1, x], y, yhat, b, bhat };
    };
    const lab = Array.from({ length: 150 }, unit);
    const unl = Array.from({ length: 600 }, unit);
    const r = ppiOls({
      x: lab.map((u) => u.x),
      y: lab.map((u) => u.y),
      yhat: lab.map((u) => u.yhat),
      xUnlabeled: unl.map((u) => u.x),
      yhatUnlabeled: unl.map((u) => u.yhat),
    });
    if (r.lower[1] <= 0.5 && 0.5 <= r.upper[1]) olsCovered++;
    olsRatio += r.se[1] / r.classical.se[1] / reps;
    const l = ppiLogistic({
      x: lab.map((u) => u.x),
      y: lab.map((u) => u.b),
      yhat: lab.map((u) => u.bhat),
      xUnlabeled: unl.map((u) => u.x),
      yhatUnlabeled: unl.map((u) => u.bhat),
    });
    if (l.lower[1] <= 0.8 && 0.8 <= l.upper[1]) logitCovered++;
  }
  // Monte-Carlo SD at 600 draws is 0.009.
  assert.ok(Math.abs(olsCovered / reps - 0.95) < 0.03, `OLS slope coverage ${olsCovered / reps}`);
  assert.ok(Math.abs(logitCovered / reps - 0.95) < 0.03, `logistic slope coverage ${logitCovered / reps}`);
  assert.ok(olsRatio < 0.95, `OLS width ratio ${olsRatio}`);
});

test("regression calibration rejects bad designs and outcomes with clear errors", () => {
  const dup = {
    ...tiny,
    x: tiny.x.map((r) => [...r, 2 * r[1]]),
    xUnlabeled: tiny.xUnlabeled.map((r) => [...r, 2 * r[1]]),
  };
  assert.throws(
    () => ppiOls(dup, { terms: ["intercept", "x", "x2"] }),
    (e: unknown) => e instanceof SingularDesignError && /"x2"/.test(e.message),
  );
  assert.throws(() => ppiOls(tiny, { terms, tuneFor: "age" }), /no term "age" \(terms: intercept, x\)/);
  assert.throws(() => ppiOls(tiny, { terms: ["a"] }), /1 term names for 2 columns/);
  assert.throws(() => ppiLogistic(tiny), /must be 0 or 1, but y\[1\] is 1.1/);
  const data = logisticData();
  assert.throws(
    () => ppiLogistic({ ...data, yhatUnlabeled: data.yhatUnlabeled.map((v) => v * 3) }),
    /\[0, 1\]/,
  );
});
