import { createHash } from "node:crypto";
import { dirname, resolve } from "node:path";
import type { Agent } from "../agents/index.ts";
import { profileText } from "../agents/index.ts";
import {
  Budget,
  executeRun,
  type JobList,
  jobSeed,
  Plan,
  type Progress,
  promptTokens,
  RateLimiter,
  RequestBuilder,
  type RequestSettings,
  type RetryPolicy,
  type RunSummary,
} from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import type { Question } from "../instruments/types.ts";
import { costOf, loadPriceTable, missingPriceNote } from "../llm/index.ts";
import type { LanguageModel, Usage } from "../llm/types.ts";
import type { LoadedStudy } from "../spec/index.ts";
import type { RunRecord, Store } from "../store/types.ts";
import { checkStudyAgainstModel } from "./check.ts";
import { checkConfirmatoryPlan } from "./confirmatory.ts";
import { resolveQuestions } from "./items.ts";
import { defaultModelId, resolveModel } from "./models.ts";
import { buildPopulation } from "./population.ts";

export interface RunStudyOptions {
  study: LoadedStudy;
  store: Store;
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
  retry?: RetryPolicy;
  stop?: AbortSignal;
  abort?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Agents and questions already built (the demo builds them itself). */
  agents?: Agent[];
  questions?: Question[];
}

export interface Estimate {
  jobs: number;
  calls: number;
  inputTokens: number;
  maxOutputTokens: number;
  /** Worst case (every call uses its maximum output), null when the model has no price. */
  maxCostUsd: number | null;
  priceNote?: string;
}

export interface RunStudyResult {
  run: RunRecord;
  resumed: boolean;
  model: LanguageModel;
  totalJobs: number;
  alreadyDone: number;
  summary?: RunSummary;
  estimate?: Estimate;
  notes: string[];
}

export async function runStudy(options: RunStudyOptions): Promise<RunStudyResult> {
  const { study, store } = options;
  const spec = study.spec;
  const notes: string[] = [];
  const questions = options.questions ?? resolveQuestions(spec.instrument.items, options.dataDir, study);
  checkConfirmatoryPlan(study, questions);
  const agents =
    options.agents ??
    buildPopulation(spec.population, { dataDir: options.dataDir, specFile: study.file, seed: spec.seed });
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

  const profiles = new Map(agents.map((a) => [a.id, { profile: profileText(a), attributes: a.attributes }]));
  const now = new Date().toISOString();
  // A run is the spec, model and mode asked of these people with these questions. When what is
  // behind the population or the items changes (another sample, an edited CSV, reworded items),
  // the same command starts a new run rather than resuming one whose stored plan no longer fits.
  const inputs = createHash("sha256").update(JSON.stringify([study.version, model.id, mode]));
  for (const a of agents) inputs.update(`\u0000${a.id}\u0000${profiles.get(a.id)!.profile}`);
  inputs.update(`\u0000${JSON.stringify(questions)}`);
  const runKey = inputs.digest("hex").slice(0, 8);
  const runId = `${spec.name}-${runKey}${options.newRun ? `-${Date.now().toString(36)}` : ""}`;
  await store.saveStudy({ id: study.version, name: spec.name, spec, createdAt: now });
  const { run, resumed } = await store.openRun({
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
  });
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
  const plan = new Plan({
    agentIds: agents.map((a) => a.id),
    itemIds: questions.map((q) => q.id),
    arms: spec.design.arms.map((a) => a.name),
    replicates: spec.design.replicates,
    itemsPerCall: spec.instrument.items_per_call,
  });
  // A new run's jobs are saved while it runs (a store may do that on another thread): nothing
  // reads them before the run ends, and a response stored before its job row is still found by
  // a resumed run, which saves the plan again first. A resumed run reads them, so it waits.
  const jobsSaved = store.saveJobs(run.id, plan);
  jobsSaved.catch(() => {}); // Awaited below; this only keeps an early failure from being unhandled.
  if (resumed) await jobsSaved;
  // A new run has done nothing yet: its pending jobs are the plan, without reading them back.
  const pending: JobList = resumed ? await store.jobs(run.id, "pending") : plan;
  const alreadyDone = plan.length - pending.length;

  const table = loadPriceTable(options.pricesFile);
  const priceNote = model.kind === "llm" ? missingPriceNote(model.id, table) : undefined;
  const price = (usage: Usage): number | null => (model.kind === "llm" ? costOf(model.id, usage, table) : 0);
  // How each job becomes a model call: the same for the dry run's estimate and for the run.
  const requestSettings: RequestSettings = {
    model,
    mode,
    questions: new Map(questions.map((q) => [q.id, q])),
    agents: profiles,
    arms: new Map(spec.design.arms.map((a) => [a.name, a.text])),
    seedFor: (agentId, replicate) => jobSeed(spec.seed, agentId, replicate),
    temperature: spec.model.temperature,
    maxOutputTokens: spec.model.max_output_tokens,
  };

  if (options.dryRun) {
    const estimate: Estimate = {
      jobs: pending.length,
      calls: 0,
      inputTokens: 0,
      maxOutputTokens: 0,
      maxCostUsd: 0,
    };
    const requests = new RequestBuilder(requestSettings);
    // A slice at a time, so a large plan is never held whole.
    for (let start = 0; start < pending.length; start += 8192) {
      for (const job of pending.slice(start, start + 8192)) {
        const request = requests.request(job);
        const input = promptTokens(request);
        const output = request.maxOutputTokens ?? spec.model.max_output_tokens;
        estimate.calls++;
        estimate.inputTokens += input;
        estimate.maxOutputTokens += output;
        const cost = price({
          inputTokens: input,
          cachedInputTokens: 0,
          outputTokens: output,
          reasoningTokens: 0,
        });
        estimate.maxCostUsd =
          cost === null || estimate.maxCostUsd === null ? null : estimate.maxCostUsd + cost;
      }
    }
    if (priceNote) estimate.priceNote = priceNote;
    await Promise.all([agentsSaved, jobsSaved]);
    return { run, resumed, model, totalJobs: plan.length, alreadyDone, estimate, notes };
  }

  const budgetUsd = options.budgetUsd ?? spec.budget?.usd;
  if (budgetUsd !== undefined && priceNote) {
    throw new UserError(
      `${priceNote}: cannot enforce the budget; add the model to a price table (--prices FILE)`,
    );
  }
  if (priceNote) notes.push(priceNote);
  const spent = await store.spending(run.id);
  const limiter = new RateLimiter();
  limiter.configure(model.bucket, { rpm: options.rpm ?? spec.model.rpm, tpm: options.tpm ?? spec.model.tpm });
  await store.setRunStatus(run.id, "running");
  const summary = await executeRun(
    {
      ...requestSettings,
      runId: run.id,
      store,
      concurrency: options.concurrency ?? defaultConcurrency(model),
      limiter,
      budget: new Budget({
        capUsd: budgetUsd,
        capCalls: spec.budget?.calls,
        spentUsd: spent.usd,
        calls: spent.calls,
      }),
      price,
      retry: options.retry,
      stop: options.stop,
      abort: options.abort,
      onProgress: options.onProgress,
    },
    pending,
  );
  await Promise.all([agentsSaved, jobsSaved]);
  // Every pending job finished means every outcome is committed (executeRun waits for that), so
  // the store need only be asked when some were left.
  const allFinished = summary.done + summary.failed === pending.length;
  const leftPending = allFinished ? 0 : (await store.jobCounts(run.id)).pending;
  const status =
    leftPending === 0
      ? "completed"
      : summary.stoppedBy === "budget"
        ? "budget_exhausted"
        : summary.stoppedBy === "interrupt"
          ? "interrupted"
          : "interrupted";
  await store.setRunStatus(run.id, status);
  return { run: { ...run, status }, resumed, model, totalJobs: plan.length, alreadyDone, summary, notes };
}

function defaultConcurrency(model: LanguageModel): number {
  return model.kind === "llm" ? 8 : 64;
}
