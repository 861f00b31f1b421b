import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { zInterval } from "../analysis/calibration/checks.ts";
import { type Interval, ppiAte, ppiMean } from "../analysis/calibration/index.ts";
import { column, readCsv } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import type { Answer, Question } from "../instruments/types.ts";
import { createRng } from "../random/index.ts";
import type { LoadedStudy } from "../spec/index.ts";
import type { CalibrationSpec } from "../spec/schema.ts";

/**
 * Confirmatory calibration plans (DESIGN section 7): the human data, the item and the estimand are
 * fixed before the run, and a plan that could not be carried out afterwards stops the run before
 * any model call. The same readers serve the report, so the run and the report agree on every value.
 */

/** One person's human answer, as a number, and (for an ate) the arm the person was in. */
export interface HumanOutcome {
  y: number;
  arm?: string;
  /** Line in the CSV, for messages. */
  line: number;
}

export interface HumanData {
  file: string;
  /** person id → outcome; people with an empty outcome are left out (they have no human answer). */
  outcomes: Map<string, HumanOutcome>;
  /** Rows with an empty outcome. */
  empty: number;
}

/** The plan's human data file: relative paths are read from the spec's folder. */
export function humanDataPath(plan: CalibrationSpec, specFile: string): string | undefined {
  return plan.human_data === undefined ? undefined : resolve(dirname(specFile), plan.human_data);
}

const NUMERIC_TYPES = new Set(["numeric", "linear_scale"]);

/** Options of a closed question that `values` gives no number to (numeric questions need none). */
export function uncoveredOptions(question: Question, values: Record<string, number> | undefined): string[] {
  if (NUMERIC_TYPES.has(question.type)) return [];
  return (question.options ?? []).filter((o) => values?.[o] === undefined);
}

/**
 * The number an answer stands for: `values` for option texts, the number itself for numeric
 * questions; undefined when there is none (free text, an unmapped option).
 */
export function answerValue(
  answer: Answer | string,
  question: Question,
  values: Record<string, number> | undefined,
): number | undefined {
  const text = String(answer).trim();
  const mapped = values?.[text];
  if (mapped !== undefined) return mapped;
  if (!NUMERIC_TYPES.has(question.type)) return undefined;
  const x = typeof answer === "number" ? answer : text === "" ? Number.NaN : Number(text);
  return Number.isFinite(x) ? x : undefined;
}

/**
 * Reads the human data of a plan: every non-empty outcome must become a number and every person
 * id must be unique, else a UserError names the file and line.
 */
export function readHumanData(file: string, plan: CalibrationSpec, question: Question): HumanData {
  if (!existsSync(file)) {
    throw new UserError("human data file not found", { where: file });
  }
  const table = readCsv(file);
  const person = column(table, plan.person_column);
  const outcome = column(table, plan.outcome ?? "");
  const armAt = plan.estimand === "ate" ? column(table, plan.arm_column) : -1;
  const outcomes = new Map<string, HumanOutcome>();
  let empty = 0;
  table.rows.forEach((row, i) => {
    const line = table.lines[i];
    const id = row[person].trim();
    if (id === "") throw new UserError(`empty ${plan.person_column}`, { where: `${file}:${line}` });
    const seen = outcomes.get(id);
    if (seen) {
      throw new UserError(`person "${id}" appears twice (also line ${seen.line})`, {
        where: `${file}:${line}`,
      });
    }
    const raw = row[outcome].trim();
    if (raw === "") {
      empty++;
      return;
    }
    const y = answerValue(raw, question, plan.values);
    if (y === undefined) {
      const known = plan.values ? Object.keys(plan.values).map((k) => JSON.stringify(k)) : [];
      throw new UserError(
        `${plan.outcome} "${raw}" has no number` +
          (known.length > 0
            ? ` (calibration.values maps ${known.join(", ")})`
            : " (add it to calibration.values)"),
        { where: `${file}:${line}` },
      );
    }
    outcomes.set(id, armAt >= 0 ? { y, arm: row[armAt].trim(), line } : { y, line });
  });
  return { file, outcomes, empty };
}

/** How many human outcomes each group of the estimand has: a mean needs 2, an ate 2 per arm. */
export function labeledCounts(plan: CalibrationSpec, human: HumanData): Record<string, number> {
  if (plan.estimand !== "ate") return { all: human.outcomes.size };
  const counts: Record<string, number> = { [plan.treated!]: 0, [plan.control!]: 0 };
  for (const o of human.outcomes.values()) if (o.arm! in counts) counts[o.arm!]++;
  return counts;
}

/**
 * Refuses to start a confirmatory study whose plan cannot be carried out: the human data must
 * exist and hold the named columns with a number for every outcome, the item's options must all
 * have a number, and the estimand needs at least 2 human outcomes (per arm for an ate).
 * Exploratory studies pass unchecked: their calibration, if any, is decided after the run.
 */
export function checkConfirmatoryPlan(study: LoadedStudy, questions: readonly Question[]): void {
  const plan = study.spec.calibration;
  if (!plan?.confirmatory) return;
  const where = (key: string) => `${study.file}: calibration.${key}`;
  // The schema already demands these for confirmatory plans; checked again for specs built in code.
  for (const key of ["human_data", "estimand", "item", "outcome"] as const) {
    if (plan[key] === undefined) {
      throw new UserError("a confirmatory study must name its human data and estimand before it runs", {
        where: where(key),
      });
    }
  }
  const question = questions.find((q) => q.id === plan.item);
  if (!question) throw new UserError(`"${plan.item}" is not an item of this study`, { where: where("item") });
  if (question.type === "free_text") {
    throw new UserError(`"${plan.item}" is free text: calibration needs numeric or closed answers`, {
      where: where("item"),
    });
  }
  const missing = uncoveredOptions(question, plan.values);
  if (missing.length > 0) {
    throw new UserError(
      `options of ${question.id} with no number: ${missing.map((o) => JSON.stringify(o)).join(", ")} ` +
        `(give every option a number so each simulated answer is a prediction)`,
      { where: where("values") },
    );
  }
  const file = humanDataPath(plan, study.file)!;
  let human: HumanData;
  try {
    human = readHumanData(file, plan, question);
  } catch (error) {
    if (error instanceof UserError) {
      throw new UserError(`confirmatory study refused before it runs: ${error.message}`, {
        where: where("human_data"),
      });
    }
    throw error;
  }
  for (const [group, n] of Object.entries(labeledCounts(plan, human))) {
    if (n < 2) {
      throw new UserError(
        `confirmatory study refused before it runs: ${file} has ${n} human outcome${n === 1 ? "" : "s"}` +
          `${group === "all" ? "" : ` in arm "${group}"`}; the estimand needs at least 2`,
        { where: where("human_data") },
      );
    }
  }
}

/** Per arm, per agent: the numbers of the agent's simulated answers (undefined: failed or unmapped). */
export type SimulatedValues = Map<string, Map<string, (number | undefined)[]>>;

export interface PlanEstimates {
  estimand: "mean" | "ate";
  confirmatory: boolean;
  item: string;
  outcome: string;
  alpha: number;
  /** mean: the arm used; ate: [treated, control]. */
  arms: string[];
  /** Agents with a human outcome (per arm for an ate). */
  n_labeled: Record<string, number>;
  /** Agents with simulated answers only (per arm for an ate). */
  n_unlabeled: Record<string, number>;
  /** Human outcomes whose person is not an agent of this run (not used). */
  human_not_in_run: number;
  /** Agents with no valid simulated answer, given the arm's mean simulated answer instead. */
  imputed: number;
  /** The calibrated estimate and its λ (one per arm for an ate). */
  ppi_plus_plus: Interval & { lambda: number | Record<string, number> };
  /** Human answers only. */
  classical: Interval;
  /** Classic PPI, λ = 1. */
  ppi: Interval;
  /** Simulated answers only: the naive figure, whose interval ignores the simulator's bias. */
  simulated: Interval;
}

/** The numbers PPI++ takes for one arm: predictions for labeled and unlabeled agents. */
export interface ArmData {
  y: number[];
  yhat: number[];
  yhatUnlabeled: number[];
  /** Every agent's prediction that is not imputed, for the simulated-only figure. */
  simulated: number[];
  imputed: number;
  notInRun: number;
}

function meanOf(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * One prediction per agent: the mean of its valid simulated answers in the arm (replicates
 * average out); `simulated` lists the predictions that are not imputed. An agent with none gets the arm's mean simulated answer, the same rule for
 * labeled and unlabeled agents, so no human is dropped and the predictor stays one function.
 */
export function agentPredictions(byAgent: Map<string, (number | undefined)[]>): {
  predictions: Map<string, number>;
  simulated: number[];
  imputed: number;
} {
  const simulated: number[] = [];
  const own = new Map<string, number | undefined>();
  for (const [agent, values] of byAgent) {
    const valid = values.filter((v): v is number => v !== undefined);
    const p = valid.length > 0 ? meanOf(valid) : undefined;
    if (p !== undefined) simulated.push(p);
    own.set(agent, p);
  }
  const fallback = simulated.length > 0 ? meanOf(simulated) : Number.NaN;
  let imputed = 0;
  const predictions = new Map<string, number>();
  for (const [agent, p] of own) {
    if (p === undefined) imputed++;
    predictions.set(agent, p ?? fallback);
  }
  return { predictions, simulated, imputed };
}

/**
 * Splits one arm's agents into labeled (a human outcome, in this arm for an ate) and unlabeled.
 * `unlabeledAgents` limits the unlabeled side (an ate gives each arm its own half).
 */
export function armData(
  byAgent: Map<string, (number | undefined)[]>,
  human: HumanData,
  arm: string | undefined,
  unlabeledAgents?: ReadonlySet<string>,
): ArmData {
  const { predictions, simulated, imputed } = agentPredictions(byAgent);
  const out: ArmData = { y: [], yhat: [], yhatUnlabeled: [], simulated, imputed, notInRun: 0 };
  for (const [agent, p] of predictions) {
    const h = human.outcomes.get(agent);
    if (h && (arm === undefined || h.arm === arm)) {
      out.y.push(h.y);
      out.yhat.push(p);
    } else if (!h && (!unlabeledAgents || unlabeledAgents.has(agent))) {
      out.yhatUnlabeled.push(p);
    }
  }
  for (const [person, h] of human.outcomes) {
    if ((arm === undefined || h.arm === arm) && !predictions.has(person)) out.notInRun++;
  }
  return out;
}

function naive(values: readonly number[], alpha: number): Interval {
  const m = meanOf(values);
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return zInterval(m, Math.sqrt(ss / (values.length - 1) / values.length), alpha);
}

function difference(t: Interval, c: Interval, alpha: number): Interval {
  return zInterval(t.estimate - c.estimate, Math.hypot(t.se, c.se), alpha);
}

/**
 * Carries out a complete plan on a run's simulated answers. Mean: labeled = agents with a human
 * outcome, unlabeled = the others. Ate: per arm, labeled = people whose human arm is that arm;
 * the agents without any human outcome are split at random (seeded) between the two arms, so the
 * arms' samples are independent as ppiAte's added variances assume.
 */
export function calibratePlan(
  plan: CalibrationSpec,
  human: HumanData,
  sims: SimulatedValues,
  defaultArm: string,
  seed: number | string,
): PlanEstimates {
  const alpha = plan.alpha;
  const base = {
    estimand: plan.estimand!,
    confirmatory: plan.confirmatory,
    item: plan.item!,
    outcome: plan.outcome!,
    alpha,
  };
  const answers = (arm: string) => sims.get(arm) ?? new Map<string, (number | undefined)[]>();
  if (plan.estimand !== "ate") {
    const arm = plan.arm ?? defaultArm;
    const d = armData(answers(arm), human, undefined);
    const fit = ppiMean(d, { alpha });
    return {
      ...base,
      arms: [arm],
      n_labeled: { [arm]: fit.n },
      n_unlabeled: { [arm]: fit.N },
      human_not_in_run: d.notInRun,
      imputed: d.imputed,
      ppi_plus_plus: { ...pick(fit), lambda: fit.lambda },
      classical: fit.classical,
      ppi: fit.ppi,
      simulated: naive(d.simulated, alpha),
    };
  }
  const treated = plan.treated!;
  const control = plan.control!;
  const unlabeled = new Set<string>();
  for (const arm of [treated, control]) {
    for (const agent of answers(arm).keys()) if (!human.outcomes.has(agent)) unlabeled.add(agent);
  }
  const shuffled = createRng(`calibration:${seed}`).shuffle([...unlabeled].sort());
  const half = Math.ceil(shuffled.length / 2);
  const t = armData(answers(treated), human, treated, new Set(shuffled.slice(0, half)));
  const c = armData(answers(control), human, control, new Set(shuffled.slice(half)));
  const fit = ppiAte(t, c, { alpha });
  return {
    ...base,
    arms: [treated, control],
    n_labeled: { [treated]: t.y.length, [control]: c.y.length },
    n_unlabeled: { [treated]: t.yhatUnlabeled.length, [control]: c.yhatUnlabeled.length },
    human_not_in_run: t.notInRun + c.notInRun,
    imputed: t.imputed + c.imputed,
    ppi_plus_plus: {
      ...pick(fit),
      lambda: { [treated]: fit.lambda.treated, [control]: fit.lambda.control },
    },
    classical: fit.classical,
    ppi: fit.ppi,
    simulated: difference(naive(t.simulated, alpha), naive(c.simulated, alpha), alpha),
  };
}

function pick(i: Interval): Interval {
  return { estimate: i.estimate, se: i.se, lower: i.lower, upper: i.upper };
}
