import { existsSync } from "node:fs";
import type { StagesSummary } from "../engine/index.ts";
import { EXIT, UserError } from "../errors/index.ts";
import { formatPath, type StudySpec, studySchema } from "../spec/index.ts";
import type { RunRecord, Store } from "../store/index.ts";
import { REASON_MODE } from "../study/index.ts";
import { withStore } from "./store.ts";

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

/** The spec a run was made from, as stored with it. */
export async function storedSpec(store: Store, run: RunRecord, dbFile: string): Promise<StudySpec> {
  if (run.mode === REASON_MODE) {
    throw new UserError(
      `run ${run.id} is a reasoning synthesis (populace webactions reason), not a study: its result is the sessions file it wrote; populace transcript ${run.id} shows its turns`,
      { where: dbFile },
    );
  }
  const study = await store.getStudy(run.studyId);
  if (!study)
    throw new UserError(`run ${run.id}: its study ${run.studyId} is not in the database`, { where: dbFile });
  if ((study.spec as { interview_script?: unknown }).interview_script !== undefined) {
    throw new UserError(
      `run ${run.id} is an interview run (populace interview), not a study: populace transcript ${run.id} shows its turns`,
      { where: dbFile },
    );
  }
  const parsed = studySchema.safeParse(study.spec);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UserError(
      `the stored spec of run ${run.id} no longer validates (${formatPath(first.path)}: ${first.message}); ` +
        "it was written by another version of Populace",
      { where: dbFile },
    );
  }
  return parsed.data;
}

/** Opens --db read-only for one command and gives it the run named by --run (or the latest) and its spec. */
export async function withStoredRun<T>(
  db: string,
  runArg: string | undefined,
  use: (store: Store, run: RunRecord, spec: StudySpec) => Promise<T>,
): Promise<T> {
  if (!existsSync(db)) throw new UserError("database not found", { where: db });
  return withStore(db, { readOnly: true }, async (store) => {
    const run = await chooseRun(store, runArg, db);
    return use(store, run, await storedSpec(store, run, db));
  });
}
