import { hash } from "node:crypto";
import { hash32 } from "../random/index.ts";
import type { JobRecord } from "../store/types.ts";

export type PlannedJob = Omit<JobRecord, "status">;

export interface PlanInput {
  studyVersion: string;
  agentIds: readonly string[];
  itemIds: readonly string[];
  arms: readonly string[];
  replicates: number;
  itemsPerCall: number;
}

/**
 * Jobs = agent × item-set × arm × replicate. The id hashes everything that defines the job, so
 * planning the same study again yields the same ids (that is what makes a rerun resume) and
 * editing the study yields new ones.
 */
export function planJobs(input: PlanInput): PlannedJob[] {
  const chunks: string[][] = [];
  for (let i = 0; i < input.itemIds.length; i += input.itemsPerCall) {
    chunks.push(input.itemIds.slice(i, i + input.itemsPerCall));
  }
  const jobs: PlannedJob[] = [];
  for (let replicate = 1; replicate <= input.replicates; replicate++) {
    for (const arm of input.arms) {
      for (const agentId of input.agentIds) {
        for (const items of chunks) {
          jobs.push({
            jobId: jobId(input.studyVersion, agentId, items, arm, replicate),
            agentId,
            items,
            arm,
            replicate,
          });
        }
      }
    }
  }
  return jobs;
}

export function jobId(
  studyVersion: string,
  agentId: string,
  items: readonly string[],
  arm: string,
  replicate: number,
) {
  return hash("sha256", JSON.stringify([studyVersion, agentId, items, arm, replicate]), "hex").slice(0, 20);
}

/**
 * The model seed of one simulated person's replicate: two people with the same profile, or two
 * replicates, are separate draws (and separate cache entries); a rerun of the same job is not.
 */
export function jobSeed(studySeed: number | string, agentId: string, replicate: number): number {
  return hash32(`${studySeed}:${agentId}:${replicate}`);
}
