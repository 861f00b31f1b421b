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

export interface LogisticOptions {
  /** "model": inverse Fisher information; "sandwich": robust H⁻¹ (Σ sᵢsᵢᵀ) H⁻¹. Default "model". */
  variance?: "model" | "sandwich";
  maxIter?: number;
  /** Convergence when the largest Newton step is below tol (relative to 1 + |β|). */
  tol?: number;
  names?: readonly string[];
}

export interface LogisticFit {
  coef: number[];
  se: number[];
  cov: number[][];
  /** False when the iterations did not settle, which includes (quasi-)complete separation. */
  converged: boolean;
  iterations: number;
  /** Fitted probabilities reached 0 or 1: the data are (quasi-)separated and the MLE does not exist. */
  separation: boolean;
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
 * halving so the likelihood never decreases). Separation shows as probabilities running to 0/1
 * and coefficients growing without bound; it is reported, not hidden.
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
  let ll = logLik(x, y, beta);
  let converged = false;
  let iterations = 0;
  let info: Matrix | null = null;
  for (iterations = 1; iterations <= maxIter; iterations++) {
    const mu = matVec(x, beta).map(sigmoid);
    const w = mu.map((m) => m * (1 - m));
    const score = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) score[j] += x[i][j] * (y[i] - mu[i]);
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
    ll = llNext;
    if (change < tol) {
      converged = true;
      break;
    }
  }
  iterations = Math.min(iterations, maxIter);
  const mu = matVec(x, beta).map(sigmoid);
  const separation = mu.some((m) => m < 1e-10 || m > 1 - 1e-10);
  if (separation) converged = false;
  let cov: Matrix;
  try {
    const w = mu.map((m) => m * (1 - m));
    const hInv = invertSymmetric(weightedCrossprod(x, w), opts.names);
    if (opts.variance === "sandwich") {
      const meat = weightedCrossprod(
        x,
        mu.map((m, i) => (y[i] - m) * (y[i] - m)),
      );
      cov = sandwich(hInv, meat);
    } else {
      cov = hInv;
    }
  } catch (error) {
    if (!(error instanceof SingularDesignError)) throw error;
    // No finite curvature at the last iterate: the uncertainty is unbounded.
    cov = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? Infinity : 0)));
    converged = false;
  }
  const se = cov.map((row, j) => Math.sqrt(Math.max(0, row[j])));
  return { coef: beta, se, cov, converged, iterations, separation };
}
