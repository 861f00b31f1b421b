import type { Question } from "../instruments/types.ts";
import { type ParsedAnswers, parseAnswers, repairRequest } from "../llm/index.ts";
import { type ModelRequest, type ModelResponse, ProviderError, type Usage } from "../llm/types.ts";
import { createRng } from "../random/index.ts";
import type {
  CachedResponse,
  CacheEntry,
  CallRecord,
  JobOutcome,
  ResponseRecord,
  Store,
} from "../store/types.ts";
import type { Budget } from "./budget.ts";
import { cacheKey } from "./cache-key.ts";
import { promptTokens } from "./estimate.ts";
import type { JobList, PlannedJob } from "./plan.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import { type KeyedJob, RequestBuilder, type RequestSettings } from "./requests.ts";
import { defaultRetryPolicy, isRetryable, type RetryPolicy, retryDelay, sleep } from "./retry.ts";

export type Mode = "generate" | "distribution";

/** A run's settings: how requests are built (RequestSettings), and how they are executed. */
export interface RunContext extends RequestSettings {
  runId: string;
  store: Store;
  concurrency: number;
  limiter: RateLimiter;
  budget: Budget;
  /** Cost of a call's usage in USD, null when the model has no known price. */
  price: (usage: Usage) => number | null;
  retry?: RetryPolicy;
  /** Repair prompts for invalid answers before a job is recorded as failed. */
  maxRepairs?: number;
  /** Stop starting new jobs (first Ctrl-C); in-flight calls finish and are kept. */
  stop?: AbortSignal;
  /** Abort in-flight calls too (second Ctrl-C); their jobs stay pending for the next run. */
  abort?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface Progress {
  total: number;
  done: number;
  failed: number;
  cacheHits: number;
  inFlight: number;
  calls: number;
  retries: number;
  rateLimited: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** A call's model had no price: costUsd then counts only the priced calls. */
  costUnknown: boolean;
  elapsedMs: number;
}

export interface RunSummary extends Progress {
  /** Why the run ended before every job was done, if it did. */
  stoppedBy: null | "budget" | "interrupt";
}

const WRITE_BATCH = 2048;
const PREPARE_CHUNK = 8192;
const CHECKED_PER_QUESTION_SET = 4096;

/** A job for a worker: the cache could not answer it, or answered it with an invalid reply. */
interface Queued {
  keyed: KeyedJob;
  /** The cache was already asked for this request and had nothing. */
  missed: boolean;
}

/**
 * Executes a run's pending jobs: cache → budget → rate limiter → provider → parse/validate →
 * repair → store. Completed jobs are committed in small batches, one transaction each, so a
 * crash loses at most the jobs of the current event-loop turn; every paid call is cached in the
 * same transaction as its ledger row, so a resumed run never pays for it again.
 */
export async function executeRun(ctx: RunContext, pending: JobList): Promise<RunSummary> {
  const started = performance.now();
  const progress: Progress = {
    total: pending.length,
    done: 0,
    failed: 0,
    cacheHits: 0,
    inFlight: 0,
    calls: 0,
    retries: 0,
    rateLimited: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    costUnknown: false,
    elapsedMs: 0,
  };
  let stoppedBy: RunSummary["stoppedBy"] = null;
  // Answers that cost money are committed as they arrive (see call()); free ones (the statistical
  // baseline, the instant model) are batched for throughput.
  const paid = ctx.model.kind === "llm";
  const writer = new BatchWriter(ctx.store, paid ? 0 : 25);
  const report = () => {
    progress.elapsedMs = performance.now() - started;
    ctx.onProgress?.(progress);
  };
  const ticker = setInterval(report, 250);
  ticker.unref();
  const random = createRng(`${ctx.runId}:jitter`).next;

  const finish = (outcome: JobOutcome) => {
    if (outcome.status === "ok") progress.done++;
    else progress.failed++;
    writer.outcomes.push(outcome);
    writer.poke();
  };

  /** One model call through the retry layer; cached calls cost nothing. */
  const call = async (
    job: PlannedJob,
    request: ModelRequest,
    purpose: CallRecord["purpose"],
    knownMiss = false,
    knownKey?: string,
  ): Promise<CallResult> => {
    const key = knownKey ?? cacheKey(ctx.model, request);
    const cached = knownMiss
      ? undefined
      : (writer.pendingCache.get(key) ?? (await ctx.store.cacheGet([key]))[0]);
    if (cached) return { response: cached, usage: ZERO_USAGE, costUsd: 0, latencyMs: 0, cacheHit: true };
    // Free models (the baseline, the instant model) need no worst-case cost to reserve: the
    // estimate is only worth its cost (a pass over the prompt) for calls that are paid for.
    const estimatedTokens = paid ? estimateTokens(request) : 0;
    const worstCase = paid
      ? ctx.price({ ...zeroUsage(), inputTokens: estimatedTokens, outputTokens: ctx.maxOutputTokens })
      : 0;
    let answered: CallResult | undefined;
    for (let attempt = 1; ; attempt++) {
      if (ctx.abort?.aborted) throw new Interrupted();
      if (!ctx.budget.reserve(worstCase ?? 0)) throw new BudgetExhausted();
      let settled = false;
      const settle = (usd: number) => {
        if (!settled) ctx.budget.settle(worstCase ?? 0, usd);
        settled = true;
      };
      const t0 = performance.now();
      try {
        await ctx.limiter.acquire(ctx.model.bucket, estimatedTokens, ctx.abort);
        progress.inFlight++;
        let response: ModelResponse;
        try {
          // The request is shared (repairs build on it), so a signal goes on a copy.
          response = await ctx.model.complete(ctx.abort ? { ...request, signal: ctx.abort } : request);
        } finally {
          progress.inFlight--;
        }
        const latencyMs = performance.now() - t0;
        const costUsd = ctx.price(response.usage);
        settle(costUsd ?? 0);
        ctx.limiter.settle(
          ctx.model.bucket,
          estimatedTokens,
          response.usage.inputTokens + response.usage.outputTokens,
        );
        ctx.limiter.observe(ctx.model.bucket, response.rateLimit);
        progress.calls++;
        progress.inputTokens += response.usage.inputTokens;
        progress.outputTokens += response.usage.outputTokens;
        progress.costUsd += costUsd ?? 0;
        if (costUsd === null) progress.costUnknown = true;
        const stored: CachedResponse = { text: response.text };
        if (response.firstTokenLogprobs) stored.firstTokenLogprobs = response.firstTokenLogprobs;
        if (response.modelSnapshot) stored.modelSnapshot = response.modelSnapshot;
        writer.calls.push(
          callRecord(ctx.runId, job.jobId, attempt, purpose, "ok", null, response.usage, costUsd, latencyMs),
        );
        writer.cache.push({ key, model: ctx.model.id, response: stored });
        writer.pendingCache.set(key, stored);
        answered = { response: stored, usage: response.usage, costUsd, latencyMs, cacheHit: false };
        break;
      } catch (error) {
        settle(0);
        if (error instanceof Interrupted || ctx.abort?.aborted) throw new Interrupted();
        const kind = error instanceof ProviderError ? error.kind : "error";
        const status = error instanceof ProviderError ? (error.status ?? null) : null;
        writer.calls.push(
          callRecord(
            ctx.runId,
            job.jobId,
            attempt,
            purpose,
            kind,
            status,
            zeroUsage(),
            0,
            performance.now() - t0,
          ),
        );
        writer.poke();
        if (kind === "rate_limit") {
          progress.rateLimited++;
          ctx.limiter.pause(ctx.model.bucket, (error as ProviderError).retryAfterMs ?? 1000);
        }
        const policy = ctx.retry ?? defaultRetryPolicy;
        if (!isRetryable(error) || attempt >= policy.maxAttempts) {
          throw new CallFailed(describeError(error, attempt));
        }
        progress.retries++;
        await sleep(retryDelay(policy, attempt, error, random), ctx.abort).catch(() => {
          throw new Interrupted();
        });
      }
    }
    // A paid answer is made durable (ledger row and cache entry) before its worker sends the next
    // request, so a crash can repeat only the calls that were in flight. Free answers are batched.
    if (paid) await writer.flush();
    else writer.poke();
    return answered;
  };

  const requests = new RequestBuilder(ctx);

  /**
   * Checked replies per question set, by text. Closed questions draw few distinct replies, so a
   * replay checks each once; kept read-only, as every job with that reply shares it.
   */
  const checked = new WeakMap<Question[], Map<string, ParsedAnswers>>();
  const check = (questions: Question[], cached: CachedResponse): ParsedAnswers => {
    if (cached.firstTokenLogprobs) return parseAnswers(questions, ctx.mode, toModelResponse(cached));
    let byText = checked.get(questions);
    if (!byText) {
      byText = new Map();
      checked.set(questions, byText);
    }
    let parsed = byText.get(cached.text);
    if (parsed === undefined) {
      parsed = parseAnswers(questions, ctx.mode, toModelResponse(cached));
      // Bounded: free-text replies rarely repeat, and would only fill memory.
      if (byText.size < CHECKED_PER_QUESTION_SET) byText.set(cached.text, parsed);
    }
    return parsed;
  };

  /** A cache hit whose answer is valid finishes here, synchronously; false sends the job to a worker. */
  const finishFromCache = (p: KeyedJob, cached: CachedResponse): boolean => {
    const parsed = check(p.questions, cached);
    if (parsed.problems.length > 0) return false;
    progress.cacheHits++;
    finish(okOutcome(ctx, p.job, p.questions, parsed.answers, cached, CACHED_TOTALS));
    return true;
  };

  const runJob = async ({ keyed, missed }: Queued): Promise<void> => {
    const { job, questions, key } = keyed;
    // Built only now: a job the cache answered never needed its prompt.
    let request = requests.request(job);
    const totals: Totals = { usage: zeroUsage(), costUsd: 0, latencyMs: 0, allCached: true, priced: true };
    const maxRepairs = ctx.maxRepairs ?? 2;
    let lastProblems = "";
    let lastText: string | null = null;
    for (let repair = 0; repair <= maxRepairs; repair++) {
      let result: Awaited<ReturnType<typeof call>>;
      try {
        // The first request was looked up when the job was prepared (a batched lookup).
        result = await call(
          job,
          request,
          repair === 0 ? "answer" : "repair",
          repair === 0 && missed,
          repair === 0 ? key : undefined,
        );
      } catch (error) {
        if (error instanceof CallFailed) {
          finish(failedOutcome(ctx, job, questions, error.message, totals));
          return;
        }
        throw error;
      }
      addUsage(totals.usage, result.usage);
      if (result.costUsd === null) totals.priced = false;
      else totals.costUsd += result.costUsd;
      totals.latencyMs += result.latencyMs;
      totals.allCached &&= result.cacheHit;
      if (result.cacheHit) progress.cacheHits++;
      const parsed = parseAnswers(questions, ctx.mode, toModelResponse(result.response));
      if (parsed.problems.length === 0) {
        finish(okOutcome(ctx, job, questions, parsed.answers, result.response, totals));
        return;
      }
      lastProblems = parsed.problems.map((p) => p.reason).join("; ");
      lastText = result.response.text;
      request = repairRequest(request, toModelResponse(result.response), parsed.problems);
    }
    const reason = `invalid answer after ${maxRepairs} repair${maxRepairs === 1 ? "" : "s"}: ${lastProblems}`;
    finish(failedOutcome(ctx, job, questions, reason, totals, lastText));
  };

  // Jobs are prepared in chunks: one batched cache lookup per chunk, hits finished at once, and
  // only misses queued for the workers. A job stopped by the budget or Ctrl-C stays pending.
  let next = 0;
  const queue: Queued[] = [];
  let refilling: Promise<void> | null = null;
  const refill = async () => {
    while (queue.length === 0 && next < pending.length && stoppedBy === null && !ctx.stop?.aborted) {
      const chunk = pending.slice(next, next + PREPARE_CHUNK).map((job) => requests.keyed(job));
      next += chunk.length;
      const hits = await ctx.store.cacheGet(chunk.map((p) => p.key));
      for (let i = 0; i < chunk.length; i++) {
        const cached = hits[i];
        if (!cached) queue.push({ keyed: chunk[i], missed: true });
        else if (!finishFromCache(chunk[i], cached)) queue.push({ keyed: chunk[i], missed: false });
      }
      // A chunk the cache answered whole involves no I/O wait: without yielding here a long replay
      // would hold the event loop, so neither Ctrl-C nor the progress display could run.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const take = async (): Promise<Queued | undefined> => {
    for (;;) {
      if (queue.length > 0) return queue.shift();
      // Another worker is preparing the next chunk: wait for it rather than concluding we are done.
      if (refilling) {
        await refilling;
        continue;
      }
      if (ctx.stop?.aborted && next < pending.length) stoppedBy ??= "interrupt";
      if (next >= pending.length || stoppedBy !== null) return undefined;
      refilling = refill().finally(() => {
        refilling = null;
      });
    }
  };

  const worker = async () => {
    while (stoppedBy === null) {
      if (ctx.stop?.aborted) {
        stoppedBy = "interrupt";
        break;
      }
      const queued = await take();
      if (!queued) break;
      try {
        await runJob(queued);
      } catch (error) {
        if (error instanceof BudgetExhausted) stoppedBy ??= "budget";
        else if (error instanceof Interrupted) stoppedBy ??= "interrupt";
        else throw error;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, ctx.concurrency) }, worker));
  } finally {
    clearInterval(ticker);
    await writer.flush();
  }
  report();
  return { ...progress, stoppedBy };
}

/** Collects rows and commits them together: immediately once a batch is full, else next turn. */
interface CallResult {
  response: CachedResponse;
  usage: Usage;
  costUsd: number | null;
  latencyMs: number;
  cacheHit: boolean;
}

class BatchWriter {
  calls: CallRecord[] = [];
  cache: CacheEntry[] = [];
  outcomes: JobOutcome[] = [];
  /** Cache entries not yet committed, so a repeated request in the same turn still hits. */
  pendingCache = new Map<string, CachedResponse>();
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly store: Store;
  private readonly delayMs: number;

  constructor(store: Store, delayMs: number) {
    this.store = store;
    this.delayMs = delayMs;
  }

  poke(): void {
    if (this.calls.length + this.outcomes.length >= WRITE_BATCH) void this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      const run = () => {
        this.scheduled = false;
        void this.flush();
      };
      if (this.delayMs > 0) setTimeout(run, this.delayMs);
      else setImmediate(run);
    }
  }

  flush(): Promise<void> {
    const batch = { calls: this.calls, cache: this.cache, outcomes: this.outcomes };
    this.calls = [];
    this.cache = [];
    this.outcomes = [];
    const keys = batch.cache.map((e) => e.key);
    // Handed to the store at once rather than after the previous commit: a store that commits
    // elsewhere (SQLite's writer thread) then works through a queue instead of waiting for this
    // thread to notice each reply. Batches hold distinct jobs, so their order does not matter.
    const committed = this.store.commit(batch);
    this.chain = Promise.all([this.chain, committed]).then(() => {
      for (const k of keys) this.pendingCache.delete(k);
    });
    return this.chain;
  }
}

class BudgetExhausted extends Error {}
class Interrupted extends Error {}
class CallFailed extends Error {}

function describeError(error: unknown, attempt: number): string {
  if (error instanceof ProviderError) {
    return `${error.kind}${error.status ? ` (HTTP ${error.status})` : ""} after ${attempt} attempt${attempt > 1 ? "s" : ""}: ${error.message}`;
  }
  return `error after ${attempt} attempt${attempt > 1 ? "s" : ""}: ${(error as Error)?.message ?? String(error)}`;
}

function estimateTokens(request: ModelRequest): number {
  return promptTokens(request) + (request.maxOutputTokens ?? 0);
}

let isoAt = -1;
let isoText = "";

/** `new Date().toISOString()`, computed once per millisecond: a busy run writes many rows in one. */
function nowIso(): string {
  const t = Date.now();
  if (t !== isoAt) {
    isoAt = t;
    isoText = new Date(t).toISOString();
  }
  return isoText;
}

const zeroUsage = (): Usage => ({
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});

function addUsage(into: Usage, u: Usage): void {
  into.inputTokens += u.inputTokens;
  into.cachedInputTokens += u.cachedInputTokens;
  into.outputTokens += u.outputTokens;
  into.reasoningTokens += u.reasoningTokens;
}

/** Read-only zeros, shared by every cache hit (frozen so that a write would throw, not leak). */
const ZERO_USAGE: Usage = Object.freeze(zeroUsage());

/** A job answered wholly from the cache: nothing spent. Shared, so read-only. */
const CACHED_TOTALS: Totals = Object.freeze({
  usage: ZERO_USAGE,
  costUsd: 0,
  latencyMs: 0,
  allCached: true,
  priced: true,
});

function toModelResponse(r: CachedResponse): ModelResponse {
  return {
    text: r.text,
    firstTokenLogprobs: r.firstTokenLogprobs,
    modelSnapshot: r.modelSnapshot,
    usage: ZERO_USAGE,
  };
}

function callRecord(
  runId: string,
  jobId: string,
  attempt: number,
  purpose: CallRecord["purpose"],
  outcome: string,
  httpStatus: number | null,
  usage: Usage,
  costUsd: number | null,
  latencyMs: number,
): CallRecord {
  return {
    runId,
    jobId,
    attempt,
    purpose,
    outcome,
    httpStatus,
    inputTokens: usage.inputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    outputTokens: usage.outputTokens,
    reasoningTokens: usage.reasoningTokens,
    costUsd,
    latencyMs,
    createdAt: nowIso(),
  };
}

interface Totals {
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  allCached: boolean;
  /** False when a call's model has no known price: the cost is then unknown (null), not 0. */
  priced: boolean;
}

/** One item's row; the job's tokens and cost are shared evenly by its items. */
function responseRow(
  ctx: RunContext,
  job: PlannedJob,
  item: string,
  totals: Totals,
  share: number,
  outcome: Pick<
    ResponseRecord,
    "status" | "answer" | "reason" | "probabilities" | "rawText" | "modelSnapshot"
  >,
): ResponseRecord {
  // One literal, not a spread of a shared part: this runs once per answer.
  return {
    runId: ctx.runId,
    jobId: job.jobId,
    item,
    agentId: job.agentId,
    arm: job.arm,
    replicate: job.replicate,
    model: ctx.model.id,
    status: outcome.status,
    answer: outcome.answer,
    reason: outcome.reason,
    probabilities: outcome.probabilities,
    rawText: outcome.rawText,
    inputTokens: totals.usage.inputTokens / share,
    cachedInputTokens: totals.usage.cachedInputTokens / share,
    outputTokens: totals.usage.outputTokens / share,
    reasoningTokens: totals.usage.reasoningTokens / share,
    costUsd: totals.priced ? totals.costUsd / share : null,
    latencyMs: totals.latencyMs,
    modelSnapshot: outcome.modelSnapshot,
    cacheHit: totals.allCached,
    createdAt: nowIso(),
  };
}

function okOutcome(
  ctx: RunContext,
  job: PlannedJob,
  questions: Question[],
  answers: ReturnType<typeof parseAnswers>["answers"],
  response: CachedResponse,
  totals: Totals,
): JobOutcome {
  const responses: ResponseRecord[] = [];
  for (const q of questions) {
    responses.push(
      responseRow(ctx, job, q.id, totals, questions.length, {
        status: "ok",
        answer: answers[q.id].answer,
        reason: null,
        probabilities: answers[q.id].probabilities ?? null,
        rawText: response.text,
        modelSnapshot: response.modelSnapshot ?? null,
      }),
    );
  }
  return { runId: ctx.runId, jobId: job.jobId, seq: job.seq, status: "ok", responses };
}

function failedOutcome(
  ctx: RunContext,
  job: PlannedJob,
  questions: Question[],
  reason: string,
  totals: Totals,
  rawText: string | null = null,
): JobOutcome {
  const failed = {
    status: "failed",
    answer: null,
    reason,
    probabilities: null,
    rawText,
    modelSnapshot: null,
  } as const;
  const responses = questions.map((q) => responseRow(ctx, job, q.id, totals, questions.length, failed));
  return { runId: ctx.runId, jobId: job.jobId, seq: job.seq, status: "failed", responses };
}
