/**
 * A study's expert reflections: which experts, models and ranking it uses (from
 * `population.reflection` and the run's model), the stage that writes them before any answering
 * stage, and what those calls would cost in a dry run.
 */
import { type Agent, type Conditioning, conditioningLabel, interviewForExperts } from "../agents/index.ts";
import type { PlannedJob } from "../designs/index.ts";
import {
  EpisodeRunner,
  type ModelEntry,
  type Participant,
  promptTokens,
  type Stage,
} from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import {
  costOf,
  createEmbedder,
  embeddingModel,
  hasEmbeddings,
  type PriceTable,
  parseModelId,
  priceFor,
} from "../llm/index.ts";
import type { LanguageModel, Usage } from "../llm/types.ts";
import {
  DEFAULT_BUDGET_TOKENS,
  DEFAULT_EXPERTS,
  DEFAULT_OBSERVATIONS,
  type Expert,
  type Found,
  loadReflections,
  REFLECTION_MAX_OUTPUT_TOKENS,
  type ReflectionSource,
  reflectionItem,
  reflectionProgram,
  reflectionRequest,
  reflectionSystem,
  transcriptDigest,
} from "../reflections/index.ts";
import type { ReflectionSpec } from "../spec/index.ts";
import type { Store } from "../store/types.ts";
import { DEFAULT_MODEL, resolveModel } from "./models.ts";

/** The arm of reflection jobs (`reflections·LABEL` under several conditionings). */
export const REFLECTIONS_ARM = "reflections";

/** OpenAI's small embedding model, asked for 256-dimensional vectors (ample for ranking a few dozen notes). */
const OPENAI_EMBEDDINGS = "openai:text-embedding-3-small";
const SHORT_VECTORS = 256;

export interface ReflectionSetup {
  experts: readonly Expert[];
  observations: number;
  budgetTokens: number;
  /** The model that writes the reflections, when not the run's (an id `entries` resolves). */
  model?: string;
  /** The embedding model (an id `entries` resolves); absent: observations are ranked by BM25. */
  embedder?: string;
  /** Models the reflection and answering episodes may name. */
  entries: Map<string, ModelEntry>;
  /** How observations are ranked, for the run's notes. */
  ranking: string;
  /** Models without a price (their cost is unknown). */
  unpriced: string[];
}

export interface SetupOptions {
  dataDir: string;
  seed: number | string;
  timeoutMs?: number;
  dryRun?: boolean;
  prices: PriceTable;
}

function priced(id: string, prices: PriceTable, kind: LanguageModel["kind"]) {
  return (usage: Usage): number | null => (kind === "llm" ? costOf(id, usage, prices) : 0);
}

/**
 * Why the study's reflections cannot be had with this run model, or undefined: the writer would be
 * the statistical baseline, or ranking by embeddings has no embedding model (or one without an
 * embeddings API). Checked with the study (validate, run) before anything is written.
 */
export function reflectionProblem(
  spec: ReflectionSpec | undefined,
  runModel: Pick<LanguageModel, "id" | "kind">,
): { where: string; message: string } | undefined {
  const writer = spec?.model ?? runModel.id;
  if (writer === DEFAULT_MODEL || (!spec?.model && runModel.kind === "baseline")) {
    return {
      where: "population.conditioning",
      message: `interview+reflection needs a language model to write the reflections; ${writer} answers from survey data (set model.id, --model or population.reflection.model)`,
    };
  }
  const id = embedderId(spec, runModel.id);
  if (spec?.relevance === "embeddings" && !id) {
    return {
      where: "population.reflection.relevance",
      message: `relevance: embeddings needs population.reflection.embedding_model for ${runModel.id} (only openai: models have a default)`,
    };
  }
  if (id && spec?.relevance !== "bm25" && !hasEmbeddings(id)) {
    return {
      where: "population.reflection.embedding_model",
      message: `${id} has no embeddings API here; use an openai:, ollama: or http(s)://…#MODEL id`,
    };
  }
  return undefined;
}

/** The embedding model the study ranks observations with, if any (before `relevance: bm25`). */
function embedderId(spec: ReflectionSpec | undefined, runModelId: string): string | undefined {
  if (spec?.embedding_model) return spec.embedding_model;
  if (spec?.relevance === "bm25") return undefined;
  let provider: string;
  try {
    provider = parseModelId(runModelId).provider;
  } catch {
    return undefined;
  }
  return provider === "openai" ? OPENAI_EMBEDDINGS : undefined;
}

/** The study's reflection settings, with the models they need resolved (and refused early when unusable). */
export function reflectionSetup(
  spec: ReflectionSpec | undefined,
  runModel: LanguageModel,
  o: SetupOptions,
): ReflectionSetup {
  const problem = reflectionProblem(spec, runModel);
  if (problem) throw new UserError(problem.message, { where: problem.where });
  const entries = new Map<string, ModelEntry>();
  const unpriced: string[] = [];
  let model: string | undefined;
  let writer = runModel;
  if (spec?.model && spec.model !== runModel.id) {
    writer = resolveModel(spec.model, o);
    entries.set(writer.id, { model: writer, price: priced(writer.id, o.prices, writer.kind) });
    model = writer.id;
  }
  if (writer.kind === "llm" && !priceFor(writer.id, o.prices)) unpriced.push(writer.id);
  let embedder: string | undefined;
  const id = spec?.relevance === "bm25" ? undefined : embedderId(spec, runModel.id);
  if (id) {
    const dimensions = /text-embedding-3/.test(id) ? SHORT_VECTORS : undefined;
    const e = embeddingModel(
      createEmbedder(id, { timeoutMs: o.timeoutMs, apiKey: o.dryRun ? "dry-run" : undefined, dimensions }),
      dimensions,
    );
    entries.set(e.id, { model: e, price: priced(id, o.prices, "llm") });
    if (!priceFor(id, o.prices)) unpriced.push(id);
    embedder = e.id;
  }
  return {
    experts: spec?.experts ?? DEFAULT_EXPERTS,
    observations: spec?.observations ?? DEFAULT_OBSERVATIONS,
    budgetTokens: spec?.budget_tokens ?? DEFAULT_BUDGET_TOKENS,
    model,
    embedder,
    entries,
    ranking: embedder ? `embeddings (${embedder})` : "BM25",
    unpriced,
  };
}

/** A call a dry run counts: its tokens and its model's price. */
export interface EstimatedCall {
  input: number;
  output: number;
  price: (usage: Usage) => number | null;
}

/** Tokens of one observation at most (its one or two sentences), for estimates. */
const OBSERVATION_TOKENS = 60;

/** The reflection stage of a study and what the answering stages read from it. */
export interface ReflectionStage {
  stage: Stage;
  jobs: PlannedJob[];
  /** Each person's reflections under one conditioning, once the stage is done (read once). */
  found(c: Conditioning): Promise<Map<string, Found>>;
  /**
   * A job's calls for a dry run: its experts' requests at their output allowance, and the
   * embedding of their observations (estimated at their most), each with its model's price.
   */
  calls(job: PlannedJob): EstimatedCall[];
}

/**
 * One job per person and reflective conditioning (`AGENT/reflections/LABEL`, stage 0): the
 * experts' turns, then an embedding turn when observations are ranked by embeddings.
 */
export function reflectionStage(
  runId: string,
  store: Store,
  entry: ModelEntry,
  setup: ReflectionSetup,
  agents: readonly Agent[],
  conditionings: readonly Conditioning[],
  seedFor: (job: PlannedJob) => number,
): ReflectionStage {
  const jobs: PlannedJob[] = [];
  const sources = new Map<number, ReflectionSource & { conditioning: Conditioning }>();
  const participants = new Map<string, Participant>();
  for (const c of conditionings) {
    for (const a of agents) {
      const seq = jobs.length;
      jobs.push({
        jobId: `${a.id}/reflections/${conditioningLabel(c)}`,
        seq,
        agentId: a.id,
        items: setup.experts.map(reflectionItem),
        // Named like an arm of conditioning, so results tell whose reflections a row holds.
        arm: c.label ? `${REFLECTIONS_ARM}·${c.label}` : REFLECTIONS_ARM,
        replicate: 1,
      });
      sources.set(seq, {
        system: reflectionSystem(interviewForExperts(a, c)),
        respondent: a.interview?.respondent ?? a.id,
        conditioning: c,
      });
      participants.set(a.id, { id: a.id, profile: a.id, attributes: a.attributes });
    }
  }
  const runner = new EpisodeRunner({
    runId,
    model: entry,
    models: (id) => setup.entries.get(id) ?? entry,
    participants,
    seedFor,
    program: reflectionProgram({
      experts: setup.experts,
      observations: setup.observations,
      model: setup.model,
      embedder: setup.embedder,
      source: (job) => sources.get(job.seq)!,
    }),
  });
  let loaded: Promise<Map<number, Found>> | undefined;
  const load = () =>
    (loaded ??= loadReflections(store, runId, jobs, setup.experts, {
      digest: (job) => transcriptDigest(sources.get(job.seq)!.system),
      model: setup.model ?? entry.model.id,
    }));
  return {
    stage: { name: "reflections", plan: () => jobs, runner },
    jobs,
    async found(c) {
      const all = await load();
      const out = new Map<string, Found>();
      for (const job of jobs) {
        if (sources.get(job.seq)!.conditioning === c) out.set(job.agentId, all.get(job.seq)!);
      }
      return out;
    },
    calls: (job) => {
      const s = sources.get(job.seq)!;
      const price = setup.model ? setup.entries.get(setup.model)!.price : entry.price;
      const experts = setup.experts.map((e) => ({
        input: promptTokens(reflectionRequest(s.system, e, s.respondent, setup.observations)),
        output: REFLECTION_MAX_OUTPUT_TOKENS,
        price,
      }));
      if (!setup.embedder) return experts;
      const embed = {
        input: setup.experts.length * setup.observations * OBSERVATION_TOKENS,
        output: 0,
        price: setup.entries.get(setup.embedder)!.price,
      };
      return [...experts, embed];
    },
  };
}
