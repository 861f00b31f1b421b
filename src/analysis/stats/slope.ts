import { tCdf, tQuantile } from "./distributions.ts";
import type { Matrix } from "./linalg.ts";
import { type OlsFit, ols } from "./ols.ts";

export interface SlopeEstimate {
  estimate: number;
  se: number;
  lower: number;
  upper: number;
  p: number;
}

/**
 * OLS whose SEs are clustered by person when every row names a person and some person has
 * several rows (a within design: CR1, G − 1 degrees of freedom), and HC1 otherwise (n − p).
 */
export function olsByPerson(
  x: Matrix,
  y: readonly number[],
  people: readonly (string | undefined)[],
): { fit: OlsFit; df: number } {
  const distinct = new Set(people).size;
  const repeated = people.every((p) => p !== undefined) && distinct < people.length && distinct >= 2;
  const fit = repeated ? ols(x, y, { clusters: people as string[] }) : ols(x, y, { robust: "HC1" });
  return { fit, df: repeated ? distinct - 1 : fit.df };
}

/** A linear combination cᵀβ of a fit's coefficients with its t interval and two-sided p. */
export function combination(fit: OlsFit, df: number, c: readonly number[], alpha = 0.05): SlopeEstimate {
  let estimate = 0;
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    estimate += c[i] * fit.coef[i];
    for (let j = 0; j < c.length; j++) v += c[i] * c[j] * fit.cov[i][j];
  }
  const se = Math.sqrt(Math.max(0, v));
  const q = tQuantile(1 - alpha / 2, df);
  return {
    estimate,
    se,
    lower: estimate - q * se,
    upper: estimate + q * se,
    p: se > 0 ? 2 * (1 - tCdf(Math.abs(estimate / se), df)) : estimate === 0 ? 1 : 0,
  };
}

/** The slope of y on x (with an intercept) and its t interval, SEs as in olsByPerson. */
export function slopeOf(
  x: readonly number[],
  y: readonly number[],
  people: readonly (string | undefined)[],
  alpha = 0.05,
): SlopeEstimate {
  const { fit, df } = olsByPerson(
    x.map((v) => [1, v]),
    y,
    people,
  );
  return combination(fit, df, [0, 1], alpha);
}
