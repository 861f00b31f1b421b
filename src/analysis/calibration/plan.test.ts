import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "../../random/index.ts";
import { pearson } from "../stats/index.ts";
import { effectiveN, planMixedSubjects } from "./index.ts";

function pilot(rho: number, m = 200, seed = "pilot") {
  const rng = createRng(seed);
  const y: number[] = [];
  const yhat: number[] = [];
  for (let i = 0; i < m; i++) {
    const a = rng.normal();
    y.push(a);
    yhat.push(rho * a + Math.sqrt(1 - rho * rho) * rng.normal());
  }
  return { y, yhat };
}

test("effective n equals the inverse PPI++ variance σ²[(1 − ρ²)/n + ρ²/(n + N)]", () => {
  for (const [n, N, rho] of [
    [100, 900, 0.7],
    [50, 0, 0.9],
    [30, 1000, 0],
  ]) {
    const v = (1 - rho * rho) / n + (rho * rho) / (n + N);
    assert.ok(Math.abs(effectiveN(n, N, rho) - 1 / v) < 1e-9);
  }
});

test("target-n plan agrees with the closed-form optimum (ppi_py power analysis)", () => {
  const p = pilot(0.8);
  const plan = planMixedSubjects(p, { human: 10, sim: 0.5 }, { targetN: 400 });
  const rho = pearson(p.y, p.yhat);
  assert.equal(plan.correlation, rho);
  // Continuous optimum: n = n0(1 − ρ² + √(γρ²(1 − ρ²))), N = n(n0 − n)/(n − (1 − ρ²)n0), γ = 0.05.
  const g = 0.05;
  const r2 = rho * rho;
  const n = 400 * (1 - r2 + Math.sqrt(g * r2 * (1 - r2)));
  const N = (n * (400 - n)) / (n - (1 - r2) * 400);
  assert.equal(plan.design, "mixed");
  assert.ok(Math.abs(plan.n - n) <= 2, `n ${plan.n} vs ${n}`);
  assert.ok(Math.abs(plan.N - N) / N < 0.02, `N ${plan.N} vs ${N}`);
  assert.ok(plan.effective_n >= 400);
  assert.equal(plan.cost, plan.n * 10.5 + plan.N * 0.5);
  assert.equal(plan.human_only.n, 400);
  assert.equal(plan.human_only.cost, 4000);
  // Cost per effective human in closed form: c_Y(1 − ρ² + γρ² + 2√(γρ²(1 − ρ²))).
  const perEffective = 10 * (1 - r2 + g * r2 + 2 * Math.sqrt(g * r2 * (1 - r2)));
  assert.ok(
    Math.abs(plan.cost / (400 * perEffective) - 1) < 0.01,
    `cost ${plan.cost} vs ${400 * perEffective}`,
  );
});

test("budget plan: ppi_py's rounded continuous optimum is within 0.5% of the best integer allocation", () => {
  const p = pilot(0.75, 120, "brute");
  const costs = { human: 4, sim: 0.3, covariates: 0.2 };
  const plan = planMixedSubjects(p, costs, { budget: 300 });
  const rho = plan.correlation;
  let best = 300 / 4.2; // human-only: no simulated answers, covariates still collected
  for (let n = 1; n * 4.5 <= 300; n++) {
    for (let N = 1; n * 4.5 + N * 0.5 <= 300 + 1e-9; N++) best = Math.max(best, effectiveN(n, N, rho));
  }
  // Rounding n and N (half to even, as ppi_py) may pass the budget by less than one unit's cost.
  assert.ok(plan.cost <= 300 + 4.5 / 2 + 0.5 / 2, `cost ${plan.cost}`);
  const exact = effectiveN(plan.n, plan.N, rho);
  assert.ok(Math.abs(exact - best) / best < 5e-3, `${exact} vs ${best}`);
  assert.equal(plan.effective_n, Math.round(exact));
  assert.equal(plan.human_only.n, Math.round(300 / 4.2));
});

test("falls back to human-only when simulation does not pay", () => {
  // Weak correlation: simulated answers cost more than the precision they buy.
  const weak = planMixedSubjects(pilot(0.2), { human: 1, sim: 0.5 }, { budget: 1000 });
  assert.equal(weak.design, "human-only");
  assert.deepEqual([weak.n, weak.N, weak.effective_n], [1000, 0, 1000]);
  // A negative correlation cannot be used (λ is clipped at 0).
  const neg = planMixedSubjects(pilot(-0.9), { human: 10, sim: 0.01 }, { targetN: 100 });
  assert.equal(neg.correlation, 0);
  assert.ok(neg.correlation_pilot < -0.8);
  assert.equal(neg.design, "human-only");
  assert.equal(neg.cost, 1000);
});

test("a perfect pilot correlation is capped at 1 − 1/n", () => {
  const y = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const plan = planMixedSubjects(
    { y, yhat: y.map((v) => 2 * v + 1) },
    { human: 10, sim: 0.1 },
    { targetN: 100 },
  );
  assert.equal(plan.correlation, 0.9);
  assert.ok(Number.isFinite(plan.effective_n) && plan.n > 0);
});

test("planner errors name the problem", () => {
  const p = pilot(0.5);
  assert.throws(
    () => planMixedSubjects(p, { human: 0, sim: 1 }, { budget: 10 }),
    /--cost-human must be a positive number/,
  );
  assert.throws(
    () => planMixedSubjects(p, { human: 10, sim: 1 }, { budget: 5 }),
    /does not buy a single human/,
  );
  assert.throws(
    () => planMixedSubjects({ y: [1, 1, 1], yhat: [1, 2, 3] }, { human: 1, sim: 1 }, { budget: 5 }),
    /constant/,
  );
  assert.throws(
    () => planMixedSubjects({ y: [1, 2], yhat: [1, 2] }, { human: 1, sim: 1 }, { budget: 5 }),
    /at least 3 rows/,
  );
});
