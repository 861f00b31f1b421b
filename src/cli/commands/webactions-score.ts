import type { Command } from "commander";
import {
  readPredictions,
  readSessions,
  scoreWebActions,
  type WebActionScore,
  webActionsReport,
} from "../../webactions/index.ts";
import { commandGroup } from "../group.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";

interface ScoreFlags extends ReportFlags {
  truth: string;
  pred: string;
}

const show = (x: number | null) => (x === null ? "—" : x.toFixed(3));

function summary(s: WebActionScore): string {
  const kinds = Object.entries(s.distribution.human)
    .map(
      ([k, v]) =>
        `${k} ${(v * 100).toFixed(1)}% / ${(s.distribution.predicted[k as keyof typeof s.distribution.predicted] * 100).toFixed(1)}%`,
    )
    .join(", ");
  return [
    `${s.n_test_cases} test cases in ${s.n_sessions_scored} of ${s.n_sessions} sessions; ${s.n_predictions} predictions, ${s.n_missing} missing (counted wrong)`,
    `  accuracy (mean over sessions)   ${show(s.accuracy)}`,
    `  accuracy (over test cases)      ${show(s.accuracy_micro)}`,
    `  outcome F1 purchase             ${show(s.outcome_f1_purchase)}`,
    `  outcome F1 terminate            ${show(s.outcome_f1_terminate)}`,
    `  outcome F1 macro                ${show(s.outcome_f1_macro)}`,
    `action kinds, humans / predictions: ${kinds}`,
  ].join("\n");
}

export function register(program: Command): void {
  withReportOptions(
    commandGroup(program, "webactions", "Web-shopping sessions: next-action prediction and its metrics")
      .command("score")
      .description(
        "Score predicted next actions against real sessions (exact match, outcome F1, action kinds)",
      )
      .requiredOption("--truth <file>", "sessions JSONL: {session, user, steps, purchase_targets}")
      .requiredOption("--pred <file>", "predictions JSONL: {session, step, action} with step ≥ 1"),
  ).action((flags: ScoreFlags) => {
    const truth = readSessions(flags.truth);
    const predictions = readPredictions(flags.pred, truth.sessions);
    const score = scoreWebActions(truth.sessions, predictions);
    emitResult(
      flags,
      { truth: flags.truth, predictions: flags.pred, ...score },
      (o) => webActionsReport(score, { title: o.title, truth: flags.truth, predictions: flags.pred }),
      () => summary(score),
    );
  });
}
