import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { loadAnswers } from "../../analysis/fidelity/index.ts";
import { parseFormula } from "../../analysis/regression/index.ts";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import {
  type BeforeAfterResult,
  beforeAfterReport,
  runBeforeAfter,
  runWebBeforeAfter,
  type WebBeforeAfterResult,
  webBeforeAfterReport,
} from "../../finetune/index.ts";
import { loadStudy, requireSurvey, webActionsOf } from "../../spec/index.ts";
import { openStore } from "../../store/index.ts";
import { resolveQuestions } from "../../study/index.ts";
import { ACTION_KINDS } from "../../webactions/index.ts";
import { commandGroup } from "../group.ts";
import { coherencePairs, intFlag, positiveInt, positiveNumber } from "../options.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";
import { interruptSignals } from "../signals.ts";

interface CompareFlags extends ReportFlags {
  base: string;
  tuned: string;
  human?: string;
  split?: string;
  by?: string;
  minGroup: string;
  coherence: string[];
  formula?: string;
  regressionModel: string;
  positive?: string;
  db: string;
  dataDir?: string;
  budget?: number;
  concurrency?: number;
}

interface SplitRead {
  by?: string;
  test: string[];
  profile_columns?: string[];
}

function readSplit(path: string): SplitRead {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UserError(
      `cannot read the split (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      { where: path },
    );
  }
  const test = (data as { test?: unknown }).test;
  if (!Array.isArray(test) || test.length === 0 || !test.every((t) => typeof t === "string")) {
    throw new UserError("expected a split file from finetune export, with a non-empty list of test persons", {
      where: `${path}: test`,
    });
  }
  return data as SplitRead;
}

const show = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(3));

function summary(r: BeforeAfterResult): string {
  const lines = [
    `${r.study}: ${r.n_persons} people; base ${r.base.model} (run ${r.base.run}) vs. tuned ${r.tuned.model} (run ${r.tuned.run})`,
  ];
  const row = (name: string, f: (s: BeforeAfterResult["base"]) => string) =>
    lines.push(`  ${name.padEnd(34)} ${f(r.base).padStart(10)} ${f(r.tuned).padStart(10)}`);
  lines.push(`  ${"".padEnd(34)} ${"base".padStart(10)} ${"tuned".padStart(10)}`);
  row("answers (failed)", (s) => `${s.n_ok} (${s.n_failed})`);
  row("accuracy", (s) => show(s.accuracy));
  row("mean JSD", (s) => show(s.mean_jsd));
  row("heterogeneity (entropy ratio)", (s) => show(s.heterogeneity));
  for (const k of Object.keys(r.base.dpd)) row(`DPD by ${k}`, (s) => show(s.dpd[k]));
  for (const [j, c] of (r.base.coherence ?? []).entries()) {
    row(`coherence ${c.belief}→${c.action} (human ${show(c.human_r)})`, (s) => show(s.coherence?.[j]?.sim_r));
  }
  if (r.base.regression) {
    row("regression sign agreement", (s) => show(s.regression?.summary.sign_agreement));
    row("regression r(coefficients)", (s) => show(s.regression?.summary.r_coefficients));
  }
  return lines.join("\n");
}

function webSummary(r: WebBeforeAfterResult): string {
  const lines = [
    `${r.study}: ${r.n_sessions} sessions of ${r.n_users} shoppers, ${r.n_test_cases} test cases; base ${r.base.model} (run ${r.base.run}) vs. tuned ${r.tuned.model} (run ${r.tuned.run})`,
    `  ${"".padEnd(34)} ${"base".padStart(10)} ${"tuned".padStart(10)}`,
  ];
  const row = (name: string, f: (s: WebBeforeAfterResult["base"]) => string) =>
    lines.push(`  ${name.padEnd(34)} ${f(r.base).padStart(10)} ${f(r.tuned).padStart(10)}`);
  row("predictions (failed)", (s) => `${s.n_predictions} (${s.n_failed})`);
  row("accuracy (mean over sessions)", (s) => show(s.accuracy));
  row("accuracy (over test cases)", (s) => show(s.accuracy_micro));
  row("outcome F1 purchase", (s) => show(s.outcome_f1_purchase));
  row("outcome F1 terminate", (s) => show(s.outcome_f1_terminate));
  row("outcome F1 macro", (s) => show(s.outcome_f1_macro));
  lines.push(
    `action kinds, shoppers / base / tuned: ${ACTION_KINDS.map(
      (k) =>
        `${k} ${(r.human_distribution[k] * 100).toFixed(1)}% / ${(r.base.distribution[k] * 100).toFixed(1)}% / ${(r.tuned.distribution[k] * 100).toFixed(1)}%`,
    ).join(", ")}`,
  );
  return lines.join("\n");
}

export function register(program: Command): void {
  withReportOptions(
    commandGroup(program, "finetune", "Fine-tuning on real behaviour: training files, jobs, before/after")
      .command("compare")
      .description(
        "Run a study on the base and the tuned model and compare both with real people: a survey with the same people's answers, a web-action study with the shoppers' actions",
      )
      .argument("<spec>", "study spec (YAML)")
      .requiredOption("--base <model>", "the base model id, e.g. openai:gpt-4o-mini-2024-07-18")
      .requiredOption(
        "--tuned <model>",
        "the tuned model id, e.g. openai:ft:gpt-4o-mini-2024-07-18:org::abc123",
      )
      .option(
        "--human <file>",
        "surveys: the people's real answers, long CSV person_id,item,answer[,attributes…] (web actions: the sessions are the truth)",
      )
      .option(
        "--split <file>",
        "only the test persons (surveys) or test users' sessions (web actions) of this split from finetune export",
      )
      .option("--by <cols>", "person attributes (from the human file) for subgroup alignment (DPD)")
      .option("--min-group <n>", "groups with fewer persons are left out of the DPD", "10")
      .option(
        "--coherence <belief:action>",
        "belief–action item pair (repeatable)",
        (v: string, acc: string[]) => [...acc, v],
        [] as string[],
      )
      .option(
        "--formula <formula>",
        'regression recovery, e.g. "cappun ~ polviews + sex" (items and attributes)',
      )
      .option("--regression-model <m>", "ols | logistic", "ols")
      .option("--positive <value>", "logistic: the outcome value counted as 1")
      .option("--db <file>", "SQLite database", "populace.db")
      .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
      .option("--budget <usd>", "spending cap per model run", positiveNumber)
      .option("--concurrency <n>", "calls in flight at once", positiveInt),
  ).action(async (specFile: string, flags: CompareFlags) => {
    if (flags.regressionModel !== "ols" && flags.regressionModel !== "logistic") {
      throw new UserError(`--regression-model must be ols or logistic, got "${flags.regressionModel}"`);
    }
    const coherence = coherencePairs(flags.coherence);
    const study = loadStudy(specFile);
    const dataDir = resolveDataDir(flags.dataDir);
    const split = flags.split ? readSplit(flags.split) : undefined;
    const web = webActionsOf(study.spec.instrument) !== undefined;
    if (web) {
      const surveyOnly = [
        ["--human", flags.human],
        ["--by", flags.by],
        ["--formula", flags.formula],
        ["--positive", flags.positive],
        ["--coherence", flags.coherence.length ? "yes" : undefined],
      ].find(([, v]) => v !== undefined);
      if (surveyOnly) {
        throw new UserError(`${surveyOnly[0]} is for survey studies; ${specFile} is a web-action study`);
      }
      if (split?.by !== undefined && split.by !== "user") {
        throw new UserError(
          `a web-action study needs a split by user (finetune export --sessions); this one is by ${split.by}`,
          {
            where: flags.split,
          },
        );
      }
    } else if (!flags.human) {
      throw new UserError(
        "--human is required for a survey study: the people's real answers to compare with",
      );
    }
    const store = openStore(flags.db);
    const signals = interruptSignals();
    const run = {
      budgetUsd: flags.budget,
      concurrency: flags.concurrency,
      stop: signals.stop,
      abort: signals.abort,
    };
    try {
      if (web) {
        const result = await runWebBeforeAfter({
          study,
          store,
          dataDir,
          users: split?.test,
          models: { base: flags.base, tuned: flags.tuned },
          run,
        });
        emitResult(
          flags,
          result,
          (o) => webBeforeAfterReport(result, o.title),
          () => webSummary(result),
        );
        return;
      }
      const result = await runBeforeAfter({
        study,
        questions: resolveQuestions(requireSurvey(study, "finetune compare").items, dataDir),
        store,
        dataDir,
        human: loadAnswers(flags.human!, "categorical", "human"),
        persons: split?.test,
        profileColumns: split?.profile_columns,
        models: { base: flags.base, tuned: flags.tuned },
        by: flags.by
          ?.split(",")
          .map((s) => s.trim())
          .filter(Boolean),
        minGroup: intFlag(flags.minGroup, "--min-group", 0),
        coherence,
        regression: flags.formula
          ? {
              ...parseFormula(flags.formula),
              model: flags.regressionModel as "ols" | "logistic",
              positive: flags.positive,
            }
          : undefined,
        run,
      });
      emitResult(
        flags,
        result,
        (o) => beforeAfterReport(result, o.title),
        () => summary(result),
      );
    } finally {
      signals.dispose();
      await store.close();
    }
  });
}
