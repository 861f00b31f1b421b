import { UserError } from "../../errors/index.ts";
import { covariance, mean, variance } from "../stats/index.ts";
import { checkAlpha, checkFinite, checkSizes, fixedLambda, zInterval } from "./checks.ts";
import type { AteCalibration, CalibrationOptions, Interval, MeanCalibration } from "./types.ts";

/** Labeled human answers y with their simulated answers yhat, plus simulated-only answers. */
export interface MeanData {
  y: readonly number[];
  yhat: readonly number[];
  yhatUnlabeled: readonly number[];
}

/**
 * Power-tuned λ for a mean: Cov(Y, Ŷ) / ((1 + n/N) Var(Ŷ)), the variance taken over labeled and
 * unlabeled predictions together, clipped to [0, 1]. Divisors follow ppi_py (n for the
 * covariance, n + N − 1 for the variance).
 */
export function meanLambda(data: MeanData): number {
  const n = data.y.length;
  const N = data.yhatUnlabeled.length;
  const cov = (covariance(data.y, data.yhat) * (n - 1)) / n;
  const v = variance([...data.yhat, ...data.yhatUnlabeled]);
  if (!(v > 0)) return 0;
  return Math.min(1, Math.max(0, cov / ((1 + n / N) * v)));
}

/** θ̂ = λ·mean(Ŷ') + mean(Y − λŶ); Var = Var(Y − λŶ)/n + λ²·Var(Ŷ')/N (sample variances). */
export function meanAtLambda(data: MeanData, lambda: number, alpha: number): Interval {
  const n = data.y.length;
  const N = data.yhatUnlabeled.length;
  const rect = data.y.map((y, i) => y - lambda * data.yhat[i]);
  const estimate = lambda * mean(data.yhatUnlabeled) + mean(rect);
  const se = Math.sqrt(variance(rect) / n + (lambda * lambda * variance(data.yhatUnlabeled)) / N);
  return zInterval(estimate, se, alpha);
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
