import { bootstrapCI } from "../stats/index.ts";
import type { AnswerType } from "./answers.ts";
import { itemR } from "./metrics.ts";
import type { Pair } from "./pairs.ts";

/** One subgroup split: each person's value (by position in the persons list) and the DPD's groups. */
export interface Split {
  column: string;
  personValues: (string | undefined)[];
  values: string[];
  /** Groups large enough to enter the DPD (decided on the full sample). */
  inDpd: Set<string>;
}

export type Interval = [number, number];

export interface DetailIntervals {
  /** Per item: accuracy (categorical) or across-person r (numeric). */
  items: Map<string, Interval>;
  /** Per split and group: accuracy (categorical) or MAE (numeric). */
  groups: Map<string, Map<string, Interval>>;
  dpd: Map<string, Interval>;
}

/**
 * Percentile bootstrap intervals, resampling persons, for the figures drawn as bars: each item's
 * accuracy (or r) and each subgroup's accuracy (or MAE) with the DPD between them. A group or item
 * missing from a resample leaves out only its own figure (see BootstrapOptions.perComponent).
 */
export function detailIntervals(
  groups: readonly Pair[][],
  type: AnswerType,
  itemIds: readonly string[],
  splits: readonly Split[],
  opts: { B: number; seed: number | string; alpha?: number; onProgress?: (done: number) => void },
): DetailIntervals {
  const itemAt = new Map(itemIds.map((id, i) => [id, i]));
  const statistic = (idx: number[]): number[] => {
    const out: number[] = [];
    if (type === "categorical") {
      const hits = new Array<number>(itemIds.length).fill(0);
      const n = new Array<number>(itemIds.length).fill(0);
      for (const i of idx)
        for (const p of groups[i]) {
          const k = itemAt.get(p.item)!;
          n[k]++;
          if (p.sim === p.human) hits[k]++;
        }
      for (let k = 0; k < itemIds.length; k++) out.push(n[k] > 0 ? hits[k] / n[k] : Number.NaN);
    } else {
      const sims = itemIds.map(() => [] as number[]);
      const humans = itemIds.map(() => [] as number[]);
      for (const i of idx)
        for (const p of groups[i]) {
          const k = itemAt.get(p.item)!;
          sims[k].push(p.sim as number);
          humans[k].push(p.human as number);
        }
      for (let k = 0; k < itemIds.length; k++) out.push(itemR(sims[k], humans[k]));
    }
    for (const split of splits) {
      const sums = new Map<string, { score: number; n: number }>();
      for (const i of idx) {
        const value = split.personValues[i];
        if (value === undefined) continue;
        let s = sums.get(value);
        if (!s) {
          s = { score: 0, n: 0 };
          sums.set(value, s);
        }
        for (const p of groups[i]) {
          s.n++;
          s.score +=
            type === "categorical"
              ? Number(p.sim === p.human)
              : Math.abs((p.sim as number) - (p.human as number));
        }
      }
      const metric = split.values.map((v) => {
        const s = sums.get(v);
        return s && s.n > 0 ? s.score / s.n : Number.NaN;
      });
      out.push(...metric);
      const eligible = metric.filter((m, j) => split.inDpd.has(split.values[j]) && Number.isFinite(m));
      out.push(eligible.length >= 2 ? Math.max(...eligible) - Math.min(...eligible) : Number.NaN);
    }
    return out;
  };
  const ci = bootstrapCI(groups.length, statistic, {
    B: opts.B,
    seed: opts.seed,
    alpha: opts.alpha,
    perComponent: true,
    onProgress: opts.onProgress ? (done) => opts.onProgress!(done) : undefined,
  });
  const lower = ci.lower as number[];
  const upper = ci.upper as number[];
  let at = 0;
  const next = (): Interval => {
    const interval: Interval = [lower[at], upper[at]];
    at++;
    return interval;
  };
  const items = new Map(itemIds.map((id) => [id, next()]));
  const byGroup = new Map<string, Map<string, Interval>>();
  const dpd = new Map<string, Interval>();
  for (const split of splits) {
    byGroup.set(split.column, new Map(split.values.map((v) => [v, next()])));
    dpd.set(split.column, next());
  }
  return { items, groups: byGroup, dpd };
}
