import type { DatabaseSync } from "node:sqlite";
import type { RunClaim, RunHolder } from "../types.ts";
import { transaction } from "./batch.ts";

interface LockRow {
  holder: string;
  pid: number;
  host: string;
  started_at: string;
  heartbeat_at: number;
}

/** Whether a process with this id exists on this machine (a signal 0 probes without sending). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One process at a time executes a run: a row per run naming its holder, refreshed by a heartbeat.
 * A claim held by a live process is refused; one whose heartbeat is older than `staleMs`, or whose
 * process is gone from this host (a kill -9), is taken over. The check and the write are one
 * IMMEDIATE transaction, so two processes starting together cannot both win.
 */
export function claimRun(db: DatabaseSync, run: number, me: RunHolder, staleMs: number): RunClaim {
  return transaction(db, () => {
    const now = Date.now();
    const row = db
      .prepare("SELECT holder, pid, host, started_at, heartbeat_at FROM run_locks WHERE run = ?")
      .get(run) as LockRow | undefined;
    let tookOver: (RunHolder & { heartbeatAgeMs: number }) | undefined;
    if (row && row.holder !== me.holder) {
      const age = now - row.heartbeat_at;
      const gone = row.host === me.host && !processExists(row.pid);
      const by = { holder: row.holder, pid: row.pid, host: row.host, heartbeatAgeMs: age };
      if (age < staleMs && !gone) return { claimed: false, by: { ...by, startedAt: row.started_at } };
      tookOver = by;
    }
    db.prepare(
      `INSERT INTO run_locks (run, holder, pid, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host,
         started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
    ).run(run, me.holder, me.pid, me.host, new Date(now).toISOString(), now);
    return tookOver ? { claimed: true, tookOver } : { claimed: true };
  });
}

export function heartbeat(db: DatabaseSync, run: number, holder: string): boolean {
  const result = db
    .prepare("UPDATE run_locks SET heartbeat_at = ? WHERE run = ? AND holder = ?")
    .run(Date.now(), run, holder);
  return Number(result.changes) === 1;
}

export function releaseRun(db: DatabaseSync, run: number, holder: string): void {
  db.prepare("DELETE FROM run_locks WHERE run = ? AND holder = ?").run(run, holder);
}
