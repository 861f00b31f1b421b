import { UserError } from "../errors/index.ts";
import type { Question } from "../instruments/types.ts";
import type { LanguageModel } from "../llm/types.ts";
import { answersProblem, formatPath, type LoadedStudy, SpecError, type SpecProblem } from "../spec/index.ts";
import { checkConfirmatoryPlan } from "./confirmatory.ts";
import { resolveQuestions } from "./items.ts";
import { defaultModelId, resolveModel } from "./models.ts";
import { buildPopulation } from "./population.ts";

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
    spec.instrument.items.forEach((item, i) => {
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

  if (agents !== undefined) {
    const tooMany = answersProblem({
      agents,
      items: questions.length,
      arms: spec.design.arms.length,
      replicates: spec.design.replicates,
    });
    if (tooMany) add(["population"], tooMany);
  }
  if (problems.length > 0) throw new SpecError(study.file, problems);
}

export interface StudyCheck {
  model: LanguageModel;
  questions: Question[];
  agents: number;
  /** Jobs of a run: people × item sets × arms × replicates. */
  jobs: number;
}

/**
 * Everything `run` checks before it plans a job, without planning, storing or calling anything:
 * the items, the calibration plan, the population and the study against the model. The model is
 * the one `run` would use: `modelId`, else the spec's model.id, else $POPULACE_MODEL, else the
 * statistical baseline.
 */
export function validateStudy(study: LoadedStudy, opts: { dataDir: string; modelId?: string }): StudyCheck {
  const spec = study.spec;
  const questions = resolveQuestions(spec.instrument.items, opts.dataDir, study);
  checkConfirmatoryPlan(study, questions);
  if (!spec.population)
    throw new UserError("required: where the simulated people come from", { where: "population" });
  const agents = buildPopulation(spec.population, {
    dataDir: opts.dataDir,
    specFile: study.file,
    seed: spec.seed,
  }).length;
  const model = resolveModel(opts.modelId ?? spec.model.id ?? defaultModelId(), {
    dataDir: opts.dataDir,
    seed: spec.seed,
    timeoutMs: spec.model.timeout_ms,
    dryRun: true,
  });
  checkStudyAgainstModel(study, questions, model, agents);
  const itemSets = Math.ceil(questions.length / spec.instrument.items_per_call);
  return {
    model,
    questions,
    agents,
    jobs: agents * itemSets * spec.design.arms.length * spec.design.replicates,
  };
}
