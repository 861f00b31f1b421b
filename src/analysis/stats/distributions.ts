import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import fDistCdf from "@stdlib/stats-base-dists-f-cdf";
import stdNormalCdf from "@stdlib/stats-base-dists-normal-cdf";
import stdNormalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import studentCdf from "@stdlib/stats-base-dists-t-cdf";
import studentQuantile from "@stdlib/stats-base-dists-t-quantile";

/** Standard normal quantile (inverse CDF). */
export function normalQuantile(p: number): number {
  return stdNormalQuantile(p, 0, 1);
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return stdNormalCdf(z, 0, 1);
}

/** Student t quantile with df degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  return studentQuantile(p, df);
}

export function tCdf(t: number, df: number): number {
  return studentCdf(t, df);
}

export function chiSquareCdf(x: number, df: number): number {
  return chisquareCdf(x, df);
}

/** F distribution CDF with d1 (numerator) and d2 (denominator) degrees of freedom. */
export function fCdf(x: number, d1: number, d2: number): number {
  return fDistCdf(x, d1, d2);
}
