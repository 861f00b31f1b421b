/** A point estimate with a standard error and a two-sided normal (z) interval. */
export interface Interval {
  estimate: number;
  se: number;
  lower: number;
  upper: number;
}

/** The same for a coefficient vector, one entry per term. */
export interface VectorInterval {
  estimate: number[];
  se: number[];
  lower: number[];
  upper: number[];
}

/** λ = "auto" tunes the weight on the simulated answers for power; 0 is human-only, 1 classic PPI. */
export type LambdaChoice = number | "auto";

export interface CalibrationOptions {
  lambda?: LambdaChoice;
  /** Two-sided error level; intervals cover 1 − alpha. Default 0.05. */
  alpha?: number;
}

export interface MeanCalibration extends Interval {
  /** λ used (tuned or given). */
  lambda: number;
  /** Labeled rows (human answer and simulated answer). */
  n: number;
  /** Unlabeled rows (simulated answer only). */
  N: number;
  /** Human-only estimate. */
  classical: Interval;
  /** Classic PPI (λ = 1). */
  ppi: Interval;
}

export interface AteCalibration extends Interval {
  lambda: { treated: number; control: number };
  arms: { treated: MeanCalibration; control: MeanCalibration };
  classical: Interval;
  ppi: Interval;
}

export interface RegressionCalibration extends VectorInterval {
  terms: string[];
  /** Centre of the interval: the estimate at the λ recomputed there (ppi_py's interval). */
  center: number[];
  /** λ of the interval. */
  lambda: number;
  /** λ of the point estimate (tuned at the λ = 1 estimate). */
  lambdaEstimate: number;
  /** Term λ was tuned for, or null for the trace of the covariance. */
  tunedFor: string | null;
  n: number;
  N: number;
  classical: VectorInterval;
  ppi: VectorInterval;
  /** Logistic fits only: whether every optimisation converged. */
  converged?: boolean;
}
