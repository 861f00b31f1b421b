import { UserError } from "../../errors/index.ts";
import { bootstrapCI, mean, normalCdf, pearson, quantile, weightedMoments } from "../stats/index.ts";
import { type AnswerSet, type AnswerSource, type AnswerType, loadAnswers } from "./answers.ts";
import { entropy, jensenShannon, shares, totalVariation, wasserstein1 } from "./distances.ts";
import { detailIntervals } from "./intervals.ts";
import { itemR, overallOf } from "./metrics.ts";
import { buildPairs, type Pair } from "./pairs.ts";
import { subgroups } from "./subgroups.ts";
import { applyWeights, type Side, side, weightedShare } from "./weighted.ts";

export interface FidelityInput {
  sim: AnswerSource;
  human: AnswerSource;
  /** The same humans answering again (e.g. GSS wave 2): sets the test-retest ceiling. */
  retest?: AnswerSource;
}

export interface CompareOptions {
  type?: AnswerType;
  /** Person attributes (from the human file) to split metrics by. */
  by?: string[];
  /** Groups with fewer persons are reported but left out of the DPD. Default 10. */
  minGroup?: number;
  bootstrap?: {
    B: number;
    seed: number | string;
    alpha?: number;
    /** Called as resamples are done (all bootstrap passes together), for progress bars. */
    onProgress?: (done: number, total: number) => void;
  };
  /**
   * The natural order of a person attribute's values (e.g. a codebook's, liberal → conservative):
   * by attribute, each value's rank. Values without a rank follow, sorted.
   */
  valueRank?: Record<string, (value: string) => number | undefined>;
  /** Belief–action pairs of items: within-person correlation, human vs. simulated. */
  coherence?: { belief: string; action: string }[];
  /**
   * Person weights (person id → weight, e.g. from `populace weight`): accuracy, errors and
   * answer distributions are weighted by the person's weight on both sides. Every person of
   * both files needs one.
   */
  weights?: { name: string; weights: ReadonlyMap<string, number> };
}

/** JSON-ready numbers: undefined metrics are null, never NaN. */
type Num = number | null;

export interface ItemFidelity {
  n: number;
  n_human: number;
  n_sim: number;
  accuracy?: Num;
  jsd?: Num;
  tv?: Num;
  entropy_human?: Num;
  entropy_sim?: Num;
  entropy_ratio?: Num;
  mae?: Num;
  r?: Num;
  w1?: Num;
  mean_human?: Num;
  mean_sim?: Num;
  variance_ratio?: Num;
  n_retest?: number;
  retest_accuracy?: Num;
  retest_r?: Num;
  /** Answer shares per option, human vs. simulated (categorical). */
  distribution?: { answer: string; human: number; sim: number }[];
  /** With bootstrap: the interval of accuracy (categorical) or r (numeric). */
  ci?: Record<string, [Num, Num]>;
}

export interface GroupFidelity {
  n_persons: number;
  n_pairs: number;
  accuracy?: Num;
  mae?: Num;
  normalized_accuracy_pooled?: Num;
  in_dpd: boolean;
  /** With bootstrap: the interval of the group's accuracy or MAE. */
  ci?: [Num, Num];
}

export interface SubgroupFidelity {
  metric: "accuracy" | "mae";
  min_group: number;
  groups: Record<string, GroupFidelity>;
  /** The groups in their natural order (valueOrder), which object keys cannot always keep. */
  order: string[];
  dpd: Num;
  /** With bootstrap: the interval of the DPD. */
  dpd_ci?: [Num, Num];
  n_persons_missing: number;
}

export interface CoherenceResult {
  belief: string;
  action: string;
  n: number;
  human_r: Num;
  sim_r: Num;
  difference: Num;
  /** Fisher-z test of sim_r = human_r, treating the two correlations as independent. */
  z: Num;
  p: Num;
}

export interface FidelityResult {
  type: AnswerType;
  files: { sim: string; human: string; retest?: string };
  /** Weighted comparisons: the weights file, and the human people without a weight (left out). */
  weights?: { file: string; human_left_out: number };
  overall: Record<string, unknown> & { n_pairs: number; n_persons: number; n_items: number };
  items: Record<string, ItemFidelity>;
  subgroups: Record<string, SubgroupFidelity>;
  coherence?: CoherenceResult[];
}

function num(x: number | undefined): Num {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

function clean<T extends object>(o: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "number" ? num(v) : v]));
}

const MAX_SCALE_POINTS = 15;

function distribution(human: Side, sim: Side) {
  const humanAll = human.values;
  const simAll = sim.values;
  const hs = shares(humanAll, human.w);
  const ss = shares(simAll, sim.w);
  let options = [...new Set([...hs.keys(), ...ss.keys()])];
  if (typeof humanAll[0] === "number") options = options.sort((a, b) => Number(a) - Number(b));
  return options.map((answer) => ({ answer, human: hs.get(answer) ?? 0, sim: ss.get(answer) ?? 0 }));
}

function itemFidelity(pairs: Pair[], human: Side, sim: Side, type: AnswerType): ItemFidelity {
  const humanAll = human.values;
  const simAll = sim.values;
  const out: ItemFidelity = { n: pairs.length, n_human: humanAll.length, n_sim: simAll.length };
  const triples = pairs.filter((p) => p.retest !== undefined);
  const pw = human.w ? pairs.map((p) => p.w) : undefined;
  if (type === "categorical") {
    out.accuracy = num(weightedShare(pairs, (p) => p.sim === p.human));
    out.jsd = num(jensenShannon(humanAll, simAll, human.w, sim.w));
    out.tv = num(totalVariation(humanAll, simAll, human.w, sim.w));
    const hH = entropy(humanAll, human.w);
    const hS = entropy(simAll, sim.w);
    out.entropy_human = num(hH);
    out.entropy_sim = num(hS);
    out.entropy_ratio = num(hH > 0 ? hS / hH : Number.NaN);
    out.distribution = distribution(human, sim);
    if (triples.length > 0) {
      out.n_retest = triples.length;
      out.retest_accuracy = num(weightedShare(triples, (p) => p.retest === p.human));
    }
  } else {
    const h = humanAll as number[];
    const s = simAll as number[];
    let abs = 0;
    let sw = 0;
    for (const p of pairs) {
      abs += p.w * Math.abs((p.sim as number) - (p.human as number));
      sw += p.w;
    }
    out.mae = num(abs / sw);
    out.r = num(
      itemR(
        pairs.map((p) => p.sim as number),
        pairs.map((p) => p.human as number),
        pw,
      ),
    );
    out.w1 = num(wasserstein1(h, s, human.w, sim.w));
    const mh = weightedMoments(h, human.w);
    const ms = weightedMoments(s, sim.w);
    out.mean_human = num(mh.mean);
    out.mean_sim = num(ms.mean);
    out.variance_ratio = num(mh.variance > 0 ? ms.variance / mh.variance : Number.NaN);
    // Shares per value only make sense for scales with few points (e.g. Likert items).
    if (new Set([...h, ...s]).size <= MAX_SCALE_POINTS) out.distribution = distribution(human, sim);
    if (triples.length > 0) {
      out.n_retest = triples.length;
      out.retest_r = num(
        itemR(
          triples.map((p) => p.retest as number),
          triples.map((p) => p.human as number),
          pw ? triples.map((p) => p.w) : undefined,
        ),
      );
    }
  }
  return out;
}

function numericAnswers(set: AnswerSet, person: string, item: string): number | undefined {
  const v = set.answers.get(person)?.get(item);
  if (v === undefined) return undefined;
  const x = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(x)) {
    throw new UserError(
      `coherence needs numeric answers, but person "${person}" answered "${v}" to "${item}"`,
      {
        where: set.name,
      },
    );
  }
  return x;
}

function coherence(pairsOfItems: { belief: string; action: string }[], sim: AnswerSet, human: AnswerSet) {
  return pairsOfItems.map(({ belief, action }): CoherenceResult => {
    const hb: number[] = [];
    const ha: number[] = [];
    const sb: number[] = [];
    const sa: number[] = [];
    // The same persons on both sides, so a difference is not a difference of samples.
    for (const person of human.answers.keys()) {
      const values = [
        numericAnswers(human, person, belief),
        numericAnswers(human, person, action),
        numericAnswers(sim, person, belief),
        numericAnswers(sim, person, action),
      ];
      if (values.some((v) => v === undefined)) continue;
      hb.push(values[0]!);
      ha.push(values[1]!);
      sb.push(values[2]!);
      sa.push(values[3]!);
    }
    const rh = pearson(hb, ha);
    const rs = pearson(sb, sa);
    const n = hb.length;
    const z = n > 3 ? (Math.atanh(rs) - Math.atanh(rh)) / Math.sqrt(2 / (n - 3)) : Number.NaN;
    return {
      belief,
      action,
      n,
      human_r: num(rh),
      sim_r: num(rs),
      difference: num(rs - rh),
      z: num(z),
      p: num(2 * (1 - normalCdf(Math.abs(z)))),
    };
  });
}

/**
 * Individual-level fidelity of simulated answers to the same people's real answers
 * (DESIGN §6): accuracy or MAE/correlation, normalized by the humans' own test-retest
 * agreement when a retest file is given, per item distribution distances, subgroup DPD,
 * heterogeneity and belief–action coherence, with person-bootstrap CIs on request.
 */
export function compareFidelity(input: FidelityInput, opts: CompareOptions = {}): FidelityResult {
  const type = opts.type ?? "categorical";
  if (type !== "categorical" && type !== "numeric") {
    throw new UserError(`--type must be categorical or numeric, got "${type}"`);
  }
  const minGroup = opts.minGroup ?? 10;
  const sim = loadAnswers(input.sim, type, "sim");
  const loadedHuman = loadAnswers(input.human, type, "human");
  const loadedRetest = input.retest !== undefined ? loadAnswers(input.retest, type, "retest") : undefined;
  const weighted = opts.weights ? applyWeights(opts.weights, sim, loadedHuman, loadedRetest) : undefined;
  const human = weighted?.human ?? loadedHuman;
  const retest = weighted ? weighted.retest : loadedRetest;
  const weightOf = weighted?.weightOf;
  const { persons, pairsOf } = buildPairs(sim, human, retest, weightOf);
  if (persons.length === 0) {
    throw new UserError(
      `no (person_id, item) has an answer in both ${sim.name} and ${human.name}; ` +
        "check that person ids and item names match",
    );
  }
  const withRetest = retest !== undefined;
  const groups = persons.map((p) => pairsOf.get(p)!);

  const byItemPairs = new Map<string, Pair[]>();
  for (const item of human.byItem.keys()) if (sim.byItem.has(item)) byItemPairs.set(item, []);
  for (const list of groups) for (const p of list) byItemPairs.get(p.item)!.push(p);
  const items: Record<string, ItemFidelity> = {};
  for (const [item, pairs] of byItemPairs) {
    items[item] = itemFidelity(pairs, side(human, item, weightOf), side(sim, item, weightOf), type);
  }

  const main = overallOf(groups, type, withRetest);
  const overall: FidelityResult["overall"] = {
    n_pairs: main.n_pairs,
    n_persons: persons.length,
    n_items: [...byItemPairs.values()].filter((p) => p.length > 0).length,
    ...clean(main),
  };
  const ratioKey = type === "categorical" ? "entropy_ratio" : "variance_ratio";
  const ratios = Object.values(items)
    .map((i) => i[ratioKey])
    .filter((v): v is number => typeof v === "number")
    .sort((a, b) => a - b);
  overall.heterogeneity = {
    measure: type === "categorical" ? "entropy" : "variance",
    mean_ratio: num(mean(ratios)),
    median_ratio: num(quantile(ratios, 0.5)),
    n_items: ratios.length,
  };

  const splits = subgroups(
    opts.by ?? [],
    human,
    persons,
    pairsOf,
    type,
    minGroup,
    withRetest,
    opts.valueRank,
  );
  if (opts.bootstrap) {
    const B = opts.bootstrap.B;
    const report = opts.bootstrap.onProgress;
    const progress = report ? (done: number) => report(done, 2 * B) : undefined;
    const keys = Object.keys(main).filter(
      (k) => !k.startsWith("n_") && typeof (main as unknown as Record<string, unknown>)[k] === "number",
    );
    const ci = bootstrapCI(
      persons.length,
      (idx) => {
        const o = overallOf(
          idx.map((i) => groups[i]),
          type,
          withRetest,
        ) as unknown as Record<string, number>;
        return keys.map((k) => o[k]);
      },
      { ...opts.bootstrap, onProgress: progress ? (done) => progress(done) : undefined },
    );
    const lower = ci.lower as number[];
    const upper = ci.upper as number[];
    overall.ci = Object.fromEntries(keys.map((k, j) => [k, [num(lower[j]), num(upper[j])]]));
    overall.bootstrap = {
      B: ci.B,
      seed: opts.bootstrap.seed,
      alpha: opts.bootstrap.alpha ?? 0.05,
      unit: "person",
      dropped: ci.dropped,
    };
    // A second pass with its own seed, so the overall intervals stay what they were without it.
    const details = detailIntervals(
      groups,
      type,
      Object.keys(items),
      (opts.by ?? []).map((column) => {
        const sg = splits[column];
        return {
          column,
          personValues: persons.map((p) => human.attributes.get(p)?.get(column)),
          values: sg.order,
          inDpd: new Set(sg.order.filter((v) => sg.groups[v].in_dpd)),
        };
      }),
      {
        B,
        seed: `${opts.bootstrap.seed}\u0001details`,
        alpha: opts.bootstrap.alpha,
        onProgress: progress ? (done) => progress(B + done) : undefined,
      },
    );
    const pair = ([lo, hi]: [number, number]): [Num, Num] => [num(lo), num(hi)];
    const itemMetric = type === "categorical" ? "accuracy" : "r";
    for (const [item, interval] of details.items) items[item].ci = { [itemMetric]: pair(interval) };
    for (const [column, byValue] of details.groups) {
      for (const [value, interval] of byValue) splits[column].groups[value].ci = pair(interval);
      splits[column].dpd_ci = pair(details.dpd.get(column)!);
    }
  }

  const result: FidelityResult = {
    type,
    files: { sim: sim.name, human: human.name, ...(retest ? { retest: retest.name } : {}) },
    ...(weighted && opts.weights
      ? { weights: { file: opts.weights.name, human_left_out: weighted.leftOut } }
      : {}),
    overall,
    items,
    subgroups: splits,
  };
  if (opts.coherence && opts.coherence.length > 0) result.coherence = coherence(opts.coherence, sim, human);
  return result;
}
