import type { StagesSummary } from "../engine/index.ts";
import { EXIT, UserError } from "../errors/index.ts";
import type { RunRecord, Store } from "../store/index.ts";

/** The run a command names, or the most recently updated one; errors list the runs that exist. */
export async function chooseRun(
  store: Store,
  runArg: string | undefined,
  dbFile: string,
): Promise<RunRecord> {
  const runs = await store.listRuns();
  if (runs.length === 0) throw new UserError(`no runs in ${dbFile}`);
  const run = runArg
    ? runs.find((r) => r.id === runArg)
    : runs.toSorted((a, b) => (a.updatedAt < b.updatedAt ? -1 : 1)).at(-1);
  if (!run)
    throw new UserError(`no run "${runArg}" in ${dbFile} (runs: ${runs.map((r) => r.id).join(", ")})`);
  return run;
}

/** The exit code that tells how a run ended (see `populace run --help`). */
export function runExitCode(
  stoppedBy: StagesSummary["stoppedBy"],
  counts: { failed: number; pending: number },
): number {
  if (stoppedBy === "budget") return EXIT.budget;
  if (stoppedBy === "unavailable") return EXIT.providerUnavailable;
  if (stoppedBy === "interrupt") return EXIT.interrupted;
  if (counts.failed > 0) return EXIT.someFailed;
  return counts.pending > 0 ? EXIT.interrupted : EXIT.ok;
}
