import { type Command, Option } from "commander";
import {
  compareRegressions,
  parseFormula,
  readRows,
  regressionReport,
} from "../../analysis/regression/index.ts";
import type { RobustType } from "../../analysis/stats/index.ts";
import { UserError } from "../../errors/index.ts";
import { formatP } from "../../report/index.ts";
import { parseAlpha, parseLabels } from "../options.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";

interface RegressFlags extends ReportFlags {
  human: string;
  sim: string;
  formula: string;
  family: string;
  /** Deprecated name of --family. */
  model?: string;
  robust: string;
  factor?: string;
  positive?: string;
  alpha: string;
  labels: string;
}

const show = (v: number | null) => (v === null ? "—" : v.toFixed(3));

export function register(program: Command): void {
  withReportOptions(
    program
      .command("regress")
      .description("Fit the same regression to human and simulated data and compare coefficients")
      .requiredOption("--human <file>", "human data: CSV, one row per observation")
      .requiredOption("--sim <file>", "simulated data, same columns")
      .requiredOption("--formula <f>", 'model "outcome ~ x1 + x2" (text columns become dummies)')
      .option("--family <f>", "ols | logistic", "ols")
      .addOption(new Option("--model <m>", "deprecated: use --family").hideHelp())
      .option(
        "--robust <type>",
        "none | HC0 | HC1 | HC3, as R's sandwich::vcovHC (none: classical SEs)",
        "HC1",
      )
      .option("--factor <cols>", "comma-separated predictors to treat as categories even if numeric")
      .option("--positive <value>", "logistic: text outcome counted as 1")
      .option("--alpha <a>", "1 − confidence level", "0.05")
      .option("--labels <human,sim>", "names of the two sides", "human,simulated"),
  ).action((f: RegressFlags) => {
    let family = f.family;
    if (f.model !== undefined) {
      process.stderr.write("populace: warning: regress --model is deprecated; use --family\n");
      if (f.family !== "ols" && f.family !== f.model) {
        throw new UserError(`--model ${f.model} contradicts --family ${f.family}; give only --family`);
      }
      family = f.model;
    }
    if (family !== "ols" && family !== "logistic")
      throw new UserError(`--family must be ols or logistic, got "${family}"`);
    if (!["none", "HC0", "HC1", "HC3"].includes(f.robust)) {
      throw new UserError(`--robust must be none, HC0, HC1 or HC3, got "${f.robust}"`);
    }
    const alpha = parseAlpha(f.alpha);
    const { human, sim } = parseLabels(f.labels);
    const res = compareRegressions(
      readRows(f.human),
      readRows(f.sim),
      {
        ...parseFormula(f.formula),
        model: family,
        robust: f.robust as RobustType,
        positive: f.positive,
        factors: f.factor
          ?.split(",")
          .map((c) => c.trim())
          .filter(Boolean),
      },
      { alpha, labels: { human, sim } },
    );
    const lines = [`${"term".padEnd(28)} ${human.padStart(10)} ${sim.padStart(10)}  sign  overlap  p(diff)`];
    const coef = (e: { coef: number | null; direction?: 1 | -1 }) =>
      e.direction !== undefined ? (e.direction > 0 ? "+∞" : "−∞") : show(e.coef);
    const yes = (v: boolean | null) => (v === null ? "—" : v ? "yes" : "no");
    for (const c of res.coefficients) {
      lines.push(
        `${c.term.padEnd(28)} ${coef(c.human).padStart(10)} ${coef(c.sim).padStart(10)}  ` +
          `${yes(c.sign_agree).padEnd(4)}  ${yes(c.ci_overlap).padEnd(7)}  ${formatP(c.p_difference) ?? "—"}`,
      );
    }
    for (const w of res.warnings) lines.push(`warning: ${w}`);
    emitResult(
      f,
      res,
      (o) => regressionReport(res, o),
      () => lines.join("\n"),
    );
  });
}
