import type { DatabaseSync } from "node:sqlite";
import type { JobRecord } from "../types.ts";
import { transaction } from "./batch.ts";
import { JOB_STATUS, toJobs } from "./read.ts";

/**
 * Job leases: the state between pending and done when several workers share a run. A worker
 * leases pending jobs for a while; until the lease expires no other worker is given them, and a
 * lease that expires (its worker died) frees them. Leases are kept as ranges of plan positions,
 * one row per run of consecutive jobs, so leasing thousands of jobs writes a few rows.
 */
export function leaseJobs(
  db: DatabaseSync,
  run: number,
  holder: string,
  limit: number,
  ttlMs: number,
): JobRecord[] {
  return transaction(db, () => {
    const now = Date.now();
    db.prepare("DELETE FROM job_leases WHERE run = ? AND expires_at <= ?").run(run, now);
    const rows = db
      .prepare(
        `SELECT * FROM (${JOB_STATUS}) j WHERE status = 'pending' AND NOT EXISTS (
           SELECT 1 FROM job_leases l WHERE l.run = j.run AND j.seq >= l.from_seq AND j.seq < l.to_seq
         ) ORDER BY seq LIMIT ?`,
      )
      .all(run, 0, Number.MAX_SAFE_INTEGER, limit) as Record<string, string | number | null>[];
    const jobs = toJobs(rows);
    const insert = db.prepare("INSERT INTO job_leases VALUES (?, ?, ?, ?, ?)");
    for (let i = 0; i < jobs.length; ) {
      let j = i;
      while (j + 1 < jobs.length && jobs[j + 1].seq === jobs[j].seq + 1) j++;
      insert.run(run, jobs[i].seq, jobs[j].seq + 1, holder, now + ttlMs);
      i = j + 1;
    }
    return jobs;
  });
}

/** Extends a holder's leases; the number of lease rows still held. */
export function renewLeases(db: DatabaseSync, run: number, holder: string, ttlMs: number): number {
  const result = db
    .prepare("UPDATE job_leases SET expires_at = ? WHERE run = ? AND holder = ? AND expires_at > ?")
    .run(Date.now() + ttlMs, run, holder, Date.now());
  return Number(result.changes);
}

export function releaseLeases(db: DatabaseSync, run: number, holder: string): void {
  db.prepare("DELETE FROM job_leases WHERE run = ? AND holder = ?").run(run, holder);
}

/** Pending jobs under a live lease. */
export function leasedCount(db: DatabaseSync, run: number): number {
  const row = db
    .prepare(
      `SELECT COUNT(*) AS n FROM (${JOB_STATUS}) j WHERE status = 'pending' AND EXISTS (
         SELECT 1 FROM job_leases l WHERE l.run = j.run AND j.seq >= l.from_seq AND j.seq < l.to_seq
           AND l.expires_at > ?)`,
    )
    .get(run, 0, Number.MAX_SAFE_INTEGER, Date.now()) as { n: number };
  return row.n;
}
