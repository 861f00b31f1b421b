import { UserError } from "../../errors/index.ts";
import type { RowSource } from "../regression/index.ts";
import { normalQuantile, ols } from "../stats/index.ts";

export interface AmceSpec {
  /** Column of the choice (0/1) or rating of each profile. */
  outcome: string;
  /** Column naming the person who saw the profile: the standard errors are clustered on it. */
  respondent: string;
  /** Attribute columns, each a factor of text levels. */
  attributes: string[];
  /** Attribute → baseline level; default the first level in code-point order. */
  baselines?: Record<string, string>;
  /** 1 − the confidence level of the intervals. Default 0.05. */
  alpha?: number;
}

export interface AmceTerm {
  attribute: string;
  level: string;
  estimate: number;
  se: number;
  lower: number;
  upper: number;
}

export interface AmceResult {
  terms: AmceTerm[];
  n_respondents: number;
  n_profiles: number;
}

/** The result with what a report needs besides the JSON contract: each attribute's levels and baseline. */
export interface AmceEstimate extends AmceResult {
  alpha: number;
  attributes: { name: string; baseline: string; levels: string[] }[];
}

const text = (v: unknown) => (v === null || v === undefined ? "" : String(v).trim());

/**
 * Average marginal component effects (Hainmueller, Hopkins & Yamamoto 2014): OLS of the outcome
 * on an intercept and a dummy for every non-baseline level of every attribute, one row per
 * profile, with CR1 standard errors clustered by respondent and normal (1 − alpha) intervals,
 * as the cjoint package reports them. With uniform, unrestricted randomization each coefficient
 * is the AMCE of its level against the baseline; where restrictions make attributes dependent,
 * the estimate of the restricted attributes is the one without their interaction terms.
 */
export function estimateAmce(src: RowSource, spec: AmceSpec): AmceEstimate {
  const alpha = spec.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`alpha must be in (0, 1), got ${alpha}`);
  if (spec.attributes.length === 0) throw new UserError("name at least one attribute");
  const dup = spec.attributes.find((a, i) => spec.attributes.indexOf(a) !== i);
  if (dup !== undefined) throw new UserError(`attribute "${dup}" is listed twice`);
  const header = src.rows.length > 0 ? Object.keys(src.rows[0]) : [];
  const fileWhere = src.where ? `${src.name}:1` : src.name;
  if (src.rows.length === 0) throw new UserError("no profiles (the table has no rows)", { where: src.name });
  for (const [c, role] of [
    [spec.outcome, "outcome"],
    [spec.respondent, "respondent"],
    ...spec.attributes.map((a) => [a, "attribute"]),
  ] as const) {
    if (!header.includes(c))
      throw new UserError(`no ${role} column "${c}" (columns: ${header.join(", ")})`, { where: fileWhere });
  }
  for (const a of Object.keys(spec.baselines ?? {})) {
    if (!spec.attributes.includes(a))
      throw new UserError(
        `baseline for "${a}", which is not one of the attributes (${spec.attributes.join(", ")})`,
      );
  }
  const at = (i: number, column: string) => `${src.where?.[i] ?? `${src.name}[${i}]`}, column ${column}`;
  const y: number[] = [];
  const clusters: string[] = [];
  const values: string[][] = [];
  src.rows.forEach((r, i) => {
    const out = text(r[spec.outcome]);
    const yi = Number(out);
    if (out === "" || !Number.isFinite(yi))
      throw new UserError(`outcome ${out === "" ? "is empty" : `"${out}" is not a number`}`, {
        where: at(i, spec.outcome),
      });
    const who = text(r[spec.respondent]);
    if (who === "") throw new UserError("respondent is empty", { where: at(i, spec.respondent) });
    const levels = spec.attributes.map((a) => {
      const v = text(r[a]);
      if (v === "") throw new UserError("level is empty", { where: at(i, a) });
      return v;
    });
    y.push(yi);
    clusters.push(who);
    values.push(levels);
  });
  const attributes = spec.attributes.map((name, j) => {
    const levels = [...new Set(values.map((v) => v[j]))].sort();
    if (levels.length < 2)
      throw new UserError(
        `attribute "${name}" has a single level ("${levels[0]}"); it has no effect to estimate`,
      );
    const given = spec.baselines?.[name];
    if (given !== undefined && !levels.includes(given))
      throw new UserError(`baseline "${given}" is not a level of "${name}" (levels: ${levels.join(", ")})`);
    return { name, baseline: given ?? levels[0], levels };
  });
  const terms: { attribute: string; level: string }[] = [];
  const column = new Map<string, number>();
  attributes.forEach((a, j) => {
    for (const l of a.levels) {
      if (l === a.baseline) continue;
      column.set(`${j}\u0000${l}`, terms.length + 1);
      terms.push({ attribute: a.name, level: l });
    }
  });
  const p = terms.length + 1;
  const x = values.map((levels) => {
    const row = new Array<number>(p).fill(0);
    row[0] = 1;
    levels.forEach((l, j) => {
      const c = column.get(`${j}\u0000${l}`);
      if (c !== undefined) row[c] = 1;
    });
    return row;
  });
  const names = ["(Intercept)", ...terms.map((t) => `${t.attribute}: ${t.level}`)];
  const fit = ols(x, y, { names, clusters });
  const z = normalQuantile(1 - alpha / 2);
  return {
    terms: terms.map((t, k) => {
      const estimate = fit.coef[k + 1];
      const se = fit.se[k + 1];
      return { ...t, estimate, se, lower: estimate - z * se, upper: estimate + z * se };
    }),
    n_respondents: fit.clusters ?? 0,
    n_profiles: y.length,
    alpha,
    attributes,
  };
}

/** The JSON contract of `populace amce`: terms, n_respondents, n_profiles. */
export function amceJson(res: AmceResult): AmceResult {
  return { terms: res.terms, n_respondents: res.n_respondents, n_profiles: res.n_profiles };
}
