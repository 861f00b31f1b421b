import { readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { normalCdf, normalQuantile, pearson } from "../stats/index.ts";
import { type Effect, type Estimate, estimateEffect } from "./estimate.ts";

/** One person's outcome in one arm of one study. */
export interface ArmOutcome {
  study: string;
  arm: "treated" | "control";
  outcome: number;
  /** Where the row came from, for error messages. */
  where?: string;
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
}

/**
 * Read a long CSV of outcomes (one row per person and study). Rows whose arm is neither the
 * treated nor the control value are ignored (other arms of a multi-arm study); empty outcomes
 * are skipped; an outcome that is not a number is an error naming file and line.
 */
export function readArmOutcomes(path: string, cols: EffectColumns): ArmOutcome[] {
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
      outcome = Number(text);
      if (!Number.isFinite(outcome)) {
        throw new UserError(`outcome "${text}" is not a number (use --positive VALUE for text outcomes)`, {
          where: `${where}, column ${cols.outcome}`,
        });
      }
    }
    const study = si >= 0 ? row[si].trim() : "all";
    if (study === "") throw new UserError("empty study name", { where: `${where}, column ${cols.study}` });
    out.push({ study, arm, outcome, where });
  });
  return out;
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
}

export interface EffectsResult {
  alpha: number;
  labels: { human: string; sim: string };
  studies: StudyComparison[];
  summary: {
    n_studies: number;
    n_compared: number;
    sign_agreement: number | null;
    significance_agreement: number | null;
    /** Pearson r of d across studies (needs 3 or more compared studies). */
    r_effect_sizes: number | null;
    mean_abs_d_difference: number | null;
  };
}

function byStudy(
  rows: readonly ArmOutcome[],
): Map<string, { treated: number[]; control: number[]; where?: string }> {
  const out = new Map<string, { treated: number[]; control: number[]; where?: string }>();
  for (const r of rows) {
    let s = out.get(r.study);
    if (!s) {
      s = { treated: [], control: [], where: r.where };
      out.set(r.study, s);
    }
    s[r.arm].push(r.outcome);
  }
  return out;
}

function effectsOf(rows: readonly ArmOutcome[], alpha: number, binary: boolean | undefined, label: string) {
  const out = new Map<string, Effect>();
  for (const [study, s] of byStudy(rows)) {
    out.set(
      study,
      estimateEffect(s.treated, s.control, { alpha, binary, where: `${label} study "${study}"` }),
    );
  }
  return out;
}

const significant = (e: Estimate, alpha: number) => e.p !== null && e.p < alpha;

/**
 * Treatment effects in human and simulated data side by side, per study, with sign and
 * significance agreement and, across studies, the correlation of effect sizes (Park et al.
 * 2024 report r = 0.98 for their agents).
 */
export function compareEffects(
  human: readonly ArmOutcome[],
  sim: readonly ArmOutcome[],
  opts: { alpha?: number; binary?: boolean; labels?: { human: string; sim: string } } = {},
): EffectsResult {
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`--alpha must be in (0, 1), got ${alpha}`);
  const labels = opts.labels ?? { human: "human", sim: "simulated" };
  const h = effectsOf(human, alpha, opts.binary, labels.human);
  if (h.size === 0) throw new UserError(`no ${labels.human} outcomes in the treated or control arm`);
  const s = effectsOf(sim, alpha, opts.binary, labels.sim);
  const studies: StudyComparison[] = [];
  for (const [study, he] of h) {
    const se = s.get(study) ?? null;
    if (!se) {
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
    const hd = he.d;
    const sd = se.d;
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
    studies.push({
      study,
      human: he,
      sim: se,
      sign_agree: both ? Math.sign(hd.estimate!) === Math.sign(sd.estimate!) : null,
      significance_agree: both
        ? (sigH && sigS && Math.sign(hd.estimate!) === Math.sign(sd.estimate!)) || (!sigH && !sigS)
        : null,
      d_difference,
    });
  }
  const compared = studies.filter((c) => c.sign_agree !== null);
  const share = (f: (c: StudyComparison) => boolean | null) =>
    compared.length > 0 ? compared.filter((c) => f(c) === true).length / compared.length : null;
  const hd = compared.map((c) => c.human.d.estimate!);
  const sd = compared.map((c) => c.sim!.d.estimate!);
  const r = compared.length >= 3 ? pearson(hd, sd) : Number.NaN;
  return {
    alpha,
    labels,
    studies,
    summary: {
      n_studies: studies.length,
      n_compared: compared.length,
      sign_agreement: share((c) => c.sign_agree),
      significance_agreement: share((c) => c.significance_agree),
      r_effect_sizes: Number.isFinite(r) ? r : null,
      mean_abs_d_difference:
        compared.length > 0 ? hd.reduce((a, x, i) => a + Math.abs(sd[i] - x), 0) / compared.length : null,
    },
  };
}
