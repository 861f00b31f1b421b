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
];
