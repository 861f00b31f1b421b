import { UserError } from "../../errors/index.ts";
import { normalQuantile, pearson, sd } from "../stats/index.ts";
import { column, isEmptyCell, numberCell, readCsv } from "./table.ts";

export interface PlanCosts {
  /** Cost of one human answer. */
  human: number;
  /** Cost of one simulated answer. */
  sim: number;
  /** Cost of the covariates (profile) of one unit, human or simulated. Default 0. */
  covariates?: number;
}

export type PlanGoal = { budget: number } | { targetN: number };

export interface Allocation {
  /** Humans (each also gets a simulated answer in the mixed design). */
  n: number;
  /** Additional simulated-only units. */
  N: number;
  cost: number;
  /** Human-only sample size with the same variance: n(n + N) / (n + (1 − ρ²)N). */
  effective_n: number;
  /** Predicted standard error of the mean, pilot SD / √effective_n. */
  se: number;
  /** Predicted half-width of the 1 − alpha interval. */
  half_width: number;
}

export interface MixedSubjectsPlan extends Allocation {
  design: "mixed" | "human-only";
  /** ρ used: the pilot correlation, capped at 1 − 1/n_pilot, and 0 when negative. */
  correlation: number;
  correlation_pilot: number;
  pilot_n: number;
  pilot_sd: number;
  alpha: number;
  goal: { budget: number } | { target_n: number };
  human_only: Allocation;
}

/** Effective sample size of n humans plus N simulated-only units for a mean under PPI++. */
export function effectiveN(n: number, N: number, rho: number): number {
  if (n <= 0) return 0;
  return (n * (n + N)) / (n + (1 - rho * rho) * N);
}

/** The loop over human counts is exact; beyond this many it would be slow and the study absurd. */
const MAX_UNITS = 20_000_000;

/**
 * Mixed-subjects allocation for a mean (Broska, Howes & van Loon): with power-tuned PPI++ the
 * variance is σ²[(1 − ρ²)/n + ρ²/(n + N)], so given costs the best split is found by checking
 * every human count n and the best N for it. Simulated answers are only worth buying when they
 * beat spending the same money on humans; otherwise the plan is human-only (whose humans need no
 * simulated answer, so they cost human + covariates).
 */
export function planMixedSubjects(
  pilot: { y: readonly number[]; yhat: readonly number[] },
  costs: PlanCosts,
  goal: PlanGoal,
  opts: { alpha?: number } = {},
): MixedSubjectsPlan {
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`alpha must be between 0 and 1, got ${alpha}`);
  const ch = costs.human;
  const cs = costs.sim;
  const cx = costs.covariates ?? 0;
  if (!(ch > 0 && Number.isFinite(ch)))
    throw new UserError(`--cost-human must be a positive number, got ${ch}`);
  if (!(cs > 0 && Number.isFinite(cs)))
    throw new UserError(`--cost-sim must be a positive number, got ${cs}`);
  if (!(cx >= 0 && Number.isFinite(cx)))
    throw new UserError(`--cost-covariates must be zero or positive, got ${cx}`);
  const m = pilot.y.length;
  if (m < 3)
    throw new UserError(
      `the pilot needs at least 3 rows with both a human and a simulated answer, found ${m}`,
    );
  const r = pearson(pilot.y, pilot.yhat);
  if (Number.isNaN(r)) {
    throw new UserError(
      "the pilot's human or simulated answers are constant, so their correlation is undefined",
    );
  }
  // A pilot correlation of exactly ±1 would promise infinite precision; cap it.
  const capped = Math.max(-(1 - 1 / m), Math.min(1 - 1 / m, r));
  // λ is clipped to [0, 1], so a negative correlation cannot be exploited.
  const rho = Math.max(0, capped);
  const sigma = sd(pilot.y);
  const z = normalQuantile(1 - alpha / 2);
  const perHuman = ch + cs + cx;
  const perSim = cs + cx;
  const alloc = (n: number, N: number, cost: number): Allocation => {
    const eff = N > 0 ? effectiveN(n, N, rho) : n;
    const se = sigma / Math.sqrt(eff);
    return { n, N, cost, effective_n: eff, se, half_width: z * se };
  };
  const humanCost = ch + cx;
  let humanOnly: Allocation;
  let best: Allocation | null = null;
  if ("budget" in goal) {
    const B = goal.budget;
    if (!(B > 0 && Number.isFinite(B))) throw new UserError(`--budget must be a positive number, got ${B}`);
    const nh = Math.floor(B / humanCost + 1e-9);
    if (nh < 1) throw new UserError(`budget ${B} does not buy a single human answer (cost ${humanCost})`);
    humanOnly = alloc(nh, 0, nh * humanCost);
    const maxN = Math.floor(B / perHuman + 1e-9);
    if (maxN > MAX_UNITS)
      throw new UserError(`budget ${B} buys more than ${MAX_UNITS} humans; plan a smaller study`);
    for (let n = 1; n <= maxN; n++) {
      const N = Math.floor((B - n * perHuman) / perSim + 1e-9);
      if (N < 1) continue;
      const a = alloc(n, N, n * perHuman + N * perSim);
      if (!best || a.effective_n > best.effective_n) best = a;
    }
    if (!best || best.effective_n <= humanOnly.effective_n) best = null;
  } else {
    const T = goal.targetN;
    if (!(T > 0 && Number.isFinite(T))) throw new UserError(`--target-n must be a positive number, got ${T}`);
    if (T > MAX_UNITS) throw new UserError(`--target-n ${T} is larger than ${MAX_UNITS}`);
    const nh = Math.ceil(T - 1e-9);
    humanOnly = alloc(nh, 0, nh * humanCost);
    // For n humans, the fewest simulated units reaching T solve n(n + N) ≥ T(n + (1 − ρ²)N).
    const q = T * (1 - rho * rho);
    for (let n = Math.max(1, Math.floor(q)); n < nh; n++) {
      if (n <= q) continue;
      const N = Math.ceil((T * n - n * n) / (n - q) - 1e-9);
      if (N < 1) continue;
      const a = alloc(n, N, n * perHuman + N * perSim);
      if (a.effective_n < T * (1 - 1e-12)) continue;
      if (!best || a.cost < best.cost) best = a;
    }
    if (!best || best.cost >= humanOnly.cost) best = null;
  }
  const chosen = best ?? humanOnly;
  return {
    ...chosen,
    design: best ? "mixed" : "human-only",
    correlation: rho,
    correlation_pilot: r,
    pilot_n: m,
    pilot_sd: sigma,
    alpha,
    goal: "budget" in goal ? { budget: goal.budget } : { target_n: goal.targetN },
    human_only: humanOnly,
  };
}

export interface PlanCsvOptions {
  outcome: string;
  prediction: string;
  costs: PlanCosts;
  goal: PlanGoal;
  alpha?: number;
}

/** Plan from a pilot CSV: rows with both a human (outcome) and a simulated (prediction) answer. */
export function planCsv(path: string, options: PlanCsvOptions): MixedSubjectsPlan {
  const table = readCsv(path);
  const yc = column(table, options.outcome);
  const pc = column(table, options.prediction);
  const y: number[] = [];
  const yhat: number[] = [];
  for (let i = 0; i < table.rows.length; i++) {
    // Simulated-only rows carry no information about the human–simulated correlation.
    if (isEmptyCell(table, i, yc)) continue;
    y.push(numberCell(table, i, yc, "outcome"));
    yhat.push(numberCell(table, i, pc, "prediction"));
  }
  try {
    return planMixedSubjects({ y, yhat }, options.costs, options.goal, { alpha: options.alpha });
  } catch (error) {
    if (error instanceof UserError && !error.where) throw new UserError(error.message, { where: path });
    throw error;
  }
}
