import { dirname, resolve } from "node:path";
import { UserError } from "../errors/index.ts";
import type { Question } from "../instruments/types.ts";
import type { LanguageModel } from "../llm/types.ts";
import {
  answersProblem,
  formatPath,
  instrumentKind,
  type LoadedStudy,
  runsAsDesign,
  SpecError,
  type SpecProblem,
  surveyOf,
} from "../spec/index.ts";
import { checkConfirmatoryPlan } from "./confirmatory.ts";
import type { StudyInstrument } from "./instrument.ts";
import { studyInstrument } from "./instrument.ts";
import { defaultModelId, resolveModel } from "./models.ts";
import { buildPopulation, readStoredInterviews, studyConditionings } from "./population.ts";
import { reflectionProblem } from "./reflection-stages.ts";
import { studyPlan } from "./stages.ts";

/** What the statistical baseline can answer (see src/baseline): GSS items it has data for. */
interface ItemCoverage {
  canAnswer(itemId: string): boolean;
  answerableItems(): string[];
}

function coverageOf(model: LanguageModel): ItemCoverage | undefined {
  const m = model as Partial<ItemCoverage>;
  return typeof m.canAnswer === "function" && typeof m.answerableItems === "function"
    ? (m as ItemCoverage)
    : undefined;
}

const LLM_EXAMPLE = "an LLM (model.id in the spec or --model, e.g. openai:gpt-4o-mini)";

/**
 * Refuses, before anything is planned or paid, a study the chosen model cannot carry out: items
 * the statistical baseline has no data for (custom questions, GSS items missing from its data),
 * distribution mode on a model without logprobs or on open questions, and more answers than a
 * study may have. Every problem names the item, its line in the spec and what would work.
 * `agents` is the population's size once it is built (a CSV without n is only counted then).
 */
export function checkStudyAgainstModel(
  study: LoadedStudy,
  questions: readonly Question[],
  model: LanguageModel,
  agents?: number,
): void {
  const { spec } = study;
  const problems: SpecProblem[] = [];
  const add = (path: (string | number)[], message: string) =>
    problems.push({ path: formatPath(path), location: study.locate?.(path), message });

  const coverage = coverageOf(model);
  if (coverage) {
    let answerable: string[] | undefined;
    const gssList = () => {
      answerable ??= coverage.answerableItems();
      return answerable.join(", ");
    };
    const survey = surveyOf(spec.instrument);
    if (!survey || runsAsDesign(spec)) {
      const what = survey ? "a design's probe and mode prompts" : `a ${instrumentKind(spec.instrument)}`;
      add(
        survey ? ["design"] : ["instrument"],
        `${model.id} (a statistical baseline drawing answers from real GSS respondents) answers only GSS ` +
          `questions, and ${what} needs a model that reads its prompts: ask it with ${LLM_EXAMPLE}`,
      );
    }
    survey?.items.forEach((item, i) => {
      if (!("gss" in item)) {
        add(
          ["instrument", "items", i],
          `"${item.id}" is a custom question, and ${model.id} (a statistical baseline drawing answers from ` +
            `real GSS respondents) answers only GSS items; ask it with ${LLM_EXAMPLE}, or use a GSS item (gss: ID)`,
        );
      } else if (!coverage.canAnswer(item.gss)) {
        add(
          ["instrument", "items", i, "gss"],
          `${model.id} has no GSS answers to "${item.gss}"; ask it with ${LLM_EXAMPLE}, or use a GSS item ` +
            `it can answer: ${gssList()}`,
        );
      }
    });
  }

  if (spec.model.mode === "distribution") {
    if (!model.supportsLogprobs) {
      add(
        ["model", "mode"],
        `distribution mode reads option probabilities from logprobs, which ${model.id} does not return; ` +
          "use mode: generate, or a model with logprobs (openai:…, ollama:…, an OpenAI-compatible http(s)://…#MODEL, baseline:demographic)",
      );
    }
    questions.forEach((q, i) => {
      if (!q.options) {
        add(
          ["instrument", "items", i],
          `distribution mode asks closed questions, and "${q.id}" (${q.type.replace("_", " ")}) has no options; ` +
            "ask it in a study with mode: generate",
        );
      }
    });
  }

  const conditionings = studyConditionings(spec.population, undefined);
  if (conditionings.some((c) => c.mode === "interview+reflection")) {
    const problem = reflectionProblem(spec.population?.reflection, model);
    if (problem) add(problem.where.split("."), problem.message);
  }

  if (agents !== undefined) {
    const tooMany = surveyOf(spec.instrument)
      ? answersProblem({
          agents,
          items: questions.length,
          // Every arm under every conditioning.
          arms: spec.design.arms.length * conditionings.length,
          replicates: spec.design.replicates,
        })
      : undefined;
    if (tooMany) add(["population"], tooMany);
  }
  if (problems.length > 0) throw new SpecError(study.file, problems);
}

export interface StudyCheck {
  model: LanguageModel;
  questions: Question[];
  agents: number;
  /** Jobs of a run as planned (survey: people × item sets × arms × replicates). */
  jobs: number;
  /** What the instrument is, in a few words ("3 items", "the dictator game", "demand at 11 prices under 3 modes"). */
  describe: string;
}

/**
 * Everything `run` checks before it plans a job, without storing or calling anything: the items,
 * the calibration plan, the population, the study against the model and the plan itself. The
 * model is the one `run` would use: `modelId`, else the spec's model.id, else $POPULACE_MODEL,
 * else the statistical baseline.
 */
export async function validateStudy(
  study: LoadedStudy,
  opts: { dataDir: string; modelId?: string },
): Promise<StudyCheck> {
  const spec = study.spec;
  const instrument = studyInstrument(spec, opts.dataDir, study);
  const questions = instrument.questions;
  checkConfirmatoryPlan(study, questions);
  const p = spec.population;
  if (!p) throw new UserError("required: where the simulated people come from", { where: "population" });
  const agents = buildPopulation(p, {
    dataDir: opts.dataDir,
    specFile: study.file,
    seed: spec.seed,
    storedInterviews:
      p.source === "interviews" && p.db !== undefined
        ? await readStoredInterviews(resolve(dirname(study.file), p.db), p.run)
        : undefined,
  });
  const model = resolveModel(opts.modelId ?? spec.model.id ?? defaultModelId(), {
    dataDir: opts.dataDir,
    seed: spec.seed,
    timeoutMs: spec.model.timeout_ms,
    dryRun: true,
  });
  checkStudyAgainstModel(study, questions, model, agents.length);
  const plan = studyPlan(spec, agents, instrument);
  // A survey's jobs: every conditioning's stage, plus a reflection job per person for each
  // conditioning that writes reflections.
  const jobs =
    plan.kind === "survey"
      ? plan.jobs.length * plan.conditionings.length +
        agents.length * plan.conditionings.filter((c) => c.mode === "interview+reflection").length
      : plan.jobs.length;
  return {
    model,
    questions,
    agents: agents.length,
    jobs,
    describe: describeInstrument(instrument, spec.design.arms.length),
  };
}

/** The instrument and its arms in a few words: "4 items, 2 arm(s)", "the trust game (partner: person), 1 arm(s)". */
function describeInstrument(i: StudyInstrument, arms: number): string {
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? "" : "s"}`;
  const withArms = (what: string) => `${what}, ${arms} arm(s)`;
  switch (i.kind) {
    case "survey":
      return withArms(`${i.questions.length} items`);
    case "game":
      return withArms(`the ${i.game.game.replaceAll("_", " ")} game (partner: ${i.game.partner.type})`);
    case "conjoint":
      return withArms(
        `conjoint, ${n(i.conjoint.tasks, "task")}${i.conjoint.repeat_task !== undefined ? " and a repeated task" : ""}`,
      );
    case "design": {
      const e = i.experiment;
      const what =
        e.kind === "demand"
          ? `demand at ${n(e.design.arms.length, "price")}`
          : e.kind === "classic"
            ? `a classic study with ${n(e.design.arms.length, "condition")}`
            : `${e.items.length} items, ${e.design.arms.length} arm(s)`;
      const probe = e.probe.length ? `, probe of ${n(e.probe.length, "variable")}` : "";
      return `${what} under ${e.modes.join(", ")}${probe}`;
    }
    case "webactions":
      return withArms(`web actions on ${n(i.task.sessions.size, "session")}`);
    case "community":
      return `a community of ${i.community.personas} personas × ${i.community.threads} threads`;
  }
}
