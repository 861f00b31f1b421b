import { parseNumber, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import {
  logistic,
  normalCdf,
  normalQuantile,
  ols,
  pearson,
  type RobustType,
  tCdf,
  tQuantile,
} from "../stats/index.ts";

export interface RegressionSpec {
  outcome: string;
  /** Column names; a column with any non-numeric value becomes dummies (first level = reference). */
  predictors: string[];
  model: "ols" | "logistic";
  /** HC type (default HC1), as R's sandwich::vcovHC for lm and glm; "none": classical SEs. */
  robust?: RobustType;
  /** Predictors treated as categories even when their values are numbers. */
  factors?: string[];
  /** Logistic with a text outcome: the value counted as 1. */
  positive?: string;
}

/** A table of named rows with a name and a place per row, from a CSV file or memory. */
export interface RowSource {
  name: string;
  rows: Record<string, string | number | null | undefined>[];
  /** Where each row is, for messages (file:line); defaults to name[i]. */
  where?: string[];
}

export function readRows(path: string): RowSource {
  const t = readCsv(path);
  return {
    name: path,
    rows: t.rows.map((r) => Object.fromEntries(t.header.map((h, i) => [h, r[i]]))),
    where: t.lines.map((l) => `${path}:${l}`),
  };
}

/** Parse "y ~ a + b" into outcome and predictors. */
export function parseFormula(formula: string): { outcome: string; predictors: string[] } {
  const parts = formula.split("~");
  const outcome = parts[0]?.trim();
  const predictors = (parts[1] ?? "")
    .split("+")
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length !== 2 || !outcome || predictors.length === 0) {
    throw new UserError(`--formula must look like "outcome ~ x1 + x2", got "${formula}"`);
  }
  return { outcome, predictors };
}

interface Design {
  x: number[][];
  y: number[];
  names: string[];
  dropped: number;
  /** Where each row of x came from. */
  where: string[];
}

const text = (v: unknown) => (v === null || v === undefined ? "" : String(v).trim());

/**
 * Levels of each categorical predictor, from the reference (human) data, sorted. A column is
 * numeric when every non-missing value is a number, categorical when none is (or when named in
 * `factors`); a column mixing numbers and text is an error, since one stray text value (a typo,
 * "0x10", "n/a") would otherwise turn a number column into one dummy per distinct value.
 */
function factorLevels(src: RowSource, spec: RegressionSpec): Map<string, string[]> {
  const levels = new Map<string, string[]>();
  const forced = new Set(spec.factors ?? []);
  for (const f of forced) {
    if (!spec.predictors.includes(f)) {
      throw new UserError(`--factor ${f}: not a predictor of the formula (${spec.predictors.join(", ")})`);
    }
  }
  for (const p of spec.predictors) {
    const values = new Set<string>();
    let firstNumber: number | undefined;
    let firstText: number | undefined;
    src.rows.forEach((r, i) => {
      const v = text(r[p]);
      const x = parseNumber(v);
      if (x === null) return;
      values.add(v);
      if (x === undefined) firstText ??= i;
      else firstNumber ??= i;
    });
    if (forced.has(p) || firstNumber === undefined) {
      levels.set(p, [...values].sort());
    } else if (firstText !== undefined) {
      const at = (i: number) => src.where?.[i] ?? `${src.name}[${i}]`;
      throw new UserError(
        `column ${p} mixes numbers (e.g. "${text(src.rows[firstNumber][p])}" at ${at(firstNumber)}) and text ` +
          `("${text(src.rows[firstText][p])}"): a numeric column holds numbers and the missing-value markers ` +
          `NA, NaN, "." or empty; to treat ${p} as categories give --factor ${p}`,
        { where: `${at(firstText)}, column ${p}` },
      );
    }
  }
  return levels;
}

function design(src: RowSource, spec: RegressionSpec, levels: Map<string, string[]>): Design {
  const names = ["(Intercept)"];
  for (const p of spec.predictors) {
    const lv = levels.get(p);
    if (lv) for (const l of lv.slice(1)) names.push(`${p}=${l}`);
    else names.push(p);
  }
  const x: number[][] = [];
  const y: number[] = [];
  const rowsWhere: string[] = [];
  let dropped = 0;
  src.rows.forEach((r, i) => {
    const where = src.where?.[i] ?? `${src.name}[${i}]`;
    for (const c of [spec.outcome, ...spec.predictors]) {
      if (!(c in r))
        throw new UserError(`no column "${c}"`, { where: src.where ? `${src.name}:1` : src.name });
    }
    const values = [spec.outcome, ...spec.predictors].map((c) => text(r[c]));
    // Complete cases only, as in R's lm/glm default; missing is empty, NA, NaN or ".".
    const missing = (v: string, j: number) =>
      j === 0 && spec.positive !== undefined ? v === "" : parseNumber(v) === null;
    if (values.some(missing)) {
      dropped++;
      return;
    }
    let yi: number;
    if (spec.positive !== undefined) yi = values[0] === spec.positive ? 1 : 0;
    else {
      const parsed = parseNumber(values[0]);
      if (parsed === undefined || parsed === null) {
        throw new UserError(`outcome "${values[0]}" is not a number`, {
          where: `${where}, column ${spec.outcome}`,
        });
      }
      yi = parsed;
    }
    const row = [1];
    spec.predictors.forEach((p, j) => {
      const v = values[j + 1];
      const lv = levels.get(p);
      if (lv) {
        if (!lv.includes(v)) {
          throw new UserError(
            `level "${v}" of ${p} does not occur in the human data (levels: ${lv.join(", ")})`,
            {
              where: `${where}, column ${p}`,
            },
          );
        }
        for (const l of lv.slice(1)) row.push(v === l ? 1 : 0);
      } else {
        const num = parseNumber(v);
        if (num === undefined || num === null) {
          throw new UserError(`"${v}" is not a number`, { where: `${where}, column ${p}` });
        }
        row.push(num);
      }
    });
    x.push(row);
    y.push(yi);
    rowsWhere.push(where);
  });
  return { x, y, names, dropped, where: rowsWhere };
}

/** A coefficient; null where it is undefined (a separated term, HC3 with a leverage-1 row). */
export interface CoefEstimate {
  coef: number | null;
  se: number | null;
  lower: number | null;
  upper: number | null;
  p: number | null;
  /** Separation: the coefficient runs off to +∞ (1) or −∞ (−1); coef and se are null. */
  direction?: 1 | -1;
}

export interface CoefComparison {
  term: string;
  human: CoefEstimate;
  sim: CoefEstimate;
  /** null when a side has no estimate (or no direction). */
  sign_agree: boolean | null;
  significance_agree: boolean | null;
  /** sim / human coefficient. */
  ratio: number | null;
  ci_overlap: boolean | null;
  /** (sim − human) / √(se_h² + se_s²): a z-test of equal coefficients, samples independent. */
  z_difference: number | null;
  p_difference: number | null;
}

export interface RegressionResult {
  model: "ols" | "logistic";
  robust: RobustType;
  outcome: string;
  alpha: number;
  labels: { human: string; sim: string };
  n: { human: number; sim: number };
  dropped: { human: number; sim: number };
  converged?: { human: boolean; sim: boolean };
  /** Logistic: terms whose coefficients are infinite because of (quasi-)separation, per side. */
  separation?: { human: string[]; sim: string[] };
  /** Plain-language warnings to show with the numbers (separation, undefined HC3). */
  warnings: string[];
  coefficients: CoefComparison[];
  summary: {
    /** Over the non-intercept terms. */
    sign_agreement: number | null;
    significance_agreement: number | null;
    ci_overlap: number | null;
    r_coefficients: number | null;
  };
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function estimates(
  coef: readonly number[],
  se: readonly number[],
  quantile: number,
  pValue: (z: number) => number,
  directions: Map<number, 1 | -1>,
): CoefEstimate[] {
  return coef.map((c, j) => {
    const direction = directions.get(j);
    if (direction !== undefined)
      return { coef: null, se: null, lower: null, upper: null, p: null, direction };
    const s = finite(se[j]);
    return {
      coef: finite(c),
      se: s,
      lower: s === null ? null : c - quantile * s,
      upper: s === null ? null : c + quantile * s,
      p: s === null || s === 0 ? null : pValue(Math.abs(c / s)),
    };
  });
}

function fit(d: Design, spec: RegressionSpec, robust: RobustType, alpha: number, label: string) {
  if (d.y.length <= d.names.length) {
    throw new UserError(`${label}: ${d.y.length} complete rows cannot fit ${d.names.length} coefficients`);
  }
  const warnings: string[] = [];
  const leverageWarning = (rows: number[]) => {
    if (rows.length === 0) return;
    warnings.push(
      `${label}: HC3 standard errors are undefined: ${rows.length === 1 ? "the row at" : "rows at"} ` +
        `${rows
          .slice(0, 3)
          .map((i) => d.where[i])
          .join(", ")}${rows.length > 3 ? ", …" : ""} ${rows.length === 1 ? "has" : "have"} leverage 1 ` +
        "(fitted exactly, e.g. the only row of a category); R's sandwich gives NaN. Use HC0 or HC1, or drop the row.",
    );
  };
  if (spec.model === "ols") {
    const f = ols(d.x, d.y, { robust, names: d.names });
    leverageWarning(f.leverageOne);
    const q = tQuantile(1 - alpha / 2, f.df);
    return {
      converged: true,
      separated: [] as string[],
      warnings,
      coefs: estimates(f.coef, f.se, q, (t) => 2 * (1 - tCdf(t, f.df)), new Map()),
    };
  }
  if (d.y.some((v) => v !== 0 && v !== 1)) {
    throw new UserError(`${label}: a logistic outcome must be 0/1 (or use --positive VALUE)`);
  }
  const f = logistic(d.x, d.y, { variance: robust === "none" ? "model" : robust, names: d.names });
  leverageWarning(f.leverageOne);
  const separated = f.separated.map((s) => d.names[s.term]);
  if (separated.length > 0) {
    warnings.push(
      `${label}: perfect or quasi-complete separation: ${separated.join(", ")} ` +
        `${separated.length === 1 ? "has" : "have"} no finite estimate (some rows are predicted with certainty); ` +
        "the other terms are estimated on the rows that are not.",
    );
  }
  const q = normalQuantile(1 - alpha / 2);
  return {
    converged: f.converged,
    separated,
    warnings,
    coefs: estimates(
      f.coef,
      f.se,
      q,
      (z) => 2 * (1 - normalCdf(z)),
      new Map(f.separated.map((s) => [s.term, s.direction])),
    ),
  };
}

/**
 * Regression recovery (DESIGN §6): fit the same model to human and simulated rows and compare
 * each coefficient — sign, ratio, interval overlap and a z-test of the difference.
 */
export function compareRegressions(
  human: RowSource,
  sim: RowSource,
  spec: RegressionSpec,
  opts: { alpha?: number; labels?: { human: string; sim: string } } = {},
): RegressionResult {
  const alpha = opts.alpha ?? 0.05;
  const robust = spec.robust ?? "HC1";
  const labels = opts.labels ?? { human: "human", sim: "simulated" };
  const levels = factorLevels(human, spec);
  const dh = design(human, spec, levels);
  const ds = design(sim, spec, levels);
  const fh = fit(dh, spec, robust, alpha, labels.human);
  const fs = fit(ds, spec, robust, alpha, labels.sim);
  const coefficients = dh.names.map((term, j): CoefComparison => {
    const h = fh.coefs[j];
    const s = fs.coefs[j];
    // A separated term has a sign (its direction) but no estimate or interval.
    const sign = (e: CoefEstimate) => e.direction ?? (e.coef === null ? null : Math.sign(e.coef));
    const sh = sign(h);
    const ss = sign(s);
    const sigH = h.direction !== undefined ? null : h.p === null ? null : h.p < alpha;
    const sigS = s.direction !== undefined ? null : s.p === null ? null : s.p < alpha;
    const bothSe = h.se !== null && s.se !== null && h.coef !== null && s.coef !== null;
    const z = bothSe ? (s.coef! - h.coef!) / Math.sqrt(h.se! ** 2 + s.se! ** 2) : null;
    return {
      term,
      human: h,
      sim: s,
      sign_agree: sh === null || ss === null ? null : sh === ss,
      significance_agree:
        sigH === null || sigS === null ? null : (sigH && sigS && sh === ss) || (!sigH && !sigS),
      ratio: h.coef !== null && s.coef !== null && h.coef !== 0 ? s.coef / h.coef : null,
      ci_overlap: bothSe ? h.lower! <= s.upper! && s.lower! <= h.upper! : null,
      z_difference: z === null ? null : finite(z),
      p_difference: z === null || !Number.isFinite(z) ? null : 2 * (1 - normalCdf(Math.abs(z))),
    };
  });
  const slopes = coefficients.slice(1);
  const share = (f: (c: CoefComparison) => boolean | null) => {
    const known = slopes.filter((c) => f(c) !== null);
    return known.length > 0 ? known.filter((c) => f(c) === true).length / known.length : null;
  };
  const estimated = slopes.filter((c) => c.human.coef !== null && c.sim.coef !== null);
  const r =
    estimated.length >= 3
      ? pearson(
          estimated.map((c) => c.human.coef!),
          estimated.map((c) => c.sim.coef!),
        )
      : Number.NaN;
  const result: RegressionResult = {
    model: spec.model,
    robust,
    outcome: spec.outcome,
    alpha,
    labels,
    n: { human: dh.y.length, sim: ds.y.length },
    dropped: { human: dh.dropped, sim: ds.dropped },
    warnings: [...fh.warnings, ...fs.warnings],
    coefficients,
    summary: {
      sign_agreement: share((c) => c.sign_agree),
      significance_agreement: share((c) => c.significance_agree),
      ci_overlap: share((c) => c.ci_overlap),
      r_coefficients: Number.isFinite(r) ? r : null,
    },
  };
  if (spec.model === "logistic") {
    result.converged = { human: fh.converged, sim: fs.converged };
    result.separation = { human: fh.separated, sim: fs.separated };
  }
  return result;
}
