import { tCdf, tQuantile } from "./distributions.ts";
import { ols } from "./ols.ts";

export interface SlopeEstimate {
  estimate: number;
  se: number;
  lower: number;
  upper: number;
  p: number;
}

/**
 * The slope of y on x (with an intercept) and its t interval. When every row names a person and
 * some person has several rows (a within design), the SE is clustered by person (CR1, G − 1
 * degrees of freedom); otherwise it is HC1 (n − 2).
 */
export function slopeOf(
  x: readonly number[],
  y: readonly number[],
  people: readonly (string | undefined)[],
  alpha = 0.05,
): SlopeEstimate {
  const design = x.map((v) => [1, v]);
  const distinct = new Set(people).size;
  const repeated = people.every((p) => p !== undefined) && distinct < people.length && distinct >= 2;
  const fit = repeated ? ols(design, y, { clusters: people as string[] }) : ols(design, y, { robust: "HC1" });
  const df = repeated ? distinct - 1 : fit.df;
  const b = fit.coef[1];
  const se = fit.se[1];
  const q = tQuantile(1 - alpha / 2, df);
  return {
    estimate: b,
    se,
    lower: b - q * se,
    upper: b + q * se,
    p: se > 0 ? 2 * (1 - tCdf(Math.abs(b / se), df)) : b === 0 ? 1 : 0,
  };
}
