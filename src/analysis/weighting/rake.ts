import { UserError } from "../../errors/index.ts";
import { cellKey, type Margin } from "./margins.ts";

/**
 * Weights that make a sample match target margins (DESIGN §10): raking (iterative proportional
 * fitting, R survey's rake()) or post-stratification (R survey's postStratify()). Weights are
 * scaled to mean 1, so they sum to the sample size.
 */

export interface SamplePerson {
  id: string;
  /** Variable → value (as in the sample file). */
  values: Record<string, string>;
  /** Where the person is, for messages. */
  where: string;
}

export type WeightingMethod = "rake" | "poststratify";

export interface WeightingOptions {
  method: WeightingMethod;
  /** Largest weight allowed (mean-1 scale): weights above it are trimmed and raking continues. */
  cap?: number;
  /** Most raking sweeps (one sweep adjusts every margin once). Default 1000. */
  maxIter?: number;
  /** Converged when every weighted share is within epsilon of its target. Default 1e-10. */
  epsilon?: number;
}

export interface WeightingResult {
  method: WeightingMethod;
  n: number;
  weights: { id: string; weight: number }[];
  iterations: number;
  converged: boolean;
  /** Largest |weighted share − target share| over every level of every margin. */
  max_margin_error: number;
  /** Kish's design effect 1 + CV² = n Σw² / (Σw)² (CV with the divide-by-n variance). */
  design_effect: number;
  /** n / design effect = (Σw)² / Σw². */
  effective_n: number;
  min_weight: number;
  max_weight: number;
  cap: number | null;
}

/** Kish's design effect and effective sample size of a set of weights. */
export function designEffect(weights: readonly number[]): { design_effect: number; effective_n: number } {
  let s = 0;
  let s2 = 0;
  for (const w of weights) {
    s += w;
    s2 += w * w;
  }
  return { design_effect: (weights.length * s2) / (s * s), effective_n: (s * s) / s2 };
}

/** Each person's cell index in each margin; errors name a value the margins do not have. */
function assignCells(people: readonly SamplePerson[], margins: readonly Margin[]): number[][] {
  return margins.map((m) => {
    const index = new Map(m.cells.map((c, i) => [cellKey(c.values), i]));
    return people.map((p) => {
      const values = m.variables.map((v) => p.values[v]);
      const absent = m.variables.find((_, j) => values[j] === undefined || values[j].trim() === "");
      if (absent !== undefined) {
        throw new UserError(`person "${p.id}" has no value for ${absent}, so cannot be weighted`, {
          where: p.where,
        });
      }
      const at = index.get(cellKey(values));
      if (at === undefined) {
        throw new UserError(
          `${m.name} = ${values.join(";")} (person "${p.id}") is not a level of the margins ` +
            `(levels: ${m.cells.map((c) => c.level).join(", ")})`,
          { where: p.where },
        );
      }
      return at;
    });
  });
}

function marginError(cells: number[][], margins: readonly Margin[], w: readonly number[]): number {
  const n = w.length;
  let worst = 0;
  margins.forEach((m, k) => {
    const totals = new Array<number>(m.cells.length).fill(0);
    cells[k].forEach((c, i) => {
      totals[c] += w[i];
    });
    m.cells.forEach((c, j) => {
      worst = Math.max(worst, Math.abs(totals[j] / n - c.share));
    });
  });
  return worst;
}

export function computeWeights(
  people: readonly SamplePerson[],
  margins: readonly Margin[],
  opts: WeightingOptions,
): WeightingResult {
  const n = people.length;
  if (n === 0) throw new UserError("the sample has no people");
  const maxIter = opts.maxIter ?? 1000;
  const epsilon = opts.epsilon ?? 1e-10;
  const cap = opts.cap;
  if (cap !== undefined && !(cap > 1))
    throw new UserError(`--cap must be greater than 1 (weights have mean 1), got ${cap}`);
  if (!(Number.isInteger(maxIter) && maxIter >= 1))
    throw new UserError(`--max-iter must be a whole number ≥ 1`);
  if (!(epsilon > 0)) throw new UserError("--epsilon must be a positive number");
  if (opts.method === "poststratify" && margins.length !== 1) {
    throw new UserError(
      `post-stratification uses one margin of cells, got ${margins.length} (${margins.map((m) => m.name).join(", ")}); ` +
        'cross the variables in one margin ("sex;race") or use --method rake',
    );
  }
  const seen = new Map<string, string>();
  for (const p of people) {
    const first = seen.get(p.id);
    if (first) throw new UserError(`person "${p.id}" appears twice (first at ${first})`, { where: p.where });
    seen.set(p.id, p.where);
  }
  const cells = assignCells(people, margins);
  // Every level with a share needs people to carry it; a level with people needs a share.
  margins.forEach((m, k) => {
    const counts = new Array<number>(m.cells.length).fill(0);
    for (const c of cells[k]) counts[c]++;
    m.cells.forEach((c, j) => {
      if (c.share > 0 && counts[j] === 0) {
        throw new UserError(
          `empty cell: ${m.name} = ${c.level} has share ${c.share} in the margins but nobody in the sample`,
          { where: c.where },
        );
      }
      if (c.share === 0 && counts[j] > 0) {
        throw new UserError(
          `${m.name} = ${c.level} has share 0 in the margins but ${counts[j]} people in the sample; ` +
            "give the level its share or leave those people out",
          { where: c.where },
        );
      }
    });
  });
  const w = new Array<number>(n).fill(1);
  let iterations = 0;
  let error = Number.POSITIVE_INFINITY;
  let converged = false;
  const sweep = (k: number) => {
    const m = margins[k];
    const totals = new Array<number>(m.cells.length).fill(0);
    cells[k].forEach((c, i) => {
      totals[c] += w[i];
    });
    cells[k].forEach((c, i) => {
      w[i] *= (m.cells[c].share * n) / totals[c];
    });
  };
  for (iterations = 1; iterations <= (opts.method === "poststratify" ? 1 : maxIter); iterations++) {
    for (let k = 0; k < margins.length; k++) sweep(k);
    let trimmed = false;
    if (cap !== undefined) {
      for (let i = 0; i < n; i++) {
        if (w[i] > cap) {
          trimmed = trimmed || w[i] > cap * (1 + 1e-12);
          w[i] = cap;
        }
      }
    }
    error = marginError(cells, margins, w);
    if (error < epsilon && !trimmed) {
      converged = true;
      break;
    }
  }
  iterations = Math.min(iterations, opts.method === "poststratify" ? 1 : maxIter);
  if (opts.method === "poststratify") converged = error < 1e-9;
  if (!converged) {
    throw new UserError(
      `raking did not converge after ${iterations} iterations: the largest margin error is ${error.toExponential(3)} ` +
        `(epsilon ${epsilon})` +
        (cap !== undefined
          ? `; the cap ${cap} may be too low for these margins`
          : "; raise --max-iter or --epsilon"),
    );
  }
  // Sweeps leave Σw = n up to rounding; make the mean exactly 1.
  const total = w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) w[i] *= n / total;
  return {
    method: opts.method,
    n,
    weights: people.map((p, i) => ({ id: p.id, weight: w[i] })),
    iterations,
    converged,
    max_margin_error: marginError(cells, margins, w),
    ...designEffect(w),
    min_weight: w.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
    max_weight: w.reduce((a, b) => Math.max(a, b), 0),
    cap: cap ?? null,
  };
}
