/**
 * What the store keeps about people beyond runs: expert reflections (reused across studies by the
 * transcript they were written from) and interviews held by Populace's interviewer.
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { AgentRecord, InterviewSession, ReflectionRecord } from "../types.ts";

/** Migration: the reflections and interviews tables. */
export const PEOPLE_TABLES = `
  CREATE TABLE reflections (
    transcript_digest TEXT NOT NULL, expert TEXT NOT NULL, model TEXT NOT NULL, agent_id TEXT NOT NULL,
    observations_json TEXT NOT NULL, run_id TEXT NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (transcript_digest, expert, model)
  );
  CREATE INDEX reflections_agent ON reflections(agent_id);
  CREATE TABLE interviews (
    id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, script TEXT NOT NULL, status TEXT NOT NULL,
    interviewer TEXT NOT NULL, respondent TEXT NOT NULL, turns_json TEXT NOT NULL,
    attributes_json TEXT NOT NULL, state_json TEXT, run_id TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX interviews_status ON interviews(status, created_at);
`;

type Row = Record<string, SQLInputValue>;

export function agentRecords(db: DatabaseSync, agentId: string): (AgentRecord & { studyId: string })[] {
  const rows = db
    .prepare(
      `SELECT a.* FROM agents a LEFT JOIN studies s ON s.id = a.study_id
       WHERE a.agent_id = ? ORDER BY s.created_at, a.study_id`,
    )
    .all(agentId) as Row[];
  return rows.map((r) => ({
    studyId: String(r.study_id),
    agentId: String(r.agent_id),
    source: String(r.source),
    attributes: JSON.parse(String(r.attributes_json)),
    profile: String(r.profile),
  }));
}

export function saveReflections(db: DatabaseSync, records: readonly ReflectionRecord[]): void {
  const insert = db.prepare(
    `INSERT INTO reflections VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (transcript_digest, expert, model) DO UPDATE SET agent_id = excluded.agent_id,
       observations_json = excluded.observations_json, run_id = excluded.run_id`,
  );
  for (const r of records) {
    insert.run(
      r.transcriptDigest,
      r.expert,
      r.model,
      r.agentId,
      JSON.stringify(r.observations),
      r.runId,
      r.createdAt,
    );
  }
}

export function reflections(db: DatabaseSync, agentId: string): ReflectionRecord[] {
  const rows = db
    .prepare("SELECT * FROM reflections WHERE agent_id = ? ORDER BY created_at, rowid")
    .all(agentId) as Row[];
  return rows.map((r) => ({
    transcriptDigest: String(r.transcript_digest),
    expert: String(r.expert),
    model: String(r.model),
    agentId: String(r.agent_id),
    observations: JSON.parse(String(r.observations_json)),
    runId: String(r.run_id),
    createdAt: String(r.created_at),
  }));
}

export function saveInterview(db: DatabaseSync, s: InterviewSession): void {
  db.prepare(
    `INSERT INTO interviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET agent_id = excluded.agent_id, script = excluded.script,
       status = excluded.status, interviewer = excluded.interviewer, respondent = excluded.respondent,
       turns_json = excluded.turns_json, attributes_json = excluded.attributes_json,
       state_json = excluded.state_json, run_id = excluded.run_id, updated_at = excluded.updated_at`,
  ).run(
    s.id,
    s.agentId,
    s.script,
    s.status,
    s.interviewer,
    s.respondent,
    JSON.stringify(s.turns),
    JSON.stringify(s.attributes),
    s.state === null || s.state === undefined ? null : JSON.stringify(s.state),
    s.runId,
    s.createdAt,
    s.updatedAt,
  );
}

function toInterview(r: Row): InterviewSession {
  return {
    id: String(r.id),
    agentId: String(r.agent_id),
    script: String(r.script),
    status: String(r.status) as InterviewSession["status"],
    interviewer: String(r.interviewer),
    respondent: String(r.respondent),
    turns: JSON.parse(String(r.turns_json)),
    attributes: JSON.parse(String(r.attributes_json)),
    state: r.state_json === null ? null : JSON.parse(String(r.state_json)),
    runId: r.run_id === null ? null : String(r.run_id),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

export function interview(db: DatabaseSync, id: string): InterviewSession | undefined {
  const row = db.prepare("SELECT * FROM interviews WHERE id = ?").get(id) as Row | undefined;
  return row ? toInterview(row) : undefined;
}

export function interviews(
  db: DatabaseSync,
  filter: { status?: InterviewSession["status"]; runId?: string } = {},
): InterviewSession[] {
  const rows = db
    .prepare(
      `SELECT * FROM interviews WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR run_id = ?2)
       ORDER BY created_at, id`,
    )
    .all(filter.status ?? null, filter.runId ?? null) as Row[];
  return rows.map(toInterview);
}
