/**
 * "See the difference" (issue 11): a run under several conditionings, each arm of conditioning
 * side by side — against people's own answers when they are given (accuracy, normalized accuracy
 * against their retest, each with a bootstrap CI over people; DPD by subgroup), with the tokens
 * and cost per respondent each costs (its reflections and embedding look-ups included). The
 * figures come from src/analysis/fidelity through its own API.
 */
import { type AnswerRow, compareFidelity, type FidelityResult } from "../analysis/fidelity/index.ts";
import { optionsOf } from "../instruments/answers.ts";
import type { Question } from "../instruments/types.ts";
import type { PlotSpec, ReportSection } from "../report/index.ts";
import type { StudySpec } from "../spec/index.ts";
import type { RunRecord, Store } from "../store/types.ts";
import { conditionedArm, conditioningOf } from "./conditioned-stages.ts";
import { studyConditionings } from "./population.ts";
import { REFLECTIONS_ARM } from "./reflection-stages.ts";

/** People's own answers to compare with: long CSVs person_id,item,answer[,attributes]. */
export interface HumanAnswers {
  human: string;
  /** The same people answering again (the ceiling normalized accuracy divides by). */
  retest?: string;
  /** Person attributes of the human file to compute the DPD over. */
  by?: string[];
  /** Bootstrap resamples of people for the CIs (default 500). */
  bootstrap?: number;
  seed?: number | string;
}

type Interval = [number | null, number | null] | null;

export interface ConditioningFigures {
  arm: string;
  conditioning: string;
  respondents: number;
  valid: number;
  failed: number;
  /** With human answers: the share of (person, item) pairs answered as the person did. */
  accuracy: number | null;
  accuracy_ci: Interval;
  /** With a retest: mean over people of accuracy / the person's own retest accuracy. */
  normalized_accuracy: number | null;
  normalized_accuracy_ci: Interval;
  retest_accuracy: number | null;
  /** Max − min accuracy over the groups of each --by attribute (groups of ≥ 10 people). */
  dpd: Record<string, number | null>;
  /** Per respondent: every call of the arm (answering, its reflections and embedding look-ups). */
  per_respondent: {
    input_tokens: number;
    cached_input_tokens: number;
    output_tokens: number;
    /** null when a call's model has no price. */
    cost_usd: number | null;
  };
}

export interface ConditioningsReport {
  arms: ConditioningFigures[];
  human_data: string | null;
  retest_data: string | null;
  by: string[];
  /** Closed items compared (open and numeric ones are left out of the accuracy). */
  items_compared: number;
  statement: string;
}

interface Tally {
  people: Set<string>;
  valid: number;
  failed: number;
  input: number;
  cached: number;
  output: number;
  cost: number;
  priced: boolean;
  rows: AnswerRow[];
}

const newTally = (): Tally => ({
  people: new Set(),
  valid: 0,
  failed: 0,
  input: 0,
  cached: 0,
  output: 0,
  cost: 0,
  priced: true,
  rows: [],
});

/** The arm a job's id names (`AGENT/ITEMS/ARM/rN`; a reflection job `AGENT/reflections/LABEL`). */
function armOfJob(jobId: string): string | undefined {
  const parts = jobId.split("/");
  if (parts.length >= 3 && parts.at(-2) === REFLECTIONS_ARM) return `${REFLECTIONS_ARM}·${parts.at(-1)}`;
  return parts.length >= 4 ? parts.at(-2) : undefined;
}

/**
 * The figures of each arm of conditioning of a run (null when the run has one conditioning and
 * no human answers were given: there is nothing to set side by side).
 */
export async function conditioningsReport(
  store: Store,
  run: RunRecord,
  spec: StudySpec,
  questions: readonly Question[],
  human?: HumanAnswers,
): Promise<ConditioningsReport | null> {
  const conditionings = studyConditionings(spec.population, undefined);
  if (conditionings.length < 2 && !human) return null;
  const arms = spec.design.arms.flatMap((a) => conditionings.map((c) => conditionedArm(a.name, c)));
  const tallies = new Map(arms.map((a) => [a, newTally()]));
  // Reflections are written once per person and conditioning, for every design arm under it.
  const reflectionOf = (arm: string) =>
    conditionings.length > 1 ? `${REFLECTIONS_ARM}·${conditioningOf(arm)}` : REFLECTIONS_ARM;
  const reflections = new Map<string, Tally>();
  const closed = new Set(questions.filter((q) => optionsOf(q)).map((q) => q.id));
  for await (const r of store.responses(run.id)) {
    const t = r.arm.startsWith(REFLECTIONS_ARM)
      ? (reflections.get(r.arm) ?? reflections.set(r.arm, newTally()).get(r.arm)!)
      : tallies.get(r.arm);
    if (!t) continue;
    t.input += r.inputTokens;
    t.cached += r.cachedInputTokens;
    t.output += r.outputTokens;
    if (r.costUsd === null) t.priced = false;
    else t.cost += r.costUsd;
    if (r.arm.startsWith(REFLECTIONS_ARM)) continue;
    t.people.add(r.agentId);
    if (r.status === "ok") t.valid++;
    else if (r.status === "failed") t.failed++;
    // One answer per person and item: the first replicate's.
    if (r.status === "ok" && r.replicate === 1 && closed.has(r.item) && r.answer !== null) {
      t.rows.push({ person_id: r.agentId, item: r.item, answer: String(r.answer) });
    }
  }
  // Embedding look-ups are turns no row carries: their tokens and cost go to their job's arm.
  for await (const turn of store.turns(run.id)) {
    if (turn.speaker !== "embeddings") continue;
    const arm = armOfJob(turn.jobId);
    const t = arm === undefined ? undefined : (tallies.get(arm) ?? reflections.get(arm));
    if (!t) continue;
    t.input += turn.inputTokens;
    t.cached += turn.cachedInputTokens;
    if (turn.costUsd === null) t.priced = false;
    else t.cost += turn.costUsd;
  }
  const figures: ConditioningFigures[] = [];
  for (const arm of arms) {
    const t = tallies.get(arm)!;
    const r = reflections.get(reflectionOf(arm));
    const designArms = spec.design.arms.length;
    const n = t.people.size;
    // A conditioning's reflections serve all its design arms: each arm carries its share.
    const share = (x: number) => (r ? x / designArms : 0);
    const per = (x: number) => (n ? x / n : 0);
    const fidelity = human && t.rows.length ? compare(t.rows, human) : null;
    const overall = fidelity?.overall as Record<string, unknown> | undefined;
    const ci = overall?.ci as Record<string, Interval> | undefined;
    const value = (k: string) => (typeof overall?.[k] === "number" ? (overall[k] as number) : null);
    figures.push({
      arm,
      conditioning: conditioningOf(arm) || conditionings[0].mode,
      respondents: n,
      valid: t.valid,
      failed: t.failed,
      accuracy: value("accuracy"),
      accuracy_ci: ci?.accuracy ?? null,
      normalized_accuracy: value("normalized_accuracy"),
      normalized_accuracy_ci: ci?.normalized_accuracy ?? null,
      retest_accuracy: value("retest_accuracy"),
      dpd: Object.fromEntries(Object.entries(fidelity?.subgroups ?? {}).map(([col, g]) => [col, g.dpd])),
      per_respondent: {
        input_tokens: per(t.input + share(r?.input ?? 0)),
        cached_input_tokens: per(t.cached + share(r?.cached ?? 0)),
        output_tokens: per(t.output + share(r?.output ?? 0)),
        cost_usd: t.priced && (r?.priced ?? true) ? per(t.cost + share(r?.cost ?? 0)) : null,
      },
    });
  }
  const statement = human
    ? `Each arm's simulated answers compared with the same people's own answers (${human.human})${human.retest ? `, normalized by their retest (${human.retest})` : ""}; intervals are bootstrap 95% CIs over people.`
    : "No human answers were given (populace report --human FILE): the arms are compared by what they cost only.";
  return {
    arms: figures,
    human_data: human?.human ?? null,
    retest_data: human?.retest ?? null,
    by: human?.by ?? [],
    items_compared: closed.size,
    statement,
  };
}

function compare(rows: AnswerRow[], human: HumanAnswers): FidelityResult {
  return compareFidelity(
    { sim: { name: "simulated", rows }, human: human.human, retest: human.retest },
    {
      type: "categorical",
      by: human.by,
      bootstrap: { B: human.bootstrap ?? 500, seed: human.seed ?? 1 },
    },
  );
}

const f3 = (x: number | null) => (x === null ? null : Number(x.toFixed(3)));
const withCi = (x: number | null, ci: Interval) =>
  x === null
    ? "—"
    : ci && ci[0] !== null && ci[1] !== null
      ? `${x.toFixed(3)} [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]`
      : x.toFixed(3);

/** One table and one plot, as the paper's main figure: each conditioning's fidelity beside its cost. */
export function conditioningsSection(c: ConditioningsReport): ReportSection {
  const normalized = c.retest_data !== null;
  const metric = normalized ? "normalized accuracy" : "accuracy";
  const columns = [
    "arm of conditioning",
    "people",
    ...(c.human_data ? ["accuracy [95% CI]"] : []),
    ...(normalized ? ["normalized accuracy [95% CI]", "retest"] : []),
    ...c.by.map((b) => `DPD ${b}`),
    "input tokens / person (cached)",
    "output / person",
    "USD / person",
  ];
  const rows = c.arms.map((a) => [
    a.arm,
    a.respondents,
    ...(c.human_data ? [withCi(a.accuracy, a.accuracy_ci)] : []),
    ...(normalized ? [withCi(a.normalized_accuracy, a.normalized_accuracy_ci), f3(a.retest_accuracy)] : []),
    ...c.by.map((b) => f3(a.dpd[b] ?? null)),
    `${Math.round(a.per_respondent.input_tokens)} (${Math.round(a.per_respondent.cached_input_tokens)})`,
    Math.round(a.per_respondent.output_tokens),
    a.per_respondent.cost_usd === null ? "unknown" : a.per_respondent.cost_usd.toFixed(5),
  ]);
  const plots: PlotSpec[] = [];
  if (c.human_data) {
    plots.push({
      kind: "bars",
      title: `${metric} per arm of conditioning (bars: 95% CI over people)`,
      valueLabel: metric,
      domain: [0, normalized ? Math.max(1, ...c.arms.map((a) => a.normalized_accuracy_ci?.[1] ?? 0)) : 1],
      data: c.arms.map((a) => {
        const v = normalized ? a.normalized_accuracy : a.accuracy;
        const ci = normalized ? a.normalized_accuracy_ci : a.accuracy_ci;
        return { label: a.arm, value: v, lower: ci?.[0] ?? null, upper: ci?.[1] ?? null };
      }),
      ...(normalized ? { rule: 1, caption: "1 = as accurate as the person's own retest" } : {}),
    });
  } else {
    plots.push({
      kind: "bars",
      title: "input tokens per respondent, per arm of conditioning",
      valueLabel: "input tokens",
      data: c.arms.map((a) => ({ label: a.arm, value: a.per_respondent.input_tokens })),
    });
  }
  return {
    heading: "Conditionings side by side",
    paragraphs: [
      c.statement,
      `Accuracy is over the ${c.items_compared} closed items, one answer per person and item (the first replicate). Tokens and cost per respondent include each arm's expert reflections and embedding look-ups.`,
    ],
    table: { columns, rows },
    plots,
  };
}
