import {
  Budget,
  type ModelEntry,
  type Progress,
  RateLimiter,
  type RetryPolicy,
  runStages,
  type Stage,
  type StagesSummary,
} from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import { costOf, loadPriceTable, missingPriceNote } from "../llm/index.ts";
import type { LanguageModel, Usage } from "../llm/types.ts";
import type { AgentRecord, RunRecord, RunStatus, Store, StudyRecord } from "../store/types.ts";
import { claimRunFor } from "./lock.ts";

export interface ExecuteOptions {
  store: Store;
  /** What the run is of (a study's spec; a task's inputs), saved once. */
  study: StudyRecord;
  /** The run as it would be made; an existing run of this id is resumed. */
  record: RunRecord;
  /** The people of the run, saved with the study. */
  agents: AgentRecord[];
  model: LanguageModel;
  price: (usage: Usage) => number | null;
  /** The run's stages, given its id and model. */
  stages: (runId: string, entry: ModelEntry) => Stage[];
  rpm?: number;
  tpm?: number;
  budgetUsd?: number;
  budgetCalls?: number;
  concurrency?: number;
  retry?: RetryPolicy;
  /** Retry failed jobs whatever the reason (by default a rerun retries only transient failures). */
  retryFailed?: boolean;
  stop?: AbortSignal;
  abort?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface Executed {
  run: RunRecord;
  resumed: boolean;
  summary: StagesSummary;
  notes: string[];
}

/**
 * Executes a run: saves what it is of, opens (or resumes) it, takes it for this process, runs its
 * stages through the engine with the run's rate limits and budget (what was spent before counts),
 * and records how it ended. The one way a run is executed: studies and tasks alike.
 */
export async function executeStages(o: ExecuteOptions): Promise<Executed> {
  const { store, model } = o;
  const notes: string[] = [];
  await store.saveStudy(o.study);
  const { run, resumed } = await store.openRun(o.record);
  const claim = await claimRunFor(store, run.id);
  if (claim.note) notes.push(claim.note);
  try {
    // Saved alongside the run (a store may do that on another thread); awaited before returning.
    const agentsSaved = store.saveAgents(o.study.id, o.agents);
    agentsSaved.catch(() => {}); // Awaited below; this only keeps an early failure from being unhandled.
    const spent = await store.spending(run.id);
    const limiter = new RateLimiter();
    limiter.configure(model.bucket, { rpm: o.rpm, tpm: o.tpm });
    await store.setRunStatus(run.id, "running");
    const entry: ModelEntry = { model, price: o.price };
    const stop = o.stop ? AbortSignal.any([o.stop, claim.lost]) : claim.lost;
    const summary = await runStages(
      {
        runId: run.id,
        store,
        model: entry,
        concurrency: o.concurrency ?? defaultConcurrency(model),
        limiter,
        budget: new Budget({
          capUsd: o.budgetUsd,
          capCalls: o.budgetCalls,
          spentUsd: spent.usd,
          calls: spent.calls,
        }),
        retry: o.retry,
        retryFailed: o.retryFailed,
        stop,
        abort: o.abort,
        onProgress: o.onProgress,
      },
      o.stages(run.id, entry),
      { resumed, retryFailed: o.retryFailed },
    );
    await agentsSaved;
    if (claim.lost.aborted) {
      notes.push("another process took this run over (this one had stopped sending heartbeats)");
    }
    const leftPending = summary.stoppedBy === null ? (await store.jobCounts(run.id)).pending : 1;
    const status: RunStatus =
      leftPending === 0 ? "completed" : summary.stoppedBy === "budget" ? "budget_exhausted" : "interrupted";
    await store.setRunStatus(run.id, status);
    return { run: { ...run, status }, resumed, summary, notes };
  } finally {
    await claim.release();
  }
}

/**
 * What a model's calls cost (0 for the free models), and a note when it has no known price; with
 * a budget to enforce, an unknown price is an error, as no call could be checked against it.
 */
export function modelPricing(
  model: LanguageModel,
  pricesFile: string | undefined,
  budgetUsd: number | undefined,
): { price: (usage: Usage) => number | null; note?: string } {
  const table = loadPriceTable(pricesFile);
  const note = model.kind === "llm" ? missingPriceNote(model.id, table) : undefined;
  if (budgetUsd !== undefined && note) {
    throw new UserError(`${note}: cannot enforce the budget; add the model to a price table (--prices FILE)`);
  }
  const price = (usage: Usage): number | null => (model.kind === "llm" ? costOf(model.id, usage, table) : 0);
  return note ? { price, note } : { price };
}

function defaultConcurrency(model: LanguageModel): number {
  return model.kind === "llm" ? 8 : 64;
}
