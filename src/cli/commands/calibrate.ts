import type { Command } from "commander";
import {
  type CalibrationReport,
  calibrateTable,
  calibrationReportDoc,
  ESTIMANDS,
  type Estimand,
  type LambdaChoice,
} from "../../analysis/calibration/index.ts";
import { type CsvTable, readCsv, records } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { calibrationEntries } from "../../ledger/index.ts";
import { renderReport } from "../../report/index.ts";
import { calibrationTableFromRun } from "../../results/calibration.ts";
import { fileDigest, type LedgerFlags, recordInLedger, withLedgerOptions } from "../ledger.ts";
import { parseAlpha } from "../options.ts";
import { writeHtml } from "../output.ts";
import { ledgerDescription, targetSections, weightsFlag, withRun } from "../run-input.ts";

interface CalibrateFlags extends LedgerFlags {
  outcome: string;
  prediction?: string;
  run?: string;
  item?: string;
  value: string[];
  simArm?: string;
  personColumn: string;
  weights?: string;
  weightColumn?: string;
  margins?: string;
  html?: string;
  title?: string;
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
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}

/** --value "Some=1": option text → number. */
function parseValues(list: readonly string[]): Record<string, number> | undefined {
  if (list.length === 0) return undefined;
  const out: Record<string, number> = {};
  for (const v of list) {
    const eq = v.lastIndexOf("=");
    const n = Number(v.slice(eq + 1));
    if (eq <= 0 || v.slice(eq + 1).trim() === "" || !Number.isFinite(n)) {
      throw new UserError(`--value expects "OPTION=NUMBER", got "${v}"`);
    }
    out[v.slice(0, eq)] = n;
  }
  return out;
}

export function register(program: Command): void {
  withLedgerOptions(
    program
      .command("calibrate")
      .description(
        "Prediction-powered inference (PPI++): combine human answers with simulated answers for valid, narrower intervals. " +
          "Rows with an empty outcome are simulated-only.",
      )
      .argument("<file>", "CSV with one row per person (or cell); with --run, the human data")
      .requiredOption("--outcome <col>", "human answer column (empty or missing for simulated-only rows)")
      .option("--prediction <col>", "simulated answer column")
      .option("--run <run>", "simulated answers from a stored run (with --db) instead of --prediction")
      .option("--item <item>", "--run: the item whose answers are the predictions")
      .option(
        "--value <option=number>",
        "--run: the number of a closed item's option (repeatable)",
        (v: string, acc: string[]) => [...acc, v],
        [] as string[],
      )
      .option(
        "--sim-arm <arm>",
        "--run, without --arm: the run's arm whose answers are used (default: its first)",
      )
      .option("--person-column <col>", "--run: the human file's person id column", "person_id")
      .option(
        "--weights <file>",
        "person weights: CSV id,weight (populace weight), matched on --person-column",
      )
      .option("--weight-column <col>", "row weights from this column (ppi_py's w and w_unlabeled)")
      .option("--margins <file>", "target margins: adds a sample-vs-target table to the report")
      .option("--html <file>", "write a self-contained HTML report")
      .option("--title <text>", "title of the HTML report")
      .requiredOption("--estimand <kind>", `what to estimate: ${ESTIMANDS.join(", ")}`)
      .option("--arm <col>", "arm column (ate; for ols/logistic adds a 0/1 treatment term)")
      .option("--treated <value>", "arm value of the treated group")
      .option("--control <value>", "arm value of the control group")
      .option("--covariates <list>", "comma-separated numeric covariate columns (ols, logistic)")
      .option("--no-intercept", "no intercept column (ols, logistic)")
      .option("--tune-for <term>", "tune λ for this coefficient instead of all of them (ols, logistic)")
      .option("--lambda <auto|number>", "power tuning: auto, 1 = classic PPI, 0 = human-only", "auto")
      .option("--alpha <a>", "two-sided error level", "0.05")
      .option("--json", "print one JSON document"),
  ).action(async (file: string, flags: CalibrateFlags) => {
    if (!ESTIMANDS.includes(flags.estimand as Estimand)) {
      throw new UserError(`--estimand must be one of ${ESTIMANDS.join(", ")}, got "${flags.estimand}"`);
    }
    if ((flags.prediction === undefined) === (flags.run === undefined)) {
      throw new UserError(
        "give the simulated answers as --prediction COL or as --run RUN --item ITEM, not both or neither",
      );
    }
    if (flags.run !== undefined && flags.item === undefined) throw new UserError("--run needs --item ITEM");
    if (flags.weights && flags.weightColumn)
      throw new UserError("give --weights or --weight-column, not both");
    const covariates = flags.covariates
      ?.split(",")
      .map((c) => c.trim())
      .filter((c) => c !== "");
    const weights = weightsFlag(flags.weights);
    await withRun(flags, async (run) => {
      const human = readCsv(file);
      let table: CsvTable = human;
      let prediction = flags.prediction as string;
      let weight = flags.weightColumn;
      let notes: string[] = [];
      if (run) {
        if (flags.weightColumn)
          throw new UserError(
            "with --run, weigh people with --weights FILE (simulated-only people need weights too)",
          );
        const t = calibrationTableFromRun(human, run.data, {
          item: flags.item as string,
          values: parseValues(flags.value),
          personColumn: flags.personColumn,
          outcome: flags.outcome,
          arm: flags.arm,
          treated: flags.treated,
          control: flags.control,
          simArm: flags.simArm,
          covariates,
          weights: weights?.weights,
        });
        table = t.table;
        prediction = t.prediction;
        weight = t.weight;
        notes = [
          `run ${run.data.run.id}${t.arm ? `, arm ${t.arm}` : ""}: ${t.simulatedOnly} simulated-only people` +
            (t.withoutPrediction > 0
              ? `; ${t.withoutPrediction} human rows without a valid simulated answer left out`
              : ""),
        ];
      } else if (weights) {
        table = withWeightColumn(human, flags.personColumn, weights.weights);
        weight = "weight";
      }
      const report = calibrateTable(table, {
        estimand: flags.estimand as Estimand,
        outcome: flags.outcome,
        prediction,
        arm: flags.arm,
        treated: flags.treated,
        control: flags.control,
        covariates,
        intercept: flags.intercept,
        tuneFor: flags.tuneFor,
        lambda: parseLambda(flags.lambda),
        alpha: parseAlpha(flags.alpha),
        weight,
      });
      // A weights file is named as such (its weights went in as a column of that name).
      if (weights) report.weighted = weights.file;
      const about = ledgerDescription(flags, run, file);
      const entries = calibrationEntries(
        report,
        {
          command: "calibrate",
          ...about,
          runId: run?.data.run.id ?? null,
          inputs: {
            file: fileDigest(file),
            run: run?.data.run.id ?? null,
            weights: fileDigest(flags.weights),
            options: [
              flags.outcome,
              prediction,
              flags.item,
              flags.arm,
              flags.treated,
              flags.control,
              covariates,
              flags.lambda,
              flags.alpha,
              weight,
              flags.value,
            ],
          },
        },
        flags.item ?? flags.outcome,
      );
      const ledger = await recordInLedger(flags, entries, about, run?.store);
      if (flags.html) {
        const extra = targetSections(
          flags.margins,
          run,
          new Map(records(human).map((r) => [r[flags.personColumn] ?? "", r])),
          weights?.weights,
        );
        const doc = calibrationReportDoc(report, { title: flags.title });
        writeHtml(
          flags.html,
          renderReport({ ...doc, notes, sections: [...doc.sections, ...extra, ledger.section] }),
        );
      }
      const out = { ...report, ledger: { db: flags.db, entries: ledger.written } };
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(out, null, 2)}\n`
          : `${notes.map((n) => `${n}\n`).join("")}${render(report)}${ledger.written ? `ledger: ${ledger.written} entries in ${flags.db}\n` : ""}`,
      );
    });
  });
}

/** The table with a "weight" column from a weights file, matched on the person column. */
function withWeightColumn(
  table: CsvTable,
  personColumn: string,
  weights: ReadonlyMap<string, number>,
): CsvTable {
  const pi = table.header.indexOf(personColumn);
  if (pi < 0) {
    throw new UserError(
      `--weights: no ${personColumn} column to match weights to people (--person-column COL)`,
      {
        where: `${table.file}:1`,
      },
    );
  }
  if (table.header.includes("weight"))
    throw new UserError('the file already has a "weight" column: use --weight-column weight');
  return {
    ...table,
    header: [...table.header, "weight"],
    rows: table.rows.map((row, i) => {
      const w = weights.get(row[pi].trim());
      if (w === undefined) {
        throw new UserError(`person "${row[pi].trim()}" has no weight`, {
          where: `${table.file}:${table.lines[i]}`,
        });
      }
      return [...row, String(w)];
    }),
  };
}
