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
import type { LanguageModel } from "../llm/types.ts";
import type { RunRecord, RunStatus, Store } from "../store/types.ts";
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
    const leftPending = summary.stoppedBy === null ? (await store.jobCounts(run.id)).pending : 1;
    const status: RunStatus =
      leftPending === 0 ? "completed" : summary.stoppedBy === "budget" ? "budget_exhausted" : "interrupted";
    await store.setRunStatus(run.id, status);
    return { run: { ...run, status }, summary, notes };
  } finally {
    await claim.release();
  }
}

function defaultConcurrency(model: LanguageModel): number {
  return model.kind === "llm" ? 8 : 64;
}
