/**
 * Statistics shared by fidelity metrics, effects and calibration: descriptive summaries,
 * distribution functions, OLS and logistic regression with robust variances, and the
 * person-level bootstrap.
 */
export { type BootstrapInterval, type BootstrapOptions, bootstrapCI } from "./bootstrap.ts";
export { covariance, mean, pearson, quantile, sd, variance, weightedMoments } from "./descriptive.ts";
export { chiSquareCdf, fCdf, normalCdf, normalQuantile, tCdf, tQuantile } from "./distributions.ts";
export {
  invertSymmetric,
  type Matrix,
  matCombine,
  matMul,
  matScale,
  matVec,
  SingularDesignError,
  sandwich,
  transpose,
  weightedCrossprod,
} from "./linalg.ts";
export { type LogisticFit, type LogisticOptions, logistic, sigmoid } from "./logistic.ts";
export { type OlsFit, type OlsOptions, ols, type RobustType } from "./ols.ts";
export { combination, olsByPerson, type SlopeEstimate, slopeOf } from "./slope.ts";
