import { pearson } from "../stats/index.ts";
import type { Pair } from "./pairs.ts";

/**
 * Person-level fidelity metrics over a list of persons' pairs. Persons may repeat (bootstrap
 * resamples), so everything is computed from the list, never from a person set. Each pair
 * carries its person's weight w (1 when unweighted): shares are Σw·hit / Σw, means Σw·x / Σw.
 */

/** Pearson r with weights (every weight 1: the ordinary r). */
export function weightedPearson(
  xs: readonly number[],
  ys: readonly number[],
  ws?: readonly number[],
): number {
  if (!ws || ws.every((w) => w === 1)) return pearson(xs, ys);
  let sw = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < xs.length; i++) {
    sw += ws[i];
    mx += ws[i] * xs[i];
    my += ws[i] * ys[i];
  }
  mx /= sw;
  my /= sw;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += ws[i] * (xs[i] - mx) * (ys[i] - my);
    sxx += ws[i] * (xs[i] - mx) ** 2;
    syy += ws[i] * (ys[i] - my) ** 2;
  }
  if (!(sxx > 0) || !(syy > 0)) return Number.NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

function weightedMean(xs: readonly number[], ws: readonly number[]): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < xs.length; i++) {
    s += ws[i] * xs[i];
    sw += ws[i];
  }
  return sw > 0 ? s / sw : Number.NaN;
}

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
  let wn = 0;
  let hits = 0;
  let triples = 0;
  let wTriples = 0;
  let simHitsT = 0;
  let retestHitsT = 0;
  let retestPersons = 0;
  const ratios: number[] = [];
  const ratioWeights: number[] = [];
  for (const pairs of groups) {
    let a = 0;
    let t = 0;
    let k = 0;
    const w = pairs[0]?.w ?? 1;
    for (const p of pairs) {
      n++;
      wn += w;
      const hit = p.sim === p.human;
      if (hit) hits += w;
      if (p.retest !== undefined) {
        k++;
        if (hit) a++;
        if (p.retest === p.human) t++;
      }
    }
    if (k > 0) {
      retestPersons++;
      triples += k;
      wTriples += w * k;
      simHitsT += w * a;
      retestHitsT += w * t;
      // a_p / t_p with both as shares of the person's k items; the k cancels.
      if (t > 0) {
        ratios.push(a / t);
        ratioWeights.push(w);
      }
    }
  }
  const out: CategoricalOverall = { n_pairs: n, accuracy: hits / wn };
  if (withRetest) {
    out.n_retest_pairs = triples;
    out.n_retest_persons = retestPersons;
    out.accuracy_on_retest_pairs = simHitsT / wTriples;
    out.retest_accuracy = retestHitsT / wTriples;
    out.normalized_accuracy = weightedMean(ratios, ratioWeights);
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
export function itemR(xs: readonly number[], ys: readonly number[], ws?: readonly number[]): number {
  return xs.length >= MIN_PAIRS_FOR_R ? weightedPearson(xs, ys, ws) : Number.NaN;
}

interface Columns {
  sim: number[];
  human: number[];
  w: number[];
  retest: number[];
  simT: number[];
  humanT: number[];
  wT: number[];
}

export function numericOverall(groups: readonly Pair[][], withRetest: boolean): NumericOverall {
  const perItem = new Map<string, Columns>();
  const allSim: number[] = [];
  const allHuman: number[] = [];
  const allW: number[] = [];
  let absErr = 0;
  let absErrRetest = 0;
  let wTriples = 0;
  let triples = 0;
  let retestPersons = 0;
  for (const pairs of groups) {
    let k = 0;
    for (const p of pairs) {
      const s = p.sim as number;
      const h = p.human as number;
      allSim.push(s);
      allHuman.push(h);
      allW.push(p.w);
      absErr += p.w * Math.abs(s - h);
      let c = perItem.get(p.item);
      if (!c) {
        c = { sim: [], human: [], w: [], retest: [], simT: [], humanT: [], wT: [] };
        perItem.set(p.item, c);
      }
      c.sim.push(s);
      c.human.push(h);
      c.w.push(p.w);
      if (p.retest !== undefined) {
        k++;
        c.retest.push(p.retest as number);
        c.simT.push(s);
        c.humanT.push(h);
        c.wT.push(p.w);
        absErrRetest += p.w * Math.abs((p.retest as number) - h);
        wTriples += p.w;
      }
    }
    if (k > 0) retestPersons++;
    triples += k;
  }
  const rs: number[] = [];
  const rSimT: number[] = [];
  const rRetT: number[] = [];
  for (const c of perItem.values()) {
    const r = itemR(c.sim, c.human, c.w);
    if (Number.isFinite(r)) rs.push(r);
    if (withRetest) {
      const a = itemR(c.simT, c.humanT, c.wT);
      const t = itemR(c.retest, c.humanT, c.wT);
      if (Number.isFinite(a) && Number.isFinite(t)) {
        rSimT.push(a);
        rRetT.push(t);
      }
    }
  }
  const sw = allW.reduce((a, w) => a + w, 0);
  const out: NumericOverall = {
    n_pairs: allSim.length,
    mae: absErr / sw,
    r_pooled: weightedPearson(allSim, allHuman, allW),
    r: rs.length > 0 ? rs.reduce((a, b) => a + b, 0) / rs.length : Number.NaN,
    n_items_r: rs.length,
  };
  if (withRetest) {
    const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((x, y) => x + y, 0) / xs.length : Number.NaN);
    const a = mean(rSimT);
    const t = mean(rRetT);
    out.n_retest_pairs = triples;
    out.n_retest_persons = retestPersons;
    out.r_on_retest_pairs = a;
    out.retest_r = t;
    out.normalized_r = t !== 0 ? a / t : Number.NaN;
    out.n_items_normalized_r = rSimT.length;
    out.retest_mae = absErrRetest / wTriples;
  }
  return out;
}

/** The overall metrics of the answer type. */
export function overallOf(groups: readonly Pair[][], type: "categorical" | "numeric", withRetest: boolean) {
  return type === "categorical" ? categoricalOverall(groups, withRetest) : numericOverall(groups, withRetest);
}
