/**
 * Reasoning synthesis as a run (`populace webactions reason`): one episode per session, a turn per
 * step without a rationale, through the engine like any study (cached, resumable, budgeted, rate
 * limited, with progress); the reasons come back as the sessions with `synthesized_reasoning`.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { jobSeed } from "../designs/index.ts";
import { EpisodeRunner, type Progress, type RetryPolicy, type StagesSummary } from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import type { LanguageModel } from "../llm/types.ts";
import type { RunRecord, Store } from "../store/types.ts";
import {
  DEFAULT_REASON_EXAMPLES,
  itemStep,
  type ReasonExample,
  type ReasonSettings,
  readReasonExamples,
  readSessions,
  reasonJobs,
  reasonProgram,
  type Session,
  type SessionInputs,
  withSynthesizedReasons,
} from "../webactions/index.ts";
import { modelPricing, openAndExecute } from "./execute.ts";
import { resolveModel } from "./models.ts";

/** The mode of a reasoning-synthesis run (its runs are not studies: `populace report` says so). */
export const REASON_MODE = "reason";
const REASON_TASK = "webactions reason";

export interface ReasonOptions {
  sessionsFile: string;
  /** Few-shot examples JSONL; the project's own examples when absent. */
  examplesFile?: string;
  store: Store;
  dataDir: string;
  modelId?: string;
  /** A ready model (tests); takes precedence over the id. */
  model?: LanguageModel;
  maxOutputTokens?: number;
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

export interface ReasonResult {
  /** null when no step needed a reason (nothing was run). */
  run: RunRecord | null;
  resumed: boolean;
  model: LanguageModel;
  summary?: StagesSummary;
  /** The sessions with the reasons written so far (every reason, once no session is pending). */
  sessions: Session[];
  counts: {
    steps: number;
    /** Steps with the shopper's own rationale: never asked about, never changed. */
    human: number;
    /** Steps that already had a synthesized reason in the input (kept). */
    kept: number;
    /** Reasons written by this run. */
    synthesized: number;
    /** Steps whose reason stayed invalid after the repairs (no reason written). */
    failed: number;
    /** Sessions not finished yet (a rerun continues them). */
    pendingSessions: number;
  };
  notes: string[];
}

export const DEFAULT_REASON_TOKENS = 150;

export async function synthesizeReasoning(o: ReasonOptions): Promise<ReasonResult> {
  const file = resolve(o.sessionsFile);
  const { sessions } = readSessions(file);
  const examples: ReasonExample[] = o.examplesFile
    ? readReasonExamples(o.examplesFile)
    : DEFAULT_REASON_EXAMPLES;
  const model =
    o.model ?? resolveModel(o.modelId ?? "", { dataDir: o.dataDir, seed: REASON_TASK, timeoutMs: 60_000 });
  if (model.kind === "baseline") {
    throw new UserError(
      `${model.id} answers survey items from real human data; writing reasons needs a language model`,
    );
  }
  const notes: string[] = [];
  const { price, note } = modelPricing(model, o.pricesFile, o.budgetUsd);
  if (note) notes.push(note);
  const steps = sessions.reduce((n, s) => n + s.steps.length, 0);
  const human = sessions.reduce((n, s) => n + s.steps.filter((x) => x.reasoning?.trim()).length, 0);
  const kept = sessions.reduce(
    (n, s) => n + s.steps.filter((x) => !x.reasoning?.trim() && x.synthesized_reasoning?.trim()).length,
    0,
  );
  const jobs = reasonJobs(sessions);
  const counts = { steps, human, kept, synthesized: 0, failed: 0, pendingSessions: 0 };
  if (jobs.length === 0) return { run: null, resumed: false, model, sessions, counts, notes };

  const settings: ReasonSettings = {
    sessions: new Map(sessions.map((s) => [s.session, s])),
    examples,
    maxOutputTokens: o.maxOutputTokens ?? DEFAULT_REASON_TOKENS,
    temperature: o.temperature,
  };
  // A run is these sessions and examples asked of this model this way: an edited file starts anew.
  const key = createHash("sha256")
    .update(JSON.stringify([REASON_TASK, model.id, settings.maxOutputTokens, settings.temperature ?? null]))
    .update(readFileSync(file))
    .update(JSON.stringify(examples))
    .digest("hex");
  const now = new Date().toISOString();
  const runId = `reason-${key.slice(0, 8)}${o.newRun ? `-${Date.now().toString(36)}` : ""}`;
  const users = [...new Set(sessions.map((s) => s.user))];
  const done = await openAndExecute({
    store: o.store,
    study: {
      id: `reason-${key.slice(0, 16)}`,
      name: "webactions-reason",
      spec: {
        task: REASON_TASK,
        sessions: file,
        examples: o.examplesFile ? resolve(o.examplesFile) : null,
        max_output_tokens: settings.maxOutputTokens,
        temperature: settings.temperature ?? null,
      },
      createdAt: now,
    },
    record: {
      id: runId,
      studyId: `reason-${key.slice(0, 16)}`,
      studyName: "webactions-reason",
      modelId: model.id,
      modelKind: model.kind,
      mode: REASON_MODE,
      status: "running",
      createdAt: now,
      updatedAt: now,
      specDir: dirname(file),
    },
    agents: users.map((u) => ({ agentId: u, source: "web-session", attributes: {}, profile: "" })),
    model,
    price,
    stages: (id, entry) => [
      {
        name: "reasons",
        plan: () => jobs,
        runner: new EpisodeRunner({
          runId: id,
          model: entry,
          participants: new Map(),
          seedFor: (job) =>
            jobSeed(REASON_TASK, `${job.agentId}/${(job.inputs as unknown as SessionInputs).session}`, 1),
          program: reasonProgram(settings),
        }),
      },
    ],
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
  const sessionOf = new Map(jobs.map((j) => [j.jobId, (j.inputs as unknown as SessionInputs).session]));
  const reasons = new Map<string, string>();
  for await (const r of o.store.responses(done.run.id)) {
    const session = sessionOf.get(r.jobId);
    const step = itemStep(r.item);
    if (session === undefined || step === null) continue;
    if (r.status === "ok" && typeof r.answer === "string") reasons.set(`${session}\u0000${step}`, r.answer);
    else counts.failed++;
  }
  const written = withSynthesizedReasons(sessions, reasons);
  counts.synthesized = written.added;
  counts.pendingSessions = (await o.store.jobCounts(done.run.id)).pending;
  return {
    run: done.run,
    resumed: done.resumed,
    model,
    summary: done.summary,
    sessions: written.sessions,
    counts,
    notes: [...notes, ...done.notes],
  };
}
