import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { Plan } from "../../designs/index.ts";
import { UserError } from "../../errors/index.ts";
import type {
  AgentRecord,
  BelievabilityTestRecord,
  CachedResponse,
  CommitBatch,
  InterviewSession,
  JobList,
  JobRecord,
  JobStatus,
  JudgmentRecord,
  LedgerEntry,
  LedgerFilter,
  ReflectionRecord,
  ResponseRecord,
  RunClaim,
  RunHolder,
  RunRecord,
  RunStatus,
  Spending,
  Store,
  StudyRecord,
  TurnRecord,
} from "../types.ts";
import { runAgents } from "./agents.ts";
import {
  type BatchRows,
  batchRows,
  jobValues,
  openDatabase,
  rowCount,
  Statements,
  transaction,
  writeRows,
} from "./batch.ts";
import { getTest, listJudgments, listTests, saveJudgment, saveTest } from "./believability.ts";
import { leasedCount, leaseJobs, releaseLeases, renewLeases } from "./leases.ts";
import { addLedgerEntries, ledgerEntries } from "./ledger.ts";
import { claimRun, heartbeat, releaseRun } from "./locks.ts";
import { migrations } from "./migrations.ts";
import { databaseError, type OpenOptions, openChecked } from "./open.ts";
import * as people from "./people.ts";
import { JOB_STATUS, RESPONSES, stageRange, TURNS, toJobs, toResponse, toRun, toTurn } from "./read.ts";
import { WriterThread } from "./writer.ts";

/**
 * SQLite store (node:sqlite: built into Node, so no native addon to compile). WAL with
 * synchronous=NORMAL keeps every committed row through a process crash (kill -9); only an OS
 * crash could lose the last transactions.
 */

/** Commits of at least this many rows go to the writer thread (see commit). */
const THREAD_MIN_ROWS = 256;

/** position of the key in the list looked up, text, logprobs_json, model_snapshot, tool_calls_json */
type CacheRow = [number, string, string | null, string | null, string | null];

export class SqliteStore implements Store {
  readonly path: string;
  private readonly db: DatabaseSync;
  private readonly statements: Statements;
  /** Started by the first large commit: stores that only read never start a thread. */
  private writer: WriterThread | undefined;
  /** Run numbers by run id: a run's number never changes. */
  private readonly runNumbers = new Map<string, number>();

  constructor(path: string, options: OpenOptions = {}) {
    this.path = path;
    // The file checks (not a database, another program's, unusable paths) are in open.ts.
    const { db, writable } = openChecked(path, options, migrations.length, openDatabase);
    this.db = db;
    this.statements = new Statements(this.db);
    try {
      if (writable) this.migrate();
    } catch (error) {
      this.db.close();
      throw databaseError(error, path);
    }
  }

  private migrate(): void {
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)",
    );
    const row = this.db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as {
      v: number | null;
    };
    const current = row.v ?? 0;
    if (current > migrations.length) {
      throw new UserError(
        `database schema version ${current} is newer than this Populace (${migrations.length}); upgrade Populace`,
        { where: this.path },
      );
    }
    for (let v = current + 1; v <= migrations.length; v++) {
      try {
        this.transaction(() => {
          // Another process opening the same new file may have applied this step meanwhile.
          const done = this.db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?").get(v);
          if (done) return;
          this.db.exec(migrations[v - 1]);
          this.db.prepare("INSERT INTO schema_migrations VALUES (?, ?)").run(v, new Date().toISOString());
        });
      } catch (error) {
        // Each step is one transaction: a failed one leaves the database as it was before it.
        throw new UserError(
          `cannot upgrade the database to schema version ${v} (${(error as Error).message}); it was left at version ${v - 1}`,
          { where: this.path },
        );
      }
    }
  }

  private stmt(sql: string): StatementSync {
    return this.statements.get(sql);
  }

  private lookupStatement: StatementSync | undefined;

  /** The cache look-up, returning rows as arrays (no object per row). */
  private get lookup(): StatementSync {
    if (!this.lookupStatement) {
      this.lookupStatement = this.db.prepare(
        "SELECT j.key, c.text, c.logprobs_json, c.model_snapshot, c.tool_calls_json FROM json_each(?) j JOIN cache c ON c.key = j.value",
      );
      this.lookupStatement.setReturnArrays(true);
    }
    return this.lookupStatement;
  }

  /** The number keying a run's jobs and responses; undefined for an unknown run. */
  private runNumber(runId: string): number | undefined {
    let num = this.runNumbers.get(runId);
    if (num === undefined) {
      num = (this.stmt("SELECT num FROM runs WHERE id = ?").get(runId) as { num: number } | undefined)?.num;
      if (num !== undefined) this.runNumbers.set(runId, num);
    }
    return num;
  }

  /** As runNumber, for writes: rows of an unknown run are a bug in the caller. */
  private knownRunNumber = (runId: string): number => {
    const num = this.runNumber(runId);
    if (num === undefined) throw new Error(`internal error: no run ${runId} in the store`);
    return num;
  };

  private transaction<T>(fn: () => T): T {
    return transaction(this.db, fn);
  }

  async saveStudy(study: StudyRecord): Promise<void> {
    this.stmt("INSERT OR IGNORE INTO studies VALUES (?, ?, ?, ?)").run(
      study.id,
      study.name,
      JSON.stringify(study.spec),
      study.createdAt,
    );
  }

  async openRun(run: RunRecord): Promise<{ run: RunRecord; resumed: boolean }> {
    const existing = await this.getRun(run.id);
    if (existing) return { run: existing, resumed: true };
    this.stmt(
      `INSERT INTO runs (id, study_id, study_name, model_id, model_kind, mode, status, created_at, updated_at, spec_dir)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      run.id,
      run.studyId,
      run.studyName,
      run.modelId,
      run.modelKind,
      run.mode,
      run.status,
      run.createdAt,
      run.updatedAt,
      run.specDir,
    );
    return { run, resumed: false };
  }

  async getStudy(id: string): Promise<StudyRecord | undefined> {
    const row = this.stmt("SELECT * FROM studies WHERE id = ?").get(id) as Record<string, string> | undefined;
    return row
      ? { id: row.id, name: row.name, spec: JSON.parse(row.spec_json), createdAt: row.created_at }
      : undefined;
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = this.stmt("SELECT * FROM runs WHERE id = ?").get(id) as Record<string, string> | undefined;
    return row ? toRun(row) : undefined;
  }

  async listRuns(): Promise<RunRecord[]> {
    return (this.stmt("SELECT * FROM runs ORDER BY created_at, id").all() as Record<string, string>[]).map(
      toRun,
    );
  }

  async setRunStatus(id: string, status: RunStatus): Promise<void> {
    this.stmt("UPDATE runs SET status = ?, updated_at = ? WHERE id = ?").run(
      status,
      new Date().toISOString(),
      id,
    );
  }

  async saveAgents(studyId: string, agents: AgentRecord[]): Promise<void> {
    const values: SQLInputValue[] = [];
    for (const a of agents)
      values.push(studyId, a.agentId, a.source, JSON.stringify(a.attributes), a.profile);
    return this.write({ calls: [], cache: [], responses: [], replayed: [], agents: values });
  }

  async saveJobs(runId: string, jobs: JobList): Promise<void> {
    const run = this.knownRunNumber(runId);
    const none = { calls: [], cache: [], responses: [], replayed: [] };
    // A plan goes as what it is made from; its rows are made where they are written.
    if (jobs instanceof Plan) return this.write({ ...none, plan: { run, input: jobs.input } });
    return this.write({ ...none, jobs: jobValues(run, jobs.slice(0, jobs.length)) });
  }

  async jobs(runId: string, status?: JobStatus, stage?: number): Promise<JobRecord[]> {
    const run = this.runNumber(runId);
    if (run === undefined) return [];
    const [from, to] = stageRange(stage);
    const rows = (
      status
        ? this.stmt(`SELECT * FROM (${JOB_STATUS}) WHERE status = ? ORDER BY seq`).all(run, from, to, status)
        : this.stmt(`${JOB_STATUS} ORDER BY seq`).all(run, from, to)
    ) as Record<string, string | number | null>[];
    return toJobs(rows);
  }

  async jobCounts(runId: string, stage?: number): Promise<Record<JobStatus, number>> {
    const counts: Record<JobStatus, number> = { pending: 0, ok: 0, failed: 0 };
    const run = this.runNumber(runId);
    if (run === undefined) return counts;
    const rows = this.stmt(`SELECT status, COUNT(*) AS n FROM (${JOB_STATUS}) GROUP BY status`).all(
      run,
      ...stageRange(stage),
    ) as {
      status: JobStatus;
      n: number;
    }[];
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }

  async failedJobs(runId: string): Promise<(JobRecord & { reasons: string[] })[]> {
    const run = this.runNumber(runId);
    if (run === undefined) return [];
    const rows = this.stmt(
      `SELECT j.*, 'failed' AS status, json_group_array(r.reason) AS reasons_json
       FROM jobs j JOIN responses r ON r.run = j.run AND r.seq = j.seq AND r.status = 'failed'
       WHERE j.run = ? GROUP BY j.seq ORDER BY j.seq`,
    ).all(run) as Record<string, string | number | null>[];
    const jobs = toJobs(rows);
    return jobs.map((job, i) => ({ ...job, reasons: JSON.parse(String(rows[i].reasons_json)) as string[] }));
  }

  async commit(batch: CommitBatch): Promise<void> {
    const rows = batch.calls.length + batch.cache.length + batch.outcomes.length;
    if (rows + (batch.turns?.length ?? 0) + (batch.resets?.length ?? 0) === 0) return;
    // Returned, not awaited: an awaiting frame would keep the batch alive until the writer thread
    // commits it, and a replay keeps a dozen batches in flight (they were most of what young-space
    // garbage collections had to copy).
    return this.write(batchRows(batch, this.knownRunNumber));
  }

  /**
   * Small batches (an LLM run's answers, committed as they arrive) are written here and now;
   * large ones (free models, cache replays, a large plan's jobs) go to the writer thread, so
   * SQLite's share of the work runs on another core. A small batch behind an outstanding large one
   * queues after it.
   */
  private async write(rows: BatchRows): Promise<void> {
    if (this.path === ":memory:" || (rowCount(rows) < THREAD_MIN_ROWS && !this.writer?.busy)) {
      writeRows(this.db, this.statements, rows);
      return;
    }
    this.writer ??= new WriterThread(this.path);
    return this.writer.commit(rows); // not awaited, so the rows are not kept (see commit)
  }

  async spending(runId: string): Promise<Spending> {
    const row = this.stmt(
      `SELECT COUNT(*) AS calls, COALESCE(SUM(cost_usd), 0) AS usd, COALESCE(SUM(input_tokens), 0) AS i,
              COALESCE(SUM(output_tokens), 0) AS o FROM costs WHERE run_id = ?`,
    ).get(runId) as { calls: number; usd: number; i: number; o: number };
    return { calls: row.calls, usd: row.usd, inputTokens: row.i, outputTokens: row.o };
  }

  async cacheGet(keys: string[]): Promise<(CachedResponse | undefined)[]> {
    const found: (CachedResponse | undefined)[] = new Array(keys.length).fill(undefined);
    if (keys.length === 0) return found;
    if (keys.length === 1) {
      // One key (an episode's turn): a plain look-up, without building a JSON list for it.
      const row = this.stmt(
        "SELECT 0, text, logprobs_json, model_snapshot, tool_calls_json FROM cache WHERE key = ?",
      ).get(keys[0]) as Record<string, string | null> | undefined;
      if (row) found[0] = cachedOf(Object.values(row) as unknown as CacheRow);
      return found;
    }
    // One statement for the whole list (passed as one JSON array): far fewer crossings into
    // SQLite than a parameter per key. Rows come back with their key's position in the list.
    // (Sorting the keys first saves SQLite less than it costs.)
    const rows = this.lookup.all(JSON.stringify(keys)) as unknown as CacheRow[];
    for (const r of rows) found[r[0]] = cachedOf(r);
    return found;
  }

  async *responses(runId: string): AsyncIterable<ResponseRecord> {
    const run = this.runNumber(runId);
    if (run === undefined) return;
    const rows = this.db.prepare(RESPONSES).iterate(run) as Iterable<Record<string, string | number | null>>;
    for (const r of rows) yield toResponse(r);
  }

  async *turns(runId: string, seq?: number): AsyncIterable<TurnRecord> {
    const run = this.runNumber(runId);
    if (run === undefined) return;
    const rows = this.db.prepare(TURNS).iterate(run, seq ?? 0, seq ?? Number.MAX_SAFE_INTEGER) as Iterable<
      Record<string, string | number | null>
    >;
    for (const r of rows) yield toTurn(r);
  }

  async claimRun(runId: string, holder: RunHolder, staleMs: number): Promise<RunClaim> {
    return claimRun(this.db, this.knownRunNumber(runId), holder, staleMs);
  }

  async heartbeat(runId: string, holder: string): Promise<boolean> {
    return heartbeat(this.db, this.knownRunNumber(runId), holder);
  }

  async releaseRun(runId: string, holder: string): Promise<void> {
    releaseRun(this.db, this.knownRunNumber(runId), holder);
  }

  async leaseJobs(runId: string, holder: string, limit: number, ttlMs: number): Promise<JobRecord[]> {
    return leaseJobs(this.db, this.knownRunNumber(runId), holder, limit, ttlMs);
  }

  async renewLeases(runId: string, holder: string, ttlMs: number): Promise<number> {
    return renewLeases(this.db, this.knownRunNumber(runId), holder, ttlMs);
  }

  async releaseLeases(runId: string, holder: string): Promise<void> {
    releaseLeases(this.db, this.knownRunNumber(runId), holder);
  }

  async leasedCount(runId: string): Promise<number> {
    return leasedCount(this.db, this.knownRunNumber(runId));
  }

  async agentRecords(agentId: string): Promise<(AgentRecord & { studyId: string })[]> {
    return people.agentRecords(this.db, agentId);
  }

  async saveReflections(records: ReflectionRecord[]): Promise<void> {
    this.transaction(() => people.saveReflections(this.db, records));
  }

  async reflections(agentId: string): Promise<ReflectionRecord[]> {
    return people.reflections(this.db, agentId);
  }

  async saveInterview(interview: InterviewSession): Promise<void> {
    people.saveInterview(this.db, interview);
  }

  async interview(id: string): Promise<InterviewSession | undefined> {
    return people.interview(this.db, id);
  }

  async interviews(filter?: {
    status?: InterviewSession["status"];
    runId?: string;
  }): Promise<InterviewSession[]> {
    return people.interviews(this.db, filter);
  }

  async agents(runId: string): Promise<AgentRecord[]> {
    const run = this.runNumber(runId);
    if (run === undefined) return [];
    return runAgents(this.db, run);
  }

  async addLedgerEntries(entries: LedgerEntry[]): Promise<void> {
    addLedgerEntries(this.db, entries);
  }

  async ledgerEntries(filter?: LedgerFilter): Promise<LedgerEntry[]> {
    return ledgerEntries(this.db, filter);
  }

  async callOutcomes(runId: string): Promise<Record<string, number>> {
    const rows = this.stmt("SELECT outcome, COUNT(*) AS n FROM costs WHERE run_id = ? GROUP BY outcome").all(
      runId,
    ) as {
      outcome: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
  }

  async saveBelievabilityTest(test: BelievabilityTestRecord): Promise<void> {
    saveTest(this.db, test);
  }

  async getBelievabilityTest(id: string): Promise<BelievabilityTestRecord | undefined> {
    return getTest(this.db, id);
  }

  async believabilityTests(runId?: string): Promise<BelievabilityTestRecord[]> {
    return listTests(this.db, runId);
  }

  async saveJudgment(judgment: JudgmentRecord): Promise<void> {
    saveJudgment(this.db, judgment);
  }

  async judgments(testId: string): Promise<JudgmentRecord[]> {
    return listJudgments(this.db, testId);
  }

  async close(): Promise<void> {
    await this.writer?.close();
    this.statements.clear();
    this.db.close();
  }
}

function cachedOf([, text, logprobs, snapshot, toolCalls]: CacheRow): CachedResponse {
  const response: CachedResponse = { text };
  if (toolCalls !== null) response.toolCalls = JSON.parse(toolCalls);
  if (logprobs !== null) response.firstTokenLogprobs = JSON.parse(logprobs);
  if (snapshot !== null) response.modelSnapshot = snapshot;
  return response;
}
