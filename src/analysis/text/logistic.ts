import type { SparseRow } from "./features.ts";

export interface SparseLogisticOptions {
  /** L2 penalty on the weights (not the intercept), on the mean log-loss scale. */
  lambda: number;
  maxIter?: number;
  /** Stops when the largest gradient component is below this, or the objective changes by less than this (relative). */
  tol?: number;
  /** Where to start (weights then intercept), e.g. the fit at a larger penalty: a path of penalties converges faster. */
  init?: Float64Array;
}

export interface SparseLogisticFit {
  weights: Float64Array;
  bias: number;
  iterations: number;
  converged: boolean;
}

function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

function dot(row: SparseRow, w: Float64Array): number {
  let s = 0;
  for (let k = 0; k < row.index.length; k++) s += w[row.index[k]] * row.value[k];
  return s;
}

/**
 * L2-regularized logistic regression on sparse rows, fitted by L-BFGS (memory 10, backtracking
 * line search). The parameter vector is the weights followed by the intercept. Deterministic:
 * the same rows give the same fit.
 */
export function fitSparseLogistic(
  rows: readonly SparseRow[],
  y: readonly number[],
  dims: number,
  o: SparseLogisticOptions,
): SparseLogisticFit {
  const n = rows.length;
  const p = dims + 1;
  const objective = (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const b = x[dims];
    for (let i = 0; i < n; i++) {
      const z = dot(rows[i], x) + b;
      // log(1 + e^z) − y z, without overflow
      loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i] * z;
      const r = (sigmoid(z) - y[i]) / n;
      const row = rows[i];
      for (let k = 0; k < row.index.length; k++) grad[row.index[k]] += r * row.value[k];
      grad[dims] += r;
    }
    loss /= n;
    let reg = 0;
    for (let j = 0; j < dims; j++) {
      reg += x[j] * x[j];
      grad[j] += o.lambda * x[j];
    }
    return loss + 0.5 * o.lambda * reg;
  };
  const x = o.init ? Float64Array.from(o.init) : new Float64Array(p);
  const g = new Float64Array(p);
  let f = objective(x, g);
  const m = 10;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const maxIter = o.maxIter ?? 300;
  const tol = o.tol ?? 1e-6;
  const fTol = Math.max(tol * 0.1, 1e-10);
  const d = new Float64Array(p);
  const xNew = new Float64Array(p);
  const gNew = new Float64Array(p);
  let iter = 0;
  let converged = false;
  for (; iter < maxIter; iter++) {
    let gmax = 0;
    for (let j = 0; j < p; j++) gmax = Math.max(gmax, Math.abs(g[j]));
    if (gmax < tol) {
      converged = true;
      break;
    }
    // Two-loop recursion: d = −H g.
    for (let j = 0; j < p; j++) d[j] = -g[j];
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      let a = 0;
      for (let j = 0; j < p; j++) a += S[k][j] * d[j];
      a *= rho[k];
      alpha[k] = a;
      for (let j = 0; j < p; j++) d[j] -= a * Y[k][j];
    }
    if (S.length > 0) {
      const k = S.length - 1;
      let sy = 0;
      let yy = 0;
      for (let j = 0; j < p; j++) {
        sy += S[k][j] * Y[k][j];
        yy += Y[k][j] * Y[k][j];
      }
      const gamma = sy / yy;
      for (let j = 0; j < p; j++) d[j] *= gamma;
    } else {
      const scale = 1 / Math.max(1e-12, Math.sqrt(g.reduce((s, v) => s + v * v, 0)));
      for (let j = 0; j < p; j++) d[j] *= scale;
    }
    for (let k = 0; k < S.length; k++) {
      let b = 0;
      for (let j = 0; j < p; j++) b += Y[k][j] * d[j];
      b *= rho[k];
      for (let j = 0; j < p; j++) d[j] += S[k][j] * (alpha[k] - b);
    }
    let slope = 0;
    for (let j = 0; j < p; j++) slope += g[j] * d[j];
    if (slope >= 0) {
      // Not a descent direction (curvature pairs gone stale): restart from the gradient.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      continue;
    }
    let step = 1;
    let fNew = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let j = 0; j < p; j++) xNew[j] = x[j] + step * d[j];
      fNew = objective(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step /= 2;
    }
    const s = new Float64Array(p);
    const yv = new Float64Array(p);
    let sy = 0;
    for (let j = 0; j < p; j++) {
      s[j] = xNew[j] - x[j];
      yv[j] = gNew[j] - g[j];
      sy += s[j] * yv[j];
    }
    x.set(xNew);
    g.set(gNew);
    const fOld = f;
    f = fNew;
    if (sy > 1e-12) {
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    if (Math.abs(fOld - f) < fTol * Math.max(1, Math.abs(f))) {
      converged = true;
      iter++;
      break;
    }
  }
  return { weights: x.slice(0, dims), bias: x[dims], iterations: iter, converged };
}

/** The fit as a starting point for another (weights then intercept). */
export function parametersOf(fit: SparseLogisticFit): Float64Array {
  const out = new Float64Array(fit.weights.length + 1);
  out.set(fit.weights);
  out[fit.weights.length] = fit.bias;
  return out;
}

export function predictProbability(fit: SparseLogisticFit, row: SparseRow): number {
  return sigmoid(dot(row, fit.weights) + fit.bias);
}
