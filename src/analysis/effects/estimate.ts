import { UserError } from "../../errors/index.ts";
import { normalCdf, normalQuantile, tCdf, tQuantile, weightedMoments } from "../stats/index.ts";

/** An estimate with its standard error, (1 − alpha) interval and two-sided p-value. */
export interface Estimate {
  estimate: number | null;
  se: number | null;
  lower: number | null;
  upper: number | null;
  p: number | null;
}

export interface Effect {
  n_treated: number;
  n_control: number;
  /** Weighted effects: Kish's effective sample sizes (Σw)²/Σw² per arm; absent when unweighted. */
  n_effective_treated?: number;
  n_effective_control?: number;
  mean_treated: number | null;
  mean_control: number | null;
  binary: boolean;
  /** Difference in means, Welch t interval. For 0/1 outcomes this is also the risk difference. */
  difference: Estimate;
  cohens_d: Estimate;
  risk_difference?: Estimate;
  log_odds_ratio?: Estimate;
  /**
   * The effect on one scale for comparing studies: Cohen's d, or for binary outcomes the log
   * odds ratio converted to d (× √3/π, Chinn 2000). Sign and significance come from it.
   */
  d: Estimate;
}

const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);

function normalEstimate(estimate: number, se: number, alpha: number): Estimate {
  const z = normalQuantile(1 - alpha / 2);
  const ok = Number.isFinite(estimate) && se > 0 && Number.isFinite(se);
  return {
    estimate: fin(estimate),
    se: ok ? se : null,
    lower: ok ? estimate - z * se : null,
    upper: ok ? estimate + z * se : null,
    p: ok ? 2 * (1 - normalCdf(Math.abs(estimate / se))) : null,
  };
}

function describe(xs: readonly number[], w?: readonly number[]) {
  const m = weightedMoments(xs, w);
  return { n: xs.length, nEff: m.nEffective, mean: m.mean, variance: m.variance };
}

/**
 * Treatment effect of treated vs. control outcomes. Continuous: difference in means (Welch)
 * and Cohen's d (pooled SD with divisor n₁ + n₀ − 2; SE √((n₁+n₀)/(n₁n₀) + d²/(2(n₁+n₀)))).
 * Binary (all outcomes 0/1): also risk difference and log odds ratio (Wald; 0.5 added to every
 * cell only when a cell is empty). With weights, means and variances are weighted (variance with
 * reliability weights) and every n is Kish's effective n (Σw)²/Σw², so unit weights give the
 * unweighted figures exactly.
 */
export function estimateEffect(
  treated: readonly number[],
  control: readonly number[],
  opts: {
    binary?: boolean;
    alpha?: number;
    where?: string;
    weights?: { treated: readonly number[]; control: readonly number[] };
  } = {},
): Effect {
  const alpha = opts.alpha ?? 0.05;
  if (treated.length < 2 || control.length < 2) {
    throw new UserError(
      `an effect needs at least 2 treated and 2 control outcomes, got ${treated.length} and ${control.length}`,
      { where: opts.where },
    );
  }
  const binary = opts.binary ?? (isBinary(treated) && isBinary(control));
  if (binary && !(isBinary(treated) && isBinary(control))) {
    throw new UserError("a binary outcome must be 0 or 1", { where: opts.where });
  }
  const t = describe(treated, opts.weights?.treated);
  const c = describe(control, opts.weights?.control);
  const n1 = t.nEff;
  const n0 = c.nEff;
  const m1 = t.mean;
  const m0 = c.mean;
  const v1 = t.variance;
  const v0 = c.variance;
  const diff = m1 - m0;
  const se = Math.sqrt(v1 / n1 + v0 / n0);
  // Welch–Satterthwaite degrees of freedom.
  const df = (v1 / n1 + v0 / n0) ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v0 / n0) ** 2 / (n0 - 1));
  const difference: Estimate =
    se > 0
      ? {
          estimate: diff,
          se,
          lower: diff - tQuantile(1 - alpha / 2, df) * se,
          upper: diff + tQuantile(1 - alpha / 2, df) * se,
          p: 2 * (1 - tCdf(Math.abs(diff / se), df)),
        }
      : { estimate: diff, se: null, lower: null, upper: null, p: null };
  const pooled = Math.sqrt(((n1 - 1) * v1 + (n0 - 1) * v0) / (n1 + n0 - 2));
  const d = diff / pooled;
  const cohens_d = normalEstimate(d, Math.sqrt((n1 + n0) / (n1 * n0) + (d * d) / (2 * (n1 + n0))), alpha);
  const effect: Effect = {
    n_treated: t.n,
    n_control: c.n,
    ...(opts.weights ? { n_effective_treated: n1, n_effective_control: n0 } : {}),
    mean_treated: fin(m1),
    mean_control: fin(m0),
    binary,
    difference,
    cohens_d,
    d: cohens_d,
  };
  if (binary) {
    effect.risk_difference = normalEstimate(
      diff,
      Math.sqrt((m1 * (1 - m1)) / n1 + (m0 * (1 - m0)) / n0),
      alpha,
    );
    // Cells of the 2×2 table (weighted: shares times effective n).
    let a = n1 * m1;
    let b = n1 * (1 - m1);
    let cc = n0 * m0;
    let dd = n0 * (1 - m0);
    if (m1 === 0 || m1 === 1 || m0 === 0 || m0 === 1) {
      a += 0.5;
      b += 0.5;
      cc += 0.5;
      dd += 0.5;
    }
    const lor = Math.log((a * dd) / (b * cc));
    const lorSe = Math.sqrt(1 / a + 1 / b + 1 / cc + 1 / dd);
    effect.log_odds_ratio = normalEstimate(lor, lorSe, alpha);
    const k = Math.sqrt(3) / Math.PI;
    effect.d = normalEstimate(lor * k, lorSe * k, alpha);
  }
  return effect;
}

/** Whether every outcome is 0 or 1. */
export function isBinary(xs: readonly number[]): boolean {
  return xs.every((x) => x === 0 || x === 1);
}
