import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../errors/index.ts";
import { createRng } from "../../random/index.ts";
import {
  bootstrapCI,
  chiSquareCdf,
  covariance,
  fCdf,
  invertSymmetric,
  logistic,
  matMul,
  mean,
  normalCdf,
  normalQuantile,
  ols,
  pearson,
  quantile,
  SingularDesignError,
  sd,
  tCdf,
  tQuantile,
  variance,
} from "./index.ts";

const close = (actual: number, expected: number, tol = 1e-10) =>
  assert.ok(Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)), `${actual} ≠ ${expected}`);

test("descriptive statistics match hand computation", () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(mean(xs), 5);
  close(variance(xs), 32 / 7);
  close(sd(xs), Math.sqrt(32 / 7));
  // Deviations from the means: x −2,−1,0,1,2 and y −2,0,1,0,1 → Σ = 4 + 0 + 0 + 0 + 2 = 6.
  close(covariance([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 6 / 4);
  close(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 6 / Math.sqrt(10 * 6));
  assert.ok(Number.isNaN(pearson([1, 2, 3], [4, 4, 4])));
  assert.ok(Number.isNaN(pearson([1], [2])));
  assert.ok(Number.isNaN(variance([3])));
  assert.throws(() => covariance([1, 2], [1]), UserError);
});

test("type-7 quantiles interpolate like R and NumPy", () => {
  const s = [1, 2, 3, 4];
  assert.equal(quantile(s, 0.5), 2.5);
  assert.equal(quantile(s, 0.25), 1.75);
  assert.equal(quantile(s, 0), 1);
  assert.equal(quantile(s, 1), 4);
  assert.equal(quantile([7], 0.3), 7);
  assert.throws(() => quantile(s, 1.5), UserError);
});

test("distribution functions give known values", () => {
  close(normalQuantile(0.975), 1.959963984540054, 1e-14);
  close(normalCdf(1.959963984540054), 0.975, 1e-14);
  close(tQuantile(0.975, 10), 2.228138851986274, 1e-12);
  close(tCdf(2.228138851986274, 10), 0.975, 1e-12);
  // t with 1 df is Cauchy: F(t) = 1/2 + atan(t)/π.
  close(tCdf(1.7, 1), 0.5 + Math.atan(1.7) / Math.PI, 1e-12);
  // χ² with 2 df is exponential with mean 2.
  close(chiSquareCdf(3, 2), 1 - Math.exp(-1.5), 1e-12);
  close(chiSquareCdf(3.841458820694124, 1), 0.95, 1e-12);
  // F(d, d) has median 1; F(1, d2) at t² equals the two-sided t probability.
  close(fCdf(1, 7, 7), 0.5, 1e-12);
  close(fCdf(2.228138851986274 ** 2, 1, 10), 0.95, 1e-10);
});

// Five points by hand: x̄ = 3, ȳ = 4, Sxx = 10, Sxy = 6 → slope 0.6, intercept 2.2,
// residuals −0.8, 0.6, 1.0, −0.6, −0.2, RSS = 2.4.
const X5 = [1, 2, 3, 4, 5].map((x) => [1, x]);
const Y5 = [2, 4, 5, 4, 5];

test("OLS coefficients, residuals and classical SEs match the closed form", () => {
  const fit = ols(X5, Y5, { robust: "none" });
  close(fit.coef[0], 2.2);
  close(fit.coef[1], 0.6);
  for (const [i, e] of [-0.8, 0.6, 1.0, -0.6, -0.2].entries()) close(fit.residuals[i], e);
  assert.deepEqual([fit.n, fit.p, fit.df], [5, 2, 3]);
  const s2 = 2.4 / 3;
  close(fit.se[1], Math.sqrt(s2 / 10));
  close(fit.se[0], Math.sqrt(s2 * (1 / 5 + 9 / 10)));
  close(fit.cov[0][1], (-s2 * 3) / 10);
});

test("OLS HC0, HC1 and HC3 equal the sandwich formula computed by hand", () => {
  // (XᵀX)⁻¹ = [[55, −15], [−15, 5]] / 50; meat Σe²[1 x; x x²] = [[2.4, 6], [6, 17.84]].
  const hc0 = ols(X5, Y5);
  close(hc0.cov[0][0], (55 * 55 * 2.4 - 2 * 55 * 15 * 6 + 15 * 15 * 17.84) / 2500);
  close(hc0.cov[1][1], 0.0344);
  close(hc0.cov[0][1], (-55 * 15 * 2.4 + (55 * 5 + 15 * 15) * 6 - 15 * 5 * 17.84) / 2500);
  const hc1 = ols(X5, Y5, { robust: "HC1" });
  close(hc1.cov[1][1], (0.0344 * 5) / 3);
  // Leverages 1/5 + (x − 3)²/10 = 0.6, 0.3, 0.2, 0.3, 0.6.
  const hc3 = ols(X5, Y5, { robust: "HC3" });
  const slopeVar = (4 * 0.64) / 0.16 + 0.36 / 0.49 + 0 + 0.36 / 0.49 + (4 * 0.04) / 0.16;
  close(hc3.cov[1][1], slopeVar / 100);
});

test("a singular design throws SingularDesignError naming the dependent column", () => {
  const x = [1, 2, 3, 4].map((v) => [1, v, 2 * v + 1]);
  assert.throws(
    () => ols(x, [1, 2, 3, 5], { names: ["intercept", "a", "b"] }),
    (e: unknown) =>
      e instanceof SingularDesignError && e instanceof UserError && /"b"/.test(e.message) && e.column === 2,
  );
  assert.throws(() => ols([[0], [0]], [1, 2]), /column 1 is all zero/);
  assert.throws(() => ols([[1, Number.NaN]], [1]), /X\[1\]\[2\] is not a finite number/);
});

test("invertSymmetric inverts a badly scaled positive definite matrix", () => {
  const a = [
    [4e6, 2e3, 0.6],
    [2e3, 5, 0.01],
    [0.6, 0.01, 3e-4],
  ];
  const inv = invertSymmetric(a);
  const eye = matMul(a, inv);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(eye[i][j] - (i === j ? 1 : 0)) < 1e-9);
});

test("logistic with one binary covariate recovers the log odds ratio and Woolf's SE", () => {
  // Group 0: 3 successes of 10; group 1: 6 of 8.
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 10; i++) {
    x.push([1, 0]);
    y.push(i < 3 ? 1 : 0);
  }
  for (let i = 0; i < 8; i++) {
    x.push([1, 1]);
    y.push(i < 6 ? 1 : 0);
  }
  const fit = logistic(x, y);
  assert.equal(fit.converged, true);
  assert.equal(fit.separation, false);
  close(fit.coef[0], Math.log(3 / 7), 1e-9);
  close(fit.coef[1], Math.log(6 / 2) - Math.log(3 / 7), 1e-9);
  close(fit.se[1], Math.sqrt(1 / 3 + 1 / 7 + 1 / 6 + 1 / 2), 1e-9);
  // Saturated model: the sandwich equals the model variance.
  const robust = logistic(x, y, { variance: "sandwich" });
  close(robust.se[1], fit.se[1], 1e-9);
});

test("logistic solves the score equations and its SEs invert the information", () => {
  const xs = [0.5, -1.2, 0.3, 2.1, -0.7, 1.4, 0.0, -2.0, 1.1, 0.8, -0.3, 1.9];
  const y = [1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
  const x = xs.map((v) => [1, v]);
  const fit = logistic(x, y);
  assert.ok(fit.converged && fit.iterations < 20);
  const p = x.map((r) => 1 / (1 + Math.exp(-(fit.coef[0] + fit.coef[1] * r[1]))));
  let s0 = 0;
  let s1 = 0;
  let i00 = 0;
  let i01 = 0;
  let i11 = 0;
  let m00 = 0;
  let m01 = 0;
  let m11 = 0;
  p.forEach((pi, i) => {
    s0 += y[i] - pi;
    s1 += xs[i] * (y[i] - pi);
    const w = pi * (1 - pi);
    i00 += w;
    i01 += w * xs[i];
    i11 += w * xs[i] * xs[i];
    const r2 = (y[i] - pi) ** 2;
    m00 += r2;
    m01 += r2 * xs[i];
    m11 += r2 * xs[i] * xs[i];
  });
  assert.ok(Math.abs(s0) < 1e-9 && Math.abs(s1) < 1e-9);
  const det = i00 * i11 - i01 * i01;
  close(fit.se[0], Math.sqrt(i11 / det), 1e-8);
  close(fit.se[1], Math.sqrt(i00 / det), 1e-8);
  // Sandwich for the slope: row b = (−i01, i00)/det, var = b M bᵀ.
  const b0 = -i01 / det;
  const b1 = i00 / det;
  const robust = logistic(x, y, { variance: "sandwich" });
  close(robust.cov[1][1], b0 * b0 * m00 + 2 * b0 * b1 * m01 + b1 * b1 * m11, 1e-8);
});

test("logistic reports separation and rejects non-binary outcomes", () => {
  const x = [1, 2, 3, 4].map((v) => [1, v]);
  const fit = logistic(x, [0, 0, 1, 1]);
  assert.equal(fit.converged, false);
  assert.equal(fit.separation, true);
  // Complete separation at x = 2.5: intercept and slope both run off (to −∞ and +∞).
  assert.deepEqual(fit.separated, [
    { term: 0, direction: -1 },
    { term: 1, direction: 1 },
  ]);
  assert.ok(fit.se.every((s) => Number.isNaN(s)) && fit.coef.every((c) => Number.isNaN(c)));
  assert.throws(() => logistic(x, [0, 1, 2, 1]), /must be 0 or 1, but y\[3\] is 2/);
  assert.throws(
    () =>
      logistic(
        x.map((r) => [...r, r[1] * 2]),
        [0, 1, 0, 1],
      ),
    SingularDesignError,
  );
});

test("bootstrap percentile interval of a mean matches the normal theory width", () => {
  const rng = createRng("boot-data");
  const data = Array.from({ length: 400 }, () => 10 + 2 * rng.normal());
  const m = mean(data);
  const se = sd(data) / Math.sqrt(data.length);
  const ci = bootstrapCI(data.length, (idx) => mean(idx.map((i) => data[i])), { B: 2000, seed: 1 });
  assert.equal(ci.B, 2000);
  assert.equal(ci.dropped, 0);
  const lower = ci.lower as number;
  const upper = ci.upper as number;
  // Percentile bounds near m ± 1.96·se (Monte-Carlo error of the 2.5% quantile ≈ 4% of se·1.96).
  assert.ok(Math.abs(lower - (m - 1.96 * se)) < 0.12 * 1.96 * se, `lower ${lower}`);
  assert.ok(Math.abs(upper - (m + 1.96 * se)) < 0.12 * 1.96 * se, `upper ${upper}`);
  // Same seed, same interval; vector statistics get one interval per component.
  const again = bootstrapCI(data.length, (idx) => mean(idx.map((i) => data[i])), { B: 2000, seed: 1 });
  assert.equal(again.lower, lower);
  const vec = bootstrapCI(data.length, (idx) => [mean(idx.map((i) => data[i])), 0], { B: 200, seed: 2 });
  assert.ok(Array.isArray(vec.lower) && (vec.upper as number[])[1] === 0);
});

test("bootstrap drops resamples whose statistic is undefined and counts them", () => {
  // Two units: a resample drawing the same unit twice has no variance, so pearson is NaN.
  const xs = [1, 2];
  const ci = bootstrapCI(
    2,
    (idx) =>
      pearson(
        idx.map((i) => xs[i]),
        idx.map((i) => xs[i]),
      ),
    { B: 400, seed: 3 },
  );
  assert.ok(ci.dropped > 100 && ci.dropped < 300);
  assert.equal(ci.lower, 1);
  assert.throws(() => bootstrapCI(0, () => 0, { B: 10, seed: 1 }), UserError);
});

test("CR1 clustered OLS equals the formula by hand", () => {
  // Intercept only: β = ȳ = 3.5, residuals −2.5 … 2.5, cluster score sums −4, 0, 4 → Σu² = 32;
  // V = G/(G−1)·(N−1)/(N−K)·Σu²/N² = 1.5 · 1 · 32/36.
  const y = [1, 2, 3, 4, 5, 6];
  const fit = ols(
    y.map(() => [1]),
    y,
    { clusters: ["a", "a", "b", "b", "c", "c"] },
  );
  close(fit.coef[0], 3.5);
  close(fit.cov[0][0], (1.5 * 32) / 36);
  assert.equal(fit.clusters, 3);
  // One row per cluster: CR1 is HC1 with factor G/(G−1)·(N−1)/(N−K) = n/(n−p).
  const hc1 = ols(X5, Y5, { robust: "HC1" });
  const cr1 = ols(X5, Y5, { clusters: [1, 2, 3, 4, 5] });
  close(cr1.cov[1][1], hc1.cov[1][1]);
  assert.throws(() => ols(X5, Y5, { clusters: [1, 1, 1, 1, 1] }), /at least 2 clusters/);
});
