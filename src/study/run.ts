import { createHash } from "node:crypto";
import { dirname, resolve } from "node:path";
import type { Agent, Conditioning } from "../agents/index.ts";
import { conditionedProfile, profileText } from "../agents/index.ts";
import { jobSeed } from "../designs/index.ts";
import type { Progress, RequestSettings, RetryPolicy, StagesSummary } from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import type { Question } from "../instruments/types.ts";
import { loadPriceTable } from "../llm/index.ts";
import type { LanguageModel } from "../llm/types.ts";
import type { LoadedStudy } from "../spec/index.ts";
import type { RunRecord, Store } from "../store/types.ts";
import { nextActionRequests, shopperAgents } from "../webactions/index.ts";
import { checkStudyAgainstModel } from "./check.ts";
import { checkConfirmatoryPlan } from "./confirmatory.ts";
import { type Estimate, estimateCommunity, estimateRequests } from "./estimate.ts";
import { estimateStages } from "./estimate-stages.ts";
import { modelPricing, openAndExecute } from "./execute.ts";
import { type StudyInstrument, studyInstrument } from "./instrument.ts";
import { DEFAULT_MODEL, defaultModelId, resolveModel } from "./models.ts";
import { buildPopulation, populationNotes, readStoredInterviews } from "./population.ts";
import { type ReflectionSetup, reflectionSetup } from "./reflection-stages.ts";
import { studyPlan, studyStages, webActionsSeed } from "./stages.ts";

export type { Estimate };

export interface RunStudyOptions {
  study: LoadedStudy;
  /**
   * Where the run is kept. A dry run may have none (nothing is written; no earlier run to resume);
   * a function opens the store only when the study has passed its checks and is about to be
   * written (so a refused study creates no database).
   */
  store: Store | null | (() => Store);
  dataDir: string;
  /** Overrides the spec's model. */
  modelId?: string;
  /** A ready model (tests, benchmarks); takes precedence over ids. */
  model?: LanguageModel;
  concurrency?: number;
  budgetUsd?: number;
  rpm?: number;
  tpm?: number;
  pricesFile?: string;
  /** Start a fresh run instead of resuming the last one of this study and model. */
  newRun?: boolean;
  dryRun?: boolean;
  /** Retry failed jobs whatever the reason (by default a rerun retries only transient failures). */
  retryFailed?: boolean;
  retry?: RetryPolicy;
  stop?: AbortSignal;
  abort?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Agents and questions already built (the demo builds them itself). */
  agents?: Agent[];
  questions?: Question[];
  /** Web-action studies: only these shoppers' sessions (e.g. a fine-tuning split's test users). */
  users?: string[];
}

export interface RunStudyResult {
  run: RunRecord;
  resumed: boolean;
  model: LanguageModel;
  totalJobs: number;
  alreadyDone: number;
  summary?: StagesSummary;
  estimate?: Estimate;
  notes: string[];
}

/**
 * spec → population → design → jobs → engine → store. Everything that can refuse a study (its
 * items, its people, its model, its budget) is checked before anything is written, so a refused
 * study leaves no run behind; a dry run writes nothing at all.
 */
export async function runStudy(options: RunStudyOptions): Promise<RunStudyResult> {
  const { study } = options;
  const given = typeof options.store === "function" ? null : options.store;
  const spec = study.spec;
  const notes: string[] = [];
  const instrument: StudyInstrument = options.questions
    ? { kind: "survey", questions: options.questions }
    : studyInstrument(spec, options.dataDir, study, options.users);
  const questions = instrument.questions;
  const web = instrument.kind === "webactions" ? instrument.task : undefined;
  if (web?.unscored) notes.push(`${web.unscored} sessions have a single step: nothing to predict in them`);
  const community = instrument.kind === "community" ? instrument.community : undefined;
  checkConfirmatoryPlan(study, questions);
  // A web-action study's people are its sessions' shoppers; a community's members are generated
  // by its first stage, so it has no population to build.
  const agents =
    options.agents ??
    (web ? shopperAgents(web) : community ? [] : await populationOf(study, options.dataDir));
  notes.push(...populationNotes(agents));
  const modelId = options.model?.id ?? options.modelId ?? spec.model.id ?? defaultModelId();
  if (community && (modelId === DEFAULT_MODEL || options.model?.kind === "baseline")) {
    throw new UserError(
      `a community's members write posts and replies, which the statistical baseline (${modelId}) cannot do: ` +
        "give a language model with --model (or model.id), e.g. openai:gpt-4o-mini or the mock LLM server's URL",
    );
  }
  const model =
    options.model ??
    resolveModel(modelId, {
      dataDir: options.dataDir,
      seed: spec.seed,
      timeoutMs: spec.model.timeout_ms,
      dryRun: options.dryRun,
    });
  if (web && model.kind === "baseline") {
    throw new UserError(
      `${model.id} answers survey items from real human data; a web-action study needs a language model (--model)`,
    );
  }
  const mode = spec.model.mode;
  // The items, the people and the model checked together (a web-action study's sessions were
  // checked as they were read; a community asks no items).
  if (!web && !community) checkStudyAgainstModel(study, questions, model, agents.length);
  const plan = studyPlan(spec, agents, instrument);
  notes.push(...plan.notes);

  const budgetUsd = options.budgetUsd ?? spec.budget?.usd;
  const { price, note: priceNote } = modelPricing(
    model,
    options.pricesFile,
    options.dryRun ? undefined : budgetUsd,
  );
  if (priceNote && !options.dryRun) notes.push(priceNote);
  const conditionings = plan.kind === "survey" ? plan.conditionings : [];
  let reflection: ReflectionSetup | undefined;
  if (conditionings.some((c) => c.mode === "interview+reflection")) {
    reflection = reflectionSetup(spec.population?.reflection, model, {
      dataDir: options.dataDir,
      seed: spec.seed,
      timeoutMs: spec.model.timeout_ms,
      dryRun: options.dryRun,
      prices: loadPriceTable(options.pricesFile),
    });
    if (!options.dryRun && budgetUsd !== undefined && reflection.unpriced.length > 0) {
      throw new UserError(
        `no price for ${reflection.unpriced.join(", ")}: cannot enforce the budget; add the model to a price table (--prices FILE)`,
      );
    }
    notes.push(
      `reflections: ${reflection.experts.length} experts per person, ranked by ${reflection.ranking}, ≤ ${reflection.budgetTokens} tokens of observations a call`,
    );
  }
  if (conditionings.length > 1) {
    notes.push(
      `conditionings: ${conditionings.map((c) => c.label).join(", ")} (arms ${spec.design.arms[0].name}·${conditionings[0].label}, …)`,
    );
  }

  const profiles = new Map(agents.map((a) => [a.id, { profile: profileText(a), attributes: a.attributes }]));
  // What else names the run: a design's arm texts (a classic study's materials may come from the
  // data directory), a web-action study's sessions, the profiles under further conditionings.
  const data: unknown[] = [];
  if (instrument.kind === "design") data.push(instrument.experiment.design.arms);
  if (web) data.push(web.digest);
  if (conditionings.length > 1) data.push(conditioningsDigest(conditionings, agents));
  const runId = runIdOf(study, model, mode, agents, profiles, questions, data, options.newRun);
  // How each job becomes a model call: the same for the dry run's estimate and for the run.
  const settings: RequestSettings = {
    model,
    mode,
    questions: new Map(questions.map((q) => [q.id, q])),
    agents: profiles,
    arms: new Map(spec.design.arms.map((a) => [a.name, a.text])),
    seedFor: (agentId, replicate) => jobSeed(spec.seed, agentId, replicate),
    temperature: spec.model.temperature,
    maxOutputTokens: spec.model.max_output_tokens,
  };
  const jobs = plan.jobs;
  const now = new Date().toISOString();
  const record: RunRecord = {
    id: runId,
    studyId: study.version,
    studyName: spec.name,
    modelId: model.id,
    modelKind: model.kind,
    mode,
    status: "running",
    createdAt: now,
    updatedAt: now,
    specDir: dirname(resolve(study.file)),
  };

  if (options.dryRun) {
    // Read-only: an existing run's pending jobs, else the whole plan; nothing is saved.
    const existing = given ? await given.getRun(runId) : undefined;
    const pending = existing && given ? await given.jobs(runId, "pending") : jobs;
    let estimate: Estimate;
    let planned = jobs.length;
    let left = pending.length;
    if (plan.kind === "community") {
      estimate = estimateCommunity(plan.community, spec.model.max_output_tokens, price);
    } else if (plan.kind === "webactions") {
      estimate = estimateRequests(
        pending,
        (job) => nextActionRequests(plan.web, job, webActionsSeed(spec, job)),
        price,
        spec.model.max_output_tokens,
      );
    } else {
      // Every stage: its pending jobs once planned, else its whole plan. The stages plan nothing
      // yet, so the store they would write to is never touched.
      const stages = studyStages(
        runId,
        spec,
        plan,
        settings,
        { model, price },
        {
          store: given as Store,
          agents,
          reflection,
        },
      );
      const { planned: all, ...rest } = await estimateStages(stages, {
        store: existing ? given : null,
        runId,
        price,
        plan,
        embeddingPrice: reflection?.embedder ? reflection.entries.get(reflection.embedder)!.price : undefined,
      });
      estimate = rest;
      planned = all;
      left = rest.jobs;
    }
    if (priceNote) estimate.priceNote = priceNote;
    return {
      run: existing ?? record,
      resumed: existing !== undefined,
      model,
      totalJobs: planned,
      alreadyDone: planned - left,
      estimate,
      notes,
    };
  }
  const store = typeof options.store === "function" ? options.store() : options.store;
  if (!store) throw new Error("internal error: a run needs a store");

  const done = await openAndExecute({
    store,
    study: { id: study.version, name: spec.name, spec, createdAt: now },
    record,
    agents: agents.map((a) => ({
      agentId: a.id,
      source: a.source,
      attributes: a.attributes,
      profile: profiles.get(a.id)!.profile,
    })),
    model,
    price,
    stages: (id, entry) => studyStages(id, spec, plan, settings, entry, { store, agents, reflection }),
    rpm: options.rpm ?? spec.model.rpm,
    tpm: options.tpm ?? spec.model.tpm,
    budgetUsd,
    budgetCalls: spec.budget?.calls,
    concurrency: options.concurrency,
    retry: options.retry,
    retryFailed: options.retryFailed,
    stop: options.stop,
    abort: options.abort,
    onProgress: options.onProgress,
  });
  return {
    run: done.run,
    resumed: done.resumed,
    model,
    totalJobs: done.summary.planned,
    alreadyDone: done.summary.alreadyDone,
    summary: done.summary,
    notes: [...notes, ...done.notes],
  };
}

/**
 * A run is the spec, model and mode asked of these people with these questions. When what is
 * behind the population or the items changes (another sample, an edited CSV, reworded items),
 * the same command starts a new run rather than resuming one whose stored plan no longer fits.
 */
function runIdOf(
  study: LoadedStudy,
  model: LanguageModel,
  mode: string,
  agents: readonly Agent[],
  profiles: ReadonlyMap<string, { profile: string }>,
  questions: readonly Question[],
  /** What else the run reads (arm texts, a web-action study's sessions); empty for a survey. */
  data: readonly unknown[],
  newRun?: boolean,
): string {
  const inputs = createHash("sha256").update(JSON.stringify([study.version, model.id, mode]));
  for (const a of agents) inputs.update(`\u0000${a.id}\u0000${profiles.get(a.id)!.profile}`);
  inputs.update(`\u0000${JSON.stringify(questions)}`);
  // Surveys read nothing else: their run ids stay what they were.
  for (const d of data) inputs.update(`\u0000${typeof d === "string" ? d : JSON.stringify(d)}`);
  const runKey = inputs.digest("hex").slice(0, 8);
  return `${study.spec.name}-${runKey}${newRun ? `-${Date.now().toString(36)}` : ""}`;
}

async function populationOf(study: LoadedStudy, dataDir: string): Promise<Agent[]> {
  const { spec } = study;
  const p = spec.population;
  if (!p) throw new UserError("required: where the simulated people come from", { where: "population" });
  const storedInterviews =
    p.source === "interviews" && p.db !== undefined
      ? await readStoredInterviews(resolve(dirname(study.file), p.db), p.run)
      : undefined;
  return buildPopulation(p, { dataDir, specFile: study.file, seed: spec.seed, storedInterviews });
}

/**
 * Under several conditionings the run also reads each person's profile under the others (an
 * edited transcript changes the interview arm even when the first arm is demographic).
 */
function conditioningsDigest(conditionings: readonly Conditioning[], agents: readonly Agent[]): string {
  const hash = createHash("sha256");
  for (const c of conditionings.slice(1)) {
    for (const a of agents) hash.update(`${c.label}\u0000${a.id}\u0000${conditionedProfile(a, c)}\u0000`);
  }
  return hash.digest("hex");
}
