import { jobSeed, type PlannedJob, STAGE_SPAN } from "../designs/index.ts";
import { type EpisodeProgram, EpisodeRunner, type ModelEntry, type Stage } from "../engine/index.ts";
import type { CommunitySpec } from "../spec/index.ts";
import type { Store } from "../store/types.ts";
import { MAIN, STAGE, threadId } from "./ids.ts";
import { type CommunityJob, communityJob, plannedJob } from "./jobs.ts";
import { expandPersonas, personaCallBounds } from "./personas.ts";
import { type ThreadSettings, writeBranch, writePost, writeReplies } from "./programs.ts";
import { type Community, pathTo, readCommunity } from "./read.ts";
import { type BranchRequest, checkRequest, type RequestJobs, requestJobs } from "./requests.ts";

export interface CommunityStageSettings {
  runId: string;
  store: Store;
  community: CommunitySpec;
  /** The study's seed: every job's model seed and speaker draws derive from it and the job's id. */
  seed: number | string;
  maxOutputTokens: number;
  entry: ModelEntry;
  /** A WhatIf or Multiverse to add, resolved against the stored community when its stage is planned. */
  request?: BranchRequest;
  /** Told which branches the request made (or found already made). */
  onRequest?: (jobs: RequestJobs) => void;
}

/**
 * A community run's stages, each planned from what the stages before it stored: (0) the
 * personas of the main community and of each community-wide Multiverse iteration; (1) one post
 * per thread of each; (2) each thread's replies; (3) the WhatIf and Multiverse branches. A
 * resumed run plans the same jobs from the same stored rows; a request adds its jobs at the end
 * of its stage, so what was planned before keeps its place.
 */
export function communityStages(s: CommunityStageSettings): Stage[] {
  const spec = s.community;
  const threads: ThreadSettings = {
    design: { goal: spec.goal, rules: spec.rules },
    maxReplies: spec.max_replies,
    pReply: spec.p_reply,
    contextChars: spec.context_chars,
    maxOutputTokens: s.maxOutputTokens,
  };
  // The community as stored when the current stage was planned: what its jobs build on.
  let view: Community | undefined;
  const refresh = async () => {
    view = await readCommunity(s.store, s.runId);
    return view;
  };
  const program: EpisodeProgram = async (ctx) => {
    const job = communityJob(ctx.job)!;
    const c = view!;
    const pool = c.pools.get(job.iteration) ?? [];
    switch (job.kind) {
      case "personas":
        return expandPersonas(
          ctx,
          {
            goal: spec.goal,
            seeds: spec.seed_personas,
            count: spec.personas,
            maxOutputTokens: s.maxOutputTokens,
          },
          job.iteration,
          job.temperature,
        );
      case "post":
        return writePost(ctx, threads, job.thread, pool, job.temperature);
      case "replies": {
        const post = c.byId.get(`${job.thread}.0`)!;
        return writeReplies(ctx, threads, job.thread, post, pool, c.personas, job.temperature);
      }
      default:
        return writeBranch(ctx, threads, job, pathTo(c, job.from), pool, c.personas);
    }
  };
  const runner = new EpisodeRunner({
    runId: s.runId,
    model: s.entry,
    participants: new Map(),
    seedFor: (job: PlannedJob) => jobSeed(s.seed, job.jobId, 1),
    program,
  });
  let requested: RequestJobs | undefined;
  const request = (c: Community, stage: number): CommunityJob[] => {
    if (!s.request) return [];
    if (!requested) {
      checkRequest(c, s.request);
      requested = requestJobs(c, s.request, spec);
      s.onRequest?.(requested);
    }
    return requested.stage === stage && !requested.existing ? requested.jobs : [];
  };
  const stored = (c: Community, stage: number) =>
    c.jobs.filter(({ job }) => Math.floor(job.seq / STAGE_SPAN) === stage);

  const personas: Stage = {
    name: "personas",
    plan: async () => {
      const c = await refresh();
      // The branch stage's request is resolved now too, so an iteration's jobs start here.
      const jobs: PlannedJob[] = [
        plannedJob(STAGE.personas, 0, { kind: "personas", iteration: MAIN, temperature: spec.temperature }),
      ];
      for (const { job } of stored(c, STAGE.personas)) if (job.seq !== jobs[0].seq) jobs.push(job);
      for (const j of request(c, STAGE.personas)) jobs.push(plannedJob(STAGE.personas, jobs.length, j));
      return jobs;
    },
    runner,
  };
  const posts: Stage = {
    name: "posts",
    plan: async () => {
      const c = await refresh();
      const jobs: PlannedJob[] = [];
      for (const { job, inputs } of stored(c, STAGE.personas)) {
        if (inputs.kind !== "personas" || job.status === "pending") continue;
        const position = job.seq - STAGE.personas * STAGE_SPAN;
        for (let t = 1; t <= spec.threads; t++) {
          const thread = threadId(inputs.iteration, t);
          jobs.push(
            plannedJob(STAGE.posts, position * spec.threads + t - 1, {
              kind: "post",
              iteration: inputs.iteration,
              thread,
              temperature: inputs.temperature,
            }),
          );
        }
      }
      return jobs;
    },
    runner,
  };
  const replies: Stage = {
    name: "replies",
    plan: async () => {
      const c = await refresh();
      const jobs: PlannedJob[] = [];
      for (const { job, inputs } of stored(c, STAGE.posts)) {
        if (inputs.kind !== "post" || !c.byId.has(`${inputs.thread}.0`)) continue;
        const position = job.seq - STAGE.posts * STAGE_SPAN;
        jobs.push(plannedJob(STAGE.replies, position, { ...inputs, kind: "replies" }));
      }
      return jobs;
    },
    runner,
  };
  const branches: Stage = {
    name: "branches",
    plan: async () => {
      const c = await refresh();
      const jobs: PlannedJob[] = stored(c, STAGE.branches).map(({ job }) => job);
      for (const j of request(c, STAGE.branches)) jobs.push(plannedJob(STAGE.branches, jobs.length, j));
      return jobs;
    },
    runner,
  };
  return [personas, posts, replies, branches];
}

/**
 * An upper bound on what a community costs, without calling anything: the personas job's most
 * calls, one post per thread, and max_replies replies per thread, each reply shown at most
 * context_chars of the thread (tokens taken as characters / 4).
 */
export function communityBounds(
  spec: CommunitySpec,
  maxOutputTokens: number,
): { calls: number; inputTokens: number; maxOutputTokens: number } {
  const p = personaCallBounds({
    goal: spec.goal,
    seeds: spec.seed_personas,
    count: spec.personas,
    maxOutputTokens,
  });
  const block = 300 + spec.goal.length + spec.rules.reduce((n, r) => n + r.length + 4, 0);
  const persona = spec.seed_personas.reduce((n, t) => n + t.length, 0) / spec.seed_personas.length + 200;
  const replyCalls = spec.threads * spec.max_replies;
  const chars =
    p.calls * p.promptChars +
    spec.threads * (block + persona) +
    replyCalls * (block + persona + spec.context_chars);
  return {
    calls: p.calls + spec.threads + replyCalls,
    inputTokens: Math.ceil(chars / 4),
    maxOutputTokens: p.calls * p.outputTokens + (spec.threads + replyCalls) * maxOutputTokens,
  };
}
