import { hash32 } from "../random/index.ts";
import type { JobRecord } from "../store/types.ts";

export type PlannedJob = Omit<JobRecord, "status">;

export interface PlanInput {
  agentIds: readonly string[];
  itemIds: readonly string[];
  arms: readonly string[];
  replicates: number;
  itemsPerCall: number;
}

/**
 * Jobs = agent × item-set × arm × replicate. The id names everything that defines the job within
 * its run (the run id already names the study version and model), so planning the same study
 * again yields the same ids (that is what makes a rerun resume). It is readable rather than a
 * hash: researchers see it in results, and ids in plan order keep the store's indexes local.
 */
export function planJobs(input: PlanInput): PlannedJob[] {
  const chunks: string[][] = [];
  for (let i = 0; i < input.itemIds.length; i += input.itemsPerCall) {
    chunks.push(input.itemIds.slice(i, i + input.itemsPerCall));
  }
  const chunkIds = chunks.map((items) => items.join("+"));
  const jobs: PlannedJob[] = [];
  for (let replicate = 1; replicate <= input.replicates; replicate++) {
    for (const arm of input.arms) {
      for (const agentId of input.agentIds) {
        for (let c = 0; c < chunks.length; c++) {
          jobs.push({
            jobId: jobId(agentId, chunkIds[c], arm, replicate),
            seq: jobs.length,
            agentId,
            items: chunks[c],
            arm,
            replicate,
          });
        }
      }
    }
  }
  return jobs;
}

/**
 * A job's id: `AGENT/ITEM+ITEM/ARM/rREPLICATE` (itemSet is the items joined by "+"). Item ids and
 * arm names cannot hold "/" or "+" (the spec allows letters, digits and _ . : -), so reading from
 * the right is unambiguous even when an agent id from a data file holds a "/".
 */
function jobId(agentId: string, itemSet: string, arm: string, replicate: number): string {
  return `${agentId}/${itemSet}/${arm}/r${replicate}`;
}

/**
 * The model seed of one simulated person's replicate: two people with the same profile, or two
 * replicates, are separate draws (and separate cache entries); a rerun of the same job is not.
 */
export function jobSeed(studySeed: number | string, agentId: string, replicate: number): number {
  return hash32(`${studySeed}:${agentId}:${replicate}`);
}
