import { parseNumber, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { normalCdf, normalQuantile, pearson } from "../stats/index.ts";
import { type Effect, type Estimate, estimateEffect, isBinary } from "./estimate.ts";
import { type SubgroupEffects, subgroupEffects } from "./subgroups.ts";

/** One person's outcome in one arm of one study. */
export interface ArmOutcome {
  study: string;
  arm: "treated" | "control";
  outcome: number;
  /** Where the row came from, for error messages. */
  where?: string;
  /** The person's weight (weighted effects); every row of a side has one or none has. */
  weight?: number;
  /** The person's subgroup (effects --by). */
  group?: string;
}

export interface EffectColumns {
  outcome: string;
  arm: string;
  treated: string;
  control: string;
  /** Column naming the study; without it the whole file is one study. */
  study?: string;
  /** Outcome value counted as 1 (others 0), for outcomes written as text such as "Yes". */
  positive?: string;
  /** Column holding each row's subgroup (effects --by). */
  by?: string;
  /** Column holding each row's weight. */
  weight?: string;
}

/**
 * Read a long CSV of outcomes (one row per person and study). Rows whose arm is neither the
 * treated nor the control value are ignored (other arms of a multi-arm study); empty or missing
 * outcomes (NA, NaN, ".") are skipped; an outcome that is not a number is an error naming file
 * and line. `weightOf` gives a row's weight from elsewhere (a weights file), by its row.
 */
export function readArmOutcomes(
  path: string,
  cols: EffectColumns,
  weightOf?: (row: Record<string, string>, where: string) => number | undefined,
): ArmOutcome[] {
  const table = readCsv(path);
  const index = (name: string, flag: string) => {
    const i = table.header.indexOf(name);
    if (i < 0) {
      throw new UserError(`${flag} ${name}: no such column (columns: ${table.header.join(", ")})`, {
        where: `${path}:1`,
      });
    }
    return i;
  };
  const yi = index(cols.outcome, "--outcome");
  const ai = index(cols.arm, "--arm");
  const si = cols.study !== undefined ? index(cols.study, "--study") : -1;
  const bi = cols.by !== undefined ? index(cols.by, "--by") : -1;
  const wi = cols.weight !== undefined ? index(cols.weight, "--weight-column") : -1;
  const out: ArmOutcome[] = [];
  table.rows.forEach((row, r) => {
    const where = `${path}:${table.lines[r]}`;
    const armValue = row[ai].trim();
    const arm = armValue === cols.treated ? "treated" : armValue === cols.control ? "control" : undefined;
    if (!arm) return;
    const text = row[yi].trim();
    if (text === "") return;
    let outcome: number;
    if (cols.positive !== undefined) outcome = text === cols.positive ? 1 : 0;
    else {
      const parsed = parseNumber(text);
      // NA, NaN and "." are missing, like an empty cell.
      if (parsed === null) return;
      if (parsed === undefined) {
        throw new UserError(`outcome "${text}" is not a number (use --positive VALUE for text outcomes)`, {
          where: `${where}, column ${cols.outcome}`,
        });
      }
      outcome = parsed;
    }
    const study = si >= 0 ? row[si].trim() : "all";
    if (study === "") throw new UserError("empty study name", { where: `${where}, column ${cols.study}` });
    const o: ArmOutcome = { study, arm, outcome, where };
    if (bi >= 0) {
      const g = row[bi].trim();
      if (g !== "") o.group = g;
    }
    if (wi >= 0) o.weight = weightCell(row[wi], `${where}, column ${cols.weight}`);
    else if (weightOf) {
      const w = weightOf(Object.fromEntries(table.header.map((h, j) => [h, row[j]])), where);
      if (w !== undefined) o.weight = w;
    }
    out.push(o);
  });
  return out;
}

/** A weight cell: a finite number ≥ 0. */
export function weightCell(text: string, where: string): number {
  const w = parseNumber(text);
  if (w === null || w === undefined || w < 0) {
    throw new UserError(`weight "${text.trim()}" is not a number ≥ 0`, { where });
  }
  return w;
}

export interface StudyComparison {
  study: string;
  human: Effect;
  sim: Effect | null;
  /** Same sign of d (the common-scale effect). */
  sign_agree: boolean | null;
  /** Both significant in the same direction, or both not significant, at alpha. */
  significance_agree: boolean | null;
  /** sim d − human d, with a z-test treating the samples as independent. */
  d_difference: Estimate | null;
  /** effects --by: the effect per subgroup, the interaction tests and their agreement. */
  subgroups?: SubgroupEffects;
}

export interface EffectsResult {
  alpha: number;
  labels: { human: string; sim: string };
  /** "d": Cohen's d, or for 0/1 outcomes log OR × √3/π; "cohens_d": Cohen's d for every outcome. */
  scale: "d" | "cohens_d";
  /** Which sides were weighted. */
  weighted: { human: boolean; sim: boolean };
  /** The subgroup column (effects --by), when given. */
  by?: string;
  studies: StudyComparison[];
  summary: {
    n_studies: number;
    n_compared: number;
    sign_agreement: number | null;
    significance_agreement: number | null;
    /** Pearson r of d across studies (needs 3 or more compared studies). */
    r_effect_sizes: number | null;
    mean_abs_d_difference: number | null;
    /** effects --by: over every subgroup compared in every study. */
    subgroup_sign_agreement?: number | null;
    subgroup_significance_agreement?: number | null;
    /** Share of studies whose interaction tests agree (both significant or both not). */
    interaction_agreement?: number | null;
  };
}

export interface Arms {
  treated: number[];
  control: number[];
  weights?: { treated: number[]; control: number[] };
  where?: string;
}

/** Outcomes of each study (or of each subgroup) split by arm, with their weights when weighted. */
export function byArm(rows: readonly ArmOutcome[], key: (r: ArmOutcome) => string | undefined) {
  const out = new Map<string, Arms>();
  for (const r of rows) {
    const k = key(r);
    if (k === undefined) continue;
    let s = out.get(k);
    if (!s) {
      s = { treated: [], control: [], where: r.where };
      if (r.weight !== undefined) s.weights = { treated: [], control: [] };
      out.set(k, s);
    }
    s[r.arm].push(r.outcome);
    if (s.weights) s.weights[r.arm].push(r.weight ?? Number.NaN);
  }
  return out;
}

const significant = (e: Estimate, alpha: number) => e.p !== null && e.p < alpha;

/** Sign and significance agreement of two d estimates, and the z-test of their difference. */
export function agreement(hd: Estimate, sd: Estimate, alpha: number) {
  const both = hd.estimate !== null && sd.estimate !== null;
  const sigH = significant(hd, alpha);
  const sigS = significant(sd, alpha);
  let d_difference: Estimate | null = null;
  if (both && hd.se !== null && sd.se !== null) {
    const diff = sd.estimate! - hd.estimate!;
    const sed = Math.sqrt(hd.se ** 2 + sd.se ** 2);
    const q = normalQuantile(1 - alpha / 2);
    d_difference = {
      estimate: diff,
      se: sed,
      lower: diff - q * sed,
      upper: diff + q * sed,
      p: 2 * (1 - normalCdf(Math.abs(diff / sed))),
    };
  }
  return {
    sign_agree: both ? Math.sign(hd.estimate!) === Math.sign(sd.estimate!) : null,
    significance_agree: both
      ? (sigH && sigS && Math.sign(hd.estimate!) === Math.sign(sd.estimate!)) || (!sigH && !sigS)
      : null,
    d_difference,
  };
}

function checkWeights(rows: readonly ArmOutcome[], label: string): boolean {
  const weighted = rows.filter((r) => r.weight !== undefined);
  if (weighted.length === 0) return false;
  const missing = rows.find((r) => r.weight === undefined);
  if (missing) {
    throw new UserError(
      `${label}: ${rows.length - weighted.length} of ${rows.length} rows have no weight (a weighted ` +
        "analysis needs a weight for every row)",
      { where: missing.where },
    );
  }
  return true;
}

/**
 * Treatment effects in human and simulated data side by side, per study, with sign and
 * significance agreement and, across studies, the correlation of effect sizes (Park et al.
 * 2024 report r = 0.98 for their agents). Effects are compared on one scale: when one side's
 * outcomes are 0/1 and the other's are not, a log-odds d would be set against a Cohen's d, so
 * that is refused unless `continuous` asks for Cohen's d on both sides.
 */
export function compareEffects(
  human: readonly ArmOutcome[],
  sim: readonly ArmOutcome[],
  opts: {
    alpha?: number;
    binary?: boolean;
    /** Cohen's d for every outcome, 0/1 ones included (no log odds ratio). */
    continuous?: boolean;
    labels?: { human: string; sim: string };
    /** The subgroup column's name, for output; rows carry their group. */
    by?: string;
  } = {},
): EffectsResult {
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`--alpha must be in (0, 1), got ${alpha}`);
  if (opts.continuous && opts.binary) throw new UserError("--continuous and --binary exclude each other");
  const labels = opts.labels ?? { human: "human", sim: "simulated" };
  const weighted = { human: checkWeights(human, labels.human), sim: checkWeights(sim, labels.sim) };
  const hs = byArm(human, (r) => r.study);
  if (hs.size === 0) throw new UserError(`no ${labels.human} outcomes in the treated or control arm`);
  const ss = byArm(sim, (r) => r.study);
  const binaryOf = (study: string, h: Arms, s: Arms | undefined): boolean | undefined => {
    if (opts.continuous) return false;
    if (opts.binary !== undefined || !s) return opts.binary;
    const hb = isBinary(h.treated) && isBinary(h.control);
    const sb = isBinary(s.treated) && isBinary(s.control);
    if (hb !== sb) {
      const [yes, no] = hb ? [labels.human, labels.sim] : [labels.sim, labels.human];
      const other = hb ? s : h;
      const example = [...other.treated, ...other.control].find((x) => x !== 0 && x !== 1);
      throw new UserError(
        `study "${study}": the ${yes} outcomes are all 0/1 but the ${no} ones are not (e.g. ${example}), so ` +
          "one side's effect would be a log odds ratio and the other's a Cohen's d. Give --continuous to " +
          "compare Cohen's d on both sides (0/1 treated as numbers), or make both sides 0/1 (--positive VALUE)",
        { where: other.where },
      );
    }
    return undefined;
  };
  const effect = (a: Arms, binary: boolean | undefined, label: string, study: string) =>
    estimateEffect(a.treated, a.control, {
      alpha,
      binary,
      weights: a.weights,
      where: `${label} study "${study}"`,
    });
  const studies: StudyComparison[] = [];
  for (const [study, h] of hs) {
    const s = ss.get(study);
    const binary = binaryOf(study, h, s);
    const he = effect(h, binary, labels.human, study);
    if (!s) {
      studies.push({
        study,
        human: he,
        sim: null,
        sign_agree: null,
        significance_agree: null,
        d_difference: null,
      });
      continue;
    }
    const se = effect(s, binary ?? he.binary, labels.sim, study);
    const comparison: StudyComparison = { study, human: he, sim: se, ...agreement(he.d, se.d, alpha) };
    if (opts.by !== undefined) {
      comparison.subgroups = subgroupEffects(
        human.filter((r) => r.study === study),
        sim.filter((r) => r.study === study),
        { alpha, binary: he.binary, labels, by: opts.by },
      );
    }
    studies.push(comparison);
  }
  const compared = studies.filter((c) => c.sign_agree !== null);
  const share = (cs: readonly { value: boolean | null }[]) => {
    const known = cs.filter((c) => c.value !== null);
    return known.length > 0 ? known.filter((c) => c.value === true).length / known.length : null;
  };
  const hd = compared.map((c) => c.human.d.estimate!);
  const sd = compared.map((c) => c.sim!.d.estimate!);
  const r = compared.length >= 3 ? pearson(hd, sd) : Number.NaN;
  const result: EffectsResult = {
    alpha,
    labels,
    scale: opts.continuous ? "cohens_d" : "d",
    weighted,
    ...(opts.by !== undefined ? { by: opts.by } : {}),
    studies,
    summary: {
      n_studies: studies.length,
      n_compared: compared.length,
      sign_agreement: share(compared.map((c) => ({ value: c.sign_agree }))),
      significance_agreement: share(compared.map((c) => ({ value: c.significance_agree }))),
      r_effect_sizes: Number.isFinite(r) ? r : null,
      mean_abs_d_difference:
        compared.length > 0 ? hd.reduce((a, x, i) => a + Math.abs(sd[i] - x), 0) / compared.length : null,
    },
  };
  if (opts.by !== undefined) {
    const groups = studies.flatMap((s) => s.subgroups?.groups ?? []);
    result.summary.subgroup_sign_agreement = share(groups.map((g) => ({ value: g.sign_agree })));
    result.summary.subgroup_significance_agreement = share(
      groups.map((g) => ({ value: g.significance_agree })),
    );
    result.summary.interaction_agreement = share(
      studies.map((s) => ({ value: s.subgroups?.interaction_agree ?? null })),
    );
  }
  return result;
}
