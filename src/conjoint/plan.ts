import { type ConjointDesign, conjointTasks, type RespondentTasks } from "../designs/conjoint/index.ts";
import type { PlannedJob } from "../designs/index.ts";

/** What a conjoint job carries: the person's tasks, drawn when the run was planned (stored with the job). */
export interface ConjointInputs {
  tasks: RespondentTasks;
}

export const CONJOINT_EPISODE = "conjoint";

/** The item of task n: its answer is the profile chosen, "A" or "B". */
export const taskItem = (n: number) => `task${n}`;

/**
 * One job per person, arm and replicate asking every task in turns. The tasks are drawn from the
 * study seed, the replicate and the person (so every arm shows a person the same profiles) and
 * stored with the job, so the analysis reads what was shown rather than drawing it again.
 */
export function conjointJobs(
  design: ConjointDesign,
  agentIds: readonly string[],
  arms: readonly string[],
  assignment: readonly number[] | undefined,
  replicates: number,
  seed: number | string,
): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  for (let replicate = 1; replicate <= replicates; replicate++) {
    const drawSeed = replicate === 1 ? seed : `${seed}:r${replicate}`;
    const tasks = agentIds.map((id) => conjointTasks(design, id, drawSeed));
    const items = tasks[0]?.tasks.map((t) => taskItem(t.task)) ?? [];
    arms.forEach((arm, a) => {
      agentIds.forEach((agentId, i) => {
        if (assignment && assignment[i] !== a) return;
        jobs.push({
          jobId: `${agentId}/${CONJOINT_EPISODE}/${arm}/r${replicate}`,
          seq: jobs.length,
          agentId,
          items,
          arm,
          replicate,
          inputs: { tasks: tasks[i] } satisfies ConjointInputs,
        });
      });
    });
  }
  return jobs;
}
