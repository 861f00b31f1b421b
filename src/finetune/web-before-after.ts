/**
 * Before/after fine-tuning for web actions (Lu et al. 2025): the same web-action study run on the
 * base and on the tuned model, on the same sessions (a split's test users when given), each scored
 * against the shoppers' real actions: exact-match accuracy, outcome F1 and the action-kind
 * distribution. The survey before/after's report shape, with the web metrics.
 */
import { UserError } from "../errors/index.ts";
import type { ReportDoc } from "../report/index.ts";
import type { LoadedStudy } from "../spec/index.ts";
import { webActionsOf } from "../spec/index.ts";
import type { Store } from "../store/types.ts";
import { type RunStudyOptions, runStudy } from "../study/index.ts";
import {
  ACTION_KINDS,
  type ActionKind,
  isMockModel,
  loadWebActionsTask,
  scoreWebActionsRun,
  type WebActionScore,
} from "../webactions/index.ts";

export interface WebBeforeAfterOptions {
  study: LoadedStudy;
  store: Store;
  dataDir: string;
  /** Only these shoppers' sessions (a split's test users); all the study's sessions when absent. */
  users?: string[];
  models: { base: string; tuned: string };
  run?: Pick<RunStudyOptions, "budgetUsd" | "concurrency" | "pricesFile" | "stop" | "abort" | "onProgress">;
}

export interface WebModelSide {
  model: string;
  run: string;
  status: string;
  n_predictions: number;
  /** Test cases whose answer stayed invalid after the repairs (counted as missing). */
  n_failed: number;
  accuracy: number | null;
  accuracy_micro: number | null;
  outcome_f1_purchase: number | null;
  outcome_f1_terminate: number | null;
  outcome_f1_macro: number | null;
  /** Shares of action kinds among the predictions. */
  distribution: Record<ActionKind, number>;
  score: WebActionScore;
}

export interface WebBeforeAfterResult {
  kind: "webactions";
  study: string;
  n_users: number;
  n_sessions: number;
  n_test_cases: number;
  /** Shares of action kinds among the shoppers' real actions (the test cases). */
  human_distribution: Record<ActionKind, number>;
  base: WebModelSide;
  tuned: WebModelSide;
}

async function side(o: WebBeforeAfterOptions, model: string, sessionsFile: string): Promise<WebModelSide> {
  const result = await runStudy({
    study: o.study,
    store: o.store,
    dataDir: o.dataDir,
    modelId: model,
    users: o.users,
    ...o.run,
  });
  const { scores } = await scoreWebActionsRun(o.store, result.run.id, sessionsFile);
  const s = scores[0];
  return {
    model,
    run: result.run.id,
    status: result.run.status,
    n_predictions: s.n_predictions,
    n_failed: s.n_failed,
    accuracy: s.accuracy,
    accuracy_micro: s.accuracy_micro,
    outcome_f1_purchase: s.outcome_f1_purchase,
    outcome_f1_terminate: s.outcome_f1_terminate,
    outcome_f1_macro: s.outcome_f1_macro,
    distribution: s.distribution.predicted,
    score: s,
  };
}

export async function runWebBeforeAfter(o: WebBeforeAfterOptions): Promise<WebBeforeAfterResult> {
  const { spec } = o.study;
  const web = webActionsOf(spec.instrument);
  if (!web) throw new Error("internal error: not a web-action study");
  if (spec.design.arms.length > 1 || spec.design.replicates > 1) {
    throw new UserError(
      "finetune compare scores one set of predictions per model: give the web-action study one arm and one replicate",
      { where: "design" },
    );
  }
  // Read once here too: a bad file or an unknown test user is refused before either model is asked.
  const task = loadWebActionsTask(web, o.study.file, o.users);
  const base = await side(o, o.models.base, task.file);
  const tuned = await side(o, o.models.tuned, task.file);
  return {
    kind: "webactions",
    study: spec.name,
    n_users: task.users.length,
    n_sessions: base.score.n_sessions,
    n_test_cases: base.score.n_test_cases,
    human_distribution: base.score.distribution.human,
    base,
    tuned,
  };
}

export function webBeforeAfterReport(r: WebBeforeAfterResult, title?: string): ReportDoc {
  const sides = [r.base, r.tuned];
  const short = ["base", "tuned"];
  const label = (s: WebModelSide, i: number) => `${short[i]} (${s.model})`;
  const rows: [string, (s: WebModelSide) => number | string | null][] = [
    ["predictions (failed)", (s) => `${s.n_predictions} (${s.n_failed})`],
    ["accuracy (mean over sessions)", (s) => s.accuracy],
    ["accuracy (over all test cases)", (s) => s.accuracy_micro],
    ["outcome F1, purchase", (s) => s.outcome_f1_purchase],
    ["outcome F1, terminate", (s) => s.outcome_f1_terminate],
    ["outcome F1, macro", (s) => s.outcome_f1_macro],
  ];
  const mock = sides.some((s) => isMockModel(s.model));
  return {
    title: title ?? `Before/after fine-tuning: ${r.study}`,
    subtitle: `base ${r.base.model} · tuned ${r.tuned.model}`,
    notes: mock
      ? [
          "Answers come from the mock LLM server: a test double's seeded picks among the page's actions, not a language model's behaviour, and nothing was trained.",
        ]
      : [],
    sections: [
      {
        heading: "Base vs. tuned",
        paragraphs: [
          `The web-action study ${r.study} run on the base and on the fine-tuned model for the ${r.n_sessions} sessions of ` +
            `${r.n_users} shoppers (${r.n_test_cases} test cases: every step after the first, given the true history), each ` +
            "prediction compared with what the shopper really did. Exact match: same action type, same target, and for " +
            "type_and_submit the same text; accuracy is averaged over a session's test cases, then over sessions. A failed " +
            "prediction counts as wrong. Lu et al. report 9.7–11.9% for prompted models and 17.3% after fine-tuning on real sessions.",
        ],
        table: {
          columns: ["figure", ...sides.map(label)],
          rows: rows.map(([name, f]) => [name, ...sides.map(f)]),
        },
      },
      {
        heading: "Action-type distribution",
        paragraphs: [
          "Shares of each kind of action: what the shoppers did on the test cases, and what each model predicted (over its " +
            `predictions). A click on a purchase target counts as purchase. Base is ${r.base.model}; tuned is ${r.tuned.model}.`,
        ],
        plots: [
          {
            kind: "bars",
            title: "Action kinds: shoppers vs. base vs. tuned",
            valueLabel: "share of actions",
            domain: [0, 1],
            data: ACTION_KINDS.flatMap((k) => [
              { label: k, series: "shoppers", value: r.human_distribution[k] },
              ...sides.map((s, i) => ({ label: k, series: short[i], value: s.distribution[k] })),
            ]),
          },
        ],
        table: {
          columns: ["kind", "shoppers", ...short, ...short.map((s) => `${s} accuracy`)],
          rows: ACTION_KINDS.map((k) => [
            k,
            r.human_distribution[k],
            ...sides.map((s) => s.distribution[k]),
            ...sides.map((s) => s.score.by_kind[k].accuracy),
          ]),
          caption: "accuracy by the true action's kind (exact matches / test cases of that kind)",
        },
      },
    ],
  };
}
