import { createRng } from "../../random/index.ts";
import { normalCdf } from "../stats/index.ts";

export interface PointSummary {
  price: number;
  n: number;
  share: number;
  /** The share's standard error at this point. */
  se: number;
}

export interface MonotoneTest {
  /** The test does not reject at alpha: no evidence the share ever rises with the price. */
  decreasing: boolean;
  /** Σ wᵢ (shareᵢ − fitᵢ)² against the best non-increasing fit, wᵢ = 1/seᵢ². */
  statistic: number;
  /** Parametric-bootstrap p-value: shares simulated around the best non-increasing fit. */
  p: number;
  draws: number;
  /** The pair of prices with the strongest rise (descriptive; p Bonferroni-adjusted over pairs), null when none rises. */
  worst: { lower_price: number; higher_price: number; rise: number; z: number; p_adjusted: number } | null;
}

/** Weighted least-squares non-increasing fit (pool adjacent violators). */
export function antitonic(y: readonly number[], w: readonly number[]): number[] {
  const blocks: { value: number; weight: number; size: number }[] = [];
  for (let i = 0; i < y.length; i++) {
    blocks.push({ value: y[i], weight: w[i], size: 1 });
    // Non-increasing: a block may not sit below the next one.
    while (blocks.length > 1 && blocks[blocks.length - 2].value < blocks[blocks.length - 1].value) {
      const b = blocks.pop()!;
      const a = blocks.pop()!;
      const weight = a.weight + b.weight;
      blocks.push({
        value: (a.value * a.weight + b.value * b.weight) / weight,
        weight,
        size: a.size + b.size,
      });
    }
  }
  return blocks.flatMap((b) => Array.from({ length: b.size }, () => b.value));
}

function distance(y: readonly number[], w: readonly number[]): number {
  const fit = antitonic(y, w);
  let t = 0;
  for (let i = 0; i < y.length; i++) t += w[i] * (y[i] - fit[i]) ** 2;
  return t;
}

/**
 * A test that the share never rises with the price (points in price order): the weighted
 * distance of the shares from their best non-increasing fit (pool adjacent violators), calibrated
 * by a parametric bootstrap that draws normal shares around that fit with the points' standard
 * errors (seeded, so the same data give the same p). Purchases are treated as independent across
 * prices (conservative when the same people answer at several prices).
 */
export function monotoneTest(
  points: readonly PointSummary[],
  opts: { alpha?: number; draws?: number; seed?: string | number; binary?: boolean } = {},
): MonotoneTest {
  const alpha = opts.alpha ?? 0.05;
  const draws = opts.draws ?? 4999;
  const shares = points.map((p) => p.share);
  const positive = points.filter((p) => p.se > 0);
  const fallback =
    positive.length > 0 ? positive.reduce((a, p) => a + p.se * Math.sqrt(p.n), 0) / positive.length : 0;
  const counts = points.map((p) => p.n);
  const fitOf = (w: readonly number[]) => antitonic(shares, w);
  // Binary purchases: standard errors at the fitted shares (a share of 0 or 1 has none of its own).
  const first = fitOf(counts);
  const se = points.map((p, i) =>
    opts.binary ? Math.sqrt((first[i] * (1 - first[i])) / p.n) : p.se > 0 ? p.se : fallback / Math.sqrt(p.n),
  );
  const pairs = (points.length * (points.length - 1)) / 2;
  let worst: MonotoneTest["worst"] = null;
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const rise = points[j].share - points[i].share;
      if (!(rise > 0)) continue;
      const s = Math.sqrt(points[i].se ** 2 + points[j].se ** 2);
      const z = s > 0 ? rise / s : Infinity;
      if (worst === null || z > worst.z)
        worst = {
          lower_price: points[i].price,
          higher_price: points[j].price,
          rise,
          z,
          p_adjusted: Math.min(1, pairs * (1 - normalCdf(z))),
        };
    }
  }
  // No spread where it matters (fitted shares of 0 or 1): the observed rise is the evidence.
  if (se.some((x) => !(x > 0)))
    return { decreasing: worst === null, statistic: worst ? Infinity : 0, p: worst ? 0 : 1, draws: 0, worst };
  const w = se.map((x) => 1 / (x * x));
  const fit = antitonic(shares, w);
  const statistic = distance(shares, w);
  const rng = createRng(opts.seed ?? "monotone");
  let exceed = 0;
  const y = new Array<number>(points.length);
  for (let b = 0; b < draws; b++) {
    for (let i = 0; i < y.length; i++) y[i] = fit[i] + se[i] * rng.normal();
    if (distance(y, w) >= statistic - 1e-12) exceed++;
  }
  const p = (1 + exceed) / (1 + draws);
  return { decreasing: p >= alpha, statistic, p, draws, worst };
}
