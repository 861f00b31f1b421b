import { readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { type ProbeResult, probeDiagnostics } from "../designs/index.ts";
import { normalCdf } from "../stats/index.ts";
import { type DemandCurve, demandCurve, type Purchase } from "./curve.ts";

/**
 * One answer of a design run in long form: the mode it ran under, the person, the arm and its
 * treatment value (the price), the item and a number (1/0 for a purchase, a share for an aggregate
 * prediction, the stated value for a probe item "probe.<name>").
 */
export interface DesignAnswer {
  mode: string;
  person: string;
  arm: string;
  treatment: number;
  item: string;
  value: number;
}

export interface ModeResult {
  mode: string;
  n_people: number;
  curve: DemandCurve;
  /** Null when the mode was not probed (the aggregate mode never is). */
  probe: ProbeResult | null;
}

export interface VersusHuman {
  mode: string;
  /** sim − human slope, z-test, independent samples. */
  slope_difference: { estimate: number; se: number; z: number; p: number };
  same_sign: boolean;
  /** Mean over the prices both have of |sim share − human share|. */
  mean_abs_share_difference: number | null;
}

export interface DemandStudy {
  alpha: number;
  outcome: string;
  modes: ModeResult[];
  human: DemandCurve | null;
  versus_human: VersusHuman[];
}

export const PROBE_ITEM_PREFIX = "probe.";

/**
 * Demand curves per design mode side by side, each mode's design diagnostics from its probe
 * items, and each curve against human purchases when given.
 */
export function demandStudy(
  answers: readonly DesignAnswer[],
  opts: { outcome?: string; human?: readonly Purchase[]; alpha?: number } = {},
): DemandStudy {
  const alpha = opts.alpha ?? 0.05;
  const outcome = opts.outcome ?? "buy";
  const modes = [...new Set(answers.map((a) => a.mode))];
  if (modes.length === 0) throw new UserError("no answers");
  const results = modes.map((mode): ModeResult => {
    const rows = answers.filter((a) => a.mode === mode);
    const purchases = rows.filter((a) => a.item === outcome);
    if (purchases.length === 0)
      throw new UserError(
        `mode ${mode}: no "${outcome}" answers (items: ${[...new Set(rows.map((r) => r.item))].join(", ")})`,
      );
    const probes = rows.filter((a) => a.item.startsWith(PROBE_ITEM_PREFIX));
    return {
      mode,
      n_people: new Set(rows.map((r) => r.person)).size,
      curve: demandCurve(
        purchases.map((a) => ({ price: a.treatment, bought: a.value, person: a.person })),
        { alpha },
      ),
      probe:
        probes.length > 0
          ? probeDiagnostics(
              probes.map((a) => ({
                variable: a.item.slice(PROBE_ITEM_PREFIX.length),
                arm: a.arm,
                treatment: a.treatment,
                value: a.value,
                person: a.person,
              })),
              { alpha },
            )
          : null,
    };
  });
  const human = opts.human && opts.human.length > 0 ? demandCurve(opts.human, { alpha }) : null;
  const versus_human = human
    ? results.map((r): VersusHuman => {
        const d = r.curve.slope.estimate - human.slope.estimate;
        const se = Math.sqrt(r.curve.slope.se ** 2 + human.slope.se ** 2);
        const z = se > 0 ? d / se : 0;
        const hp = new Map(human.points.map((p) => [p.price, p.share]));
        const diffs = r.curve.points
          .filter((p) => hp.has(p.price))
          .map((p) => Math.abs(p.share - hp.get(p.price)!));
        return {
          mode: r.mode,
          slope_difference: { estimate: d, se, z, p: 2 * (1 - normalCdf(Math.abs(z))) },
          same_sign: r.curve.sign === human.sign,
          mean_abs_share_difference:
            diffs.length > 0 ? diffs.reduce((a, b) => a + b, 0) / diffs.length : null,
        };
      })
    : [];
  return { alpha, outcome, modes: results, human, versus_human };
}

/** The long table from a CSV with columns mode, person_id, arm, treatment, item, value. */
export function readDesignAnswers(path: string): DesignAnswer[] {
  const t = readCsv(path);
  const names = ["mode", "person_id", "arm", "treatment", "item", "value"];
  const idx = names.map((c) => t.header.indexOf(c));
  const missing = names.filter((_, i) => idx[i] < 0);
  if (missing.length > 0)
    throw new UserError(
      `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (columns: ${t.header.join(", ")})`,
      {
        where: `${path}:1`,
      },
    );
  const [mi, pi, ai, ti, ii, vi] = idx;
  return t.rows.map((row, r) => {
    const at = (c: number) => `${path}:${t.lines[r]}, column ${t.header[c]}`;
    const num = (c: number) => {
      const x = Number(row[c]);
      if (row[c].trim() === "" || !Number.isFinite(x))
        throw new UserError(`"${row[c]}" is not a number`, { where: at(c) });
      return x;
    };
    for (const c of [mi, pi, ai, ii])
      if (row[c].trim() === "") throw new UserError("empty", { where: at(c) });
    return {
      mode: row[mi].trim(),
      person: row[pi].trim(),
      arm: row[ai].trim(),
      treatment: num(ti),
      item: row[ii].trim(),
      value: num(vi),
    };
  });
}
