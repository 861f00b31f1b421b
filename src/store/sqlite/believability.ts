import type { DatabaseSync } from "node:sqlite";
import type { BelievabilityTestRecord, JudgmentRecord } from "../types.ts";

/** Schema of believability tests and their judgments (a migration of its own). */
export const BELIEVABILITY_SCHEMA = `
  CREATE TABLE believability_tests (
    id TEXT PRIMARY KEY, run_id TEXT NOT NULL, title TEXT NOT NULL, pairs_json TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX believability_tests_run ON believability_tests(run_id);
  CREATE TABLE believability_judgments (
    test_id TEXT NOT NULL REFERENCES believability_tests(id), judge TEXT NOT NULL, pair INTEGER NOT NULL,
    choice TEXT NOT NULL CHECK (choice IN ('A', 'B')), correct INTEGER NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (test_id, judge, pair)
  ) WITHOUT ROWID;`;

function toTest(r: Record<string, string>): BelievabilityTestRecord {
  return {
    id: r.id,
    runId: r.run_id,
    title: r.title,
    pairs: JSON.parse(r.pairs_json),
    createdAt: r.created_at,
  };
}

export function saveTest(db: DatabaseSync, t: BelievabilityTestRecord): void {
  db.prepare("INSERT INTO believability_tests VALUES (?, ?, ?, ?, ?)").run(
    t.id,
    t.runId,
    t.title,
    JSON.stringify(t.pairs),
    t.createdAt,
  );
}

export function getTest(db: DatabaseSync, id: string): BelievabilityTestRecord | undefined {
  const row = db.prepare("SELECT * FROM believability_tests WHERE id = ?").get(id) as
    | Record<string, string>
    | undefined;
  return row ? toTest(row) : undefined;
}

export function listTests(db: DatabaseSync, runId?: string): BelievabilityTestRecord[] {
  const rows =
    runId === undefined
      ? db.prepare("SELECT * FROM believability_tests ORDER BY created_at, id").all()
      : db.prepare("SELECT * FROM believability_tests WHERE run_id = ? ORDER BY created_at, id").all(runId);
  return (rows as Record<string, string>[]).map(toTest);
}

/** One judgment per judge and pair: a judge who answers a pair again replaces the earlier answer. */
export function saveJudgment(db: DatabaseSync, j: JudgmentRecord): void {
  db.prepare(
    `INSERT INTO believability_judgments VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (test_id, judge, pair) DO UPDATE SET choice = excluded.choice, correct = excluded.correct,
       created_at = excluded.created_at`,
  ).run(j.testId, j.judge, j.pair, j.choice, j.correct ? 1 : 0, j.createdAt);
}

export function listJudgments(db: DatabaseSync, testId: string): JudgmentRecord[] {
  const rows = db
    .prepare("SELECT * FROM believability_judgments WHERE test_id = ? ORDER BY judge, pair")
    .all(testId) as Record<string, string | number>[];
  return rows.map((r) => ({
    testId: String(r.test_id),
    judge: String(r.judge),
    pair: Number(r.pair),
    choice: r.choice as "A" | "B",
    correct: Number(r.correct) === 1,
    createdAt: String(r.created_at),
  }));
}
