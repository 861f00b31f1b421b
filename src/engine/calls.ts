import type { AnswerProblem } from "../llm/index.ts";
import {
  type LanguageModel,
  type ModelRequest,
  type ModelResponse,
  ProviderError,
  type Usage,
} from "../llm/types.ts";
import { createRng } from "../random/index.ts";
import type { CachedResponse, CallRecord, Store, TurnRecord } from "../store/types.ts";
import type { Budget } from "./budget.ts";
import { cacheKey } from "./cache-key.ts";
import { promptTokens } from "./estimate.ts";
import {
  BudgetExhausted,
  CallFailed,
  describeError,
  Interrupted,
  ProviderUnavailable,
  unusableProvider,
} from "./failures.ts";
import type { Progress } from "./progress.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import { defaultRetryPolicy, isRetryable, type RetryPolicy, retryDelay, sleep } from "./retry.ts";
import { addUsage, nowIso, ZERO_USAGE, zeroUsage } from "./usage.ts";
import type { BatchWriter } from "./writer.ts";

/** A model a call may be made to, with its price (null when the model has no known price). */
export interface ModelEntry {
  model: LanguageModel;
  price: (usage: Usage) => number | null;
}

export interface CallServiceOptions {
  runId: string;
  store: Store;
  writer: BatchWriter;
  progress: Progress;
  limiter: RateLimiter;
  budget: Budget;
  retry?: RetryPolicy;
  /** Repair prompts for an invalid answer before it is recorded as a failure (default 2). */
  maxRepairs?: number;
  /** Aborts calls in flight (second Ctrl-C). */
  abort?: AbortSignal;
  /**
   * Calls in a row that fail because the provider cannot be used at all (connection refused,
   * unknown host, key refused, model not found) before the run stops starting calls (default 5).
   */
  unavailableAfter?: number;
}

/** Who a call is for: the ledger's row names the job and the episode turn. */
export interface CallMeta {
  jobId: string;
  turn: number | null;
  purpose: CallRecord["purpose"];
}

export interface CallResult {
  response: CachedResponse;
  usage: Usage;
  costUsd: number | null;
  latencyMs: number;
  cacheHit: boolean;
}

/** What a call's reply is worth: the value read from it, or what is wrong and the request that asks again. */
export type Checked<T> =
  | { ok: true; value: T }
  | { ok: false; problems: AnswerProblem[]; again: ModelRequest };

/** Tokens, cost and time of all the calls behind one answer (its repairs included). */
export interface Totals {
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  allCached: boolean;
  /** False when a call's model has no known price: the cost is then unknown (null), not 0. */
  priced: boolean;
}

export type Asked<T> =
  | { ok: true; value: T; response: CachedResponse; totals: Totals }
  | {
      ok: false;
      reason: string;
      /** The last reply's text, when there was one (an invalid answer). */
      text: string | null;
      problems: AnswerProblem[];
      totals: Totals;
    };

/** Output allowance assumed for a request that sets none (every built-in request sets one). */
const DEFAULT_MAX_OUTPUT = 1000;

/**
 * The one call path of a run: cache → budget → rate limiter → provider → ledger, and for answers
 * that must be checked, parse/validate → repair. Every model call in the project goes through it,
 * whatever model the call names (each keeps its own rate-limit bucket and price). A paid call is
 * cached in the same commit as its ledger row, and that commit is durable before the worker sends
 * its next request, so a crash can repeat only the calls in flight.
 */
export class CallService {
  private readonly o: CallServiceOptions;
  private readonly random: () => number;
  private unavailableInARow = 0;
  /** Set once the provider is found unusable: every later call stops at once with it. */
  private unavailable: string | null = null;

  constructor(options: CallServiceOptions) {
    this.o = options;
    this.random = createRng(`${options.runId}:jitter`).next;
  }

  get store(): Store {
    return this.o.store;
  }

  /** An episode's turn, committed with the run's next batch (or with the paid call it follows). */
  recordTurn(turn: TurnRecord): void {
    this.o.writer.turns.push(turn);
    this.o.writer.poke();
  }

  /** Why the run stopped starting calls, when the provider could not be used. */
  get unavailableReason(): string | null {
    return this.unavailable;
  }

  /**
   * The cached reply of a request key: one not yet committed first, then the store. Look-ups
   * asked in the same turn of the event loop (concurrent episodes' turns) go to the store together.
   */
  lookup(key: string): Promise<CachedResponse | undefined> {
    const pending = this.o.writer.pendingCache.get(key);
    if (pending) return Promise.resolve(pending);
    return new Promise((resolve, reject) => {
      this.lookups.push({ key, resolve, reject });
      if (this.lookups.length === 1) setImmediate(() => this.lookUp());
    });
  }

  private lookups: {
    key: string;
    resolve: (r: CachedResponse | undefined) => void;
    reject: (e: unknown) => void;
  }[] = [];

  private lookUp(): void {
    const batch = this.lookups;
    this.lookups = [];
    this.o.store.cacheGet(batch.map((l) => l.key)).then(
      (found) => {
        for (let i = 0; i < batch.length; i++) batch[i].resolve(found[i]);
      },
      (error) => {
        for (const l of batch) l.reject(error);
      },
    );
  }

  /**
   * One call through the retry layer; a cached reply costs nothing. `key` is the request's cache
   * key when the caller has it; `knownMiss` says the cache was already asked and had nothing;
   * `fresh` asks the model even when the cache has a reply, and the new reply replaces it.
   */
  async complete(
    entry: ModelEntry,
    request: ModelRequest,
    meta: CallMeta,
    opts: { key?: string; knownMiss?: boolean; fresh?: boolean } = {},
  ): Promise<CallResult> {
    const { model } = entry;
    const key = opts.key ?? cacheKey(model, request);
    const cached = opts.knownMiss || opts.fresh ? undefined : await this.lookup(key);
    if (cached) {
      this.o.progress.cacheHits++;
      return { response: cached, usage: ZERO_USAGE, costUsd: 0, latencyMs: 0, cacheHit: true };
    }
    if (this.unavailable) throw new ProviderUnavailable(this.unavailable);
    const { budget, limiter, writer, progress } = this.o;
    // Free models (the baseline, the instant model) need no worst-case cost to reserve: the
    // estimate is only worth its cost (a pass over the prompt) for calls that are paid for.
    const paid = model.kind === "llm";
    // The input side counts the output allowance too: the 4-characters-a-token estimate is rough,
    // and a worst case must not be below the real cost.
    const maxOutput = request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT;
    const estimatedTokens = paid ? promptTokens(request) + maxOutput : 0;
    const worstCase = paid
      ? (entry.price({ ...zeroUsage(), inputTokens: estimatedTokens, outputTokens: maxOutput }) ?? 0)
      : 0;
    const policy = this.o.retry ?? defaultRetryPolicy;
    for (let attempt = 1; ; attempt++) {
      if (this.o.abort?.aborted) throw new Interrupted();
      // Waiting is the exception (a budget near its cap): the usual reservation costs no await.
      if (!this.o.budget.reserve(worstCase)) await this.waitToReserve(worstCase);
      // The reservation is settled once: with the cost when the reply came, else with 0.
      let settled = false;
      const t0 = performance.now();
      try {
        await limiter.acquire(model.bucket, estimatedTokens, this.o.abort);
        progress.inFlight++;
        let response: ModelResponse;
        try {
          // The request is shared (repairs build on it), so a signal goes on a copy.
          response = await model.complete(this.o.abort ? { ...request, signal: this.o.abort } : request);
        } finally {
          progress.inFlight--;
        }
        const latencyMs = performance.now() - t0;
        const costUsd = entry.price(response.usage);
        budget.settle(worstCase, costUsd ?? 0);
        settled = true;
        limiter.settle(
          model.bucket,
          estimatedTokens,
          response.usage.inputTokens + response.usage.outputTokens,
        );
        limiter.observe(model.bucket, response.rateLimit);
        this.unavailableInARow = 0;
        progress.calls++;
        progress.inputTokens += response.usage.inputTokens;
        progress.outputTokens += response.usage.outputTokens;
        progress.costUsd += costUsd ?? 0;
        if (costUsd === null) progress.costUnknown = true;
        const stored: CachedResponse = { text: response.text };
        if (response.toolCalls?.length) stored.toolCalls = response.toolCalls;
        if (response.firstTokenLogprobs) stored.firstTokenLogprobs = response.firstTokenLogprobs;
        if (response.modelSnapshot) stored.modelSnapshot = response.modelSnapshot;
        writer.calls.push(
          callRecord(this.o.runId, meta, attempt, "ok", null, response.usage, costUsd, latencyMs),
        );
        writer.cache.push(
          opts.fresh
            ? { key, model: model.id, response: stored, replace: true }
            : { key, model: model.id, response: stored },
        );
        writer.pendingCache.set(key, stored);
        // A paid answer is made durable (ledger row and cache entry) before this worker sends its
        // next request, so a crash can repeat only the calls in flight. Free answers are batched.
        if (paid) await writer.flush();
        else writer.poke();
        return { response: stored, usage: response.usage, costUsd, latencyMs, cacheHit: false };
      } catch (error) {
        if (!settled) budget.settle(worstCase, 0);
        if (error instanceof Interrupted || this.o.abort?.aborted) throw new Interrupted();
        const kind = error instanceof ProviderError ? error.kind : "error";
        const status = error instanceof ProviderError ? (error.status ?? null) : null;
        writer.calls.push(
          callRecord(this.o.runId, meta, attempt, kind, status, zeroUsage(), 0, performance.now() - t0),
        );
        writer.poke();
        if (kind === "rate_limit") {
          progress.rateLimited++;
          limiter.pause(model.bucket, (error as ProviderError).retryAfterMs ?? 1000);
        }
        const unusable = unusableProvider(error);
        if (unusable) {
          // Not this job's fault: the job stays as it was, and once enough calls in a row say the
          // same, no more are started (instead of every job retrying against a closed port).
          if (++this.unavailableInARow >= (this.o.unavailableAfter ?? 5)) {
            this.unavailable ??= `${this.unavailableInARow} calls in a row failed: ${unusable}`;
          }
          if (this.unavailable) throw new ProviderUnavailable(this.unavailable);
        } else {
          this.unavailableInARow = 0;
          if (!isRetryable(error) || attempt >= policy.maxAttempts) {
            throw new CallFailed(describeError(error, attempt));
          }
        }
        progress.retries++;
        // An unusable provider is asked again soon (a server may be starting) but not for long:
        // the point is to say so within seconds.
        const delay = retryDelay(policy, attempt, error, this.random);
        await sleep(unusable ? Math.min(delay, 1000) : delay, this.o.abort).catch(() => {
          throw new Interrupted();
        });
      }
    }
  }

  /**
   * A checked answer: the call, then `check` on its reply; an invalid reply is sent back with the
   * request `check` gives (a repair prompt) up to maxRepairs times, then recorded as a failure
   * naming what was wrong. A call that fails for good (CallFailed) ends the answer the same way.
   * `check` gets the reply and the request that produced it; with `distrustCache` (a failed job
   * retried on purpose) it must be pure, as a cached reply that fails it is asked of the model
   * again (and checked again) instead of being repaired.
   */
  async ask<T>(
    entry: ModelEntry,
    first: ModelRequest,
    check: (reply: CachedResponse, request: ModelRequest) => Checked<T>,
    meta: Omit<CallMeta, "purpose">,
    opts: { key?: string; knownMiss?: boolean; fresh?: boolean; distrustCache?: boolean } = {},
  ): Promise<Asked<T>> {
    const maxRepairs = this.o.maxRepairs ?? 2;
    const totals: Totals = { usage: zeroUsage(), costUsd: 0, latencyMs: 0, allCached: true, priced: true };
    let request = first;
    let problems: AnswerProblem[] = [];
    let text: string | null = null;
    for (let repair = 0; repair <= maxRepairs; repair++) {
      const callMeta: CallMeta = {
        jobId: meta.jobId,
        turn: meta.turn,
        purpose: repair === 0 ? "answer" : "repair",
      };
      let result: CallResult;
      let checked: Checked<T>;
      try {
        result = await this.complete(entry, request, callMeta, repair === 0 ? opts : {});
        addTo(totals, result);
        checked = check(result.response, request);
        if (result.cacheHit && opts.distrustCache && !checked.ok) {
          // A failed job retried on purpose: a cached reply that fails is asked of the model again.
          result = await this.complete(entry, request, callMeta, { fresh: true });
          addTo(totals, result);
          checked = check(result.response, request);
        }
      } catch (error) {
        if (error instanceof CallFailed) {
          // The call was attempted and failed: not an answer from the cache.
          totals.allCached = false;
          return { ok: false, reason: error.message, text, problems, totals };
        }
        throw error;
      }
      totals.allCached &&= result.cacheHit;
      if (checked.ok) return { ok: true, value: checked.value, response: result.response, totals };
      problems = checked.problems;
      text = result.response.text;
      request = checked.again;
    }
    const reason = `invalid answer after ${maxRepairs} repair${maxRepairs === 1 ? "" : "s"}: ${problems.map((p) => p.reason).join("; ")}`;
    return { ok: false, reason, text, problems, totals };
  }

  /** Waits for calls in flight to settle until `worstCase` fits the budget, or ends the run. */
  private async waitToReserve(worstCase: number): Promise<void> {
    const { budget } = this.o;
    do {
      if (!budget.hasReservations) throw new BudgetExhausted();
      await budget.settled();
      if (this.o.abort?.aborted) throw new Interrupted();
    } while (!budget.reserve(worstCase));
  }
}

/** Adds one call's tokens, cost and time to an answer's totals. */
function addTo(totals: Totals, result: CallResult): void {
  addUsage(totals.usage, result.usage);
  if (result.costUsd === null) totals.priced = false;
  else totals.costUsd += result.costUsd;
  totals.latencyMs += result.latencyMs;
}

function callRecord(
  runId: string,
  meta: CallMeta,
  attempt: number,
  outcome: string,
  httpStatus: number | null,
  usage: Usage,
  costUsd: number | null,
  latencyMs: number,
): CallRecord {
  return {
    runId,
    jobId: meta.jobId,
    turn: meta.turn,
    attempt,
    purpose: meta.purpose,
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

export {
  BudgetExhausted,
  CallFailed,
  Interrupted,
  isTransientFailure,
  ProviderUnavailable,
} from "./failures.ts";
export { addUsage, nowIso, ZERO_USAGE, zeroUsage } from "./usage.ts";
