import { hash32 } from "../random/index.ts";
import type { JobList, JobRecord } from "../store/types.ts";

export type PlannedJob = Omit<JobRecord, "status">;
export type { JobList };

export interface PlanInput {
  agentIds: readonly string[];
  itemIds: readonly string[];
  arms: readonly string[];
  replicates: number;
  itemsPerCall: number;
}

/**
 * Jobs = replicate × arm × agent × item-set, in that nesting order; a job's seq is its position.
 * The id names everything that defines the job within its run (the run id already names the study
 * version and model), so planning the same study again yields the same ids (that is what makes a
 * rerun resume). It is readable rather than a hash: researchers see it in results, and ids in plan
 * order keep the store's indexes local.
 *
 * Jobs are made when asked for (slice), so a plan of millions of jobs costs memory only for the
 * ones being worked on.
 */
export class Plan implements JobList {
  readonly length: number;
  /** What the plan is made from: enough to make it again (a store may save it in this form). */
  readonly input: PlanInput;
  /** The item sets, each one array shared by all its jobs (consumers key work on it). */
  private readonly itemSets: string[][] = [];
  private readonly itemSetIds: string[];
  private readonly idSuffixes: string[] = [];

  constructor(input: PlanInput) {
    this.input = input;
    for (let i = 0; i < input.itemIds.length; i += input.itemsPerCall) {
      this.itemSets.push(input.itemIds.slice(i, i + input.itemsPerCall));
    }
    this.itemSetIds = this.itemSets.map((items) => items.join("+"));
    this.length = input.replicates * input.arms.length * input.agentIds.length * this.itemSets.length;
  }

  slice(start = 0, end = this.length): PlannedJob[] {
    const { agentIds, arms } = this.input;
    const sets = this.itemSets.length;
    const jobs: PlannedJob[] = [];
    for (let seq = Math.max(0, start); seq < Math.min(end, this.length); seq++) {
      const set = seq % sets;
      const agentAt = Math.floor(seq / sets);
      const agentId = agentIds[agentAt % agentIds.length];
      const armAt = Math.floor(agentAt / agentIds.length);
      const arm = arms[armAt % arms.length];
      const replicate = Math.floor(armAt / arms.length) + 1;
      // The id after the person is shared by every person's job for this item set, arm and
      // replicate: made once, not once a job.
      const at = armAt * sets + set;
      this.idSuffixes[at] ??= jobIdSuffix(this.itemSetIds[set], arm, replicate);
      jobs.push({
        jobId: agentId + this.idSuffixes[at],
        seq,
        agentId,
        items: this.itemSets[set],
        arm,
        replicate,
      });
    }
    return jobs;
  }
}

/**
 * A job's id is `AGENT/ITEM+ITEM/ARM/rREPLICATE`: the person's id, then this (itemSet is the items
 * joined by "+"). Item ids and arm names cannot hold "/" or "+" (the spec allows letters, digits
 * and _ . : -), so reading from the right is unambiguous even when an agent id from a data file
 * holds a "/".
 */
function jobIdSuffix(itemSet: string, arm: string, replicate: number): string {
  return `/${itemSet}/${arm}/r${replicate}`;
}

/**
 * The model seed of one simulated person's replicate: two people with the same profile, or two
 * replicates, are separate draws (and separate cache entries); a rerun of the same job is not.
 */
export function jobSeed(studySeed: number | string, agentId: string, replicate: number): number {
  return hash32(`${studySeed}:${agentId}:${replicate}`);
}
