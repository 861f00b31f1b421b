import { UserError } from "../../errors/index.ts";
import { createRng } from "../../random/index.ts";
import { quantile } from "./descriptive.ts";

export interface BootstrapOptions {
  /** Number of resamples. */
  B: number;
  seed: number | string;
  /** Two-sided level; the interval covers 1 − alpha. Default 0.05. */
  alpha?: number;
  /**
   * Leave a non-finite value out of its own component only, instead of dropping the whole
   * resample: for vectors of separate figures (one per item or subgroup), where a small group
   * missing from a resample says nothing about the others.
   */
  perComponent?: boolean;
  /** Called after every resample with the number done (for progress bars). */
  onProgress?: (done: number, total: number) => void;
}

export interface BootstrapInterval {
  lower: number | number[];
  upper: number | number[];
  B: number;
  /**
   * Resamples whose statistic was not finite (e.g. a correlation on a resample with no
   * variance); they are left out of the percentiles. When every resample fails the bounds are
   * NaN, so callers should check this count.
   */
  dropped: number;
}

/**
 * Percentile bootstrap interval resampling units (persons) with replacement. `stat` receives
 * the resampled unit indices (0..nUnits−1, with repeats) and returns one number or a vector;
 * each vector component gets its own interval.
 */
export function bootstrapCI(
  nUnits: number,
  stat: (indices: number[]) => number | number[],
  opts: BootstrapOptions,
): BootstrapInterval {
  const alpha = opts.alpha ?? 0.05;
  if (!(Number.isInteger(nUnits) && nUnits > 0))
    throw new UserError(`bootstrap needs at least one unit, got ${nUnits}`);
  if (!(Number.isInteger(opts.B) && opts.B > 0))
    throw new UserError(`bootstrap B must be a positive integer, got ${opts.B}`);
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`bootstrap alpha must be in (0, 1), got ${alpha}`);
  const rng = createRng(opts.seed);
  let vector = false;
  let draws: number[][] = [];
  let dropped = 0;
  const indices = new Array<number>(nUnits);
  for (let b = 0; b < opts.B; b++) {
    for (let i = 0; i < nUnits; i++) indices[i] = rng.int(nUnits);
    const value = stat(indices.slice());
    const values = Array.isArray(value) ? value : [value];
    if (b === 0) {
      vector = Array.isArray(value);
      draws = values.map(() => []);
    } else if (values.length !== draws.length) {
      throw new Error(`bootstrap statistic returned ${values.length} values, earlier ${draws.length}`);
    }
    // A resample is dropped as a whole so every component uses the same resamples.
    if (values.every(Number.isFinite)) {
      for (let k = 0; k < values.length; k++) draws[k].push(values[k]);
    } else {
      dropped++;
      if (opts.perComponent) {
        for (let k = 0; k < values.length; k++) if (Number.isFinite(values[k])) draws[k].push(values[k]);
      }
    }
    opts.onProgress?.(b + 1, opts.B);
  }
  const lower = draws.map((d) => {
    d.sort((a, b) => a - b);
    return quantile(d, alpha / 2);
  });
  const upper = draws.map((d) => quantile(d, 1 - alpha / 2));
  return vector
    ? { lower, upper, B: opts.B, dropped }
    : { lower: lower[0], upper: upper[0], B: opts.B, dropped };
}
