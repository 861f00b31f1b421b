import { BELIEVABILITY_SCHEMA } from "./believability.ts";
import { LEDGER_TABLE } from "./ledger.ts";
import { PEOPLE_TABLES } from "./people.ts";

/** Schema changes in order; each runs once, recorded in schema_migrations. Never edit a shipped one. */
export const migrations: string[] = [
  `
  CREATE TABLE studies (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, spec_json TEXT NOT NULL, created_at TEXT NOT NULL
  );
  CREATE TABLE runs (
    id TEXT PRIMARY KEY, study_id TEXT NOT NULL REFERENCES studies(id), study_name TEXT NOT NULL,
    model_id TEXT NOT NULL, model_kind TEXT NOT NULL, mode TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
  );
  CREATE TABLE agents (
    study_id TEXT NOT NULL, agent_id TEXT NOT NULL, source TEXT NOT NULL,
    attributes_json TEXT NOT NULL, profile TEXT NOT NULL, PRIMARY KEY (study_id, agent_id)
  );
  CREATE TABLE jobs (
    run_id TEXT NOT NULL, job_id TEXT NOT NULL, agent_id TEXT NOT NULL, items_json TEXT NOT NULL,
    arm TEXT NOT NULL, replicate INTEGER NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (run_id, job_id)
  );
  CREATE TABLE responses (
    run_id TEXT NOT NULL, job_id TEXT NOT NULL, item TEXT NOT NULL, agent_id TEXT NOT NULL,
    arm TEXT NOT NULL, replicate INTEGER NOT NULL, model TEXT NOT NULL, status TEXT NOT NULL,
    answer_json TEXT, reason TEXT, probabilities_json TEXT, raw_text TEXT,
    input_tokens REAL NOT NULL, cached_input_tokens REAL NOT NULL, output_tokens REAL NOT NULL,
    reasoning_tokens REAL NOT NULL, cost_usd REAL, latency_ms REAL NOT NULL, model_snapshot TEXT,
    cache_hit INTEGER NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, job_id, item),
    CHECK (status = 'ok' OR reason IS NOT NULL)
  );
  -- The cost ledger: one row per model call attempt (failed ones too), with its tokens and cost.
  CREATE TABLE costs (
    run_id TEXT NOT NULL, job_id TEXT NOT NULL, attempt INTEGER NOT NULL, purpose TEXT NOT NULL,
    outcome TEXT NOT NULL, http_status INTEGER, input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL, cost_usd REAL, latency_ms REAL NOT NULL, created_at TEXT NOT NULL
  );
  CREATE INDEX costs_run ON costs(run_id);
  CREATE TABLE cache (
    key TEXT PRIMARY KEY, model TEXT NOT NULL, response_json TEXT NOT NULL, created_at TEXT NOT NULL
  );
  `,
  `ALTER TABLE runs ADD COLUMN spec_dir TEXT;`,
  // Cache keys became Merkle hashes of the request's parts, so no old key can match a new one:
  // the old entries are kept (cache_v1) rather than deleted, and nothing reads them. The new table
  // keeps the answer's text as a column, so a hit needs no JSON parsing.
  `ALTER TABLE cache RENAME TO cache_v1;
   CREATE TABLE cache (
     key TEXT PRIMARY KEY, model TEXT NOT NULL, text TEXT NOT NULL, logprobs_json TEXT,
     model_snapshot TEXT, created_at TEXT NOT NULL
   );`,
  // Job ids became readable (AGENT/ITEM+ITEM/ARM/rREPLICATE, see engine/plan.ts) instead of
  // hashes. Stored runs are renamed to match, so resuming one still finds its done jobs.
  `CREATE TEMP TABLE job_renames AS
     SELECT run_id, job_id AS old_id,
       agent_id || '/' || (SELECT group_concat(value, '+' ORDER BY key) FROM json_each(items_json))
         || '/' || arm || '/r' || replicate AS new_id
     FROM jobs;
   UPDATE responses SET job_id = m.new_id FROM job_renames m
     WHERE m.run_id = responses.run_id AND m.old_id = responses.job_id;
   UPDATE costs SET job_id = m.new_id FROM job_renames m
     WHERE m.run_id = costs.run_id AND m.old_id = costs.job_id;
   UPDATE jobs SET job_id = m.new_id FROM job_renames m
     WHERE m.run_id = jobs.run_id AND m.old_id = jobs.job_id;
   DROP TABLE job_renames;`,
  // Jobs and responses are keyed by (run number, plan position) in clustered (WITHOUT ROWID)
  // tables, and a response no longer repeats what its job and run say (agent, arm, replicate,
  // model): a replayed job wrote four B-tree entries of ~250 bytes, now two of ~110, which halves
  // the writer's time per job. Runs get a stable number for this: an INTEGER PRIMARY KEY, which
  // VACUUM keeps, and AUTOINCREMENT, so a deleted run's number never keys a new run's rows. Every
  // row is carried over: a job without its run, or a response without its job, would fail
  // NOT NULL and roll the migration back rather than be dropped.
  `CREATE TABLE runs_v5 (
     num INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
     study_id TEXT NOT NULL REFERENCES studies(id), study_name TEXT NOT NULL, model_id TEXT NOT NULL, model_kind TEXT NOT NULL, mode TEXT NOT NULL,
     status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, spec_dir TEXT
   );
   INSERT INTO runs_v5 (id, study_id, study_name, model_id, model_kind, mode, status, created_at,
       updated_at, spec_dir)
     SELECT id, study_id, study_name, model_id, model_kind, mode, status, created_at, updated_at, spec_dir
     FROM runs ORDER BY created_at, id;
   CREATE TABLE jobs_v5 (
     run INTEGER NOT NULL, seq INTEGER NOT NULL, job_id TEXT NOT NULL, agent_id TEXT NOT NULL,
     items_json TEXT NOT NULL, arm TEXT NOT NULL, replicate INTEGER NOT NULL,
     PRIMARY KEY (run, seq)
   ) WITHOUT ROWID;
   INSERT INTO jobs_v5
     SELECT (SELECT num FROM runs_v5 WHERE id = j.run_id), j.seq, j.job_id, j.agent_id, j.items_json,
       j.arm, j.replicate
     FROM jobs j;
   CREATE TABLE responses_v5 (
     run INTEGER NOT NULL, seq INTEGER NOT NULL, item TEXT NOT NULL, status TEXT NOT NULL,
     answer_json TEXT, reason TEXT, probabilities_json TEXT, raw_text TEXT,
     input_tokens REAL NOT NULL, cached_input_tokens REAL NOT NULL, output_tokens REAL NOT NULL,
     reasoning_tokens REAL NOT NULL, cost_usd REAL, latency_ms REAL NOT NULL, model_snapshot TEXT,
     cache_hit INTEGER NOT NULL, created_at TEXT NOT NULL,
     PRIMARY KEY (run, seq, item),
     CHECK (status = 'ok' OR reason IS NOT NULL)
   ) WITHOUT ROWID;
   CREATE TEMP TABLE job_keys AS SELECT r.id AS run_id, j.job_id, j.run, j.seq
     FROM jobs_v5 j JOIN runs_v5 r ON r.num = j.run;
   CREATE UNIQUE INDEX temp.job_keys_id ON job_keys(run_id, job_id);
   INSERT INTO responses_v5
     SELECT (SELECT k.run FROM job_keys k WHERE k.run_id = r.run_id AND k.job_id = r.job_id),
       (SELECT k.seq FROM job_keys k WHERE k.run_id = r.run_id AND k.job_id = r.job_id),
       r.item, r.status, r.answer_json, r.reason, r.probabilities_json, r.raw_text, r.input_tokens,
       r.cached_input_tokens, r.output_tokens, r.reasoning_tokens, r.cost_usd, r.latency_ms,
       r.model_snapshot, r.cache_hit, r.created_at
     FROM responses r;
   DROP TABLE job_keys;
   DROP TABLE responses;
   DROP TABLE jobs;
   DROP TABLE runs;
   ALTER TABLE runs_v5 RENAME TO runs;
   ALTER TABLE jobs_v5 RENAME TO jobs;
   ALTER TABLE responses_v5 RENAME TO responses;`,
  // Episodes (multi-turn, multi-party jobs). Responses gain the answering person (a participant
  // other than the job's agent; '' means the job's agent, so one-person jobs store nothing more)
  // and the turn that asked the item, and may be 'skipped' by a survey's flow; the rebuild keeps
  // every row, as migration 5 did. Turns keep each exchange of an episode; run_locks let one
  // process at a time execute a run; jobs may carry an episode's inputs; the ledger names the
  // turn a call was made for; cached answers may be tool calls.
  `CREATE TABLE responses_v6 (
     run INTEGER NOT NULL, seq INTEGER NOT NULL, agent_id TEXT NOT NULL DEFAULT '', item TEXT NOT NULL,
     status TEXT NOT NULL, answer_json TEXT, reason TEXT, probabilities_json TEXT, raw_text TEXT,
     input_tokens REAL NOT NULL, cached_input_tokens REAL NOT NULL, output_tokens REAL NOT NULL,
     reasoning_tokens REAL NOT NULL, cost_usd REAL, latency_ms REAL NOT NULL, model_snapshot TEXT,
     cache_hit INTEGER NOT NULL, created_at TEXT NOT NULL, turn INTEGER,
     PRIMARY KEY (run, seq, agent_id, item),
     CHECK (status = 'ok' OR reason IS NOT NULL)
   ) WITHOUT ROWID;
   INSERT INTO responses_v6 (run, seq, item, status, answer_json, reason, probabilities_json, raw_text,
       input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd, latency_ms,
       model_snapshot, cache_hit, created_at)
     SELECT run, seq, item, status, answer_json, reason, probabilities_json, raw_text, input_tokens,
       cached_input_tokens, output_tokens, reasoning_tokens, cost_usd, latency_ms, model_snapshot,
       cache_hit, created_at
     FROM responses;
   DROP TABLE responses;
   ALTER TABLE responses_v6 RENAME TO responses;
   CREATE TABLE turns (
     run INTEGER NOT NULL, seq INTEGER NOT NULL, turn INTEGER NOT NULL, speaker TEXT NOT NULL,
     model TEXT, prompt TEXT, text TEXT NOT NULL, payload_json TEXT, status TEXT NOT NULL, reason TEXT,
     input_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
     reasoning_tokens INTEGER NOT NULL, cost_usd REAL, latency_ms REAL NOT NULL,
     cache_hit INTEGER NOT NULL, created_at TEXT NOT NULL,
     PRIMARY KEY (run, seq, turn)
   ) WITHOUT ROWID;
   CREATE TABLE run_locks (
     run INTEGER PRIMARY KEY, holder TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL,
     started_at TEXT NOT NULL, heartbeat_at INTEGER NOT NULL
   );
   ALTER TABLE jobs ADD COLUMN inputs_json TEXT;
   ALTER TABLE costs ADD COLUMN turn INTEGER;
   ALTER TABLE cache ADD COLUMN tool_calls_json TEXT;
   CREATE TABLE job_leases (
     run INTEGER NOT NULL, from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL, holder TEXT NOT NULL,
     expires_at INTEGER NOT NULL, PRIMARY KEY (run, from_seq)
   );`,
  // The validation ledger (see ledger.ts).
  LEDGER_TABLE,
  // Believability tests of simulated communities (pairs of a real and a simulated thread) and
  // each judge's answers.
  BELIEVABILITY_SCHEMA,
  // Expert reflections kept across studies (by the transcript they were written from) and
  // interviews held by Populace's interviewer (issue 11).
  PEOPLE_TABLES,
];
