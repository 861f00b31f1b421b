import type { CsvTable } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { ppiAte, ppiMean } from "./mean.ts";
import { ppiLogistic, ppiOls, type RegressionData } from "./regression.ts";
import { column, isEmptyCell, numberCell, readCsv } from "./table.ts";
import type { LambdaChoice } from "./types.ts";

export type Estimand = "mean" | "ate" | "ols" | "logistic";
export const ESTIMANDS: readonly Estimand[] = ["mean", "ate", "ols", "logistic"];

export interface CalibrateCsvOptions {
  estimand: Estimand;
  /** Human answer column; an empty cell marks a simulated-only (unlabeled) row. */
  outcome: string;
  /** Simulated answer column; required on every row. */
  prediction: string;
  /** Arm column with the treated and control values (ate; for ols/logistic it adds a 0/1 term). */
  arm?: string;
  treated?: string;
  control?: string;
  covariates?: readonly string[];
  /** Add an `intercept` column first (ols/logistic). Default true. */
  intercept?: boolean;
  tuneFor?: string;
  lambda?: LambdaChoice;
  alpha?: number;
  /** Column of row weights (ppi_py's w and w_unlabeled: rescaled to sum to n and N). */
  weight?: string;
}

type Bounds<T> = { estimate: T; se: T; lower: T; upper: T };

/** The JSON document of `populace calibrate --json`. */
export interface CalibrationReport {
  file: string;
  estimand: Estimand;
  alpha: number;
  n_labeled: number;
  n_unlabeled: number;
  /** Rows left out because their arm was neither the treated nor the control value. */
  n_excluded: number;
  /** The weight column, when the rows are weighted. */
  weighted?: string;
  terms?: string[];
  estimate: number | number[];
  se: number | number[];
  lower: number | number[];
  upper: number | number[];
  /** λ of the interval (per arm for ate). */
  lambda: number | { treated: number; control: number };
  lambda_estimate?: number;
  /** ols/logistic: centre of the interval (the estimate at the interval's λ). */
  center?: number[];
  tuned_for?: string | null;
  converged?: boolean;
  arms?: {
    treated: { n_labeled: number; n_unlabeled: number };
    control: { n_labeled: number; n_unlabeled: number };
  };
  classical: Bounds<number> | Bounds<number[]>;
  ppi: Bounds<number> | Bounds<number[]>;
  /** Plain-language cautions to print with the numbers (e.g. very few labeled rows). */
  warnings: string[];
}

/** Below this many labeled rows (per arm for an ate) normal intervals may undercover. */
export const FEW_LABELED = 20;

/** A warning when a sample of human answers is too small for normal (z) intervals to be trusted. */
export function fewLabeledWarning(counts: Record<string, number>): string[] {
  return Object.entries(counts)
    .filter(([, n]) => n < FEW_LABELED)
    .map(
      ([group, n]) =>
        `only ${n} labeled rows${group === "all" ? "" : ` in arm "${group}"`}: normal (z) intervals may ` +
        `undercover with fewer than ${FEW_LABELED} human answers; treat the intervals as optimistic`,
    );
}

function pick<T extends number | number[]>(i: Bounds<T>): Bounds<T> {
  return { estimate: i.estimate, se: i.se, lower: i.lower, upper: i.upper };
}

/** Read a CSV and calibrate; see calibrateTable. */
export function calibrateCsv(path: string, options: CalibrateCsvOptions): CalibrationReport {
  return calibrateTable(readCsv(path), options);
}

interface Row {
  index: number;
  y: number | null;
  yhat: number;
  treated: boolean | null;
  covariates: number[];
  w: number;
}

/**
 * Calibrate simulated answers with the human answers in one table: rows with an outcome are the
 * labeled sample (human and simulated answer of the same person or cell), rows without one the
 * simulated-only sample.
 */
export function calibrateTable(table: CsvTable, options: CalibrateCsvOptions): CalibrationReport {
  const { estimand } = options;
  if (!ESTIMANDS.includes(estimand)) {
    throw new UserError(`unknown estimand "${estimand}" (use ${ESTIMANDS.join(", ")})`);
  }
  const outcomeCol = column(table, options.outcome);
  const predictionCol = column(table, options.prediction);
  const covariates = options.covariates ?? [];
  if (covariates.length > 0 && (estimand === "mean" || estimand === "ate")) {
    throw new UserError(`--covariates applies to ols and logistic, not to ${estimand}`);
  }
  if (options.tuneFor !== undefined && (estimand === "mean" || estimand === "ate")) {
    throw new UserError(`--tune-for applies to ols and logistic, not to ${estimand}`);
  }
  const covCols = covariates.map((c) => column(table, c));
  const weightCol = options.weight === undefined ? -1 : column(table, options.weight);
  let armCol: number | null = null;
  if (options.arm !== undefined || estimand === "ate") {
    if (options.arm === undefined || options.treated === undefined || options.control === undefined) {
      throw new UserError(
        `${estimand === "ate" ? "ate needs" : "an arm needs"} --arm COL, --treated VALUE and --control VALUE`,
      );
    }
    if (options.treated === options.control) throw new UserError("--treated and --control must differ");
    armCol = column(table, options.arm);
    const values = new Set(table.rows.map((r) => r[armCol as number].trim()));
    for (const v of [options.treated, options.control]) {
      if (!values.has(v)) {
        throw new UserError(
          `arm column "${options.arm}" has no rows with value "${v}" (values: ${[...values].join(", ")})`,
          {
            where: table.file,
          },
        );
      }
    }
  }
  const rows: Row[] = [];
  let excluded = 0;
  for (let i = 0; i < table.rows.length; i++) {
    let treated: boolean | null = null;
    if (armCol !== null) {
      const a = table.rows[i][armCol].trim();
      if (a !== options.treated && a !== options.control) {
        excluded++;
        continue;
      }
      treated = a === options.treated;
    }
    const y = isEmptyCell(table, i, outcomeCol) ? null : numberCell(table, i, outcomeCol, "outcome");
    const yhat = numberCell(table, i, predictionCol, "prediction");
    if (estimand === "logistic") {
      if (y !== null && y !== 0 && y !== 1) {
        throw new UserError(`logistic needs a binary outcome (0 or 1) in "${options.outcome}", found ${y}`, {
          where: `${table.file}:${table.lines[i]}`,
        });
      }
      if (!(yhat >= 0 && yhat <= 1)) {
        throw new UserError(
          `logistic needs predictions that are 0/1 or probabilities in [0, 1] in "${options.prediction}", found ${yhat}`,
          {
            where: `${table.file}:${table.lines[i]}`,
          },
        );
      }
    }
    const cov = covCols.map((c) => numberCell(table, i, c, "covariate"));
    const w = weightCol < 0 ? 1 : numberCell(table, i, weightCol, "weight");
    if (w < 0) {
      throw new UserError(`weight column "${options.weight}" holds ${w}: weights must be ≥ 0`, {
        where: `${table.file}:${table.lines[i]}`,
      });
    }
    rows.push({ index: i, y, yhat, treated, covariates: cov, w });
  }
  const labeled = rows.filter((r) => r.y !== null);
  const unlabeled = rows.filter((r) => r.y === null);
  if (labeled.length === 0) {
    throw new UserError(
      `no labeled rows: every row has an empty outcome "${options.outcome}" (human answers are needed)`,
      {
        where: table.file,
      },
    );
  }
  if (unlabeled.length === 0) {
    throw new UserError(
      `no unlabeled rows: every row has an outcome "${options.outcome}"; simulated-only rows are those with an empty outcome`,
      { where: table.file },
    );
  }
  if (estimand === "logistic" && new Set(labeled.map((r) => r.y)).size < 2) {
    throw new UserError(
      `logistic needs a binary outcome, but "${options.outcome}" is ${labeled[0].y} on every labeled row`,
      {
        where: table.file,
      },
    );
  }
  const base = {
    file: table.file,
    estimand,
    alpha: options.alpha ?? 0.05,
    n_labeled: labeled.length,
    n_unlabeled: unlabeled.length,
    n_excluded: excluded,
    ...(options.weight !== undefined ? { weighted: options.weight } : {}),
    warnings: fewLabeledWarning(
      estimand === "ate"
        ? {
            [options.treated as string]: labeled.filter((r) => r.treated === true).length,
            [options.control as string]: labeled.filter((r) => r.treated === false).length,
          }
        : { all: labeled.length },
    ),
  };
  const calib = { lambda: options.lambda, alpha: options.alpha };
  const weighted = weightCol >= 0;
  const meanData = (rs: Row[]) => ({
    y: rs.filter((r) => r.y !== null).map((r) => r.y as number),
    yhat: rs.filter((r) => r.y !== null).map((r) => r.yhat),
    yhatUnlabeled: rs.filter((r) => r.y === null).map((r) => r.yhat),
    ...(weighted
      ? {
          w: rs.filter((r) => r.y !== null).map((r) => r.w),
          wUnlabeled: rs.filter((r) => r.y === null).map((r) => r.w),
        }
      : {}),
  });
  const where = (what: string) => (error: unknown) => {
    if (error instanceof UserError && !error.where)
      throw new UserError(`${what}: ${error.message}`, { where: table.file });
    throw error;
  };
  if (estimand === "mean") {
    try {
      const r = ppiMean(meanData(rows), calib);
      return { ...base, ...pick(r), lambda: r.lambda, classical: pick(r.classical), ppi: pick(r.ppi) };
    } catch (error) {
      return where("mean")(error);
    }
  }
  if (estimand === "ate") {
    const t = rows.filter((r) => r.treated === true);
    const c = rows.filter((r) => r.treated === false);
    const count = (rs: Row[]) => ({
      n_labeled: rs.filter((r) => r.y !== null).length,
      n_unlabeled: rs.filter((r) => r.y === null).length,
    });
    try {
      const r = ppiAte(meanData(t), meanData(c), calib);
      return {
        ...base,
        ...pick(r),
        lambda: r.lambda,
        arms: { treated: count(t), control: count(c) },
        classical: pick(r.classical),
        ppi: pick(r.ppi),
      };
    } catch (error) {
      return where("ate")(error);
    }
  }
  const intercept = options.intercept ?? true;
  const terms = [
    ...(intercept ? ["intercept"] : []),
    ...(armCol !== null ? [options.arm as string] : []),
    ...covariates,
  ];
  if (terms.length === 0)
    throw new UserError("no terms: --no-intercept without covariates or an arm leaves nothing to estimate");
  const design = (r: Row) => [
    ...(intercept ? [1] : []),
    ...(armCol !== null ? [r.treated ? 1 : 0] : []),
    ...r.covariates,
  ];
  const data: RegressionData = {
    x: labeled.map(design),
    y: labeled.map((r) => r.y as number),
    yhat: labeled.map((r) => r.yhat),
    xUnlabeled: unlabeled.map(design),
    yhatUnlabeled: unlabeled.map((r) => r.yhat),
    ...(weighted ? { w: labeled.map((r) => r.w), wUnlabeled: unlabeled.map((r) => r.w) } : {}),
  };
  try {
    const fit = (estimand === "ols" ? ppiOls : ppiLogistic)(data, {
      ...calib,
      terms,
      tuneFor: options.tuneFor,
    });
    return {
      ...base,
      terms,
      ...pick(fit),
      lambda: fit.lambda,
      lambda_estimate: fit.lambdaEstimate,
      center: fit.center,
      tuned_for: fit.tunedFor,
      ...(fit.converged !== undefined ? { converged: fit.converged } : {}),
      classical: pick(fit.classical),
      ppi: pick(fit.ppi),
    };
  } catch (error) {
    return where(estimand)(error);
  }
}
