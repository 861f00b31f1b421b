import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../errors/index.ts";
import { createRng } from "../../random/index.ts";
import { normalQuantile } from "../stats/index.ts";
import { ppiAte, ppiMean, ppiOls } from "./index.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${a} ≠ ${b}`);

// Six rows by hand: labeled Y = 2, 4, 9 with Ŷ = 1, 5, 7; unlabeled Ŷ' = 3, 6, 9.
const six = { y: [2, 4, 9], yhat: [1, 5, 7], yhatUnlabeled: [3, 6, 9] };

test("PPI++ mean on six rows equals the hand computation", () => {
  // Cov(Y, Ŷ) with divisor n: Σ(y − 5)(ŷ − 13/3) = 10 − 2/3 + 32/3 = 20 → 20/3.
  // Var of all six Ŷ (divisor 5): Σŷ² = 201, mean 31/6 → (201 − 961/6)/5 = 49/6.
  const lambda = 20 / 3 / ((1 + 3 / 3) * (49 / 6));
  close(lambda, 20 / 49);
  const r = ppiMean(six);
  close(r.lambda, lambda);
  close(r.estimate, 5 + lambda * (6 - 13 / 3));
  // Var(Y − λŶ) = Var Y − 2λ Cov + λ² Var Ŷ with divisor n = 3 (as ppi_py): 26/3, 20/3, 56/9;
  // Var(Ŷ') = 6.
  const varRect = 26 / 3 - 2 * lambda * (20 / 3) + lambda * lambda * (56 / 9);
  const se = Math.sqrt(varRect / 3 + (lambda * lambda * 6) / 3);
  close(r.se, se);
  close(r.upper - r.estimate, normalQuantile(0.975) * se);
  assert.deepEqual([r.n, r.N], [3, 3]);
  // λ = 0 is the human-only z-interval; λ = 1 is classic PPI: mean(Ŷ') + mean(Y − Ŷ).
  close(r.classical.estimate, 5);
  close(r.classical.se, Math.sqrt(26 / 9));
  close(r.ppi.estimate, 6 + (5 - 13 / 3));
  close(r.ppi.se, Math.sqrt((26 / 3 - 2 * (20 / 3) + 56 / 9) / 3 + 6 / 3));
  const fixed = ppiMean(six, { lambda: 0 });
  assert.equal(fixed.estimate, r.classical.estimate);
  assert.equal(fixed.se, r.classical.se);
});

test("power tuning never does worse than human-only or classic PPI on the same data", () => {
  const rng = createRng("tuning");
  for (let rep = 0; rep < 20; rep++) {
    const noise = 0.2 + rep * 0.2;
    const make = (k: number) => Array.from({ length: k }, () => rng.normal());
    const latent = make(60);
    const y = latent.map((v) => v + 0.5 * rng.normal());
    const yhat = latent.map((v) => v + noise * rng.normal());
    const yhatUnlabeled = make(300).map((v) => v + noise * rng.normal());
    const r = ppiMean({ y, yhat, yhatUnlabeled });
    assert.ok(r.lambda >= 0 && r.lambda <= 1);
    // The tuned λ minimises an estimate of the variance, so allow a sliver of slack.
    assert.ok(
      r.se <= Math.min(r.classical.se, r.ppi.se) * 1.02,
      `rep ${rep}: ${r.se} vs ${r.classical.se}, ${r.ppi.se}`,
    );
  }
});

test("a mean is an intercept-only regression: ppiMean and ppiOls agree", () => {
  const rng = createRng("intercept-only");
  const y = Array.from({ length: 40 }, () => 3 + rng.normal());
  const yhat = y.map((v) => 0.8 * v + 0.6 * rng.normal());
  const yhatUnlabeled = Array.from({ length: 150 }, () => 0.8 * (3 + rng.normal()) + 0.6 * rng.normal());
  const m = ppiMean({ y, yhat, yhatUnlabeled });
  const o = ppiOls({ x: y.map(() => [1]), y, yhat, xUnlabeled: yhatUnlabeled.map(() => [1]), yhatUnlabeled });
  close(o.lambda, m.lambda, 1e-10);
  close(o.estimate[0], m.estimate, 1e-10);
  close(o.classical.estimate[0], m.classical.estimate, 1e-10);
  // ppi_py's variances differ: the mean uses divisor n (np.std), the M-estimator divisor n − 1
  // (np.cov) for each sample, so the SEs are these two formulas.
  const l = m.lambda;
  const rect = y.map((v, i) => v - l * yhat[i]);
  const ss = (xs: number[]) => {
    const mu = xs.reduce((a, b) => a + b) / xs.length;
    return xs.reduce((a, v) => a + (v - mu) ** 2, 0);
  };
  const u = yhatUnlabeled.map((v) => l * v);
  close(m.se, Math.sqrt(ss(rect) / 40 / 40 + ss(u) / 150 / 150), 1e-12);
  close(o.se[0], Math.sqrt(ss(rect) / 39 / 40 + ss(u) / 149 / 150), 1e-10);
});

test("ATE is the difference of per-arm PPI++ means with variances added", () => {
  const control = { y: [1, 2, 4, 3], yhat: [1.5, 2, 3.5, 3.5], yhatUnlabeled: [2, 3, 2.5, 4, 1] };
  const treated = six;
  const r = ppiAte(treated, control);
  const t = ppiMean(treated);
  const c = ppiMean(control);
  close(r.estimate, t.estimate - c.estimate);
  close(r.se, Math.sqrt(t.se ** 2 + c.se ** 2));
  assert.deepEqual(r.lambda, { treated: t.lambda, control: c.lambda });
  close(r.classical.estimate, 5 - 2.5);
  close(r.classical.se, Math.sqrt(26 / 9 + 5 / 4 / 4));
  close(r.ppi.estimate, t.ppi.estimate - c.ppi.estimate);
});

test("intervals cover a known mean at the nominal rate (simulation)", () => {
  const rng = createRng("coverage-mean");
  const truth = 2;
  let covered = 0;
  let coveredAte = 0;
  let widthRatio = 0;
  const reps = 1500;
  for (let rep = 0; rep < reps; rep++) {
    const person = () => {
      const latent = truth + rng.normal();
      return { y: latent + 0.6 * rng.normal(), yhat: 0.5 + 0.7 * latent + 0.5 * rng.normal() };
    };
    const lab = Array.from({ length: 80 }, person);
    const unl = Array.from({ length: 600 }, () => person().yhat);
    const r = ppiMean({ y: lab.map((p) => p.y), yhat: lab.map((p) => p.yhat), yhatUnlabeled: unl });
    if (r.lower <= truth && truth <= r.upper) covered++;
    widthRatio += r.se / r.classical.se / reps;
    // A null effect: two arms from the same population.
    const c = Array.from({ length: 60 }, person);
    const cu = Array.from({ length: 300 }, () => person().yhat);
    const a = ppiAte(
      {
        y: lab.slice(0, 60).map((p) => p.y),
        yhat: lab.slice(0, 60).map((p) => p.yhat),
        yhatUnlabeled: unl.slice(0, 300),
      },
      { y: c.map((p) => p.y), yhat: c.map((p) => p.yhat), yhatUnlabeled: cu },
    );
    if (a.lower <= 0 && 0 <= a.upper) coveredAte++;
  }
  // Monte-Carlo SD of a coverage near 0.95 with 1500 draws is 0.0056.
  assert.ok(Math.abs(covered / reps - 0.95) < 0.018, `mean coverage ${covered / reps}`);
  assert.ok(Math.abs(coveredAte / reps - 0.95) < 0.018, `ATE coverage ${coveredAte / reps}`);
  // ρ² ≈ 0.55 here, so PPI++ must be clearly narrower than human-only.
  assert.ok(widthRatio < 0.85, `width ratio ${widthRatio}`);
});

test("bad inputs are user errors that say what is wrong", () => {
  assert.throws(() => ppiMean({ y: [1], yhat: [1], yhatUnlabeled: [1, 2] }), /at least 2 labeled rows/);
  assert.throws(() => ppiMean({ y: [1, 2], yhat: [1, 2], yhatUnlabeled: [] }), /at least 2 unlabeled rows/);
  assert.throws(() => ppiMean({ y: [1, 2], yhat: [1], yhatUnlabeled: [1, 2] }), UserError);
  assert.throws(
    () => ppiMean({ y: [1, Number.NaN], yhat: [1, 2], yhatUnlabeled: [1, 2] }),
    /y\[2\] is not a finite number/,
  );
  assert.throws(() => ppiMean(six, { lambda: 1.5 }), /lambda must be/);
  assert.throws(() => ppiMean(six, { alpha: 0 }), /alpha/);
  assert.throws(() => ppiAte(six, { y: [1], yhat: [1], yhatUnlabeled: [1, 2] }), /control arm/);
});

test("constant predictions get λ = 0 rather than a division by zero", () => {
  const r = ppiMean({ y: [1, 2, 3], yhat: [5, 5, 5], yhatUnlabeled: [5, 5, 5, 5] });
  assert.equal(r.lambda, 0);
  close(r.estimate, 2);
});
