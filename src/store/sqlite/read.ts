import type { StatementSync } from "node:sqlite";
import { STAGE_SPAN } from "../../designs/index.ts";
import type { JobRecord, JobStatus, ResponseRecord, RunRecord, RunStatus, TurnRecord } from "../types.ts";

/**
 * Jobs with their status. A job is done when its responses are stored (all of a job's responses
 * are written in one transaction), so the status is read from them rather than kept in a second
 * place that every commit would have to update: failed when any response failed, else ok.
 */
export const JOB_STATUS = `SELECT j.*, COALESCE(
    (SELECT CASE WHEN COUNT(*) = 0 THEN NULL WHEN MAX(r.status = 'failed') THEN 'failed' ELSE 'ok' END
     FROM responses r WHERE r.run = j.run AND r.seq = j.seq), 'pending'
  ) AS status FROM jobs j WHERE j.run = ? AND j.seq >= ? AND j.seq < ?`;

/** The seq range of one stage, or of every stage. */
export function stageRange(stage?: number): [number, number] {
  return stage === undefined ? [0, Number.MAX_SAFE_INTEGER] : [stage * STAGE_SPAN, (stage + 1) * STAGE_SPAN];
}

/** Jobs read back; jobs of one item set share one items array, as planned jobs do (consumers key work on it). */
export function toJobs(rows: Record<string, string | number | null>[]): JobRecord[] {
  const itemSets = new Map<string, string[]>();
  const itemsOf = (json: string): string[] => {
    let items = itemSets.get(json);
    if (!items) {
      items = JSON.parse(json) as string[];
      itemSets.set(json, items);
    }
    return items;
  };
  return rows.map((r) => {
    const job: JobRecord = {
      jobId: String(r.job_id),
      seq: Number(r.seq),
      agentId: String(r.agent_id),
      items: itemsOf(String(r.items_json)),
      arm: String(r.arm),
      replicate: Number(r.replicate),
      status: r.status as JobStatus,
    };
    if (r.inputs_json !== null && r.inputs_json !== undefined) job.inputs = JSON.parse(String(r.inputs_json));
    return job;
  });
}

/**
 * Responses with what their job and run say (agent, arm, replicate, model), in plan order and,
 * within a job, in the order of its items.
 */
export const RESPONSES = `SELECT ru.id AS run_id, j.job_id, r.item, COALESCE(NULLIF(r.agent_id, ''), j.agent_id) AS agent_id,
    j.arm, j.replicate, ru.model_id AS model, r.status, r.answer_json, r.reason, r.probabilities_json,
    r.raw_text, r.input_tokens, r.cached_input_tokens, r.output_tokens, r.reasoning_tokens, r.cost_usd,
    r.latency_ms, r.model_snapshot, r.cache_hit, r.created_at, r.turn
  FROM responses r JOIN jobs j ON j.run = r.run AND j.seq = r.seq JOIN runs ru ON ru.num = r.run
  WHERE r.run = ?
  ORDER BY r.seq, r.agent_id, (SELECT e.key FROM json_each(j.items_json) e WHERE e.value = r.item), r.item`;

export function toResponse(r: Record<string, string | number | null>): ResponseRecord {
  return {
    runId: String(r.run_id),
    jobId: String(r.job_id),
    item: String(r.item),
    agentId: String(r.agent_id),
    arm: String(r.arm),
    replicate: Number(r.replicate),
    model: String(r.model),
    status: r.status as ResponseRecord["status"],
    answer: r.answer_json === null ? null : JSON.parse(String(r.answer_json)),
    reason: r.reason === null ? null : String(r.reason),
    probabilities: r.probabilities_json === null ? null : JSON.parse(String(r.probabilities_json)),
    rawText: r.raw_text === null ? null : String(r.raw_text),
    inputTokens: Number(r.input_tokens),
    cachedInputTokens: Number(r.cached_input_tokens),
    outputTokens: Number(r.output_tokens),
    reasoningTokens: Number(r.reasoning_tokens),
    costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
    latencyMs: Number(r.latency_ms),
    modelSnapshot: r.model_snapshot === null ? null : String(r.model_snapshot),
    cacheHit: Number(r.cache_hit) === 1,
    createdAt: String(r.created_at),
    turn: r.turn === null ? null : Number(r.turn),
  };
}

export const TURNS = `SELECT ru.id AS run_id, j.job_id, t.*
  FROM turns t JOIN jobs j ON j.run = t.run AND j.seq = t.seq JOIN runs ru ON ru.num = t.run
  WHERE t.run = ? AND t.seq >= ? AND t.seq <= ? ORDER BY t.seq, t.turn`;

export function toTurn(r: Record<string, string | number | null>): TurnRecord {
  return {
    runId: String(r.run_id),
    jobId: String(r.job_id),
    seq: Number(r.seq),
    turn: Number(r.turn),
    speaker: String(r.speaker),
    model: r.model === null ? null : String(r.model),
    prompt: r.prompt === null ? null : String(r.prompt),
    text: String(r.text),
    payload: r.payload_json === null ? null : JSON.parse(String(r.payload_json)),
    status: r.status as TurnRecord["status"],
    reason: r.reason === null ? null : String(r.reason),
    inputTokens: Number(r.input_tokens),
    cachedInputTokens: Number(r.cached_input_tokens),
    outputTokens: Number(r.output_tokens),
    reasoningTokens: Number(r.reasoning_tokens),
    costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
    latencyMs: Number(r.latency_ms),
    cacheHit: Number(r.cache_hit) === 1,
    createdAt: String(r.created_at),
  };
}

export function toRun(row: Record<string, string>): RunRecord {
  return {
    id: row.id,
    studyId: row.study_id,
    studyName: row.study_name,
    modelId: row.model_id,
    modelKind: row.model_kind,
    mode: row.mode,
    status: row.status as RunStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    specDir: row.spec_dir ?? null,
  };
}

/** Rows of a statement one at a time (a run's responses may not fit in memory at once). */
export function* iterate(
  statement: StatementSync,
  ...params: (string | number)[]
): Generator<Record<string, string | number | null>> {
  yield* statement.iterate(...params) as Iterable<Record<string, string | number | null>>;
}
