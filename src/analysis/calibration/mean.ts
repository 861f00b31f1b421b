import { UserError } from "../../errors/index.ts";
import { covariance, mean, variance } from "../stats/index.ts";
import { checkAlpha, checkFinite, checkSizes, checkWeights, fixedLambda, zInterval } from "./checks.ts";
import type { AteCalibration, CalibrationOptions, Interval, MeanCalibration } from "./types.ts";

/** Labeled human answers y with their simulated answers yhat, plus simulated-only answers. */
export interface MeanData {
  y: readonly number[];
  yhat: readonly number[];
  yhatUnlabeled: readonly number[];
  /** Weights of the labeled rows (rescaled to sum to n, as ppi_py's `w`). Default all 1. */
  w?: readonly number[];
  /** Weights of the unlabeled rows (rescaled to sum to N, ppi_py's `w_unlabeled`). Default all 1. */
  wUnlabeled?: readonly number[];
}

/** Weights rescaled to sum to their count (ppi_py's construct_weight_vector); all 1 when absent. */
export function rescaledWeights(w: readonly number[] | undefined, k: number): number[] {
  if (w === undefined) return new Array<number>(k).fill(1);
  let s = 0;
  for (const v of w) s += v;
  return w.map((v) => (v / s) * k);
}

/** Mean and divide-by-n standard deviation (numpy's default std, as ppi_py uses). */
function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return { mean: m, sd: Math.sqrt(ss / xs.length) };
}

/**
 * Power-tuned λ for a mean, as ppi_py's ppi_mean_ci: from the gradients at the λ = 1 estimate θ,
 * Cov(w(Y − θ), w(Ŷ − θ)) / ((1 + n/N) Var(ŵ(Ŷ − θ) over labeled and unlabeled rows)), clipped to
 * [0, 1], with divisors n for the covariance and n + N − 1 for the variance. Unweighted, θ
 * cancels and this is Cov(Y, Ŷ) / ((1 + n/N) Var(Ŷ)).
 */
export function meanLambda(data: MeanData): number {
  const n = data.y.length;
  const N = data.yhatUnlabeled.length;
  const w = rescaledWeights(data.w, n);
  const wu = rescaledWeights(data.wUnlabeled, N);
  const theta = meanAtLambda(data, 1, 0.05).estimate;
  const g = data.y.map((y, i) => w[i] * (y - theta));
  const gh = data.yhat.map((y, i) => w[i] * (y - theta));
  const ghu = data.yhatUnlabeled.map((y, i) => wu[i] * (y - theta));
  const cov = (covariance(g, gh) * (n - 1)) / n;
  const v = variance([...gh, ...ghu]);
  if (!(v > 0)) return 0;
  return Math.min(1, Math.max(0, cov / ((1 + n / N) * v)));
}

/**
 * θ̂ = mean(w'·λŶ') + mean(w·(Y − λŶ)); Var = Var(w'·λŶ')/N + Var(w·(Y − λŶ))/n with the
 * divide-by-n variance, as ppi_py, so that λ = 0 is exactly the human-only interval.
 */
export function meanAtLambda(data: MeanData, lambda: number, alpha: number): Interval {
  const n = data.y.length;
  const N = data.yhatUnlabeled.length;
  const w = rescaledWeights(data.w, n);
  const wu = rescaledWeights(data.wUnlabeled, N);
  const imputed = meanSd(data.yhatUnlabeled.map((v, i) => wu[i] * lambda * v));
  const rect = meanSd(data.y.map((y, i) => w[i] * (y - lambda * data.yhat[i])));
  const se = Math.sqrt(imputed.sd ** 2 / N + rect.sd ** 2 / n);
  return zInterval(imputed.mean + rect.mean, se, alpha);
}

function checkMeanData(data: MeanData, what: string): void {
  if (data.y.length !== data.yhat.length) {
    throw new UserError(
      `${what}: ${data.y.length} human answers but ${data.yhat.length} paired simulated answers`,
    );
  }
  checkSizes(data.y.length, data.yhatUnlabeled.length, what);
  checkFinite(data.y, `${what}: y`);
  checkFinite(data.yhat, `${what}: yhat`);
  checkFinite(data.yhatUnlabeled, `${what}: yhatUnlabeled`);
  checkWeights(data.w, data.y.length, `${what}: w`);
  checkWeights(data.wUnlabeled, data.yhatUnlabeled.length, `${what}: wUnlabeled`);
}

/** PPI++ estimate of a population mean, with the human-only and classic PPI intervals beside it. */
export function ppiMean(data: MeanData, opts: CalibrationOptions = {}): MeanCalibration {
  const alpha = checkAlpha(opts.alpha);
  checkMeanData(data, "mean calibration");
  const lambda = fixedLambda(opts) ?? meanLambda(data);
  return {
    ...meanAtLambda(data, lambda, alpha),
    lambda,
    n: data.y.length,
    N: data.yhatUnlabeled.length,
    classical: meanAtLambda(data, 0, alpha),
    ppi: meanAtLambda(data, 1, alpha),
  };
}

function difference(t: Interval, c: Interval, alpha: number): Interval {
  return zInterval(t.estimate - c.estimate, Math.hypot(t.se, c.se), alpha);
}

/**
 * Average treatment effect treated − control: a PPI++ mean per arm (λ tuned per arm, since the
 * simulator may track one arm better than the other); the arms are independent samples, so
 * their variances add.
 */
export function ppiAte(treated: MeanData, control: MeanData, opts: CalibrationOptions = {}): AteCalibration {
  const alpha = checkAlpha(opts.alpha);
  checkMeanData(treated, "treated arm");
  checkMeanData(control, "control arm");
  const t = ppiMean(treated, opts);
  const c = ppiMean(control, opts);
  return {
    ...difference(t, c, alpha),
    lambda: { treated: t.lambda, control: c.lambda },
    arms: { treated: t, control: c },
    classical: difference(t.classical, c.classical, alpha),
    ppi: difference(t.ppi, c.ppi, alpha),
  };
}
