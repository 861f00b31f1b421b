import { UserError } from "../../errors/index.ts";
import { checkDesign, invertSymmetric, type Matrix, matVec, sandwich, weightedCrossprod } from "./linalg.ts";

export type RobustType = "none" | "HC0" | "HC1" | "HC3";

export interface OlsOptions {
  /** Covariance estimator: classical ("none") or heteroskedasticity-consistent. Default "HC0". */
  robust?: RobustType;
  /** Column names, used only to name a collinear column in errors. */
  names?: readonly string[];
  /**
   * The cluster of each row (e.g. the respondent): the covariance is then cluster-robust CR1,
   * G/(G−1)·(N−1)/(N−K) · (XᵀX)⁻¹ (Σ_g u_g u_gᵀ) (XᵀX)⁻¹ with u_g = Σ_{i∈g} xᵢeᵢ, as Stata's
   * vce(cluster) and R's cjoint; `robust` is ignored.
   */
  clusters?: readonly (string | number)[];
}

export interface OlsFit {
  coef: number[];
  se: number[];
  cov: number[][];
  residuals: number[];
  n: number;
  p: number;
  /** Residual degrees of freedom n − p. */
  df: number;
  /** Rows fitted exactly (leverage 1): HC3 is undefined with them, so its SEs are NaN (as in R). */
  leverageOne: number[];
  /** Number of clusters G, when the covariance is clustered. */
  clusters?: number;
}

/**
 * Ordinary least squares. X holds whatever columns the caller wants (include a column of ones
 * for an intercept). Robust covariances are the White sandwich (XᵀX)⁻¹ Xᵀ diag(ωᵢ) X (XᵀX)⁻¹
 * with ωᵢ = eᵢ² (HC0), eᵢ²·n/(n−p) (HC1) or eᵢ²/(1−hᵢ)² (HC3), as R's sandwich::vcovHC.
 */
export function ols(x: Matrix, y: readonly number[], opts: OlsOptions = {}): OlsFit {
  const robust = opts.robust ?? "HC0";
  const { n, p } = checkDesign(x, y, "OLS");
  if (n < p) {
    throw new UserError(`OLS: ${n} observations cannot identify ${p} coefficients`);
  }
  const xtxInv = invertSymmetric(weightedCrossprod(x), opts.names);
  const xty = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) xty[j] += x[i][j] * y[i];
  const coef = matVec(xtxInv, xty);
  const fitted = matVec(x, coef);
  const residuals = y.map((v, i) => v - fitted[i]);
  const df = n - p;
  const leverageOne: number[] = [];
  let cov: Matrix;
  let clusters: number | undefined;
  if (opts.clusters) {
    ({ cov, clusters } = clusteredCovariance(x, residuals, xtxInv, opts.clusters));
  } else if (robust === "none") {
    if (df === 0)
      throw new UserError("OLS: classical standard errors need more observations than coefficients");
    let rss = 0;
    for (const e of residuals) rss += e * e;
    const s2 = rss / df;
    cov = xtxInv.map((row) => row.map((v) => v * s2));
  } else {
    let omega = residuals.map((e) => e * e);
    if (robust === "HC1") {
      if (df === 0) throw new UserError("OLS: HC1 standard errors need more observations than coefficients");
      omega = omega.map((w) => (w * n) / df);
    } else if (robust === "HC3") {
      omega = omega.map((w, i) => {
        const h = leverage(x[i], xtxInv);
        // A point with leverage 1 is fitted exactly: e²/(1 − h)² is 0/0 and HC3 is undefined.
        if (h > 1 - 1e-10) leverageOne.push(i);
        return w / ((1 - h) * (1 - h));
      });
    } else if (robust !== "HC0") {
      throw new UserError(`OLS: unknown robust covariance "${robust}" (use none, HC0, HC1 or HC3)`);
    }
    cov =
      leverageOne.length > 0
        ? xtxInv.map((row) => row.map(() => Number.NaN))
        : sandwich(xtxInv, weightedCrossprod(x, omega));
  }
  const se = cov.map((row, j) => Math.sqrt(Math.max(0, row[j])));
  return clusters === undefined
    ? { coef, se, cov, residuals, n, p, df, leverageOne }
    : { coef, se, cov, residuals, n, p, df, leverageOne, clusters };
}

/** CR1: the sandwich with one score sum per cluster and the small-sample factor. */
function clusteredCovariance(
  x: Matrix,
  residuals: readonly number[],
  xtxInv: Matrix,
  ids: readonly (string | number)[],
): { cov: Matrix; clusters: number } {
  const n = x.length;
  const p = xtxInv.length;
  if (ids.length !== n) throw new UserError(`OLS: ${n} rows but ${ids.length} cluster ids`);
  const scores = new Map<string | number, number[]>();
  for (let i = 0; i < n; i++) {
    let u = scores.get(ids[i]);
    if (!u) {
      u = new Array<number>(p).fill(0);
      scores.set(ids[i], u);
    }
    const xi = x[i];
    const e = residuals[i];
    for (let j = 0; j < p; j++) u[j] += xi[j] * e;
  }
  const g = scores.size;
  if (g < 2) throw new UserError(`OLS: clustered standard errors need at least 2 clusters, got ${g}`);
  if (n <= p) throw new UserError("OLS: clustered standard errors need more observations than coefficients");
  const meat = weightedCrossprod([...scores.values()]);
  const factor = (g / (g - 1)) * ((n - 1) / (n - p));
  return { cov: sandwich(xtxInv, meat).map((row) => row.map((v) => v * factor)), clusters: g };
}

/** hᵢ = xᵢᵀ (XᵀX)⁻¹ xᵢ. */
function leverage(xi: readonly number[], xtxInv: Matrix): number {
  const v = matVec(xtxInv, xi);
  let h = 0;
  for (let j = 0; j < xi.length; j++) h += xi[j] * v[j];
  return h;
}
