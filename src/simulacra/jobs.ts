import { STAGE_SPAN } from "../designs/index.ts";
import type { PlannedJob } from "../designs/plan.ts";
import { COMMUNITY_AGENT, MAIN, STAGE } from "./ids.ts";

/**
 * What each community job does, kept in the job's `inputs` (so a stored job says what it was for,
 * and a resumed run plans the same jobs again). `iteration` is MAIN or a community-wide Multiverse
 * iteration; `temperature` is the sampling temperature of everything the job generates.
 */
export type CommunityJob =
  | { kind: "personas"; iteration: string; temperature: number }
  | { kind: "post"; iteration: string; thread: string; temperature: number }
  | { kind: "replies"; iteration: string; thread: string; temperature: number }
  | {
      kind: "whatif";
      branch: string;
      iteration: string;
      thread: string;
      /** The utterance the branch replies to. */
      from: string;
      /** The next replier's persona (a troll, a moderator). */
      as: string;
      /** The next reply's text, when given (not generated). */
      text: string | null;
      /** Replies generated after that one. */
      continue: number;
      temperature: number;
    }
  | {
      kind: "multiverse";
      branch: string;
      iteration: string;
      thread: string;
      from: string;
      temperature: number;
    };

export type BranchJob = Extract<CommunityJob, { kind: "whatif" | "multiverse" }>;
/** A job that writes utterances. */
export type WritingJob = Exclude<CommunityJob, { kind: "personas" }>;

/** The community job a stored job is, or undefined for a job of another kind. */
export function communityJob(job: PlannedJob): CommunityJob | undefined {
  const inputs = job.inputs as Partial<CommunityJob> | undefined;
  if (!inputs || typeof inputs.kind !== "string") return undefined;
  return ["personas", "post", "replies", "whatif", "multiverse"].includes(inputs.kind)
    ? (inputs as CommunityJob)
    : undefined;
}

/** Jobs of a community: ids that read as what they do, seq from the stage and a position in it. */
export function plannedJob(stage: number, position: number, job: CommunityJob): PlannedJob {
  const label =
    job.kind === "personas"
      ? job.iteration === MAIN
        ? "personas"
        : `${job.iteration}/personas`
      : job.kind === "post" || job.kind === "replies"
        ? `${job.thread}/${job.kind === "post" ? "post" : "replies"}`
        : job.branch;
  return {
    jobId: label,
    seq: stage * STAGE_SPAN + position,
    agentId: COMMUNITY_AGENT,
    items: [label],
    arm: job.iteration,
    replicate: 1,
    inputs: job as unknown as Record<string, unknown>,
  };
}

export function stageOfKind(kind: CommunityJob["kind"]): number {
  if (kind === "personas") return STAGE.personas;
  if (kind === "post") return STAGE.posts;
  if (kind === "replies") return STAGE.replies;
  return STAGE.branches;
}
