import { UserError } from "../../errors/index.ts";
import {
  checkDesign,
  invertSymmetric,
  type Matrix,
  matVec,
  SingularDesignError,
  sandwich,
  weightedCrossprod,
} from "./linalg.ts";

/**
 * "model": inverse Fisher information (R's summary.glm); "HC0" | "HC1" | "HC3": the sandwich
 * H⁻¹ Xᵀ diag(ω) X H⁻¹ as R's sandwich::vcovHC computes it for a GLM, with r = y − μ and
 * ω = r² (HC0), r²·n/(n − p) (HC1) or r²/(1 − h)² (HC3), h the GLM hat values.
 * "sandwich" is HC0.
 */
export type LogisticVariance = "model" | "sandwich" | "HC0" | "HC1" | "HC3";

export interface LogisticOptions {
  variance?: LogisticVariance;
  maxIter?: number;
  /** Convergence when the largest Newton step is below tol (relative to 1 + |β|). */
  tol?: number;
  names?: readonly string[];
}

export interface LogisticFit {
  /** NaN for a term whose coefficient runs off to ±infinity (separation). */
  coef: number[];
  /** NaN where undefined: a separated term, or HC3 with a leverage-1 row. */
  se: number[];
  cov: number[][];
  /** False when the iterations did not settle, which includes (quasi-)complete separation. */
  converged: boolean;
  iterations: number;
  /** The data are (quasi-)separated: the likelihood has no maximum and some terms are infinite. */
  separation: boolean;
  /** Separation: indices of the terms whose coefficients diverge, and the sign they run to. */
  separated: { term: number; direction: 1 | -1 }[];
  /** Rows fitted exactly (leverage 1), which leave HC3 undefined. */
  leverageOne: number[];
}

export function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** Bernoulli log-likelihood Σ y·η − log(1 + e^η), computed without overflow. */
function logLik(x: Matrix, y: readonly number[], beta: readonly number[]): number {
  const eta = matVec(x, beta);
  let ll = 0;
  for (let i = 0; i < y.length; i++) {
    const e = eta[i];
    const log1pExp = e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e));
    ll += y[i] * e - log1pExp;
  }
  return ll;
}

/**
 * Logistic regression by iteratively reweighted least squares (Newton–Raphson with step
 * halving so the likelihood never decreases). Under separation the iterations never settle:
 * some coefficients grow by about the same amount every step while the others converge. Those
 * terms are reported as separated (no estimate, no SE); the others keep the estimate and SE
 * they converge to, which is what R's glm reports for them when it stops.
 */
export function logistic(x: Matrix, y: readonly number[], opts: LogisticOptions = {}): LogisticFit {
  const { n, p } = checkDesign(x, y, "logistic regression");
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new UserError(`logistic regression: the outcome must be 0 or 1, but y[${i + 1}] is ${y[i]}`);
    }
  }
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-10;
  // Rank check on the unweighted design first: collinearity is a user error, not separation.
  invertSymmetric(weightedCrossprod(x), opts.names);

  let beta = new Array<number>(p).fill(0);
  const history: number[][] = [beta];
  let ll = logLik(x, y, beta);
  let converged = false;
  let iterations = 0;
  for (iterations = 1; iterations <= maxIter; iterations++) {
    const mu = matVec(x, beta).map(sigmoid);
    const w = mu.map((m) => m * (1 - m));
    const score = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) score[j] += x[i][j] * (y[i] - mu[i]);
    let info: Matrix;
    try {
      info = invertSymmetric(weightedCrossprod(x, w), opts.names);
    } catch (error) {
      // Weights collapsing to zero: the fit is running off to infinity (separation).
      if (error instanceof SingularDesignError) break;
      throw error;
    }
    const step = matVec(info, score);
    let t = 1;
    let next = beta.map((b, j) => b + step[j]);
    let llNext = logLik(x, y, next);
    while (llNext < ll - 1e-12 * (1 + Math.abs(ll)) && t > 1e-8) {
      t /= 2;
      next = beta.map((b, j) => b + t * step[j]);
      llNext = logLik(x, y, next);
    }
    const change = Math.max(...step.map((s, j) => Math.abs(t * s) / (1 + Math.abs(beta[j]))));
    beta = next;
    history.push(beta);
    ll = llNext;
    if (change < tol) {
      converged = true;
      break;
    }
  }
  iterations = Math.min(iterations, maxIter);
  const { separated, drift } = converged ? { separated: [], drift: [] } : divergingTerms(history);
  const kind = opts.variance === "sandwich" ? "HC0" : (opts.variance ?? "model");
  if (separated.length > 0) {
    const fit = separatedFit(x, y, beta, drift, kind, opts.names);
    return { ...fit, converged: false, iterations, separation: true, separated };
  }
  const mu = matVec(x, beta).map(sigmoid);
  const separation = !converged && mu.some((m) => m < 1e-10 || m > 1 - 1e-10);
  let cov: Matrix;
  let leverageOne: number[] = [];
  try {
    const w = mu.map((m) => m * (1 - m));
    const hInv = invertSymmetric(weightedCrossprod(x, w), opts.names);
    const v = variance(
      x,
      y,
      mu,
      hInv,
      kind,
      Array.from({ length: n }, (_, i) => i),
    );
    cov = v.cov;
    leverageOne = v.leverageOne;
  } catch (error) {
    if (!(error instanceof SingularDesignError)) throw error;
    // No finite curvature at the last iterate: the uncertainty is unbounded.
    cov = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? Infinity : 0)));
    converged = false;
  }
  const se = cov.map((row, j) => Math.sqrt(Math.max(0, row[j])));
  return { coef: beta, se, cov, converged, iterations, separation, separated: [], leverageOne };
}

/**
 * The covariance of the coefficients from the inverse information `hInv`, over the rows
 * `rows` (the others carry no weight). HC3 with a row of leverage 1 is undefined: its SEs are
 * NaN, as in R, and the rows are returned.
 */
function variance(
  x: Matrix,
  y: readonly number[],
  mu: readonly number[],
  hInv: Matrix,
  kind: "model" | "HC0" | "HC1" | "HC3",
  rows: readonly number[],
): { cov: Matrix; leverageOne: number[] } {
  if (kind === "model") return { cov: hInv, leverageOne: [] };
  const n = x.length;
  const p = hInv.length;
  const omega = new Array<number>(n).fill(0);
  const leverageOne: number[] = [];
  for (const i of rows) {
    const r2 = (y[i] - mu[i]) ** 2;
    if (kind === "HC0") omega[i] = r2;
    else if (kind === "HC1") omega[i] = (r2 * n) / (n - p);
    else {
      const v = matVec(hInv, x[i]);
      let h = 0;
      for (let j = 0; j < p; j++) h += x[i][j] * v[j];
      h *= mu[i] * (1 - mu[i]);
      if (h > 1 - 1e-10) leverageOne.push(i);
      omega[i] = r2 / (1 - h) ** 2;
    }
  }
  if (kind === "HC1" && n <= p) throw new UserError("logistic regression: HC1 needs more rows than terms");
  if (leverageOne.length > 0) {
    return { cov: hInv.map((row) => row.map(() => Number.NaN)), leverageOne };
  }
  return { cov: sandwich(hInv, weightedCrossprod(x, omega)), leverageOne: [] };
}

/**
 * Terms whose coefficients keep moving in the last iterations while the rest have settled:
 * under separation each Newton step adds about the same multiple of the separating direction.
 */
function divergingTerms(history: number[][]): {
  separated: { term: number; direction: 1 | -1 }[];
  /** The last steps' movement, settled terms set to 0: the separating direction. */
  drift: number[];
} {
  if (history.length < 6) return { separated: [], drift: [] };
  const last = history[history.length - 1];
  const before = history[history.length - 4];
  const drift = last.map((b, j) => b - before[j]);
  const largest = Math.max(...drift.map(Math.abs));
  // Settled coefficients move by ~e^(−|η|) of the separated rows; diverging ones by ~1 a step.
  if (!(largest > 0.5)) return { separated: [], drift: [] };
  const moving = drift.map((d) => Math.abs(d) > 1e-4 * largest);
  return {
    separated: drift.flatMap((d, term) =>
      moving[term] ? [{ term, direction: (d > 0 ? 1 : -1) as 1 | -1 }] : [],
    ),
    drift: drift.map((d, j) => (moving[j] ? d : 0)),
  };
}

/**
 * The fit in the limit the iterations run to. With d the separating direction, rows with
 * xᵢᵀd ≠ 0 are fitted perfectly and drop out; the terms with d_j = 0 converge, and their
 * covariance converges to that of the remaining rows on the subspace orthogonal to d:
 * [(P I P + ddᵀ/‖d‖²)⁻¹]_jj with P the projection on d⊥ and I their information.
 */
function separatedFit(
  x: Matrix,
  y: readonly number[],
  beta: number[],
  drift: number[],
  kind: "model" | "HC0" | "HC1" | "HC3",
  names: readonly string[] | undefined,
): Pick<LogisticFit, "coef" | "se" | "cov" | "leverageOne"> {
  const p = beta.length;
  const affected = new Set(drift.flatMap((d, j) => (d !== 0 ? [j] : [])));
  const mu = matVec(x, beta).map(sigmoid);
  const norm = Math.hypot(...drift);
  const dir = drift.map((v) => v / norm);
  const rows: number[] = [];
  x.forEach((xi, i) => {
    let along = 0;
    for (let j = 0; j < p; j++) along += xi[j] * dir[j];
    // A row the separating direction moves is fitted perfectly in the limit.
    if (Math.abs(along) < 1e-6 * (1 + Math.hypot(...xi))) rows.push(i);
  });
  const nan = () => Array.from({ length: p }, () => new Array<number>(p).fill(Number.NaN));
  const coef = beta.map((b, j) => (affected.has(j) ? Number.NaN : b));
  if (rows.length === 0) return { coef, se: new Array(p).fill(Number.NaN), cov: nan(), leverageOne: [] };
  const w = new Array<number>(x.length).fill(0);
  for (const i of rows) w[i] = mu[i] * (1 - mu[i]);
  const info = weightedCrossprod(x, w);
  // P I P + ddᵀ (d normalized): invertible when the remaining rows identify every other direction.
  const proj = (a: number, b: number) => (a === b ? 1 : 0) - dir[a] * dir[b];
  const pip: Matrix = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => {
      let s = 0;
      for (let k = 0; k < p; k++) for (let l = 0; l < p; l++) s += proj(a, k) * info[k][l] * proj(l, b);
      return s + dir[a] * dir[b];
    }),
  );
  let hInv: Matrix;
  try {
    hInv = invertSymmetric(pip, names);
  } catch (error) {
    if (!(error instanceof SingularDesignError)) throw error;
    return { coef, se: new Array(p).fill(Number.NaN), cov: nan(), leverageOne: [] };
  }
  const v = variance(x, y, mu, hInv, kind, rows);
  const cov = v.cov.map((row, a) => row.map((c, b) => (affected.has(a) || affected.has(b) ? Number.NaN : c)));
  const se = cov.map((row, j) => (Number.isNaN(row[j]) ? Number.NaN : Math.sqrt(Math.max(0, row[j]))));
  return { coef, se, cov, leverageOne: v.leverageOne };
}
