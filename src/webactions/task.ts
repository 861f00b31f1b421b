/**
 * The next-action task as a study (Lu et al. 2025): the sessions and personas a spec names, who
 * the shoppers are, and the jobs: one episode per session (and arm and replicate) whose turns are
 * its test cases, every step after the first.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Agent } from "../agents/index.ts";
import type { PlannedJob } from "../designs/index.ts";
import { UserError } from "../errors/index.ts";
import type { WebActionsSpec } from "../spec/index.ts";
import { readPersonas } from "./personas.ts";
import { readSessions, type Session } from "./session.ts";

export interface WebActionsTask {
  /** The sessions file as read (resolved against the spec's folder). */
  file: string;
  sessions: ReadonlyMap<string, Session>;
  /** Line of each session in the file. */
  lines: ReadonlyMap<string, number>;
  /** user → persona text, when the spec names a personas file. */
  personas?: ReadonlyMap<string, string>;
  reasoning: boolean;
  historyPages?: number;
  toolCall: boolean;
  /** The shoppers, in the order they first appear in the file. */
  users: string[];
  /** Sessions with a single step: nothing to predict. */
  unscored: number;
  /** Digest of the sessions and personas the task reads: an edited file starts a new run. */
  digest: string;
}

/** What a job carries: its session, and that session's content digest (checked when it is scored). */
export interface SessionInputs {
  session: string;
  sha: string;
}

/** A session's content digest: a report refuses to score a run against a session that changed since. */
export function sessionSha(session: Session): string {
  return createHash("sha256").update(JSON.stringify(session)).digest("hex").slice(0, 16);
}

function fileDigest(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * Reads what a web-action study names, relative to its spec file. `users` keeps only those
 * shoppers' sessions (e.g. the test users of a fine-tuning split); each must have one.
 */
export function loadWebActionsTask(
  spec: WebActionsSpec,
  specFile: string,
  users?: readonly string[],
): WebActionsTask {
  const base = dirname(resolve(specFile));
  const file = resolve(base, spec.sessions);
  let { sessions, lines } = readSessions(file);
  if (users) {
    const wanted = new Set(users);
    const have = new Set(sessions.map((s) => s.user));
    const absent = [...wanted].filter((u) => !have.has(u));
    if (absent.length > 0) {
      throw new UserError(
        `no session of user${absent.length > 1 ? "s" : ""} ${absent
          .slice(0, 5)
          .map((u) => `"${u}"`)
          .join(", ")}${absent.length > 5 ? ` (and ${absent.length - 5} more)` : ""}`,
        { where: file },
      );
    }
    sessions = sessions.filter((s) => wanted.has(s.user));
  }
  const personasFile = spec.personas === undefined ? undefined : resolve(base, spec.personas);
  const personas = personasFile ? readPersonas(personasFile) : undefined;
  const byId = new Map(sessions.map((s) => [s.session, s]));
  const order: string[] = [];
  const seen = new Set<string>();
  for (const s of sessions) {
    if (!seen.has(s.user)) order.push(s.user);
    seen.add(s.user);
  }
  const unscored = sessions.filter((s) => s.steps.length < 2).length;
  if (unscored === sessions.length) {
    throw new UserError("no session has a step after the first: there is nothing to predict", {
      where: file,
    });
  }
  const digest = createHash("sha256")
    .update(fileDigest(file))
    .update(personasFile ? fileDigest(personasFile) : "")
    .update(JSON.stringify(users ?? null))
    .digest("hex")
    .slice(0, 16);
  return {
    file,
    sessions: byId,
    lines,
    personas,
    reasoning: spec.reasoning ?? true,
    historyPages: spec.history_pages,
    toolCall: spec.tool_call ?? false,
    users: order,
    unscored,
    digest,
  };
}

/** The shoppers as the study's people: a persona when the personas file has one, no attributes. */
export function shopperAgents(task: WebActionsTask): Agent[] {
  return task.users.map((user) => {
    const persona = task.personas?.get(user);
    return persona === undefined
      ? { id: user, source: "web-session", attributes: {} }
      : { id: user, source: "web-session", attributes: {}, persona };
  });
}

/** The item of step `step`'s prediction: "step:3". */
export const stepItem = (step: number) => `step:${step}`;

/** The step an item names, or null. */
export function itemStep(item: string): number | null {
  const m = /^step:(\d+)$/.exec(item);
  return m ? Number(m[1]) : null;
}

export interface WebActionsDesign {
  arms: readonly string[];
  replicates: number;
  /** Between subjects: each user's one arm (an index into arms). Absent: every session under every arm. */
  armOf?: ReadonlyMap<string, number>;
}

/**
 * One job per session × arm × replicate (replicate, then arm, then session in file order), id
 * `USER/SESSION/ARM/rN`, asking `step:1` … `step:n-1`. A one-step session has no test case and no job.
 */
export function webActionsJobs(task: WebActionsTask, design: WebActionsDesign): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  const scored = [...task.sessions.values()].filter((s) => s.steps.length > 1);
  const items = new Map(
    scored.map((s) => [s.session, Array.from({ length: s.steps.length - 1 }, (_, i) => stepItem(i + 1))]),
  );
  const shas = new Map(scored.map((s) => [s.session, sessionSha(s)]));
  for (let replicate = 1; replicate <= design.replicates; replicate++) {
    for (const [a, arm] of design.arms.entries()) {
      for (const s of scored) {
        const only = design.armOf?.get(s.user);
        if (only !== undefined && only !== a) continue;
        const inputs: SessionInputs = { session: s.session, sha: shas.get(s.session)! };
        jobs.push({
          jobId: `${s.user}/${s.session}/${arm}/r${replicate}`,
          seq: jobs.length,
          agentId: s.user,
          items: items.get(s.session)!,
          arm,
          replicate,
          inputs: { ...inputs },
        });
      }
    }
  }
  return jobs;
}
