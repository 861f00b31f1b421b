/**
 * `populace interview`: an agent-to-agent interview of each person with a script, as a run of one
 * episode per person (resumable like any run: a rerun after a crash replays the finished turns
 * from the cache and goes on). Finished transcripts are kept in the store as interviews, each an
 * interview agent (`source: interviews` with `db:`), and can be written as JSONL.
 */
import { createHash } from "node:crypto";
import { type Agent, profileText } from "../agents/index.ts";
import { jobSeed, Plan } from "../designs/index.ts";
import {
  EpisodeRunner,
  type ModelEntry,
  type Participant,
  type Progress,
  type RetryPolicy,
  type Stage,
  type StagesSummary,
} from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import type { LanguageModel } from "../llm/types.ts";
import type { InterviewSession, RunRecord, Store, TurnRecord } from "../store/types.ts";
import { modelPricing, openAndExecute } from "../study/execute.ts";
import { interviewProgram } from "./program.ts";
import type { LoadedScript } from "./script.ts";
import { respondentLabel, transcriptOf } from "./transcripts.ts";

/** The episode name of interview jobs (`AGENT/interview/SCRIPT/r1`). */
export const INTERVIEW_EPISODE = "interview";

export interface RunInterviewsOptions {
  store: Store;
  script: LoadedScript;
  /** The people interviewed, each conditioned as they should answer (their profile opens the prompts). */
  agents: readonly Agent[];
  /** The interviewee's model. */
  model: LanguageModel;
  /** The interviewer's model (default: the interviewee's). */
  interviewerModel?: LanguageModel;
  temperature?: number;
  concurrency?: number;
  budgetUsd?: number;
  rpm?: number;
  tpm?: number;
  pricesFile?: string;
  newRun?: boolean;
  retryFailed?: boolean;
  retry?: RetryPolicy;
  stop?: AbortSignal;
  abort?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface RunInterviewsResult {
  run: RunRecord;
  resumed: boolean;
  summary: StagesSummary;
  /** The interviews finished so far (every run of this script, people and models). */
  sessions: InterviewSession[];
  notes: string[];
}

export async function runInterviews(o: RunInterviewsOptions): Promise<RunInterviewsResult> {
  const { store, script, agents, model } = o;
  if (agents.length === 0) throw new UserError("no one to interview");
  const interviewer = o.interviewerModel ?? model;
  for (const m of new Set([model, interviewer])) {
    if (m.kind === "baseline") {
      throw new UserError(
        `${m.id} answers from survey data and cannot hold an interview; use a language model (--model, --interviewer-model)`,
      );
    }
  }
  const notes: string[] = [];
  const pricing = modelPricing(model, o.pricesFile, o.budgetUsd);
  if (pricing.note) notes.push(pricing.note);
  const interviewerPricing =
    interviewer === model ? pricing : modelPricing(interviewer, o.pricesFile, o.budgetUsd);
  if (interviewer !== model && interviewerPricing.note) notes.push(interviewerPricing.note);
  const profiles = new Map(agents.map((a) => [a.id, profileText(a)]));
  const hash = createHash("sha256").update(
    JSON.stringify([script.version, model.id, interviewer.id, o.temperature]),
  );
  for (const a of agents) hash.update(`\u0000${a.id}\u0000${profiles.get(a.id)}`);
  const runId = `interview-${script.script.name}-${hash.digest("hex").slice(0, 8)}${o.newRun ? `-${Date.now().toString(36)}` : ""}`;
  const now = new Date().toISOString();
  const studyId = `interview-script:${script.version}`;
  const participants = new Map<string, Participant>(
    agents.map((a) => [a.id, { id: a.id, profile: profiles.get(a.id)!, attributes: a.attributes }]),
  );
  const jobs = new Plan({
    agentIds: agents.map((a) => a.id),
    itemIds: script.script.modules.map((m) => m.id),
    arms: [script.script.name],
    replicates: 1,
    itemsPerCall: 1,
    episode: INTERVIEW_EPISODE,
  });
  const stages = (id: string, entry: ModelEntry): Stage[] => {
    const interviewerEntry: ModelEntry =
      interviewer === model ? entry : { model: interviewer, price: interviewerPricing.price };
    const runner = new EpisodeRunner({
      runId: id,
      model: entry,
      models: (m) => (m === interviewer.id ? interviewerEntry : entry),
      participants,
      seedFor: (job) => jobSeed(script.version, job.agentId, job.replicate),
      program: interviewProgram({
        script: script.script,
        interviewerModel: interviewer === model ? undefined : interviewer.id,
        temperature: o.temperature,
      }),
    });
    return [{ name: "interviews", plan: () => jobs, runner }];
  };
  const done = await openAndExecute({
    store,
    study: {
      id: studyId,
      name: script.script.name,
      spec: { interview_script: script.script },
      createdAt: now,
    },
    record: {
      id: runId,
      studyId,
      studyName: script.script.name,
      modelId: model.id,
      modelKind: model.kind,
      mode: INTERVIEW_EPISODE,
      status: "running",
      createdAt: now,
      updatedAt: now,
      specDir: null,
    },
    agents: agents.map((a) => ({
      agentId: a.id,
      source: a.source,
      attributes: a.attributes,
      profile: profiles.get(a.id)!,
    })),
    model,
    price: pricing.price,
    stages,
    rpm: o.rpm,
    tpm: o.tpm,
    budgetUsd: o.budgetUsd,
    concurrency: o.concurrency,
    retry: o.retry,
    retryFailed: o.retryFailed,
    stop: o.stop,
    abort: o.abort,
    onProgress: o.onProgress,
  });
  await keepTranscripts(store, done.run.id, script, agents);
  return {
    run: done.run,
    resumed: done.resumed,
    summary: done.summary,
    sessions: await store.interviews({ status: "completed", runId: done.run.id }),
    notes: [...notes, ...done.notes],
  };
}

/** Each finished interview's transcript, saved as an interview of the store (again on a rerun: the same). */
async function keepTranscripts(store: Store, runId: string, script: LoadedScript, agents: readonly Agent[]) {
  const jobs = new Map((await store.jobs(runId)).map((j) => [j.seq, j]));
  const byAgent = new Map(agents.map((a) => [a.id, a]));
  const turns = new Map<number, TurnRecord[]>();
  for await (const t of store.turns(runId)) {
    const list = turns.get(t.seq) ?? [];
    list.push(t);
    turns.set(t.seq, list);
  }
  const now = new Date().toISOString();
  for (const [seq, job] of jobs) {
    if (job.status !== "ok") continue;
    const agent = byAgent.get(job.agentId);
    if (!agent) continue;
    const labels = { interviewer: script.script.interviewer, respondent: respondentLabel(agent.attributes) };
    const id = `${runId}/${job.jobId}`;
    const earlier = await store.interview(id);
    await store.saveInterview({
      id,
      agentId: agent.id,
      script: script.script.name,
      status: "completed",
      interviewer: labels.interviewer,
      respondent: labels.respondent,
      turns: transcriptOf(turns.get(seq) ?? [], labels),
      attributes: agent.attributes,
      state: null,
      runId,
      createdAt: earlier?.createdAt ?? now,
      updatedAt: now,
    });
  }
}
