import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { EXIT, UserError } from "../errors/index.ts";
import type { RunHolder, Store } from "../store/types.ts";

/** A claim older than this without a heartbeat is a dead process's, and is taken over. */
const STALE_MS = 30_000;
const HEARTBEAT_MS = 5_000;

export interface RunClaimHandle {
  /** Aborted when another process took the run over (this one looked dead: suspended too long). */
  lost: AbortSignal;
  /** A note for the user when a dead process's claim was taken over. */
  note?: string;
  release(): Promise<void>;
}

/**
 * Claims a run for this process, so that two `populace run` of the same study and database never
 * pay for the same jobs or pass the budget together: the second one is refused at once, naming
 * the process that holds the run. A claim whose process died (kill -9) is taken over.
 */
export async function claimRunFor(store: Store, runId: string): Promise<RunClaimHandle> {
  const me: RunHolder = { holder: randomUUID(), pid: process.pid, host: hostname() };
  const claim = await store.claimRun(runId, me, STALE_MS);
  if (!claim.claimed) {
    const by = claim.by;
    throw new UserError(
      `run ${runId} is being executed by another process (pid ${by.pid} on ${by.host}, since ${by.startedAt}, ` +
        `last heartbeat ${Math.round(by.heartbeatAgeMs / 1000)} s ago); wait for it to finish, or stop it and rerun`,
      { exitCode: EXIT.runBusy },
    );
  }
  const lost = new AbortController();
  const timer = setInterval(() => {
    store.heartbeat(runId, me.holder).then(
      (held) => {
        if (!held) lost.abort();
      },
      () => {}, // a busy database delays one heartbeat; the next one tries again
    );
  }, HEARTBEAT_MS);
  timer.unref();
  const note = claim.tookOver
    ? `took over run ${runId} from process ${claim.tookOver.pid} on ${claim.tookOver.host}, which stopped without finishing`
    : undefined;
  return {
    lost: lost.signal,
    note,
    release: async () => {
      clearInterval(timer);
      await store.releaseRun(runId, me.holder);
    },
  };
}
