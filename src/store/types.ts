import type { Answer } from "../instruments/types.ts";

/**
 * The store interface (DESIGN section 2). SQLite implements it today; PostgreSQL will implement
 * the same interface, so every method is async even where SQLite is synchronous.
 */

export type RunStatus = "running" | "completed" | "interrupted" | "budget_exhausted";
export type JobStatus = "pending" | "ok" | "failed";

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

export interface JobRecord {
  jobId: string;
  /** Position in the run's plan: the store's key for the job (the id is for people to read). */
  seq: number;
  agentId: string;
  items: string[];
  arm: string;
  replicate: number;
  status: JobStatus;
}

/** Jobs in plan order, as a plan or a stored list holds them (an array is one). */
export interface JobList {
  readonly length: number;
  slice(start: number, end: number): Omit<JobRecord, "status">[];
}

/** One answered (or failed) item of a job. No answer is ever silently null: failed rows carry a reason. */
export interface ResponseRecord {
  runId: string;
  jobId: string;
  item: string;
  agentId: string;
  arm: string;
  replicate: number;
  model: string;
  status: "ok" | "failed";
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
}

/** Every attempt at a model call, successful or not: the cost ledger. */
export interface CallRecord {
  runId: string;
  jobId: string;
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
  status: "ok" | "failed";
  responses: ResponseRecord[];
}

export interface CacheEntry {
  key: string;
  model: string;
  response: CachedResponse;
}

export interface CommitBatch {
  calls: CallRecord[];
  cache: CacheEntry[];
  outcomes: JobOutcome[];
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
  jobs(runId: string, status?: JobStatus): Promise<JobRecord[]>;
  jobCounts(runId: string): Promise<Record<JobStatus, number>>;
  /**
   * One transaction: the call ledger, the cache entries of successful calls, and finished jobs
   * with their responses. Atomic so a crash never keeps a paid call without its cached answer.
   */
  commit(batch: CommitBatch): Promise<void>;
  spending(runId: string): Promise<Spending>;
  /** The cached responses of `keys`, in the same order: undefined where there is none. */
  cacheGet(keys: string[]): Promise<(CachedResponse | undefined)[]>;
  responses(runId: string): AsyncIterable<ResponseRecord>;
  close(): Promise<void>;
  /** The run's call ledger counted by outcome ("ok" or a ProviderError kind), e.g. { ok: 120, rate_limit: 3 }. */
  callOutcomes(runId: string): Promise<Record<string, number>>;
}
