/**
 * WhatIf and Multiverse requests: checked against the community as stored, and turned into the
 * jobs that make their branches. A request the run already holds (the same utterance, persona,
 * text and length; the same number of alternatives at the same temperature) names the branches
 * it made then, so rerunning an interrupted command resumes it instead of starting another.
 */

import { UserError } from "../errors/index.ts";
import type { CommunitySpec } from "../spec/index.ts";
import { MAIN, multiverseBranch, multiverseRequest, STAGE, whatifBranch } from "./ids.ts";
import type { CommunityJob } from "./jobs.ts";
import type { Community } from "./read.ts";

/** Multiverse regenerates at a higher temperature than Generate (the paper: 0.7 → 0.8). */
export const MULTIVERSE_TEMPERATURE = 0.8;

export type BranchRequest =
  | { kind: "whatif"; from: string; as: string; text?: string; continue: number }
  | { kind: "multiverse"; from: string; n: number; temperature: number }
  | { kind: "community"; n: number; temperature: number };

export interface RequestJobs {
  stage: number;
  jobs: CommunityJob[];
  /** The branch (or iteration) ids, in order. */
  branches: string[];
  /** True when the run already held this request. */
  existing: boolean;
}

/** Refuses a request the community cannot take, naming what is wrong. */
export function checkRequest(c: Community, r: BranchRequest): void {
  if (r.kind !== "community") {
    const u = c.byId.get(r.from);
    if (!u) {
      const sample = c.utterances
        .slice(0, 3)
        .map((x) => x.utterance)
        .join(", ");
      throw new UserError(
        `no utterance "${r.from}" in this run (ids look like ${sample || "t1.0"}; \`populace threads RUN\` lists them)`,
        { where: "--utterance" },
      );
    }
  }
  if (r.kind === "whatif") {
    if (r.as.trim() === "") throw new UserError("the persona must not be empty", { where: "--as" });
    if (r.text !== undefined && r.text.trim() === "")
      throw new UserError("the reply must not be empty", { where: "--text" });
  }
  if (r.kind !== "whatif" && !(r.temperature >= 0 && r.temperature <= 2)) {
    throw new UserError(`the temperature must be between 0 and 2, got ${r.temperature}`, {
      where: "--temperature",
    });
  }
  if (r.kind !== "whatif" && r.n > 100)
    throw new UserError(`at most 100 alternatives at once, got ${r.n}`, { where: "--n" });
}

function numbered(ids: readonly string[], pattern: RegExp): number {
  let max = 0;
  for (const id of ids) {
    const m = pattern.exec(id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/** The jobs that make `r`'s branches (or the ones that made them before). */
export function requestJobs(c: Community, r: BranchRequest, spec: CommunitySpec): RequestJobs {
  const jobs = c.jobs.map((j) => j.inputs);
  if (r.kind === "whatif") {
    const from = c.byId.get(r.from)!;
    const text = r.text ?? null;
    const same = jobs.find(
      (j) =>
        j.kind === "whatif" &&
        j.from === r.from &&
        j.as === r.as &&
        j.text === text &&
        j.continue === r.continue,
    );
    if (same && same.kind === "whatif")
      return { stage: STAGE.branches, jobs: [same], branches: [same.branch], existing: true };
    const n =
      numbered(
        jobs.flatMap((j) => (j.kind === "whatif" ? [j.branch] : [])),
        /^whatif-(\d+)$/,
      ) + 1;
    const job: CommunityJob = {
      kind: "whatif",
      branch: whatifBranch(n),
      iteration: iterationOf(c, from.thread),
      thread: from.thread,
      from: r.from,
      as: r.as,
      text,
      continue: r.continue,
      temperature: spec.temperature,
    };
    return { stage: STAGE.branches, jobs: [job], branches: [job.branch], existing: false };
  }
  const multiverse = jobs.flatMap((j) =>
    j.kind === "multiverse" ? [j.branch] : j.kind === "personas" && j.iteration !== MAIN ? [j.iteration] : [],
  );
  if (r.kind === "multiverse") {
    const byRequest = groupBy(
      jobs.filter((j) => j.kind === "multiverse" && j.from === r.from && j.temperature === r.temperature),
      (j) => multiverseRequest((j as Extract<CommunityJob, { kind: "multiverse" }>).branch),
    );
    for (const group of byRequest.values()) {
      if (group.length === r.n) {
        return {
          stage: STAGE.branches,
          jobs: group,
          branches: group.map((j) => branchOf(j)),
          existing: true,
        };
      }
    }
    const from = c.byId.get(r.from)!;
    const n = numbered(multiverse.map(multiverseRequest), /^multiverse-(\d+)$/) + 1;
    const out: CommunityJob[] = [];
    for (let k = 1; k <= r.n; k++) {
      out.push({
        kind: "multiverse",
        branch: multiverseBranch(n, k),
        iteration: iterationOf(c, from.thread),
        thread: from.thread,
        from: r.from,
        temperature: r.temperature,
      });
    }
    return { stage: STAGE.branches, jobs: out, branches: out.map(branchOf), existing: false };
  }
  const iterations = groupBy(
    jobs.filter((j) => j.kind === "personas" && j.iteration !== MAIN && j.temperature === r.temperature),
    (j) => multiverseRequest((j as Extract<CommunityJob, { kind: "personas" }>).iteration),
  );
  for (const group of iterations.values()) {
    if (group.length === r.n) {
      return { stage: STAGE.personas, jobs: group, branches: group.map(branchOf), existing: true };
    }
  }
  const n = numbered(multiverse.map(multiverseRequest), /^multiverse-(\d+)$/) + 1;
  const out: CommunityJob[] = [];
  for (let k = 1; k <= r.n; k++) {
    out.push({ kind: "personas", iteration: multiverseBranch(n, k), temperature: r.temperature });
  }
  return { stage: STAGE.personas, jobs: out, branches: out.map(branchOf), existing: false };
}

function branchOf(j: CommunityJob): string {
  if (j.kind === "whatif" || j.kind === "multiverse") return j.branch;
  return j.iteration;
}

function iterationOf(c: Community, thread: string): string {
  return c.threads.find((t) => t.thread === thread)?.iteration ?? MAIN;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}
