import { readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { jensenShannon, wasserstein1 } from "../fidelity/distances.ts";
import { mean, normalCdf, normalQuantile, ols } from "../stats/index.ts";

/**
 * One decision in a game on a common scale: a share of the endowment (0–1), or 1/0 for a binary
 * choice (cooperate, accept). `partner` is the partner's move the person saw, on the same scale.
 */
export interface Decision {
  person: string;
  round?: number;
  value: number;
  partner?: number;
}

export interface SideSummary {
  n_people: number;
  n_decisions: number;
  mean: number;
  /** Standard error clustered by person (a person's decisions are not independent); null with one person. */
  se: number | null;
  lower: number | null;
  upper: number | null;
  /** Share of decisions per bin (values rounded to the nearest 1/bins). */
  distribution: { bin: number; share: number }[];
}

export interface GroupComparison {
  /** The round, or the partner's move (rounded to the bin grid). */
  group: number;
  human: SideSummary | null;
  sim: SideSummary | null;
  w1: number | null;
  jsd: number | null;
}

export interface PlayComparison {
  alpha: number;
  bins: number;
  labels: { human: string; sim: string };
  human: SideSummary;
  sim: SideSummary;
  /** Wasserstein-1 between the two distributions of values, in units of the scale (share of endowment). */
  w1: number;
  /** Jensen–Shannon divergence (log 2) of the binned distributions. */
  jsd: number;
  /** sim − human mean, z-test with clustered SEs, the samples independent. */
  mean_difference: {
    estimate: number;
    se: number | null;
    lower: number | null;
    upper: number | null;
    p: number | null;
  };
  by: "round" | "partner" | null;
  /** Groups with fewer than min_group decisions on a side have that side null and no distances. */
  min_group: number;
  groups: GroupComparison[];
}

export interface CompareOptions {
  by?: "round" | "partner";
  bins?: number;
  alpha?: number;
  minGroup?: number;
  labels?: { human: string; sim: string };
}

const binOf = (v: number, bins: number) => Math.round(v * bins) / bins;

function check(decisions: readonly Decision[], label: string): void {
  if (decisions.length === 0) throw new UserError(`${label}: no decisions`);
  decisions.forEach((d, i) => {
    if (!(d.value >= 0 && d.value <= 1))
      throw new UserError(
        `${label}: decision ${i + 1} of ${d.person} has value ${d.value}; values are shares from 0 to 1`,
      );
  });
}

function summarize(ds: readonly Decision[], bins: number, z: number): SideSummary {
  const values = ds.map((d) => d.value);
  const people = new Set(ds.map((d) => d.person));
  const m = mean(values);
  let se: number | null = null;
  if (people.size >= 2 && ds.length >= 2) {
    const fit = ols(
      values.map(() => [1]),
      values,
      { clusters: ds.map((d) => d.person) },
    );
    se = fit.se[0];
  }
  const counts = new Map<number, number>();
  for (const v of values) counts.set(binOf(v, bins), (counts.get(binOf(v, bins)) ?? 0) + 1);
  return {
    n_people: people.size,
    n_decisions: ds.length,
    mean: m,
    se,
    lower: se === null ? null : m - z * se,
    upper: se === null ? null : m + z * se,
    distribution: [...counts].sort((a, b) => a[0] - b[0]).map(([bin, c]) => ({ bin, share: c / ds.length })),
  };
}

const binned = (ds: readonly Decision[], bins: number) => ds.map((d) => binOf(d.value, bins));

/**
 * Simulated against human play of one game and role: the distributions of decisions (W1 on the
 * values, JSD on the binned values), means with person-clustered CIs, and the same by round or by
 * the partner's move where the data have them.
 */
export function compareGamePlay(
  human: readonly Decision[],
  sim: readonly Decision[],
  opts: CompareOptions = {},
): PlayComparison {
  const bins = opts.bins ?? 10;
  const alpha = opts.alpha ?? 0.05;
  const minGroup = opts.minGroup ?? 10;
  const labels = opts.labels ?? { human: "human", sim: "simulated" };
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new UserError(`bins must be a whole number ≥ 1, got ${bins}`);
  check(human, labels.human);
  check(sim, labels.sim);
  const z = normalQuantile(1 - alpha / 2);
  const h = summarize(human, bins, z);
  const s = summarize(sim, bins, z);
  const d = s.mean - h.mean;
  const se = h.se !== null && s.se !== null ? Math.sqrt(h.se ** 2 + s.se ** 2) : null;
  const groups: GroupComparison[] = [];
  if (opts.by) {
    const key = (x: Decision) =>
      opts.by === "round" ? x.round : x.partner === undefined ? undefined : binOf(x.partner, bins);
    for (const [side, ds] of [
      [labels.human, human],
      [labels.sim, sim],
    ] as const) {
      const missing = ds.findIndex((x) => key(x) === undefined);
      if (missing >= 0)
        throw new UserError(
          `${side}: decision ${missing + 1} has no ${opts.by}; every decision needs one to compare by ${opts.by}`,
        );
    }
    const split = (ds: readonly Decision[]) => {
      const m = new Map<number, Decision[]>();
      for (const x of ds) {
        const k = key(x)!;
        if (!m.has(k)) m.set(k, []);
        m.get(k)!.push(x);
      }
      return m;
    };
    const hg = split(human);
    const sg = split(sim);
    for (const g of [...new Set([...hg.keys(), ...sg.keys()])].sort((a, b) => a - b)) {
      const a = (hg.get(g)?.length ?? 0) >= minGroup ? summarize(hg.get(g)!, bins, z) : null;
      const b = (sg.get(g)?.length ?? 0) >= minGroup ? summarize(sg.get(g)!, bins, z) : null;
      groups.push({
        group: g,
        human: a,
        sim: b,
        w1:
          a && b
            ? wasserstein1(
                hg.get(g)!.map((x) => x.value),
                sg.get(g)!.map((x) => x.value),
              )
            : null,
        jsd: a && b ? jensenShannon(binned(hg.get(g)!, bins), binned(sg.get(g)!, bins)) : null,
      });
    }
  }
  return {
    alpha,
    bins,
    labels,
    human: h,
    sim: s,
    w1: wasserstein1(
      human.map((x) => x.value),
      sim.map((x) => x.value),
    ),
    jsd: jensenShannon(binned(human, bins), binned(sim, bins)),
    mean_difference: {
      estimate: d,
      se,
      lower: se === null ? null : d - z * se,
      upper: se === null ? null : d + z * se,
      p: se === null || se === 0 ? null : 2 * (1 - normalCdf(Math.abs(d / se))),
    },
    by: opts.by ?? null,
    min_group: minGroup,
    groups,
  };
}

/**
 * Decisions from a CSV: person_id, value (0–1) and optionally round and partner — what a run's
 * game results export and what other human data can be written as.
 */
export function readDecisions(path: string): Decision[] {
  const t = readCsv(path);
  const col = (n: string) => t.header.indexOf(n);
  const [p, v, r, q] = ["person_id", "value", "round", "partner"].map(col);
  if (p < 0 || v < 0)
    throw new UserError(`needs columns person_id and value (columns: ${t.header.join(", ")})`, {
      where: `${path}:1`,
    });
  return t.rows.map((row, i) => {
    const at = (c: number) => `${path}:${t.lines[i]}, column ${t.header[c]}`;
    const num = (c: number, optional: boolean) => {
      const s = row[c].trim();
      if (s === "" && optional) return undefined;
      const x = Number(s);
      if (s === "" || !Number.isFinite(x))
        throw new UserError(`"${row[c]}" is not a number`, { where: at(c) });
      return x;
    };
    const value = num(v, false)!;
    if (value < 0 || value > 1)
      throw new UserError(`value ${value} is not a share from 0 to 1`, { where: at(v) });
    if (row[p].trim() === "") throw new UserError("person_id is empty", { where: at(p) });
    return {
      person: row[p].trim(),
      value,
      round: r >= 0 ? num(r, true) : undefined,
      partner: q >= 0 ? num(q, true) : undefined,
    };
  });
}
