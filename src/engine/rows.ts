import type { Answer } from "../instruments/types.ts";
import type { JobOutcome, OutcomeRow, ResponseRecord } from "../store/types.ts";
import { nowIso, type Totals, ZERO_USAGE } from "./calls.ts";

/** What a job's row says besides its tokens and cost. */
export interface RowContent {
  item: string;
  /** The person who answered, when not the job's agent (another participant of an episode). */
  agentId?: string;
  status: ResponseRecord["status"];
  answer: Answer | null;
  reason: string | null;
  probabilities: Record<string, number> | null;
  rawText: string | null;
  modelSnapshot: string | null;
  turn: number | null;
}

export interface RowJob {
  jobId: string;
  seq: number;
  agentId: string;
}

/** A job answered wholly from the cache: nothing spent. Shared, so read-only. */
export const CACHED_TOTALS: Totals = Object.freeze({
  usage: ZERO_USAGE,
  costUsd: 0,
  latencyMs: 0,
  allCached: true,
  priced: true,
});

/**
 * One response row. `share` rows split `totals` evenly (several items answered by one call), so
 * sums over rows stay right.
 */
export function responseRow(job: RowJob, row: RowContent, totals: Totals, share: number): OutcomeRow {
  // One literal, not a spread of a shared part: this runs once per answer.
  return {
    item: row.item,
    agentId: row.agentId ?? job.agentId,
    status: row.status,
    answer: row.answer,
    reason: row.reason,
    probabilities: row.probabilities,
    rawText: row.rawText,
    inputTokens: totals.usage.inputTokens / share,
    cachedInputTokens: totals.usage.cachedInputTokens / share,
    outputTokens: totals.usage.outputTokens / share,
    reasoningTokens: totals.usage.reasoningTokens / share,
    costUsd: totals.priced ? totals.costUsd / share : null,
    latencyMs: totals.latencyMs,
    modelSnapshot: row.modelSnapshot,
    cacheHit: totals.allCached,
    createdAt: nowIso(),
    turn: row.turn,
  };
}

/** A job's outcome from its rows: failed when any row failed (the others keep their answers). */
export function outcomeOf(runId: string, job: RowJob, responses: OutcomeRow[]): JobOutcome {
  let status: JobOutcome["status"] = "ok";
  for (const r of responses) if (r.status === "failed") status = "failed";
  return { runId, jobId: job.jobId, seq: job.seq, agentId: job.agentId, status, responses };
}
