/**
 * A web-action run's stored answers as predictions (`{session, step, action}`), per arm and
 * replicate, and the check that the sessions they are scored against are the ones the run asked.
 */
import { UserError } from "../errors/index.ts";
import type { Store } from "../store/types.ts";
import type { Prediction } from "./predictions.ts";
import { actionSchema, type Session } from "./session.ts";
import { itemStep, type SessionInputs, sessionSha } from "./task.ts";

export interface PredictionSet {
  arm: string;
  replicate: number;
  /** One per stored test case; a failed one (invalid after repairs) has `action: null`. */
  predictions: Prediction[];
  failed: number;
  /** The sessions asked under this arm and replicate (between subjects: its shoppers' only). */
  sessions: Set<string>;
}

export interface RunPredictions {
  /** By arm (in plan order), then replicate. */
  sets: PredictionSet[];
  /** Each session the run asked, with its content digest then. */
  sessions: Map<string, string>;
  /** Jobs not run yet: their test cases have no prediction. */
  pending: number;
  /** False when some answer's cost is unknown (the model has no price). */
  priced: boolean;
}

/** Reads a run's predictions; a run that is not a web-action run is an error naming it. */
export async function runPredictions(store: Store, runId: string): Promise<RunPredictions> {
  const jobs = await store.jobs(runId);
  const sessionOf = new Map<string, string>();
  const sessions = new Map<string, string>();
  const sets = new Map<string, PredictionSet>();
  const setOf = (arm: string, replicate: number) => {
    const key = `${arm}\u0000${replicate}`;
    let set = sets.get(key);
    if (!set) {
      set = { arm, replicate, predictions: [], failed: 0, sessions: new Set() };
      sets.set(key, set);
    }
    return set;
  };
  let pending = 0;
  let priced = true;
  for (const job of jobs) {
    const inputs = job.inputs as Partial<SessionInputs> | undefined;
    if (typeof inputs?.session !== "string" || typeof inputs.sha !== "string") {
      throw new UserError(`run ${runId} is not a web-action run (job ${job.jobId} names no session)`);
    }
    sessionOf.set(job.jobId, inputs.session);
    sessions.set(inputs.session, inputs.sha);
    setOf(job.arm, job.replicate).sessions.add(inputs.session);
    if (job.status === "pending") pending++;
  }
  for await (const r of store.responses(runId)) {
    const session = sessionOf.get(r.jobId);
    const step = itemStep(r.item);
    if (session === undefined || step === null) continue;
    const set = setOf(r.arm, r.replicate);
    if (r.costUsd === null) priced = false;
    if (r.status !== "ok" || r.answer === null) {
      set.failed++;
      set.predictions.push({ session, step, action: null });
      continue;
    }
    const parsed = actionSchema.safeParse(JSON.parse(String(r.answer)));
    if (!parsed.success) throw new Error(`internal error: run ${runId} job ${r.jobId} stored "${r.answer}"`);
    set.predictions.push({ session, step, action: parsed.data });
  }
  for (const set of sets.values())
    set.predictions.sort((a, b) => cmp(a.session, b.session) || a.step - b.step);
  return { sets: [...sets.values()], sessions, pending, priced };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The sessions to score against must be the run's own: every session it asked, unchanged. A
 * session missing or edited since the run is an error naming the file and line.
 */
export function checkRunSessions(
  run: RunPredictions,
  runId: string,
  file: string,
  sessions: readonly Session[],
  lines: ReadonlyMap<string, number>,
): void {
  const byId = new Map(sessions.map((s) => [s.session, s]));
  for (const [id, sha] of run.sessions) {
    const s = byId.get(id);
    if (!s) throw new UserError(`session "${id}" of run ${runId} is not in the file`, { where: file });
    if (sessionSha(s) !== sha) {
      throw new UserError(
        `session "${id}" has changed since run ${runId} asked it: score the run against the sessions it was given`,
        { where: `${file}:${lines.get(id)}` },
      );
    }
  }
}

/** The one prediction set to export: the only one, or the one the arm and replicate pick. */
export function pickSet(
  run: RunPredictions,
  runId: string,
  choice: { arm?: string; replicate?: number },
): PredictionSet {
  const fits = run.sets.filter(
    (s) =>
      (choice.arm === undefined || s.arm === choice.arm) &&
      (choice.replicate === undefined || s.replicate === choice.replicate),
  );
  const all = run.sets.map((s) => `--arm ${s.arm} --replicate ${s.replicate}`).join("; ");
  if (fits.length === 0) throw new UserError(`run ${runId} has no such arm and replicate (it has: ${all})`);
  if (fits.length > 1) {
    throw new UserError(
      `run ${runId} has ${fits.length} sets of predictions (arms × replicates): pick one (${all})`,
    );
  }
  return fits[0];
}
