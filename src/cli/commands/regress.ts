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
      .option("--robust <type>", "none | HC0 | HC1 | HC3 (logistic: none = model SEs, else sandwich)", "HC1")
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
      { ...parseFormula(f.formula), model: family, robust: f.robust as RobustType, positive: f.positive },
      { alpha, labels: { human, sim } },
    );
    const lines = [`${"term".padEnd(28)} ${human.padStart(10)} ${sim.padStart(10)}  sign  overlap  p(diff)`];
    for (const c of res.coefficients) {
      lines.push(
        `${c.term.padEnd(28)} ${show(c.human.coef).padStart(10)} ${show(c.sim.coef).padStart(10)}  ` +
          `${c.sign_agree ? "yes " : "no  "}  ${c.ci_overlap ? "yes    " : "no     "}  ${formatP(c.p_difference) ?? "—"}`,
      );
    }
    emitResult(
      f,
      res,
      (o) => regressionReport(res, o),
      () => lines.join("\n"),
    );
  });
}
