import { mean, pearson } from "../stats/index.ts";
import type { Pair } from "./pairs.ts";

/**
 * Person-level fidelity metrics over a list of persons' pairs. Persons may repeat (bootstrap
 * resamples), so everything is computed from the list, never from a person set.
 */

/** Items need this many pairs before their across-person correlation counts. */
export const MIN_PAIRS_FOR_R = 3;

export interface CategoricalOverall {
  n_pairs: number;
  accuracy: number;
  n_retest_pairs?: number;
  n_retest_persons?: number;
  /** Sim accuracy on the (person, item) present in all three files. */
  accuracy_on_retest_pairs?: number;
  /** Human wave-2 vs. wave-1 agreement on the same pairs: the test-retest ceiling. */
  retest_accuracy?: number;
  normalized_accuracy?: number;
  normalized_accuracy_pooled?: number;
}

export function categoricalOverall(groups: readonly Pair[][], withRetest: boolean): CategoricalOverall {
  let n = 0;
  let hits = 0;
  let triples = 0;
  let simHitsT = 0;
  let retestHitsT = 0;
  let retestPersons = 0;
  const ratios: number[] = [];
  for (const pairs of groups) {
    let a = 0;
    let t = 0;
    let k = 0;
    for (const p of pairs) {
      n++;
      const hit = p.sim === p.human;
      if (hit) hits++;
      if (p.retest !== undefined) {
        k++;
        if (hit) a++;
        if (p.retest === p.human) t++;
      }
    }
    if (k > 0) {
      retestPersons++;
      triples += k;
      simHitsT += a;
      retestHitsT += t;
      // a_p / t_p with both as shares of the person's k items; the k cancels.
      if (t > 0) ratios.push(a / t);
    }
  }
  const out: CategoricalOverall = { n_pairs: n, accuracy: hits / n };
  if (withRetest) {
    out.n_retest_pairs = triples;
    out.n_retest_persons = retestPersons;
    out.accuracy_on_retest_pairs = simHitsT / triples;
    out.retest_accuracy = retestHitsT / triples;
    out.normalized_accuracy = mean(ratios);
    out.normalized_accuracy_pooled = retestHitsT > 0 ? simHitsT / retestHitsT : Number.NaN;
  }
  return out;
}

export interface NumericOverall {
  n_pairs: number;
  mae: number;
  r_pooled: number;
  /** Mean over items of the across-person Pearson r (items with enough pairs and variance). */
  r: number;
  n_items_r: number;
  n_retest_pairs?: number;
  n_retest_persons?: number;
  /** Mean item r(sim, human) on three-file pairs, over items where both r's are defined. */
  r_on_retest_pairs?: number;
  /** Mean item r(retest, human) over the same items: the test-retest ceiling. */
  retest_r?: number;
  normalized_r?: number;
  n_items_normalized_r?: number;
  retest_mae?: number;
}

/** Pearson r of paired numbers, or NaN unless there are enough pairs with variance on both sides. */
export function itemR(xs: readonly number[], ys: readonly number[]): number {
  return xs.length >= MIN_PAIRS_FOR_R ? pearson(xs, ys) : Number.NaN;
}

interface Columns {
  sim: number[];
  human: number[];
  retest: number[];
  simT: number[];
  humanT: number[];
}

export function numericOverall(groups: readonly Pair[][], withRetest: boolean): NumericOverall {
  const perItem = new Map<string, Columns>();
  const allSim: number[] = [];
  const allHuman: number[] = [];
  let absErr = 0;
  let absErrRetest = 0;
  let triples = 0;
  let retestPersons = 0;
  for (const pairs of groups) {
    let k = 0;
    for (const p of pairs) {
      const s = p.sim as number;
      const h = p.human as number;
      allSim.push(s);
      allHuman.push(h);
      absErr += Math.abs(s - h);
      let c = perItem.get(p.item);
      if (!c) {
        c = { sim: [], human: [], retest: [], simT: [], humanT: [] };
        perItem.set(p.item, c);
      }
      c.sim.push(s);
      c.human.push(h);
      if (p.retest !== undefined) {
        k++;
        c.retest.push(p.retest as number);
        c.simT.push(s);
        c.humanT.push(h);
        absErrRetest += Math.abs((p.retest as number) - h);
      }
    }
    if (k > 0) retestPersons++;
    triples += k;
  }
  const rs: number[] = [];
  const rSimT: number[] = [];
  const rRetT: number[] = [];
  for (const c of perItem.values()) {
    const r = itemR(c.sim, c.human);
    if (Number.isFinite(r)) rs.push(r);
    if (withRetest) {
      const a = itemR(c.simT, c.humanT);
      const t = itemR(c.retest, c.humanT);
      if (Number.isFinite(a) && Number.isFinite(t)) {
        rSimT.push(a);
        rRetT.push(t);
      }
    }
  }
  const out: NumericOverall = {
    n_pairs: allSim.length,
    mae: absErr / allSim.length,
    r_pooled: pearson(allSim, allHuman),
    r: mean(rs),
    n_items_r: rs.length,
  };
  if (withRetest) {
    const a = mean(rSimT);
    const t = mean(rRetT);
    out.n_retest_pairs = triples;
    out.n_retest_persons = retestPersons;
    out.r_on_retest_pairs = a;
    out.retest_r = t;
    out.normalized_r = t !== 0 ? a / t : Number.NaN;
    out.n_items_normalized_r = rSimT.length;
    out.retest_mae = absErrRetest / triples;
  }
  return out;
}

/** The overall metrics of the answer type. */
export function overallOf(groups: readonly Pair[][], type: "categorical" | "numeric", withRetest: boolean) {
  return type === "categorical" ? categoricalOverall(groups, withRetest) : numericOverall(groups, withRetest);
}
