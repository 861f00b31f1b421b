import type { JobList, PlannedJob } from "../designs/index.ts";
import type { Answer } from "../instruments/types.ts";
import type { ToolCall } from "../llm/types.ts";

export type { JobList };

/**
 * The store interface (DESIGN section 2). SQLite implements it today; PostgreSQL will implement
 * the same interface, so every method is async even where SQLite is synchronous.
 */

export type RunStatus = "running" | "completed" | "interrupted" | "budget_exhausted";
/** A job is done when its responses are stored: failed when any of them failed, else ok. */
export type JobStatus = "pending" | "ok" | "failed";
/** skipped: the survey's own flow did not ask the item (its reason says which rule). */
export type ResponseStatus = "ok" | "failed" | "skipped";

export interface StudyRecord {
  /** The spec's version hash. */
  id: string;
  name: string;
  spec: unknown;
  createdAt: string;
}

export interface RunRecord {
  id: string;
  studyId: string;
  studyName: string;
  modelId: string;
  /** "llm", "baseline" or "instant": reports label baseline answers as not coming from an LLM. */
  modelKind: string;
  mode: string;
  status: RunStatus;
  /** Folder of the spec file the run was started from: relative paths in the spec resolve there. */
  specDir: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AgentRecord {
  agentId: string;
  source: string;
  attributes: Record<string, string>;
  profile: string;
}

export interface JobRecord extends PlannedJob {
  status: JobStatus;
}

/** One answered (or failed) item of a job. No answer is ever silently null: failed rows carry a reason. */
export interface ResponseRecord {
  runId: string;
  jobId: string;
  item: string;
  /** The person who answered: the job's agent, or another participant of a multi-party episode. */
  agentId: string;
  arm: string;
  replicate: number;
  model: string;
  status: ResponseStatus;
  answer: Answer | null;
  reason: string | null;
  probabilities: Record<string, number> | null;
  rawText: string | null;
  /** Token counts and cost of the job's calls, apportioned evenly over the items they answered. */
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number | null;
  latencyMs: number;
  modelSnapshot: string | null;
  cacheHit: boolean;
  createdAt: string;
  /** The episode turn that asked the item; null when it was asked in one call with others (batch). */
  turn: number | null;
}

/**
 * One turn of an episode: one model call (or a note the episode made, such as an item it
 * skipped), with what was newly said to the speaker and what came back.
 */
export interface TurnRecord {
  runId: string;
  jobId: string;
  seq: number;
  turn: number;
  /** Who answered: an agent id, or a role such as "interviewer". */
  speaker: string;
  /** null for a note (no model was called). */
  model: string | null;
  /** What was newly said to the speaker in this turn (the question, with piped text). */
  prompt: string | null;
  /** The reply as the model gave it (or the note's text). */
  text: string;
  /** What the episode read from the reply (the checked answer, a move), and anything it showed (option order). */
  payload: unknown;
  status: "ok" | "failed" | "note";
  reason: string | null;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number | null;
  latencyMs: number;
  cacheHit: boolean;
  createdAt: string;
}

/** Every attempt at a model call, successful or not: the cost ledger. */
export interface CallRecord {
  runId: string;
  jobId: string;
  /** The episode turn the call was made for, if any. */
  turn: number | null;
  attempt: number;
  purpose: "answer" | "repair";
  /** "ok" or a ProviderError kind. */
  outcome: string;
  httpStatus: number | null;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number | null;
  latencyMs: number;
  createdAt: string;
}

export interface CachedResponse {
  text: string;
  toolCalls?: ToolCall[];
  firstTokenLogprobs?: { token: string; logprob: number }[];
  modelSnapshot?: string;
}

export interface Spending {
  calls: number;
  usd: number;
  inputTokens: number;
  outputTokens: number;
}

export interface JobOutcome {
  runId: string;
  jobId: string;
  /** The job's position in its run's plan (JobRecord.seq). */
  seq: number;
  /** The job's agent: responses of other participants are stored with their own. */
  agentId: string;
  status: "ok" | "failed";
  responses: OutcomeRow[];
}

/**
 * A response as a job's outcome carries it: without what is the job's (run, job, arm, replicate)
 * or the run's (model), which the store keeps once per job. A replay builds one per answer, so
 * the fields it does not need are not built at all.
 */
export type OutcomeRow = Omit<ResponseRecord, "runId" | "jobId" | "arm" | "replicate" | "model">;

export interface CacheEntry {
  key: string;
  model: string;
  response: CachedResponse;
  /** Replaces a stored reply under the same key (the model was asked again on purpose). */
  replace?: boolean;
}

export interface CommitBatch {
  calls: CallRecord[];
  cache: CacheEntry[];
  outcomes: JobOutcome[];
  /** Episode turns as they complete; a turn already stored is kept (the first write wins). */
  turns?: TurnRecord[];
  /**
   * Jobs run again (a failed job retried): their stored responses and turns are removed first,
   * in the same transaction.
   */
  resets?: { runId: string; seq: number }[];
}

/**
 * An expert's observations about a person (interview+reflection), kept across runs and studies:
 * one per (transcript digest, expert, model), the latest written.
 */
export interface ReflectionRecord {
  /** Digest of the transcript the expert read (its kept share): the same in every study. */
  transcriptDigest: string;
  expert: string;
  /** The model that wrote them. */
  model: string;
  agentId: string;
  observations: string[];
  /** The run that wrote them (last). */
  runId: string;
  createdAt: string;
}

/** An interview held by Populace's interviewer: with a simulated person, or a participant in the browser. */
export interface InterviewSession {
  /** Unique: `RUN/JOB` for an interview of a run, a random token for a participant's session. */
  id: string;
  /** The interviewed person's id as an interview agent. */
  agentId: string;
  /** The script's name. */
  script: string;
  /** consent: not begun; in_progress: begun, not finished; completed: its transcript is an agent. */
  status: "consent" | "in_progress" | "completed";
  /** Speaker labels in the transcript. */
  interviewer: string;
  respondent: string;
  turns: { speaker: string; text: string }[];
  /** What is known about the person (a simulated person's attributes; a participant's: none). */
  attributes: Record<string, string>;
  /** Where the interviewer is (for a session to continue from); null when finished. */
  state: unknown;
  runId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Who is executing a run: one process at a time (see Store.claimRun). */
export interface RunHolder {
  /** Unique per process and run attempt. */
  holder: string;
  pid: number;
  host: string;
}

export type RunClaim =
  | { claimed: true; tookOver?: RunHolder & { heartbeatAgeMs: number } }
  | { claimed: false; by: RunHolder & { heartbeatAgeMs: number; startedAt: string } };
/**
 * One metric of one comparison of simulated with human data, kept as a track record of where
 * simulation has agreed with people (DESIGN §10).
 */
export interface LedgerEntry {
  /** Names what was measured on which data: the same comparison run again replaces its entry. */
  key: string;
  createdAt: string;
  /** compare | effects | calibrate | report | demo */
  command: string;
  study: string;
  /** A tag for similar studies, e.g. "gss-attitudes". */
  domain: string;
  /** The instrument: the items (or outcome) compared. */
  items: string[];
  model: string;
  /** How the simulated people were conditioned: demographic, persona, interview, … */
  conditioning: string;
  /** e.g. accuracy, normalized_accuracy, effect_d, calibrated_mean. */
  metric: string;
  value: number | null;
  ci: [number, number] | null;
  n: number | null;
  /** The human counterpart (effects: the human d; calibrate: the human-only estimate). */
  reference: { value: number | null; ci: [number, number] | null } | null;
  /** Effects: simulated and human effects have the same sign / the same significance. */
  signAgree: boolean | null;
  significanceAgree: boolean | null;
  runId: string | null;
  details: Record<string, unknown>;
}

export interface LedgerFilter {
  model?: string;
  domain?: string;
}

/**
 * A believability test (Park et al. 2022: which of two threads is real?): pairs of one real and
 * one simulated thread, shown to judges by link.
 */
export interface BelievabilityTestRecord {
  id: string;
  runId: string;
  title: string;
  /** The pairs as shown (the real threads' text included, so the test does not depend on a file). */
  pairs: unknown;
  createdAt: string;
}

/** One judge's answer to one pair: which side they took for the real thread, and whether it was. */
export interface JudgmentRecord {
  testId: string;
  judge: string;
  pair: number;
  choice: "A" | "B";
  correct: boolean;
  createdAt: string;
}

export interface Store {
  saveStudy(study: StudyRecord): Promise<void>;
  getStudy(id: string): Promise<StudyRecord | undefined>;
  /** Inserts the run if it is new; returns the stored run (an existing one is resumed). */
  openRun(run: RunRecord): Promise<{ run: RunRecord; resumed: boolean }>;
  getRun(id: string): Promise<RunRecord | undefined>;
  listRuns(): Promise<RunRecord[]>;
  setRunStatus(id: string, status: RunStatus): Promise<void>;
  saveAgents(studyId: string, agents: AgentRecord[]): Promise<void>;
  /** Inserts jobs not yet present; existing jobs (and their status) are kept. */
  saveJobs(runId: string, jobs: JobList): Promise<void>;
  /** A run's jobs in plan order, of one status and of one stage when given. */
  jobs(runId: string, status?: JobStatus, stage?: number): Promise<JobRecord[]>;
  jobCounts(runId: string, stage?: number): Promise<Record<JobStatus, number>>;
  /**
   * One transaction: the call ledger, the cache entries of successful calls, and finished jobs
   * with their responses. Atomic so a crash never keeps a paid call without its cached answer.
   */
  commit(batch: CommitBatch): Promise<void>;
  spending(runId: string): Promise<Spending>;
  /** The cached responses of `keys`, in the same order: undefined where there is none. */
  cacheGet(keys: string[]): Promise<(CachedResponse | undefined)[]>;
  responses(runId: string): AsyncIterable<ResponseRecord>;
  /** Failed jobs with their failure reasons (each failed item's), in plan order. */
  failedJobs(runId: string): Promise<(JobRecord & { reasons: string[] })[]>;
  /** A run's episode turns in (job, turn) order; of one job when `seq` is given. */
  turns(runId: string, seq?: number): AsyncIterable<TurnRecord>;
  /**
   * Takes the run for this process: refused while another live process holds it (its heartbeat is
   * fresher than `staleMs` and, on the same host, its process exists); a dead holder's claim is
   * taken over.
   */
  claimRun(runId: string, holder: RunHolder, staleMs: number): Promise<RunClaim>;
  /** Refreshes the claim's heartbeat; false when this holder no longer holds the run. */
  heartbeat(runId: string, holder: string): Promise<boolean>;
  releaseRun(runId: string, holder: string): Promise<void>;
  /**
   * Job leases, for workers that share a run: up to `limit` pending jobs no live lease holds, in
   * plan order, now leased to `holder` for `ttlMs` (pending → leased → done; an expired lease
   * makes its jobs pending again).
   */
  leaseJobs(runId: string, holder: string, limit: number, ttlMs: number): Promise<JobRecord[]>;
  /** Extends the holder's live leases; returns how many lease rows it still holds. */
  renewLeases(runId: string, holder: string, ttlMs: number): Promise<number>;
  releaseLeases(runId: string, holder: string): Promise<void>;
  /** Pending jobs under a live lease. */
  leasedCount(runId: string): Promise<number>;
  /** What the studies of this database keep about a person: one record per study, oldest first. */
  agentRecords(agentId: string): Promise<(AgentRecord & { studyId: string })[]>;
  /** Keeps expert reflections; a record of the same transcript digest, expert and model replaces the earlier one. */
  saveReflections(records: ReflectionRecord[]): Promise<void>;
  /** A person's reflections (every transcript share and model), in the order they were first written. */
  reflections(agentId: string): Promise<ReflectionRecord[]>;
  /** Saves an interview (a new one, or the same id again with its progress). */
  saveInterview(interview: InterviewSession): Promise<void>;
  interview(id: string): Promise<InterviewSession | undefined>;
  /** Interviews of one status (default: every one), oldest first; of one run when given. */
  interviews(filter?: { status?: InterviewSession["status"]; runId?: string }): Promise<InterviewSession[]>;
  /** Stores a new believability test (its id must be new). */
  saveBelievabilityTest(test: BelievabilityTestRecord): Promise<void>;
  getBelievabilityTest(id: string): Promise<BelievabilityTestRecord | undefined>;
  /** Tests in the order they were made; of one run when given. */
  believabilityTests(runId?: string): Promise<BelievabilityTestRecord[]>;
  /** One answer per judge and pair: answering a pair again replaces the earlier answer. */
  saveJudgment(judgment: JudgmentRecord): Promise<void>;
  /** A test's judgments by judge, then pair. */
  judgments(testId: string): Promise<JudgmentRecord[]>;
  close(): Promise<void>;
  /** The run's agents (its study's agents that its jobs name), in plan order; [] for an unknown run. */
  agents(runId: string): Promise<AgentRecord[]>;
  /** Adds entries to the validation ledger; an entry with an existing key replaces it. */
  addLedgerEntries(entries: LedgerEntry[]): Promise<void>;
  /** Ledger entries, oldest first, optionally for one model and/or domain. */
  ledgerEntries(filter?: LedgerFilter): Promise<LedgerEntry[]>;
  /** The run's call ledger counted by outcome ("ok" or a ProviderError kind), e.g. { ok: 120, rate_limit: 3 }. */
  callOutcomes(runId: string): Promise<Record<string, number>>;
}
