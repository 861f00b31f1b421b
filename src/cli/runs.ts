import { UserError } from "../errors/index.ts";
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
