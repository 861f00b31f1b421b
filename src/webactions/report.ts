import type { ReportDoc } from "../report/index.ts";
import { ACTION_KINDS, type WebActionScore } from "./metrics.ts";

const OUTCOME_ORDER = ["purchase", "terminate", "other"] as const;

/** The score as a report: headline figures, the action-kind distribution plot, outcomes, by kind. */
export function webActionsReport(
  score: WebActionScore,
  options: {
    title?: string;
    truth?: string;
    predictions?: string;
    labels?: { human: string; predicted: string };
  } = {},
): ReportDoc {
  const human = options.labels?.human ?? "humans";
  const predicted = options.labels?.predicted ?? "predictions";
  const files = [
    options.truth && `sessions ${options.truth}`,
    options.predictions && `predictions ${options.predictions}`,
  ]
    .filter(Boolean)
    .join(" · ");
  return {
    title: options.title ?? "Next-action prediction on web-shopping sessions",
    subtitle: files || undefined,
    sections: [
      {
        heading: "Summary",
        paragraphs: [
          "A test case is every step after the first of a session. Exact match: same action type, same target " +
            "element, and for type_and_submit the same text after trimming and lower-casing. Accuracy is averaged " +
            "over a session's test cases, then over sessions. A missing prediction counts as wrong.",
          "The outcome of a session is its final action: terminate, a click on one of its purchase targets " +
            "(purchase), or anything else (other). F1 compares the outcome of the predicted final action with the " +
            "true one; it is undefined (—) when a class occurs neither in the truth nor in the predictions.",
        ],
        table: {
          columns: ["figure", "value"],
          rows: [
            ["sessions (scored)", `${score.n_sessions} (${score.n_sessions_scored})`],
            ["test cases", score.n_test_cases],
            ["predictions / missing", `${score.n_predictions} / ${score.n_missing}`],
            ["accuracy (mean over sessions)", score.accuracy],
            ["accuracy (over all test cases)", score.accuracy_micro],
            ["outcome F1, purchase", score.outcome_f1_purchase],
            ["outcome F1, terminate", score.outcome_f1_terminate],
            ["outcome F1, macro", score.outcome_f1_macro],
          ],
        },
      },
      {
        heading: "Action-type distribution",
        paragraphs: [
          `Shares of each kind of action over the test cases: what the ${human} did, and what was predicted ` +
            "(over the predictions made). A click on a purchase target counts as purchase.",
        ],
        plots: [
          {
            kind: "bars",
            title: `Action kinds: ${human} vs. ${predicted}`,
            valueLabel: "share of actions",
            domain: [0, 1],
            data: ACTION_KINDS.flatMap((k) => [
              { label: k, series: human, value: score.distribution.human[k] },
              { label: k, series: predicted, value: score.distribution.predicted[k] },
            ]),
          },
        ],
        table: {
          columns: ["kind", `${human} share`, `${predicted} share`, "test cases", "exact", "accuracy"],
          rows: ACTION_KINDS.map((k) => [
            k,
            score.distribution.human[k],
            score.distribution.predicted[k],
            score.by_kind[k].n,
            score.by_kind[k].exact,
            score.by_kind[k].accuracy,
          ]),
          caption: "accuracy by the true action's kind (exact matches / test cases of that kind)",
        },
      },
      {
        heading: "Session outcomes",
        paragraphs: [
          `${score.n_outcomes} sessions whose final step is a test case. Rows: true outcome; columns: predicted.`,
        ],
        table: {
          columns: ["true \\ predicted", ...OUTCOME_ORDER],
          rows: OUTCOME_ORDER.map((t) => [t, ...OUTCOME_ORDER.map((p) => score.outcome_confusion[t][p])]),
        },
      },
    ],
  };
}
