import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { Plan, type PlanInput, type PlannedJob } from "../../designs/index.ts";
import type { CommitBatch, OutcomeRow } from "../types.ts";

/**
 * What a commit writes, as flat value lists (one per table, `width` values a row): built on the
 * main thread and posted as-is to the writer thread, where flat arrays of primitives are the
 * cheapest thing to copy across and what multi-row statements take anyway.
 */
export interface BatchRows {
  calls: SQLInputValue[];
  cache: SQLInputValue[];
  /** Cache entries that replace a stored reply, CACHE_WIDTH values a row. */
  cacheReplace?: SQLInputValue[];
  responses: SQLInputValue[];
  /**
   * Responses replayed from the cache, REPLAYED_WIDTH values a row: their status, tokens, cost
   * and latency are the same for all (ok, nothing spent), so only what varies crosses to the
   * writer thread and into the statement.
   */
  replayed: SQLInputValue[];
  /** Episode turns, TURN_WIDTH values a row. */
  turns?: SQLInputValue[];
  /** (run, seq) pairs of jobs whose stored responses and turns go first (a retried job). */
  resets?: SQLInputValue[];
  /** Planned jobs (saveJobs), JOB_WIDTH values a row. */
  jobs?: SQLInputValue[];
  /**
   * A whole plan (saveJobs of a Plan), as what it is made from: its rows are made where they are
   * written, so the main thread neither makes nor copies them.
   */
  plan?: { run: number; input: PlanInput };
  /** Simulated people (saveAgents), AGENT_WIDTH values a row. */
  agents?: SQLInputValue[];
}

const CALL_WIDTH = 14;
const INSERT_CALLS = `INSERT INTO costs (run_id, job_id, attempt, purpose, outcome, http_status, input_tokens,
  cached_input_tokens, output_tokens, reasoning_tokens, cost_usd, latency_ms, created_at, turn) VALUES`;
const CACHE_WIDTH = 7;
const INSERT_CACHE = `INSERT OR IGNORE INTO cache (key, model, text, logprobs_json, model_snapshot, created_at,
  tool_calls_json) VALUES`;
const RESPONSE_WIDTH = 19;
const INSERT_RESPONSES = `INSERT OR REPLACE INTO responses (run, seq, agent_id, item, status, answer_json, reason,
  probabilities_json, raw_text, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd,
  latency_ms, model_snapshot, cache_hit, created_at, turn) VALUES`;
const TURN_WIDTH = 18;
/** The first write of a turn wins: a replayed turn (from the cache) keeps the paid call's row. */
const INSERT_TURNS = "INSERT OR IGNORE INTO turns VALUES";
const REPLAYED_WIDTH = 8;
const INSERT_REPLAYED = `INSERT OR REPLACE INTO responses (run, seq, item, answer_json, probabilities_json,
  raw_text, model_snapshot, created_at, status, input_tokens, cached_input_tokens, output_tokens,
  reasoning_tokens, cost_usd, latency_ms, cache_hit) VALUES`;
const REPLAYED_ROW = "(?,?,?,?,?,?,?,?,'ok',0,0,0,0,0,0,1)";
export const JOB_WIDTH = 8;
const INSERT_JOBS = `INSERT OR IGNORE INTO jobs (run, seq, job_id, agent_id, items_json, arm, replicate,
  inputs_json) VALUES`;
export const AGENT_WIDTH = 5;

/**
 * Multi-row statements, ROWS_PER_STATEMENT rows at a time: far fewer calls across the
 * JavaScript/SQLite boundary than one statement per row.
 */
const ROWS_PER_STATEMENT = 32;
const PLAN_SLICE = 8192;

/** How long a connection waits for another's lock before a statement fails as busy. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * WAL with synchronous=NORMAL keeps every committed row through a process crash (kill -9); only
 * an OS crash could lose the last transactions.
 */
export function openDatabase(path: string): DatabaseSync {
  // The busy timeout is set as the connection opens, before the switch to WAL: that switch needs
  // the file to itself, and a reader looking in at that moment (another process, a test) must
  // make it wait, not fail.
  const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 10000; PRAGMA mmap_size = 1073741824;",
    );
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Prepared statements by SQL text, per connection. */
export class Statements {
  private readonly db: DatabaseSync;
  private readonly cache = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  get(sql: string): StatementSync {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  clear(): void {
    this.cache.clear();
  }
}

export function rowCount(rows: BatchRows): number {
  return (
    rows.calls.length / CALL_WIDTH +
    (rows.cache.length + (rows.cacheReplace?.length ?? 0)) / CACHE_WIDTH +
    rows.responses.length / RESPONSE_WIDTH +
    rows.replayed.length / REPLAYED_WIDTH +
    (rows.turns?.length ?? 0) / TURN_WIDTH +
    (rows.jobs?.length ?? 0) / JOB_WIDTH +
    (rows.plan ? new Plan(rows.plan.input).length : 0) +
    (rows.agents?.length ?? 0) / AGENT_WIDTH
  );
}

/** `runNumber` gives a run id's number, the key of its jobs and responses. */
export function batchRows(batch: CommitBatch, runNumber: (runId: string) => number): BatchRows {
  const calls: SQLInputValue[] = [];
  for (const c of batch.calls) {
    calls.push(
      c.runId,
      c.jobId,
      c.attempt,
      c.purpose,
      c.outcome,
      c.httpStatus,
      c.inputTokens,
      c.cachedInputTokens,
      c.outputTokens,
      c.reasoningTokens,
      c.costUsd,
      c.latencyMs,
      c.createdAt,
      c.turn,
    );
  }
  const now = new Date().toISOString();
  const cache: SQLInputValue[] = [];
  const cacheReplace: SQLInputValue[] = [];
  for (const e of batch.cache) {
    const r = e.response;
    (e.replace ? cacheReplace : cache).push(
      e.key,
      e.model,
      r.text,
      r.firstTokenLogprobs ? JSON.stringify(r.firstTokenLogprobs) : null,
      r.modelSnapshot ?? null,
      now,
      r.toolCalls ? JSON.stringify(r.toolCalls) : null,
    );
  }
  const responses: SQLInputValue[] = [];
  const replayed: SQLInputValue[] = [];
  for (const o of batch.outcomes) {
    const run = runNumber(o.runId);
    // Agent, arm, replicate and model are the job's and the run's, stored there once; a response
    // names its person only when it is another participant's.
    for (const r of o.responses) {
      const answer = r.answer === null ? null : JSON.stringify(r.answer);
      const probabilities = r.probabilities ? JSON.stringify(r.probabilities) : null;
      const agent = r.agentId === o.agentId ? "" : r.agentId;
      if (agent === "" && isReplayed(r)) {
        replayed.push(run, o.seq, r.item, answer, probabilities, r.rawText, r.modelSnapshot, r.createdAt);
        continue;
      }
      responses.push(
        run,
        o.seq,
        agent,
        r.item,
        r.status,
        answer,
        r.reason,
        probabilities,
        r.rawText,
        r.inputTokens,
        r.cachedInputTokens,
        r.outputTokens,
        r.reasoningTokens,
        r.costUsd,
        r.latencyMs,
        r.modelSnapshot,
        r.cacheHit ? 1 : 0,
        r.createdAt,
        r.turn,
      );
    }
  }
  const rows: BatchRows = { calls, cache, responses, replayed };
  if (cacheReplace.length > 0) rows.cacheReplace = cacheReplace;
  if (batch.turns?.length) {
    const turns: SQLInputValue[] = [];
    for (const t of batch.turns) {
      turns.push(
        runNumber(t.runId),
        t.seq,
        t.turn,
        t.speaker,
        t.model,
        t.prompt,
        t.text,
        t.payload === undefined || t.payload === null ? null : JSON.stringify(t.payload),
        t.status,
        t.reason,
        t.inputTokens,
        t.cachedInputTokens,
        t.outputTokens,
        t.reasoningTokens,
        t.costUsd,
        t.latencyMs,
        t.cacheHit ? 1 : 0,
        t.createdAt,
      );
    }
    rows.turns = turns;
  }
  if (batch.resets?.length) rows.resets = batch.resets.flatMap((r) => [runNumber(r.runId), r.seq]);
  return rows;
}

/** An answer taken whole from the cache: ok, and nothing spent on it (the columns INSERT_REPLAYED fixes). */
function isReplayed(r: OutcomeRow): boolean {
  return (
    r.cacheHit &&
    r.status === "ok" &&
    r.turn === null &&
    r.reason === null &&
    r.costUsd === 0 &&
    r.latencyMs === 0 &&
    r.inputTokens === 0 &&
    r.cachedInputTokens === 0 &&
    r.outputTokens === 0 &&
    r.reasoningTokens === 0
  );
}

/** Rows of planned jobs; jobs share item lists (one per item set), so each list's JSON is made once. */
export function jobValues(run: number, jobs: PlannedJob[]): SQLInputValue[] {
  const values: SQLInputValue[] = [];
  const itemsJson = new Map<readonly string[], string>();
  for (const j of jobs) {
    let items = itemsJson.get(j.items);
    if (items === undefined) {
      items = JSON.stringify(j.items);
      itemsJson.set(j.items, items);
    }
    values.push(
      run,
      j.seq,
      j.jobId,
      j.agentId,
      items,
      j.arm,
      j.replicate,
      j.inputs === undefined ? null : JSON.stringify(j.inputs),
    );
  }
  return values;
}

/** All of one or more batches in one transaction: the ledger, the cache entries and the responses. */
export function writeRows(db: DatabaseSync, statements: Statements, ...batches: BatchRows[]): void {
  transaction(db, () => {
    for (const rows of batches) {
      if (rows.resets) {
        for (let i = 0; i < rows.resets.length; i += 2) {
          statements
            .get("DELETE FROM responses WHERE run = ? AND seq = ?")
            .run(rows.resets[i], rows.resets[i + 1]);
          statements
            .get("DELETE FROM turns WHERE run = ? AND seq = ?")
            .run(rows.resets[i], rows.resets[i + 1]);
        }
      }
      if (rows.agents)
        insertMany(statements, "INSERT OR IGNORE INTO agents VALUES", AGENT_WIDTH, rows.agents);
      if (rows.jobs) insertMany(statements, INSERT_JOBS, JOB_WIDTH, rows.jobs);
      if (rows.plan) {
        const plan = new Plan(rows.plan.input);
        for (let start = 0; start < plan.length; start += PLAN_SLICE) {
          const values = jobValues(rows.plan.run, plan.slice(start, start + PLAN_SLICE));
          insertMany(statements, INSERT_JOBS, JOB_WIDTH, values);
        }
      }
      insertMany(statements, INSERT_CALLS, CALL_WIDTH, rows.calls);
      insertMany(statements, INSERT_CACHE, CACHE_WIDTH, rows.cache);
      if (rows.cacheReplace) {
        insertMany(
          statements,
          INSERT_CACHE.replace("OR IGNORE", "OR REPLACE"),
          CACHE_WIDTH,
          rows.cacheReplace,
        );
      }
      if (rows.turns) insertMany(statements, INSERT_TURNS, TURN_WIDTH, rows.turns);
      insertMany(statements, INSERT_RESPONSES, RESPONSE_WIDTH, rows.responses);
      insertMany(statements, INSERT_REPLAYED, REPLAYED_WIDTH, rows.replayed, REPLAYED_ROW);
    }
  });
}

export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/**
 * Inserts flat `values`, `width` to a row, ROWS_PER_STATEMENT rows per statement. `row` is one
 * row's VALUES group: `width` placeholders by default; constants may stand for the other columns.
 */
export function insertMany(
  statements: Statements,
  head: string,
  width: number,
  values: SQLInputValue[],
  row = `(${Array(width).fill("?").join(",")})`,
): void {
  const step = ROWS_PER_STATEMENT * width;
  for (let start = 0; start < values.length; start += step) {
    const chunk = values.slice(start, start + step);
    statements.get(insertSql(head, row, chunk.length / width)).run(...chunk);
  }
}

const insertSqls = new Map<string, string>();

/** `head row,row,…` for `rows` rows, built once per shape (it is also the statement's key). */
function insertSql(head: string, row: string, rows: number): string {
  const shape = `${head}|${row}|${rows}`;
  let sql = insertSqls.get(shape);
  if (sql === undefined) {
    sql = `${head} ${Array(rows).fill(row).join(",")}`;
    insertSqls.set(shape, sql);
  }
  return sql;
}
