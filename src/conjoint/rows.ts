import {
  type ConjointProfileRow,
  conjointRows,
  type RepeatedChoice,
  repeatedChoice,
} from "../designs/conjoint/index.ts";
import { UserError } from "../errors/index.ts";
import type { Store } from "../store/types.ts";
import { type ConjointInputs, taskItem } from "./plan.ts";

export interface RunConjoint {
  arm: string;
  arms: string[];
  /** The long table: one row per profile shown in a main task (the repeated task left out). */
  rows: ConjointProfileRow[];
  /** Each person's repeated task next to the original, in the original's numbering. */
  repeated: RepeatedChoice[];
  /** People left out of the table because a task has no valid choice (never half-counted). */
  leftOut: { respondent: string; reason: string }[];
}

/**
 * A conjoint run's profiles and choices, from the tasks stored with each job and the choices
 * stored as its rows (task1…taskK: "A" or "B"), for one arm (the first by default).
 */
export async function readConjointRun(store: Store, runId: string, arm?: string): Promise<RunConjoint> {
  const jobs = (await store.jobs(runId)).filter((j) => (j.inputs as ConjointInputs | undefined)?.tasks);
  if (jobs.length === 0)
    throw new UserError(`run ${runId} is not a conjoint run (no job holds conjoint tasks)`);
  const arms = [...new Set(jobs.map((j) => j.arm))];
  const chosen = arm ?? arms[0];
  if (!arms.includes(chosen))
    throw new UserError(`--arm ${chosen}: run ${runId} has no arm "${chosen}" (arms: ${arms.join(", ")})`);
  const choices = new Map<string, Map<number, 1 | 2>>();
  for await (const r of store.responses(runId)) {
    if (r.status !== "ok" || r.arm !== chosen) continue;
    const m = /^task(\d+)$/.exec(r.item);
    if (!m || (r.answer !== "A" && r.answer !== "B")) continue;
    let byTask = choices.get(r.jobId);
    if (!byTask) {
      byTask = new Map();
      choices.set(r.jobId, byTask);
    }
    byTask.set(Number(m[1]), r.answer === "A" ? 1 : 2);
  }
  const out: RunConjoint = { arm: chosen, arms, rows: [], repeated: [], leftOut: [] };
  for (const job of jobs) {
    if (job.arm !== chosen) continue;
    const tasks = (job.inputs as unknown as ConjointInputs).tasks;
    // A person answering several replicates is one respondent: their profiles cluster together.
    const person = { ...tasks, respondent: job.agentId };
    const got = choices.get(job.jobId) ?? new Map<number, 1 | 2>();
    const missing = tasks.tasks.filter((t) => t.repeats === undefined && !got.has(t.task));
    if (missing.length > 0) {
      out.leftOut.push({
        respondent: job.agentId,
        reason: `no valid choice for ${missing.map((t) => taskItem(t.task)).join(", ")}`,
      });
      continue;
    }
    out.rows.push(
      ...conjointRows(person, got).map((r) => ({ ...r, task: r.task + taskOffset(job.replicate, tasks) })),
    );
    const again = repeatedChoice(person, got);
    if (again) out.repeated.push(again);
  }
  return out;
}

/** Tasks of later replicates are numbered after the earlier ones', so (respondent, task) stays unique. */
function taskOffset(replicate: number, tasks: ConjointInputs["tasks"]): number {
  return (replicate - 1) * tasks.tasks.length;
}
