import { hash32 } from "../random/index.ts";

/** A job as planned: who is asked what, under which arm, in which replicate. */
export interface PlannedJob {
  jobId: string;
  /** Position in the run's plan: the store's key for the job (the id is for people to read). */
  seq: number;
  agentId: string;
  items: string[];
  arm: string;
  replicate: number;
  /** What an episode needs beyond the above (its other participants, a game's parameters…). */
  inputs?: Record<string, unknown>;
}

/** Jobs in plan order, as a plan or a stored list holds them (an array is one). */
export interface JobList {
  readonly length: number;
  slice(start: number, end: number): PlannedJob[];
}

/**
 * Stage s of a run numbers its jobs from s × STAGE_SPAN, so the stages of one run share its job
 * table and each keeps its own plan positions (a stage is planned when it starts, and its size
 * may depend on what the stages before it found).
 */
export const STAGE_SPAN = 2 ** 32;

export function stageOf(seq: number): number {
  return Math.floor(seq / STAGE_SPAN);
}

export interface PlanInput {
  agentIds: readonly string[];
  itemIds: readonly string[];
  arms: readonly string[];
  replicates: number;
  itemsPerCall: number;
  /**
   * Between subjects: the index (into arms) of each agent's one arm, by agent position. Absent:
   * within subjects, every agent answers under every arm.
   */
  assignment?: readonly number[];
  /**
   * An episode's name: each agent × arm × replicate is one job asking every item (in turns), and
   * the job id names the episode instead of its items (`AGENT/NAME/ARM/rN`).
   */
  episode?: string;
  /** The stage whose jobs these are (0, the default, for a run of one stage). */
  stage?: number;
}

/**
 * Within subjects, jobs = replicate × arm × agent × item-set, in that nesting order; between
 * subjects, replicate × agent × item-set with each agent's one arm. A job's seq is its position
 * (plus the stage's offset). The id names everything that defines the job within its run (the
 * run id already names the study version and model), so planning the same study again yields
 * the same ids (that is what makes a rerun resume). It is readable rather than a hash:
 * researchers see it in results, and ids in plan order keep the store's indexes local.
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
  private readonly offset: number;
  /** Arms each agent answers under, per replicate: all of them (within) or one (between). */
  private readonly armsPerAgent: number;

  constructor(input: PlanInput) {
    this.input = input;
    if (input.episode !== undefined) {
      this.itemSets.push(input.itemIds.slice());
      this.itemSetIds = [input.episode];
    } else {
      for (let i = 0; i < input.itemIds.length; i += input.itemsPerCall) {
        this.itemSets.push(input.itemIds.slice(i, i + input.itemsPerCall));
      }
      this.itemSetIds = this.itemSets.map((items) => items.join("+"));
    }
    if (input.assignment && input.assignment.length !== input.agentIds.length) {
      throw new Error(
        `internal error: ${input.assignment.length} arm assignments for ${input.agentIds.length} agents`,
      );
    }
    this.armsPerAgent = input.assignment ? 1 : input.arms.length;
    this.offset = (input.stage ?? 0) * STAGE_SPAN;
    this.length = input.replicates * this.armsPerAgent * input.agentIds.length * this.itemSets.length;
  }

  slice(start = 0, end = this.length): PlannedJob[] {
    const { agentIds, arms, assignment } = this.input;
    const sets = this.itemSets.length;
    const jobs: PlannedJob[] = [];
    for (let at = Math.max(0, start); at < Math.min(end, this.length); at++) {
      const set = at % sets;
      const agentAt = Math.floor(at / sets);
      const agentIndex = agentAt % agentIds.length;
      const agentId = agentIds[agentIndex];
      const armAt = Math.floor(agentAt / agentIds.length);
      const armIndex = assignment ? assignment[agentIndex] : armAt % arms.length;
      const arm = arms[armIndex];
      const replicate = Math.floor(armAt / this.armsPerAgent) + 1;
      // The id after the person is shared by every person's job for this item set, arm and
      // replicate: made once, not once a job.
      const suffixAt = ((replicate - 1) * arms.length + armIndex) * sets + set;
      this.idSuffixes[suffixAt] ??= jobIdSuffix(this.itemSetIds[set], arm, replicate);
      jobs.push({
        jobId: agentId + this.idSuffixes[suffixAt],
        seq: this.offset + at,
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
 * A job's id is `AGENT/ITEM+ITEM/ARM/rREPLICATE` (or `AGENT/EPISODE/ARM/rREPLICATE`): the
 * person's id, then this (itemSet is the items joined by "+"). Item ids and arm names cannot hold
 * "/" or "+" (the spec allows letters, digits and _ . : -), so reading from the right is
 * unambiguous even when an agent id from a data file holds a "/".
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
