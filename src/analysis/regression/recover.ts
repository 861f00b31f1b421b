import { readCsv } from "../../data/index.ts";
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
  /** OLS: HC type (default HC1); logistic: any value other than "none" gives sandwich SEs. */
  robust?: RobustType;
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
}

const text = (v: unknown) => (v === null || v === undefined ? "" : String(v).trim());

/** Levels of each categorical predictor, from the reference (human) data, sorted. */
function factorLevels(src: RowSource, spec: RegressionSpec): Map<string, string[]> {
  const levels = new Map<string, string[]>();
  for (const p of spec.predictors) {
    const values = new Set<string>();
    let numeric = true;
    for (const r of src.rows) {
      const v = text(r[p]);
      if (v === "") continue;
      values.add(v);
      if (!Number.isFinite(Number(v))) numeric = false;
    }
    if (!numeric) levels.set(p, [...values].sort());
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
  let dropped = 0;
  src.rows.forEach((r, i) => {
    const where = src.where?.[i] ?? `${src.name}[${i}]`;
    for (const c of [spec.outcome, ...spec.predictors]) {
      if (!(c in r))
        throw new UserError(`no column "${c}"`, { where: src.where ? `${src.name}:1` : src.name });
    }
    const values = [spec.outcome, ...spec.predictors].map((c) => text(r[c]));
    // Complete cases only, as in R's lm/glm default.
    if (values.some((v) => v === "")) {
      dropped++;
      return;
    }
    let yi: number;
    if (spec.positive !== undefined) yi = values[0] === spec.positive ? 1 : 0;
    else {
      yi = Number(values[0]);
      if (!Number.isFinite(yi)) {
        throw new UserError(`outcome "${values[0]}" is not a number`, {
          where: `${where}, column ${spec.outcome}`,
        });
      }
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
        const num = Number(v);
        if (!Number.isFinite(num)) {
          throw new UserError(`"${v}" is not a number`, { where: `${where}, column ${p}` });
        }
        row.push(num);
      }
    });
    x.push(row);
    y.push(yi);
  });
  return { x, y, names, dropped };
}

export interface CoefEstimate {
  coef: number;
  se: number;
  lower: number;
  upper: number;
  p: number;
}

export interface CoefComparison {
  term: string;
  human: CoefEstimate;
  sim: CoefEstimate;
  sign_agree: boolean;
  significance_agree: boolean;
  /** sim / human coefficient. */
  ratio: number | null;
  ci_overlap: boolean;
  /** (sim − human) / √(se_h² + se_s²): a z-test of equal coefficients, samples independent. */
  z_difference: number;
  p_difference: number;
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
  coefficients: CoefComparison[];
  summary: {
    /** Over the non-intercept terms. */
    sign_agreement: number | null;
    significance_agreement: number | null;
    ci_overlap: number | null;
    r_coefficients: number | null;
  };
}

function fit(d: Design, spec: RegressionSpec, robust: RobustType, alpha: number, label: string) {
  if (d.y.length <= d.names.length) {
    throw new UserError(`${label}: ${d.y.length} complete rows cannot fit ${d.names.length} coefficients`);
  }
  if (spec.model === "ols") {
    const f = ols(d.x, d.y, { robust, names: d.names });
    const q = tQuantile(1 - alpha / 2, f.df);
    return {
      converged: true,
      coefs: f.coef.map((c, j) => ({
        coef: c,
        se: f.se[j],
        lower: c - q * f.se[j],
        upper: c + q * f.se[j],
        p: 2 * (1 - tCdf(Math.abs(c / f.se[j]), f.df)),
      })),
    };
  }
  if (d.y.some((v) => v !== 0 && v !== 1)) {
    throw new UserError(`${label}: a logistic outcome must be 0/1 (or use --positive VALUE)`);
  }
  const f = logistic(d.x, d.y, { variance: robust === "none" ? "model" : "sandwich", names: d.names });
  const q = normalQuantile(1 - alpha / 2);
  return {
    converged: f.converged,
    coefs: f.coef.map((c, j) => ({
      coef: c,
      se: f.se[j],
      lower: c - q * f.se[j],
      upper: c + q * f.se[j],
      p: 2 * (1 - normalCdf(Math.abs(c / f.se[j]))),
    })),
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
    const sed = Math.sqrt(h.se ** 2 + s.se ** 2);
    const z = (s.coef - h.coef) / sed;
    const sigH = h.p < alpha;
    const sigS = s.p < alpha;
    return {
      term,
      human: h,
      sim: s,
      sign_agree: Math.sign(h.coef) === Math.sign(s.coef),
      significance_agree: (sigH && sigS && Math.sign(h.coef) === Math.sign(s.coef)) || (!sigH && !sigS),
      ratio: h.coef !== 0 ? s.coef / h.coef : null,
      ci_overlap: h.lower <= s.upper && s.lower <= h.upper,
      z_difference: z,
      p_difference: 2 * (1 - normalCdf(Math.abs(z))),
    };
  });
  const slopes = coefficients.slice(1);
  const share = (f: (c: CoefComparison) => boolean) =>
    slopes.length > 0 ? slopes.filter(f).length / slopes.length : null;
  const r =
    slopes.length >= 3
      ? pearson(
          slopes.map((c) => c.human.coef),
          slopes.map((c) => c.sim.coef),
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
    coefficients,
    summary: {
      sign_agreement: share((c) => c.sign_agree),
      significance_agreement: share((c) => c.significance_agree),
      ci_overlap: share((c) => c.ci_overlap),
      r_coefficients: Number.isFinite(r) ? r : null,
    },
  };
  if (spec.model === "logistic") result.converged = { human: fh.converged, sim: fs.converged };
  return result;
}
