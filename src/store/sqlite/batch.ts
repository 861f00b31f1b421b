import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { Plan, type PlanInput } from "../../engine/plan.ts";
import type { CommitBatch, JobRecord, ResponseRecord } from "../types.ts";

/**
 * What a commit writes, as flat value lists (one per table, `width` values a row): built on the
 * main thread and posted as-is to the writer thread, where flat arrays of primitives are the
 * cheapest thing to copy across and what multi-row statements take anyway.
 */
export interface BatchRows {
  calls: SQLInputValue[];
  cache: SQLInputValue[];
  responses: SQLInputValue[];
  /**
   * Responses replayed from the cache, REPLAYED_WIDTH values a row: their status, tokens, cost
   * and latency are the same for all (ok, nothing spent), so only what varies crosses to the
   * writer thread and into the statement.
   */
  replayed: SQLInputValue[];
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

const CALL_WIDTH = 13;
const CACHE_WIDTH = 6;
const RESPONSE_WIDTH = 17;
const REPLAYED_WIDTH = 8;
const INSERT_REPLAYED = `INSERT OR REPLACE INTO responses (run, seq, item, answer_json, probabilities_json,
  raw_text, model_snapshot, created_at, status, input_tokens, cached_input_tokens, output_tokens,
  reasoning_tokens, cost_usd, latency_ms, cache_hit) VALUES`;
const REPLAYED_ROW = "(?,?,?,?,?,?,?,?,'ok',0,0,0,0,0,0,1)";
export const JOB_WIDTH = 7;
export const AGENT_WIDTH = 5;

/**
 * Multi-row statements, ROWS_PER_STATEMENT rows at a time: far fewer calls across the
 * JavaScript/SQLite boundary than one statement per row.
 */
const ROWS_PER_STATEMENT = 32;
const PLAN_SLICE = 8192;

/**
 * WAL with synchronous=NORMAL keeps every committed row through a process crash (kill -9); only
 * an OS crash could lose the last transactions.
 */
export function openDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 10000; PRAGMA mmap_size = 1073741824;",
  );
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
    rows.cache.length / CACHE_WIDTH +
    rows.responses.length / RESPONSE_WIDTH +
    rows.replayed.length / REPLAYED_WIDTH +
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
    );
  }
  const now = new Date().toISOString();
  const cache: SQLInputValue[] = [];
  for (const e of batch.cache) {
    const r = e.response;
    cache.push(
      e.key,
      e.model,
      r.text,
      r.firstTokenLogprobs ? JSON.stringify(r.firstTokenLogprobs) : null,
      r.modelSnapshot ?? null,
      now,
    );
  }
  const responses: SQLInputValue[] = [];
  const replayed: SQLInputValue[] = [];
  for (const o of batch.outcomes) {
    const run = runNumber(o.runId);
    // Agent, arm, replicate and model are the job's and the run's, stored there once.
    for (const r of o.responses) {
      const answer = r.answer === null ? null : JSON.stringify(r.answer);
      const probabilities = r.probabilities ? JSON.stringify(r.probabilities) : null;
      if (isReplayed(r)) {
        replayed.push(run, o.seq, r.item, answer, probabilities, r.rawText, r.modelSnapshot, r.createdAt);
        continue;
      }
      responses.push(
        run,
        o.seq,
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
      );
    }
  }
  return { calls, cache, responses, replayed };
}

/** An answer taken whole from the cache: ok, and nothing spent on it (the columns INSERT_REPLAYED fixes). */
function isReplayed(r: ResponseRecord): boolean {
  return (
    r.cacheHit &&
    r.status === "ok" &&
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
export function jobValues(run: number, jobs: Omit<JobRecord, "status">[]): SQLInputValue[] {
  const values: SQLInputValue[] = [];
  const itemsJson = new Map<readonly string[], string>();
  for (const j of jobs) {
    let items = itemsJson.get(j.items);
    if (items === undefined) {
      items = JSON.stringify(j.items);
      itemsJson.set(j.items, items);
    }
    values.push(run, j.seq, j.jobId, j.agentId, items, j.arm, j.replicate);
  }
  return values;
}

/** All of one or more batches in one transaction: the ledger, the cache entries and the responses. */
export function writeRows(db: DatabaseSync, statements: Statements, ...batches: BatchRows[]): void {
  transaction(db, () => {
    for (const rows of batches) {
      if (rows.agents)
        insertMany(statements, "INSERT OR IGNORE INTO agents VALUES", AGENT_WIDTH, rows.agents);
      if (rows.jobs) insertMany(statements, "INSERT OR IGNORE INTO jobs VALUES", JOB_WIDTH, rows.jobs);
      if (rows.plan) {
        const plan = new Plan(rows.plan.input);
        for (let start = 0; start < plan.length; start += PLAN_SLICE) {
          const values = jobValues(rows.plan.run, plan.slice(start, start + PLAN_SLICE));
          insertMany(statements, "INSERT OR IGNORE INTO jobs VALUES", JOB_WIDTH, values);
        }
      }
      insertMany(statements, "INSERT INTO costs VALUES", CALL_WIDTH, rows.calls);
      insertMany(statements, "INSERT OR IGNORE INTO cache VALUES", CACHE_WIDTH, rows.cache);
      insertMany(statements, "INSERT OR REPLACE INTO responses VALUES", RESPONSE_WIDTH, rows.responses);
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
