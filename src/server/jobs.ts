import { randomUUID } from "node:crypto";
import type { Progress } from "../engine/index.ts";

export type JobState = "queued" | "running" | "done" | "failed";

/** Work the server runs in the background (a WhatIf, a Multiverse), polled by its id. */
export interface ServerJob {
  id: string;
  kind: string;
  run: string;
  state: JobState;
  /** Jobs of the engine done so far and planned, calls made (updated while it runs). */
  progress: { done: number; failed: number; total: number; calls: number; cacheHits: number };
  /** What the work returned, once done. */
  result: unknown;
  error: string | null;
  createdAt: string;
}

/**
 * The server's background work. Work on one run is done one piece at a time (a run is executed
 * by one process at a time, and the server is one process), in the order it was asked for.
 */
export class JobBoard {
  private readonly jobs = new Map<string, ServerJob>();
  private readonly tails = new Map<string, Promise<unknown>>();

  start(
    kind: string,
    run: string,
    work: (onProgress: (p: Progress) => void) => Promise<unknown>,
    describeError: (error: unknown) => string,
  ): ServerJob {
    const job: ServerJob = {
      id: randomUUID(),
      kind,
      run,
      state: "queued",
      progress: { done: 0, failed: 0, total: 0, calls: 0, cacheHits: 0 },
      result: null,
      error: null,
      createdAt: new Date().toISOString(),
    };
    this.jobs.set(job.id, job);
    const previous = this.tails.get(run) ?? Promise.resolve();
    const next = previous.then(async () => {
      job.state = "running";
      try {
        job.result = await work((p) => {
          job.progress = {
            done: p.done,
            failed: p.failed,
            total: p.total,
            calls: p.calls,
            cacheHits: p.cacheHits,
          };
        });
        job.state = "done";
      } catch (error) {
        job.state = "failed";
        job.error = describeError(error);
      }
    });
    this.tails.set(run, next);
    return job;
  }

  get(id: string): ServerJob | undefined {
    return this.jobs.get(id);
  }

  /** Resolves when every piece of work started so far has ended. */
  async idle(): Promise<void> {
    await Promise.all(this.tails.values());
  }
}
