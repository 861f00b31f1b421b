import { type JobList, STAGE_SPAN } from "../designs/index.ts";
import type { JobRecord } from "../store/types.ts";
import { isTransientFailure } from "./calls.ts";
import { executeRun, type JobRunner, type RunContext, type RunSummary } from "./executor.ts";
import { newProgress } from "./progress.ts";

/**
 * One stage of a run: its jobs are planned when the stage starts, so they may depend on what the
 * stages before it stored (reflections before answers; round t + 1 of a community after round t).
 * Stage s numbers its jobs from s × STAGE_SPAN. Planning must be deterministic given the stored
 * results: a resumed run plans each stage again and finds the same jobs.
 */
export interface Stage {
  name: string;
  plan(): Promise<JobList> | JobList;
  // biome-ignore lint/suspicious/noExplicitAny: each stage has its own kind of prepared work
  runner: JobRunner<any>;
}

export interface StagesOptions {
  /** The run existed before: its stored jobs tell what is left (a new run's first plan is all pending). */
  resumed: boolean;
  /** Retry failed jobs whatever the reason (by default only transient failures are retried). */
  retryFailed?: boolean;
}

export interface StagesSummary extends RunSummary {
  /** Jobs of every stage planned so far. */
  planned: number;
  /** Jobs done before this execution began. */
  alreadyDone: number;
  /** Failed jobs this execution tried again. */
  retried: number;
  /** The stage being worked on when the run stopped (the last one when it completed). */
  stage: string;
  /** Every stage was planned and every job executed to an outcome: nothing is left pending. */
  complete: boolean;
}

/**
 * Plans and executes a run's stages in order. A stage starts once the one before it has no
 * pending jobs left (failed ones do not hold it up: the next stage's planner sees them), and
 * each is executed like a run: resumed, retried, stopped by the budget or Ctrl-C.
 */
export async function runStages(
  ctx: RunContext,
  stages: Stage[],
  opts: StagesOptions,
): Promise<StagesSummary> {
  const total: StagesSummary = {
    ...newProgress(0),
    stoppedBy: null,
    planned: 0,
    alreadyDone: 0,
    retried: 0,
    stage: stages[0]?.name ?? "",
    complete: false,
  };
  const failures = opts.resumed ? await ctx.store.failedJobs(ctx.runId) : [];
  for (const [index, stage] of stages.entries()) {
    total.stage = stage.name;
    const plan = await stage.plan();
    const saved = ctx.store.saveJobs(ctx.runId, plan);
    saved.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled
    // A new run has done nothing yet: its first stage's pending jobs are the plan, not read back.
    let pending: JobList = plan;
    if (opts.resumed || index > 0) {
      await saved;
      const waiting = await ctx.store.jobs(ctx.runId, "pending", index);
      const retry = failures.filter(
        (f) =>
          Math.floor(f.seq / STAGE_SPAN) === index &&
          (opts.retryFailed || f.reasons.every((r) => isTransientFailure(r))),
      );
      total.retried += retry.length;
      pending = retry.length > 0 ? mergeBySeq(waiting, retry) : waiting;
    }
    total.planned += plan.length;
    total.alreadyDone += plan.length - pending.length;
    const summary = pending.length > 0 ? await executeRun(ctx, pending, stage.runner) : null;
    await saved;
    if (summary) add(total, summary);
    if (summary?.stoppedBy) {
      total.stoppedBy = summary.stoppedBy;
      total.stopReason = summary.stopReason;
      break;
    }
    // A stage whose jobs are not all done (a job stopped between its calls) cannot feed the next.
    if (summary && summary.done + summary.failed < pending.length) break;
    if (index === stages.length - 1) total.complete = true;
  }
  return total;
}

function mergeBySeq(a: JobRecord[], b: JobRecord[]): JobRecord[] {
  return [...a, ...b].sort((x, y) => x.seq - y.seq);
}

function add(into: StagesSummary, s: RunSummary): void {
  into.total += s.total;
  into.done += s.done;
  into.failed += s.failed;
  into.cacheHits += s.cacheHits;
  into.calls += s.calls;
  into.retries += s.retries;
  into.rateLimited += s.rateLimited;
  into.inputTokens += s.inputTokens;
  into.outputTokens += s.outputTokens;
  into.costUsd += s.costUsd;
  into.costUnknown ||= s.costUnknown;
  into.elapsedMs += s.elapsedMs;
}
