import type { JobList, PlannedJob } from "../designs/index.ts";
import type { LanguageModel } from "../llm/types.ts";
import type { JobOutcome, JobRecord, Store } from "../store/types.ts";
import type { Budget } from "./budget.ts";
import { BudgetExhausted, CallService, Interrupted, type ModelEntry, ProviderUnavailable } from "./calls.ts";
import { newProgress, type Progress } from "./progress.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { RetryPolicy } from "./retry.ts";
import { BatchWriter } from "./writer.ts";

export type Mode = "generate" | "distribution";

/** How a run is executed, whatever its jobs are. */
export interface RunContext {
  runId: string;
  store: Store;
  /** The run's model, with its price: the default of every call. */
  model: ModelEntry;
  concurrency: number;
  limiter: RateLimiter;
  budget: Budget;
  retry?: RetryPolicy;
  /** Repair prompts for invalid answers before a job is recorded as failed. */
  maxRepairs?: number;
  /** Stop starting new jobs (first Ctrl-C); in-flight calls finish and are kept. */
  stop?: AbortSignal;
  /** Abort in-flight calls too (second Ctrl-C); their jobs stay pending for the next run. */
  abort?: AbortSignal;
  /**
   * Failed jobs in the pending list are retried on purpose (--retry-failed): their cached replies
   * that fail the checks are asked of the model again.
   */
  retryFailed?: boolean;
  onProgress?: (progress: Progress) => void;
}

export interface RunSummary extends Progress {
  /** Why the run ended before every job was done, if it did. */
  stoppedBy: null | "budget" | "interrupt" | "unavailable";
  /** What made the provider unusable, when stoppedBy is "unavailable". */
  stopReason?: string;
}

/** A job handed to a worker, with what its runner prepared for it. */
export interface Queued<W> {
  job: PlannedJob;
  work: W;
  /** The cache was already asked for the job's first request and had nothing. */
  missed: boolean;
  /** A failed job retried on purpose: cached replies that fail the checks are asked again. */
  fresh?: boolean;
}

/**
 * What a kind of job needs from the executor: a batched first look at a chunk of jobs (cache
 * hits may finish there), and the work of one job on a worker. Batch jobs (BatchRunner) and
 * episodes (EpisodeRunner) are the two kinds.
 */
export interface JobRunner<W> {
  prepare(
    chunk: PlannedJob[],
    service: CallService,
    finish: (outcome: JobOutcome, cacheHit: boolean) => void,
  ): Promise<Queued<W>[]>;
  run(queued: Queued<W>, service: CallService): Promise<JobOutcome>;
}

const PREPARE_CHUNK = 8192;

/**
 * Executes a run's pending jobs with a pool of workers, each job's calls going through the one
 * call service (cache → budget → rate limiter → provider → validate → repair → ledger).
 * Completed jobs are committed in small batches, one transaction each, so a crash loses at most
 * the jobs of the current event-loop turn; every paid call is cached in the same transaction as
 * its ledger row, so a resumed run never pays for it again. A job that was failed before (a
 * retry) has its old rows removed in the commit that precedes its new ones.
 */
export async function executeRun<W>(
  ctx: RunContext,
  pending: JobList,
  runner: JobRunner<W>,
): Promise<RunSummary> {
  const started = performance.now();
  const progress = newProgress(pending.length);
  let stoppedBy: RunSummary["stoppedBy"] = null;
  // Answers that cost money are committed as they arrive (see CallService.complete); free ones
  // (the statistical baseline, the instant model) are batched for throughput.
  const writer = new BatchWriter(ctx.store, isPaid(ctx.model.model) ? 0 : 25);
  const service = new CallService({
    runId: ctx.runId,
    store: ctx.store,
    writer,
    progress,
    limiter: ctx.limiter,
    budget: ctx.budget,
    retry: ctx.retry,
    maxRepairs: ctx.maxRepairs,
    abort: ctx.abort,
  });
  const report = () => {
    progress.elapsedMs = performance.now() - started;
    ctx.onProgress?.(progress);
  };
  const ticker = setInterval(report, 250);
  ticker.unref();

  const finish = (outcome: JobOutcome, cacheHit = false) => {
    if (outcome.status === "ok") progress.done++;
    else progress.failed++;
    if (cacheHit) progress.cacheHits++;
    writer.outcomes.push(outcome);
    writer.poke();
  };

  // Jobs are prepared in chunks (a batched cache look-up for batch jobs); only what is left goes
  // to the workers. A job stopped by the budget or Ctrl-C stays pending.
  let next = 0;
  const queue: Queued<W>[] = [];
  let refilling: Promise<void> | null = null;
  const refill = async () => {
    while (queue.length === 0 && next < pending.length && stoppedBy === null && !ctx.stop?.aborted) {
      const chunk = pending.slice(next, next + PREPARE_CHUNK);
      next += chunk.length;
      const again = new Set<number>();
      for (const job of chunk) {
        if ((job as JobRecord).status === "failed") {
          writer.resets.push({ runId: ctx.runId, seq: job.seq });
          again.add(job.seq);
        }
      }
      const prepared = await runner.prepare(chunk, service, finish);
      if (ctx.retryFailed && again.size > 0)
        for (const q of prepared) if (again.has(q.job.seq)) q.fresh = true;
      queue.push(...prepared);
      // A chunk the cache answered whole involves no I/O wait: without yielding here a long replay
      // would hold the event loop, so neither Ctrl-C nor the progress display could run.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const take = async (): Promise<Queued<W> | undefined> => {
    for (;;) {
      if (queue.length > 0) return queue.shift();
      // Another worker is preparing the next chunk: wait for it rather than concluding we are done.
      if (refilling) {
        await refilling;
        continue;
      }
      if (ctx.stop?.aborted && next < pending.length) stoppedBy ??= "interrupt";
      if (next >= pending.length || stoppedBy !== null) return undefined;
      refilling = refill().finally(() => {
        refilling = null;
      });
    }
  };

  const worker = async () => {
    while (stoppedBy === null) {
      if (ctx.stop?.aborted) {
        stoppedBy = "interrupt";
        break;
      }
      const queued = await take();
      if (!queued) break;
      try {
        finish(await runner.run(queued, service));
      } catch (error) {
        if (error instanceof BudgetExhausted) stoppedBy ??= "budget";
        else if (error instanceof Interrupted) stoppedBy ??= "interrupt";
        else if (error instanceof ProviderUnavailable) stoppedBy ??= "unavailable";
        else throw error;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, ctx.concurrency) }, worker));
  } finally {
    clearInterval(ticker);
    await writer.flush();
  }
  report();
  const summary: RunSummary = { ...progress, stoppedBy };
  if (stoppedBy === "unavailable") summary.stopReason = service.unavailableReason ?? undefined;
  return summary;
}

function isPaid(model: LanguageModel): boolean {
  return model.kind === "llm";
}
