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
  /** The run as stored (opened or read back). */
  run: RunRecord;
  /** The run existed before this execution (its stored jobs tell what is left). */
  resumed: boolean;
  entry: ModelEntry;
  stages: (entry: ModelEntry) => Stage[];
  concurrency?: number;
  budgetUsd?: number;
  budgetCalls?: number;
  rpm?: number;
  tpm?: number;
  retry?: RetryPolicy;
  retryFailed?: boolean;
  stop?: AbortSignal;
  abort?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Work started once the run is claimed and awaited before its status is set (saving agents). */
  alongside?: () => Promise<unknown>;
}

export interface Execution {
  run: RunRecord;
  summary: StagesSummary;
  notes: string[];
}

/**
 * Executes a stored run's stages in this process: claims the run (one process at a time), sets
 * up the rate limiter and the budget (what the run already spent counts), runs the stages, and
 * records how it ended. `populace run` and the commands that add to a run (WhatIf, Multiverse)
 * share it.
 */
export async function executeStages(o: ExecuteOptions): Promise<Execution> {
  const { store, run, entry } = o;
  const notes: string[] = [];
  const claim = await claimRunFor(store, run.id);
  if (claim.note) notes.push(claim.note);
  try {
    const alongside = o.alongside?.();
    alongside?.catch(() => {}); // Awaited below; this only keeps an early failure from being unhandled.
    const spent = await store.spending(run.id);
    const limiter = new RateLimiter();
    limiter.configure(entry.model.bucket, { rpm: o.rpm, tpm: o.tpm });
    await store.setRunStatus(run.id, "running");
    const stop = o.stop ? AbortSignal.any([o.stop, claim.lost]) : claim.lost;
    const summary = await runStages(
      {
        runId: run.id,
        store,
        model: entry,
        concurrency: o.concurrency ?? defaultConcurrency(entry.model),
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
      o.stages(entry),
      { resumed: o.resumed, retryFailed: o.retryFailed },
    );
    await alongside;
    if (claim.lost.aborted) {
      notes.push("another process took this run over (this one had stopped sending heartbeats)");
    }
    // A run whose every stage ended with every job executed has nothing pending: counting the
    // store's jobs would cost a pass over a large run's rows for nothing.
    const leftPending = summary.complete
      ? 0
      : summary.stoppedBy === null
        ? (await store.jobCounts(run.id)).pending
        : 1;
    const status: RunStatus =
      leftPending === 0 ? "completed" : summary.stoppedBy === "budget" ? "budget_exhausted" : "interrupted";
    await store.setRunStatus(run.id, status);
    return { run: { ...run, status }, summary, notes };
  } finally {
    await claim.release();
  }
}

export interface OpenAndExecuteOptions
  extends Omit<ExecuteOptions, "run" | "resumed" | "entry" | "stages" | "alongside"> {
  /** What the run is of (a study's spec; a task's inputs), saved once. */
  study: StudyRecord;
  /** The run as it would be made; an existing run of this id is resumed. */
  record: RunRecord;
  /** The people of the run, saved with the study while the run starts. */
  agents: AgentRecord[];
  model: LanguageModel;
  price: (usage: Usage) => number | null;
  /** The run's stages, given its id and model. */
  stages: (runId: string, entry: ModelEntry) => Stage[];
}

/**
 * Saves what a run is of, opens (or resumes) the run, and executes it: the way `populace run` and
 * the tasks that are runs (reasoning synthesis) start. Commands that add to a stored run
 * (WhatIf, Multiverse) call executeStages directly.
 */
export async function openAndExecute(o: OpenAndExecuteOptions): Promise<Execution & { resumed: boolean }> {
  const { store } = o;
  await store.saveStudy(o.study);
  const { run, resumed } = await store.openRun(o.record);
  const done = await executeStages({
    ...o,
    run,
    resumed,
    entry: { model: o.model, price: o.price },
    stages: (entry) => o.stages(run.id, entry),
    alongside: () => store.saveAgents(o.study.id, o.agents),
  });
  return { ...done, resumed };
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
