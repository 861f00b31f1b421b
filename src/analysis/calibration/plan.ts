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
  /** n·(human + sim + covariates) + N·(sim + covariates); human-only: n·(human + covariates). */
  cost: number;
  /** n(n + N) / (n + (1 − ρ²)N), rounded half to even as ppi_py does. */
  effective_n: number;
  /** Predicted standard error of the mean, pilot SD / √(unrounded effective n). */
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

/** Python's round(): to the nearest integer, ties to the even one (ppi_py rounds with it). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Far beyond any study; keeps the arithmetic exact (and absurd inputs out). */
const MAX_UNITS = 1e12;

/**
 * Mixed-subjects allocation for a mean (Broska, Howes & van Loon), as ppi_py's ppi_power: with
 * power-tuned PPI++ the variance is σ²[(1 − ρ²)/n + ρ²/(n + N)]; for γ = (c_sim + c_cov)/c_human
 * the cheapest design per effective human costs c_human(1 − ρ² + γρ² + 2√(γρ²(1 − ρ²))), reached
 * at n = n₀(1 − ρ² + √(γρ²(1 − ρ²))) and N = n(n₀ − n)/(n − (1 − ρ²)n₀), where n₀ is the
 * effective n wanted (or the budget over that cost). n and N are rounded half to even, as
 * Python's round(), so a budget can be passed by less than one unit's cost. When that design
 * costs more per effective human than a human alone (human + covariates), the plan is human-only.
 * Unlike ppi_py, a negative correlation counts as 0 (λ is clipped to [0, 1], so PPI++ cannot use
 * it), and a plan without simulated-only units is human-only (humans then need no simulated answer).
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
  // ppi_py caps the pilot correlation at 1 − 1/n (±1 would promise infinite precision).
  const capped = Math.max(-(1 - 1 / m), Math.min(1 - 1 / m, r));
  const rho = Math.max(0, capped);
  const r2 = rho * rho;
  const sigma = sd(pilot.y);
  const z = normalQuantile(1 - alpha / 2);
  const alloc = (n: number, N: number, cost: number): Allocation => {
    const eff = N > 0 ? effectiveN(n, N, rho) : n;
    const se = sigma / Math.sqrt(eff);
    return { n, N, cost, effective_n: roundHalfEven(eff), se, half_width: z * se };
  };
  const gamma = (cs + cx) / ch;
  const ppiCost = ch * (1 - r2 + gamma * r2 + 2 * Math.sqrt(gamma * r2 * (1 - r2)));
  const humanCost = ch + cx;
  let n0: number;
  let humanN: number;
  if ("budget" in goal) {
    const B = goal.budget;
    if (!(B > 0 && Number.isFinite(B))) throw new UserError(`--budget must be a positive number, got ${B}`);
    humanN = roundHalfEven(B / humanCost);
    if (humanN < 1) throw new UserError(`budget ${B} does not buy a single human answer (cost ${humanCost})`);
    n0 = B / ppiCost;
  } else {
    const T = goal.targetN;
    if (!(T > 0 && Number.isFinite(T))) throw new UserError(`--target-n must be a positive number, got ${T}`);
    n0 = T;
    humanN = roundHalfEven(T);
  }
  if (Math.max(n0, humanN) > MAX_UNITS) throw new UserError(`the plan asks for more than ${MAX_UNITS} units`);
  const humanOnly = alloc(humanN, 0, humanN * humanCost);
  let chosen = humanOnly;
  if (rho > 0 && !(humanCost < ppiCost)) {
    const nReal = n0 * (1 - r2 + Math.sqrt(gamma * r2 * (1 - r2)));
    const NReal = (nReal * (n0 - nReal)) / (nReal - (1 - r2) * n0);
    const n = roundHalfEven(nReal);
    const N = roundHalfEven(NReal);
    if (N > 0 && n >= 1) chosen = alloc(n, N, n * ch + (n + N) * (cs + cx));
  }
  return {
    ...chosen,
    design: chosen === humanOnly ? "human-only" : "mixed",
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
