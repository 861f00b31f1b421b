import type { Command } from "commander";
import {
  type CalibrationReport,
  calibrateCsv,
  calibrationReportDoc,
  ESTIMANDS,
  type Estimand,
  type LambdaChoice,
} from "../../analysis/calibration/index.ts";
import { UserError } from "../../errors/index.ts";
import { renderReport } from "../../report/index.ts";
import { parseAlpha } from "../options.ts";
import { writeHtml } from "../output.ts";

interface CalibrateFlags {
  outcome: string;
  prediction: string;
  estimand: string;
  arm?: string;
  treated?: string;
  control?: string;
  covariates?: string;
  intercept: boolean;
  tuneFor?: string;
  lambda: string;
  alpha: string;
  json?: boolean;
  html?: string;
  title?: string;
}

export function parseLambda(text: string): LambdaChoice {
  if (text === "auto") return "auto";
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new UserError(`--lambda must be "auto" or a number in [0, 1], got "${text}"`);
  }
  return v;
}

const fmt = (v: number) =>
  Number.isFinite(v)
    ? Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3)
      ? v.toExponential(3)
      : v.toFixed(4)
    : String(v);

/** A readable table: one line per method (and term), with the interval width relative to human-only. */
function render(r: CalibrationReport): string {
  const level = `${Math.round((1 - r.alpha) * 1000) / 10}%`;
  const lines = [
    `${r.estimand} calibration of ${r.file}: ${r.n_labeled} labeled (human + simulated), ${r.n_unlabeled} simulated-only` +
      (r.n_excluded ? `, ${r.n_excluded} rows in other arms left out` : ""),
  ];
  const lambda =
    typeof r.lambda === "number"
      ? `λ = ${fmt(r.lambda)}` +
        (r.lambda_estimate !== undefined ? ` (point estimate λ = ${fmt(r.lambda_estimate)})` : "")
      : `λ treated = ${fmt(r.lambda.treated)}, λ control = ${fmt(r.lambda.control)}`;
  lines.push(`${lambda}${r.tuned_for ? `, tuned for ${r.tuned_for}` : ""}; ${level} normal intervals`);
  const terms = r.terms ?? [r.estimand === "ate" ? "treated − control" : "mean"];
  const at = (v: number | number[], j: number) => (Array.isArray(v) ? v[j] : v);
  const header = ["term", "method", "estimate", "se", "lower", "upper", "width vs human-only"];
  const table: string[][] = [header];
  terms.forEach((term, j) => {
    const classicalWidth = at(r.classical.upper, j) - at(r.classical.lower, j);
    const row = (
      method: string,
      b: {
        estimate: number | number[];
        se: number | number[];
        lower: number | number[];
        upper: number | number[];
      },
    ) => {
      const width = at(b.upper, j) - at(b.lower, j);
      table.push([
        term,
        method,
        fmt(at(b.estimate, j)),
        fmt(at(b.se, j)),
        fmt(at(b.lower, j)),
        fmt(at(b.upper, j)),
        fmt(width / classicalWidth),
      ]);
    };
    row("PPI++", r);
    row("human-only", r.classical);
    row("PPI (λ=1)", r.ppi);
  });
  const widths = header.map((_, k) => Math.max(...table.map((t) => t[k].length)));
  for (const t of table)
    lines.push(t.map((c, k) => (k < 2 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join("  "));
  if (r.converged === false)
    lines.push("warning: the logistic fit did not converge (separation?); treat these numbers with care");
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  program
    .command("calibrate")
    .description(
      "Prediction-powered inference (PPI++): combine human answers with simulated answers for valid, narrower intervals. " +
        "Rows with an empty outcome are simulated-only.",
    )
    .argument("<file>", "CSV with one row per person (or cell)")
    .requiredOption("--outcome <col>", "human answer column (empty for simulated-only rows)")
    .requiredOption("--prediction <col>", "simulated answer column")
    .requiredOption("--estimand <kind>", `what to estimate: ${ESTIMANDS.join(", ")}`)
    .option("--arm <col>", "arm column (ate; for ols/logistic adds a 0/1 treatment term)")
    .option("--treated <value>", "arm value of the treated group")
    .option("--control <value>", "arm value of the control group")
    .option("--covariates <list>", "comma-separated numeric covariate columns (ols, logistic)")
    .option("--no-intercept", "no intercept column (ols, logistic)")
    .option("--tune-for <term>", "tune λ for this coefficient instead of all of them (ols, logistic)")
    .option("--lambda <auto|number>", "power tuning: auto, 1 = classic PPI, 0 = human-only", "auto")
    .option("--alpha <a>", "two-sided error level", "0.05")
    .option("--json", "print one JSON document")
    .option("--html <file>", "write a self-contained HTML report")
    .option("--title <text>", "title of the HTML report")
    .action((file: string, flags: CalibrateFlags) => {
      if (!ESTIMANDS.includes(flags.estimand as Estimand)) {
        throw new UserError(`--estimand must be one of ${ESTIMANDS.join(", ")}, got "${flags.estimand}"`);
      }
      const covariates = flags.covariates
        ?.split(",")
        .map((c) => c.trim())
        .filter((c) => c !== "");
      const report = calibrateCsv(file, {
        estimand: flags.estimand as Estimand,
        outcome: flags.outcome,
        prediction: flags.prediction,
        arm: flags.arm,
        treated: flags.treated,
        control: flags.control,
        covariates,
        intercept: flags.intercept,
        tuneFor: flags.tuneFor,
        lambda: parseLambda(flags.lambda),
        alpha: parseAlpha(flags.alpha),
      });
      if (flags.html)
        writeHtml(flags.html, renderReport(calibrationReportDoc(report, { title: flags.title })));
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
    });
}
