import { UserError } from "../../errors/index.ts";

/** Arithmetic mean; NaN for an empty list (callers decide whether that is an error). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance (denominator n − 1); NaN with fewer than two values. */
export function variance(xs: readonly number[]): number {
  return covariance(xs, xs);
}

export function sd(xs: readonly number[]): number {
  return Math.sqrt(variance(xs));
}

/** Sample covariance (denominator n − 1), two-pass for accuracy; NaN with fewer than two pairs. */
export function covariance(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) {
    throw new UserError(`covariance needs paired values: ${xs.length} x values but ${ys.length} y values`);
  }
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const mx = mean(xs);
  const my = mean(ys);
  let s = 0;
  for (let i = 0; i < n; i++) s += (xs[i] - mx) * (ys[i] - my);
  return s / (n - 1);
}

/** Pearson correlation; NaN when undefined (fewer than two pairs or a constant variable). */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const vx = variance(xs);
  const vy = variance(ys);
  if (!(vx > 0) || !(vy > 0)) return Number.NaN;
  const r = covariance(xs, ys) / Math.sqrt(vx * vy);
  // Rounding can push |r| a hair past 1; keep it a valid correlation.
  return Math.max(-1, Math.min(1, r));
}

/**
 * Quantile of already sorted values by linear interpolation between order statistics
 * (Hyndman–Fan type 7, the default of R and NumPy).
 */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 1)) throw new UserError(`quantile probability must be in [0, 1], got ${p}`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Weighted mean, variance with reliability weights Σw(x − x̄)² / (Σw − Σw²/Σw) (the unbiased
 * variance, n − 1 when every weight is 1) and Kish's effective n (Σw)²/Σw². Without weights: the
 * mean, the sample variance and n.
 */
export function weightedMoments(
  xs: readonly number[],
  w?: readonly number[],
): { mean: number; variance: number; nEffective: number } {
  if (!w) return { mean: mean(xs), variance: variance(xs), nEffective: xs.length };
  let sw = 0;
  let sw2 = 0;
  let m = 0;
  for (let i = 0; i < xs.length; i++) {
    sw += w[i];
    sw2 += w[i] * w[i];
    m += w[i] * xs[i];
  }
  m /= sw;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += w[i] * (xs[i] - m) ** 2;
  return { mean: m, variance: ss / (sw - sw2 / sw), nEffective: (sw * sw) / sw2 };
}
