import { useState } from "react";
import { api, follow, type Job } from "../api.ts";

/** Starts a job through the API, follows it to the end and says how it went. */
export function useJob(onDone: (job: Job) => void) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const start = async (begin: () => Promise<Job>) => {
    setError(null);
    try {
      const ended = await follow(await begin(), setJob);
      if (ended.state === "failed") setError(ended.error ?? "failed");
      else onDone(ended);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const busy = job !== null && (job.state === "queued" || job.state === "running");
  return { job, error, busy, start };
}

export function JobProgress({ job, error }: { job: Job | null; error: string | null }) {
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!job) return null;
  const p = job.progress;
  const label =
    job.state === "done"
      ? `done: ${job.result?.existing ? "already made" : "made"} ${job.result?.branches.join(", ")} (${job.result?.calls ?? 0} calls)`
      : job.state === "queued"
        ? "waiting for earlier work on this run…"
        : `running: ${p.done + p.failed}/${p.total || "?"} jobs, ${p.calls} calls`;
  return (
    <div className="progress" role="status" data-state={job.state}>
      <progress
        max={Math.max(1, p.total)}
        value={job.state === "done" ? Math.max(1, p.total) : p.done + p.failed}
      />{" "}
      {label}
    </div>
  );
}

export { api };
