import { UserError } from "../../errors/index.ts";
import { normalQuantile } from "../stats/index.ts";
import type { CalibrationOptions, Interval } from "./types.ts";

export function checkAlpha(alpha: number | undefined): number {
  const a = alpha ?? 0.05;
  if (!(a > 0 && a < 1)) throw new UserError(`alpha must be between 0 and 1 (exclusive), got ${a}`);
  return a;
}

/** A fixed λ, or null for power tuning. */
export function fixedLambda(opts: CalibrationOptions): number | null {
  const l = opts.lambda ?? "auto";
  if (l === "auto") return null;
  if (!(Number.isFinite(l) && l >= 0 && l <= 1)) {
    throw new UserError(`lambda must be "auto" or a number in [0, 1], got ${l}`);
  }
  return l;
}

export function zInterval(estimate: number, se: number, alpha: number): Interval {
  const z = normalQuantile(1 - alpha / 2);
  return { estimate, se, lower: estimate - z * se, upper: estimate + z * se };
}

export function checkFinite(values: readonly number[], what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new UserError(`${what}[${i + 1}] is not a finite number (${values[i]})`);
  }
}

export function checkSizes(n: number, N: number, what: string): void {
  if (n < 2) {
    throw new UserError(`${what}: need at least 2 labeled rows (with a human answer), found ${n}`);
  }
  if (N < 2) {
    throw new UserError(`${what}: need at least 2 unlabeled rows (simulated answer only), found ${N}`);
  }
}

/** Weights, when given: one per row, finite, ≥ 0, and not all 0. */
export function checkWeights(w: readonly number[] | undefined, rows: number, what: string): void {
  if (w === undefined) return;
  if (w.length !== rows) throw new UserError(`${what}: ${w.length} weights for ${rows} rows`);
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    if (!(Number.isFinite(w[i]) && w[i] >= 0)) {
      throw new UserError(`${what}[${i + 1}] is ${w[i]}: weights must be finite and ≥ 0`);
    }
    sum += w[i];
  }
  if (!(sum > 0)) throw new UserError(`${what}: every weight is 0`);
}
