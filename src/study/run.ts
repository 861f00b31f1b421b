import { createHash } from "node:crypto";
import { dirname, resolve } from "node:path";
import type { Agent } from "../agents/index.ts";
import { profileText } from "../agents/index.ts";
import { jobSeed } from "../designs/index.ts";
import {
  Budget,
  type ModelEntry,
  type Progress,
  RateLimiter,
  type RequestSettings,
  type RetryPolicy,
  runStages,
  type StagesSummary,
} from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import type { Question } from "../instruments/types.ts";
import { costOf, loadPriceTable, missingPriceNote } from "../llm/index.ts";
import type { LanguageModel, Usage } from "../llm/types.ts";
import type { LoadedStudy } from "../spec/index.ts";
import type { RunRecord, RunStatus, Store } from "../store/types.ts";
import { checkStudyAgainstModel } from "./check.ts";
import { checkConfirmatoryPlan } from "./confirmatory.ts";
import { type Estimate, estimateRun } from "./estimate.ts";
import { type StudyInstrument, studyInstrument } from "./instrument.ts";
import { claimRunFor } from "./lock.ts";
import { defaultModelId, resolveModel } from "./models.ts";
import { buildPopulation, populationNotes } from "./population.ts";
import { studyPlan, studyStages } from "./stages.ts";

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
    : studyInstrument(spec, options.dataDir, study);
  const questions = instrument.questions;
  checkConfirmatoryPlan(study, questions);
  const agents =
    options.agents ??
    buildPopulation(spec.population, { dataDir: options.dataDir, specFile: study.file, seed: spec.seed });
  notes.push(...populationNotes(agents));
  const modelId = options.model?.id ?? options.modelId ?? spec.model.id ?? defaultModelId();
  const model =
    options.model ??
    resolveModel(modelId, {
      dataDir: options.dataDir,
      seed: spec.seed,
      timeoutMs: spec.model.timeout_ms,
      dryRun: options.dryRun,
    });
  const mode = spec.model.mode;
  checkStudyAgainstModel(study, questions, model, agents.length);
  const plan = studyPlan(spec, agents, instrument);
  notes.push(...plan.notes);

  const table = loadPriceTable(options.pricesFile);
  const priceNote = model.kind === "llm" ? missingPriceNote(model.id, table) : undefined;
  const price = (usage: Usage): number | null => (model.kind === "llm" ? costOf(model.id, usage, table) : 0);
  const budgetUsd = options.budgetUsd ?? spec.budget?.usd;
  if (!options.dryRun && budgetUsd !== undefined && priceNote) {
    throw new UserError(
      `${priceNote}: cannot enforce the budget; add the model to a price table (--prices FILE)`,
    );
  }
  if (priceNote && !options.dryRun) notes.push(priceNote);

  const profiles = new Map(agents.map((a) => [a.id, { profile: profileText(a), attributes: a.attributes }]));
  // A design's arm texts may come from the data directory (a classic study's materials): they name the run too.
  const arms = instrument.kind === "design" ? instrument.experiment.design.arms : undefined;
  const runId = runIdOf(study, model, mode, agents, profiles, questions, options.newRun, arms);
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
    const estimate = estimateRun(pending, settings, price, plan);
    if (priceNote) estimate.priceNote = priceNote;
    return {
      run: existing ?? record,
      resumed: existing !== undefined,
      model,
      totalJobs: jobs.length,
      alreadyDone: jobs.length - pending.length,
      estimate,
      notes,
    };
  }
  const store = typeof options.store === "function" ? options.store() : options.store;
  if (!store) throw new Error("internal error: a run needs a store");

  await store.saveStudy({ id: study.version, name: spec.name, spec, createdAt: now });
  const { run, resumed } = await store.openRun(record);
  const claim = await claimRunFor(store, run.id);
  if (claim.note) notes.push(claim.note);
  try {
    // Saved alongside the run (a store may do that on another thread); awaited before returning.
    const agentsSaved = store.saveAgents(
      study.version,
      agents.map((a) => ({
        agentId: a.id,
        source: a.source,
        attributes: a.attributes,
        profile: profiles.get(a.id)!.profile,
      })),
    );
    agentsSaved.catch(() => {}); // Awaited below; this only keeps an early failure from being unhandled.
    const spent = await store.spending(run.id);
    const limiter = new RateLimiter();
    limiter.configure(model.bucket, {
      rpm: options.rpm ?? spec.model.rpm,
      tpm: options.tpm ?? spec.model.tpm,
    });
    await store.setRunStatus(run.id, "running");
    const entry: ModelEntry = { model, price };
    const stop = options.stop ? AbortSignal.any([options.stop, claim.lost]) : claim.lost;
    const summary = await runStages(
      {
        runId: run.id,
        store,
        model: entry,
        concurrency: options.concurrency ?? defaultConcurrency(model),
        limiter,
        budget: new Budget({
          capUsd: budgetUsd,
          capCalls: spec.budget?.calls,
          spentUsd: spent.usd,
          calls: spent.calls,
        }),
        retry: options.retry,
        retryFailed: options.retryFailed,
        stop,
        abort: options.abort,
        onProgress: options.onProgress,
      },
      studyStages(run.id, spec, plan, settings, entry),
      { resumed, retryFailed: options.retryFailed },
    );
    await agentsSaved;
    if (claim.lost.aborted) {
      notes.push("another process took this run over (this one had stopped sending heartbeats)");
    }
    const leftPending = summary.stoppedBy === null ? (await store.jobCounts(run.id)).pending : 1;
    const status: RunStatus =
      leftPending === 0 ? "completed" : summary.stoppedBy === "budget" ? "budget_exhausted" : "interrupted";
    await store.setRunStatus(run.id, status);
    return {
      run: { ...run, status },
      resumed,
      model,
      totalJobs: summary.planned,
      alreadyDone: summary.alreadyDone,
      summary,
      notes,
    };
  } finally {
    await claim.release();
  }
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
  newRun?: boolean,
  arms?: unknown,
): string {
  const inputs = createHash("sha256").update(JSON.stringify([study.version, model.id, mode]));
  for (const a of agents) inputs.update(`\u0000${a.id}\u0000${profiles.get(a.id)!.profile}`);
  inputs.update(`\u0000${JSON.stringify(questions)}`);
  if (arms !== undefined) inputs.update(`\u0000${JSON.stringify(arms)}`);
  const runKey = inputs.digest("hex").slice(0, 8);
  return `${study.spec.name}-${runKey}${newRun ? `-${Date.now().toString(36)}` : ""}`;
}

function defaultConcurrency(model: LanguageModel): number {
  return model.kind === "llm" ? 8 : 64;
}
