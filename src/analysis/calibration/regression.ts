import { UserError } from "../../errors/index.ts";
import {
  invertSymmetric,
  type Matrix,
  matCombine,
  matScale,
  matVec,
  ols,
  SingularDesignError,
  sandwich,
  sigmoid,
  weightedCrossprod,
} from "../stats/index.ts";
import { checkAlpha, checkFinite, checkSizes, checkWeights, fixedLambda, zInterval } from "./checks.ts";
import { tuneLambda } from "./lambda.ts";
import { rescaledWeights } from "./mean.ts";
import type { CalibrationOptions, RegressionCalibration, VectorInterval } from "./types.ts";

/** Labeled rows (covariates x, human answer y, simulated answer yhat) and simulated-only rows. */
export interface RegressionData {
  x: Matrix;
  y: readonly number[];
  yhat: readonly number[];
  xUnlabeled: Matrix;
  yhatUnlabeled: readonly number[];
  /** Weights of the labeled rows, rescaled to sum to n (ppi_py's `w`). Default all 1. */
  w?: readonly number[];
  /** Weights of the unlabeled rows, rescaled to sum to N (ppi_py's `w_unlabeled`). Default all 1. */
  wUnlabeled?: readonly number[];
}

export interface RegressionOptions extends CalibrationOptions {
  /** Names of the columns of x, used in output and errors. Default x1, x2, … */
  terms?: readonly string[];
  /** Tune λ for this term's variance instead of the trace of the covariance. */
  tuneFor?: string;
}

/** The pieces of a generalised linear model that PPI++ M-estimation needs. */
interface Glm {
  what: string;
  /** Mean of the outcome at linear predictor η. */
  mean(eta: number): number;
  /** Curvature of the loss at η (the Hessian weight). */
  weight(eta: number): number;
  /** Coefficients minimising the rectified loss for a fixed λ. */
  fit(data: RegressionData, lambda: number, names: readonly string[]): { coef: number[]; converged: boolean };
  /** Human-only fit with its robust covariance. */
  classical(
    data: RegressionData,
    names: readonly string[],
  ): { coef: number[]; cov: Matrix; converged: boolean };
}

interface Gradients {
  grads: Matrix;
  gradsHat: Matrix;
  gradsHatUnlabeled: Matrix;
  invHessian: Matrix;
}

/**
 * Per-row loss gradients x(μ(xᵀθ) − y) at the human answers, at the paired simulated answers
 * and at the unlabeled simulated answers, and the inverse Hessian averaged over all rows (only
 * the labeled rows when the simulated answers get no weight).
 */
function gradients(
  glm: Glm,
  data: RegressionData,
  theta: number[],
  useUnlabeled: boolean,
  names: readonly string[],
) {
  const n = data.y.length;
  const N = data.yhatUnlabeled.length;
  const w = rescaledWeights(data.w, n);
  const wu = rescaledWeights(data.wUnlabeled, N);
  const eta = matVec(data.x, theta);
  const etaU = matVec(data.xUnlabeled, theta);
  const mu = eta.map((e) => glm.mean(e));
  const muU = etaU.map((e) => glm.mean(e));
  const grads = data.x.map((xi, i) => xi.map((v) => w[i] * v * (mu[i] - data.y[i])));
  const gradsHat = data.x.map((xi, i) => xi.map((v) => w[i] * v * (mu[i] - data.yhat[i])));
  // ppi_py leaves the unlabeled gradients at 0 when the unlabeled rows are not used (λ = 0).
  const gradsHatUnlabeled = data.xUnlabeled.map((xi, i) =>
    xi.map((v) => (useUnlabeled ? wu[i] * v * (muU[i] - data.yhatUnlabeled[i]) : 0)),
  );
  const hLab = weightedCrossprod(
    data.x,
    eta.map((e, i) => w[i] * glm.weight(e)),
  );
  const hessian = useUnlabeled
    ? matScale(
        matCombine(
          hLab,
          1,
          weightedCrossprod(
            data.xUnlabeled,
            etaU.map((e, i) => wu[i] * glm.weight(e)),
          ),
          1,
        ),
        1 / (n + N),
      )
    : matScale(hLab, 1 / n);
  const invHessian = invertSymmetric(hessian, names);
  return { grads, gradsHat, gradsHatUnlabeled, invHessian } satisfies Gradients;
}

/** Sample covariance (divisor rows − 1) of the rows of a matrix, each row scaled by s. */
function rowCovariance(rows: Matrix, s = 1): Matrix {
  const d = rows[0].length;
  const m = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) m[j] += (s * r[j]) / rows.length;
  const out: Matrix = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const r of rows) {
    for (let a = 0; a < d; a++) {
      const ra = s * r[a] - m[a];
      for (let b = 0; b < d; b++) out[a][b] += (ra * (s * r[b] - m[b])) / (rows.length - 1);
    }
  }
  return out;
}

/** Σ̂ = H⁻¹ ((n/N)·Cov(λĝ') + Cov(g − λĝ)) H⁻¹ / n, the PPI++ sandwich covariance. */
function ppiCovariance(g: Gradients, lambda: number): Matrix {
  const n = g.grads.length;
  const N = g.gradsHatUnlabeled.length;
  const vU = rowCovariance(g.gradsHatUnlabeled, lambda);
  const vL = rowCovariance(g.grads.map((r, i) => r.map((v, j) => v - lambda * g.gradsHat[i][j])));
  return matScale(sandwich(g.invHessian, matCombine(vU, n / N, vL, 1)), 1 / n);
}

function vectorInterval(coef: number[], cov: Matrix, alpha: number): VectorInterval {
  const parts = coef.map((c, j) => zInterval(c, Math.sqrt(Math.max(0, cov[j][j])), alpha));
  return {
    estimate: parts.map((p) => p.estimate),
    se: parts.map((p) => p.se),
    lower: parts.map((p) => p.lower),
    upper: parts.map((p) => p.upper),
  };
}

function checkData(data: RegressionData, what: string): { n: number; N: number; p: number } {
  const n = data.y.length;
  const N = data.yhatUnlabeled.length;
  if (data.x.length !== n || data.yhat.length !== n) {
    throw new UserError(`${what}: labeled x, y and yhat must have the same number of rows`);
  }
  if (data.xUnlabeled.length !== N)
    throw new UserError(`${what}: unlabeled x and yhat must have the same number of rows`);
  checkSizes(n, N, what);
  const p = data.x[0].length;
  for (const [label, rows] of [
    ["x", data.x],
    ["xUnlabeled", data.xUnlabeled],
  ] as const) {
    rows.forEach((r, i) => {
      if (r.length !== p)
        throw new UserError(`${what}: ${label} row ${i + 1} has ${r.length} columns, expected ${p}`);
      checkFinite(r, `${what}: ${label}[${i + 1}]`);
    });
  }
  checkFinite(data.y, `${what}: y`);
  checkFinite(data.yhat, `${what}: yhat`);
  checkFinite(data.yhatUnlabeled, `${what}: yhatUnlabeled`);
  checkWeights(data.w, n, `${what}: w`);
  checkWeights(data.wUnlabeled, N, `${what}: wUnlabeled`);
  if (n < p) throw new UserError(`${what}: ${n} labeled rows cannot identify ${p} coefficients`);
  return { n, N, p };
}

/**
 * PPI++ for a GLM as in ppi_py: the point estimate uses λ tuned from gradients at the λ = 1
 * estimate; the interval uses λ re-tuned at that point estimate and is centred on the estimate
 * for that λ.
 */
function calibrateGlm(glm: Glm, data: RegressionData, opts: RegressionOptions): RegressionCalibration {
  const alpha = checkAlpha(opts.alpha);
  const { n, N, p } = checkData(data, glm.what);
  const terms = opts.terms ? [...opts.terms] : Array.from({ length: p }, (_, j) => `x${j + 1}`);
  if (terms.length !== p) throw new UserError(`${glm.what}: ${terms.length} term names for ${p} columns`);
  let coord: number | undefined;
  if (opts.tuneFor !== undefined) {
    coord = terms.indexOf(opts.tuneFor);
    if (coord < 0) throw new UserError(`--tune-for: no term "${opts.tuneFor}" (terms: ${terms.join(", ")})`);
  }
  let converged = true;
  const fitAt = (lambda: number) => {
    const f = glm.fit(data, lambda, terms);
    converged &&= f.converged;
    return f.coef;
  };
  const fixed = fixedLambda(opts);
  let lambdaEstimate: number;
  let lambda: number;
  let estimate: number[];
  if (fixed === null) {
    const theta1 = fitAt(1);
    const g1 = gradients(glm, data, theta1, true, terms);
    lambdaEstimate = tuneLambda(g1.grads, g1.gradsHat, g1.gradsHatUnlabeled, g1.invHessian, coord);
    estimate = fitAt(lambdaEstimate);
    const g2 = gradients(glm, data, estimate, true, terms);
    lambda = tuneLambda(g2.grads, g2.gradsHat, g2.gradsHatUnlabeled, g2.invHessian, coord);
  } else {
    lambda = lambdaEstimate = fixed;
    estimate = fitAt(fixed);
  }
  const center = lambda === lambdaEstimate ? estimate : fitAt(lambda);
  const interval = vectorInterval(
    center,
    ppiCovariance(gradients(glm, data, center, lambda !== 0, terms), lambda),
    alpha,
  );
  const theta1 = fitAt(1);
  const ppi = vectorInterval(theta1, ppiCovariance(gradients(glm, data, theta1, true, terms), 1), alpha);
  const cl = glm.classical(data, terms);
  converged &&= cl.converged;
  return {
    terms,
    estimate,
    center,
    se: interval.se,
    lower: interval.lower,
    upper: interval.upper,
    lambda,
    lambdaEstimate,
    tunedFor: coord === undefined ? null : terms[coord],
    n,
    N,
    classical: vectorInterval(cl.coef, cl.cov, alpha),
    ppi,
    ...(glm.what === "logistic calibration" ? { converged } : {}),
  };
}

/**
 * Weighted least squares as statsmodels' WLS: OLS on rows scaled by √w, so its HC0 covariance
 * is (XᵀWX)⁻¹ Σ w²e² xxᵀ (XᵀWX)⁻¹ (what ppi_py's classical_ols_ci reports).
 */
function wls(x: Matrix, y: readonly number[], w: readonly number[], names: readonly string[]) {
  const s = w.map(Math.sqrt);
  return ols(
    x.map((r, i) => r.map((v) => v * s[i])),
    y.map((v, i) => v * s[i]),
    { robust: "HC0", names },
  );
}

const olsGlm: Glm = {
  what: "OLS calibration",
  mean: (eta) => eta,
  weight: () => 1,
  // ppi_py's form: the regression of λŶ' on X' plus the regression of the rectifier Y − λŶ on X.
  fit(data, lambda, names) {
    const imputed = wls(
      data.xUnlabeled,
      data.yhatUnlabeled.map((v) => lambda * v),
      rescaledWeights(data.wUnlabeled, data.yhatUnlabeled.length),
      names,
    );
    const rectifier = wls(
      data.x,
      data.y.map((y, i) => y - lambda * data.yhat[i]),
      rescaledWeights(data.w, data.y.length),
      names,
    );
    return { coef: imputed.coef.map((c, j) => c + rectifier.coef[j]), converged: true };
  },
  classical(data, names) {
    const f = wls(data.x, data.y, rescaledWeights(data.w, data.y.length), names);
    return { coef: f.coef, cov: f.cov, converged: true };
  },
};

/** Bernoulli loss −yη + log(1 + e^η), stable for large |η|. */
function bernoulliLoss(eta: number, y: number): number {
  return (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta))) - y * eta;
}

/**
 * Minimiser of the rectified logistic loss
 *   (λ/N) Σ' ℓ(θ; x', ŷ') − (λ/n) Σ ℓ(θ; x, ŷ) + (1/n) Σ ℓ(θ; x, y),
 * which is convex for λ in [0, 1] (its Hessian is (λ/N) Σ' w x'x'ᵀ + ((1 − λ)/n) Σ w xxᵀ), by
 * Newton steps with step halving.
 */
function rectifiedLogisticFit(data: RegressionData, lambda: number, names: readonly string[]) {
  const n = data.y.length;
  const N = data.yhatUnlabeled.length;
  const p = data.x[0].length;
  const wl = rescaledWeights(data.w, n);
  const wu = rescaledWeights(data.wUnlabeled, N);
  const loss = (theta: number[]) => {
    const eta = matVec(data.x, theta);
    const etaU = matVec(data.xUnlabeled, theta);
    let l = 0;
    for (let i = 0; i < N; i++) l += ((lambda * wu[i]) / N) * bernoulliLoss(etaU[i], data.yhatUnlabeled[i]);
    for (let i = 0; i < n; i++) {
      l += (wl[i] * (bernoulliLoss(eta[i], data.y[i]) - lambda * bernoulliLoss(eta[i], data.yhat[i]))) / n;
    }
    return l;
  };
  let theta = new Array<number>(p).fill(0);
  let current = loss(theta);
  for (let iter = 0; iter < 200; iter++) {
    const eta = matVec(data.x, theta);
    const etaU = matVec(data.xUnlabeled, theta);
    const grad = new Array<number>(p).fill(0);
    for (let i = 0; i < N; i++) {
      const r = ((lambda * wu[i]) / N) * (sigmoid(etaU[i]) - data.yhatUnlabeled[i]);
      for (let j = 0; j < p; j++) grad[j] += r * data.xUnlabeled[i][j];
    }
    for (let i = 0; i < n; i++) {
      const r = (wl[i] * (lambda * data.yhat[i] - data.y[i])) / n;
      for (let j = 0; j < p; j++) grad[j] += r * data.x[i][j];
    }
    for (let i = 0; i < n; i++) {
      const r = (wl[i] * (1 - lambda) * sigmoid(eta[i])) / n;
      for (let j = 0; j < p; j++) grad[j] += r * data.x[i][j];
    }
    const w = (e: number) => {
      const m = sigmoid(e);
      return m * (1 - m);
    };
    let hInv: Matrix;
    try {
      hInv = invertSymmetric(
        matCombine(
          weightedCrossprod(
            data.xUnlabeled,
            etaU.map((e, i) => wu[i] * w(e)),
          ),
          lambda / N,
          weightedCrossprod(
            data.x,
            eta.map((e, i) => wl[i] * w(e)),
          ),
          (1 - lambda) / n,
        ),
        names,
      );
    } catch (error) {
      if (error instanceof SingularDesignError) return { coef: theta, converged: false };
      throw error;
    }
    const step = matVec(hInv, grad);
    let t = 1;
    let next = theta.map((v, j) => v - step[j]);
    let nextLoss = loss(next);
    while (nextLoss > current + 1e-15 * (1 + Math.abs(current)) && t > 1e-10) {
      t /= 2;
      next = theta.map((v, j) => v - t * step[j]);
      nextLoss = loss(next);
    }
    const change = Math.max(...step.map((s, j) => Math.abs(t * s) / (1 + Math.abs(theta[j]))));
    theta = next;
    current = nextLoss;
    if (change < 1e-12) return { coef: theta, converged: true };
  }
  return { coef: theta, converged: false };
}

const logisticGlm: Glm = {
  what: "logistic calibration",
  mean: sigmoid,
  weight: (eta) => {
    const m = sigmoid(eta);
    return m * (1 - m);
  },
  fit: rectifiedLogisticFit,
  /**
   * ppi_py's classical_logistic_ci: V⁻¹ Cov(g) V⁻¹ / n with V = (1/n) Σ w μ(1 − μ) xxᵀ and Cov(g)
   * the sample covariance (divisor n − 1) of the gradients w x(μ − y) at the MLE, which is
   * n/(n − 1) times the HC0 sandwich. (ppi_py's baseline takes no weights; with weights this is
   * the same form with the weighted MLE.)
   */
  classical(data, names) {
    const { coef, converged } = rectifiedLogisticFit(data, 0, names);
    const n = data.y.length;
    const w = rescaledWeights(data.w, n);
    const eta = matVec(data.x, coef);
    const grads = data.x.map((xi, i) => xi.map((v) => w[i] * v * (sigmoid(eta[i]) - data.y[i])));
    const vInv = invertSymmetric(
      matScale(
        weightedCrossprod(
          data.x,
          eta.map((e, i) => w[i] * sigmoid(e) * (1 - sigmoid(e))),
        ),
        1 / n,
      ),
      names,
    );
    return { coef, cov: matScale(sandwich(vInv, rowCovariance(grads)), 1 / n), converged };
  },
};

/** PPI++ OLS coefficients with sandwich variance; classical = human-only (weighted) OLS with HC0 SEs. */
export function ppiOls(data: RegressionData, opts: RegressionOptions = {}): RegressionCalibration {
  // Rank problems in the pooled design show up first here, with the column named.
  invertSymmetric(weightedCrossprod(data.x), opts.terms);
  return calibrateGlm(olsGlm, data, opts);
}

/**
 * PPI++ logistic regression coefficients. Human answers must be 0/1; simulated answers may be
 * 0/1 or probabilities in [0, 1].
 */
export function ppiLogistic(data: RegressionData, opts: RegressionOptions = {}): RegressionCalibration {
  data.y.forEach((y, i) => {
    if (y !== 0 && y !== 1) {
      throw new UserError(`logistic calibration: human answers must be 0 or 1, but y[${i + 1}] is ${y}`);
    }
  });
  for (const [label, values] of [
    ["yhat", data.yhat],
    ["yhatUnlabeled", data.yhatUnlabeled],
  ] as const) {
    values.forEach((v, i) => {
      if (!(v >= 0 && v <= 1)) {
        throw new UserError(
          `logistic calibration: simulated answers must lie in [0, 1], but ${label}[${i + 1}] is ${v}`,
        );
      }
    });
  }
  return calibrateGlm(logisticGlm, data, opts);
}
