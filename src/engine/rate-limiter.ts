import type { RateLimitHints } from "../llm/types.ts";

export interface BucketLimits {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens per minute (input + output). */
  tpm?: number;
}

interface Bucket {
  limits: BucketLimits;
  requests: number;
  tokens: number;
  refilledAt: number;
  /** No request starts before this time (set by 429s and exhausted-quota headers). */
  pausedUntil: number;
  waiters: { tokens: number; resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal }[];
  /** Limits adopted from the provider's headers (never overriding the user's). */
  learned: { rpm?: boolean; tpm?: boolean };
  timer: unknown;
}

/**
 * One token bucket per provider key, shared by all workers. It refills at 99% of the configured
 * rate and holds at most 1% of a minute's allowance, so that no 60-second window ever carries
 * more than the limit (a provider counting a sliding minute never sees a burst over it), while
 * the steady rate stays within 1% of the bound. Providers' 429s and rate-limit headers pause the
 * bucket until the time they name.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly setTimer: (run: () => void, ms: number) => unknown;

  /** The clock and the timer are injectable so tests can check the pacing without waiting. */
  constructor(
    now: () => number = () => performance.now(),
    setTimer: (run: () => void, ms: number) => unknown = setTimeout,
  ) {
    this.now = now;
    this.setTimer = setTimer;
  }

  configure(bucket: string, limits: BucketLimits): void {
    const b = this.bucket(bucket);
    b.limits = limits;
    b.requests = capacity(limits.rpm);
    b.tokens = capacity(limits.tpm);
  }

  private bucket(name: string): Bucket {
    let b = this.buckets.get(name);
    if (!b) {
      b = {
        limits: {},
        requests: 0,
        tokens: 0,
        refilledAt: this.now(),
        pausedUntil: 0,
        waiters: [],
        timer: null,
        learned: {},
      };
      this.buckets.set(name, b);
    }
    return b;
  }

  /** Waits until one request of about `tokens` tokens may start. */
  acquire(bucket: string, tokens: number, signal?: AbortSignal): Promise<void> {
    const b = this.bucket(bucket);
    if (b.waiters.length === 0 && this.tryTake(b, tokens)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { tokens, resolve, reject, signal };
      b.waiters.push(waiter);
      signal?.addEventListener(
        "abort",
        () => {
          const i = b.waiters.indexOf(waiter);
          if (i >= 0) {
            b.waiters.splice(i, 1);
            reject(signal.reason);
          }
        },
        { once: true },
      );
      this.schedule(b);
    });
  }

  /** Corrects the token estimate once the real usage is known. */
  settle(bucket: string, estimated: number, actual: number): void {
    const b = this.bucket(bucket);
    if (b.limits.tpm) b.tokens -= actual - estimated;
  }

  /** A 429 (or a header saying the quota is spent): nobody starts before the wait is over. */
  pause(bucket: string, ms: number): void {
    const b = this.bucket(bucket);
    b.pausedUntil = Math.max(b.pausedUntil, this.now() + ms);
    this.schedule(b);
  }

  /**
   * Learns from a response's rate-limit headers. A limit the provider states and the user did not
   * set is adopted, so the engine paces itself instead of meeting 429s. When the quota is spent
   * the bucket waits for one request's worth of quota, not for the whole quota to refill (the
   * reset headers give the latter).
   */
  observe(bucket: string, hints: RateLimitHints | undefined): void {
    if (!hints) return;
    const b = this.bucket(bucket);
    if (hints.limitRequests && !b.limits.rpm && !b.learned.rpm) {
      b.learned.rpm = true;
      b.limits = { ...b.limits, rpm: hints.limitRequests };
      b.requests = Math.min(hints.remainingRequests ?? 1, capacity(hints.limitRequests));
      b.refilledAt = this.now();
    }
    if (hints.limitTokens && !b.limits.tpm && !b.learned.tpm) {
      b.learned.tpm = true;
      b.limits = { ...b.limits, tpm: hints.limitTokens };
      b.tokens = Math.min(hints.remainingTokens ?? 0, capacity(hints.limitTokens));
      b.refilledAt = this.now();
    }
    if (hints.remainingRequests === 0 && hints.resetRequestsMs !== undefined) {
      const one = hints.limitRequests ? 60_000 / hints.limitRequests : hints.resetRequestsMs;
      this.pause(bucket, Math.min(hints.resetRequestsMs, one));
    }
    if (hints.remainingTokens === 0 && hints.resetTokensMs !== undefined) {
      this.pause(bucket, Math.min(hints.resetTokensMs, 1000));
    }
  }

  private refill(b: Bucket): void {
    const t = this.now();
    const minutes = (t - b.refilledAt) / 60_000;
    b.refilledAt = t;
    if (b.limits.rpm)
      b.requests = Math.min(capacity(b.limits.rpm), b.requests + minutes * rate(b.limits.rpm));
    if (b.limits.tpm) b.tokens = Math.min(capacity(b.limits.tpm), b.tokens + minutes * rate(b.limits.tpm));
  }

  private tryTake(b: Bucket, tokens: number): boolean {
    if (this.now() < b.pausedUntil) return false;
    this.refill(b);
    if (b.limits.rpm && b.requests < 1) return false;
    // A request larger than the whole bucket may go once the bucket is full, or it would never go.
    if (b.limits.tpm && b.tokens < Math.min(tokens, capacity(b.limits.tpm))) return false;
    if (b.limits.rpm) b.requests -= 1;
    if (b.limits.tpm) b.tokens -= tokens;
    return true;
  }

  private schedule(b: Bucket): void {
    if (b.timer || b.waiters.length === 0) return;
    const wait = this.waitTime(b, b.waiters[0].tokens);
    b.timer = this.setTimer(() => {
      b.timer = null;
      while (b.waiters.length > 0 && this.tryTake(b, b.waiters[0].tokens)) b.waiters.shift()!.resolve();
      this.schedule(b);
    }, wait);
  }

  private waitTime(b: Bucket, tokens: number): number {
    const t = this.now();
    if (t < b.pausedUntil) return Math.ceil(b.pausedUntil - t);
    this.refill(b);
    let ms = 0;
    if (b.limits.rpm && b.requests < 1) ms = Math.max(ms, ((1 - b.requests) / rate(b.limits.rpm)) * 60_000);
    if (b.limits.tpm) {
      const need = Math.min(tokens, capacity(b.limits.tpm));
      if (b.tokens < need) ms = Math.max(ms, ((need - b.tokens) / rate(b.limits.tpm)) * 60_000);
    }
    return Math.max(1, Math.ceil(ms));
  }
}

const rate = (perMinute: number) => perMinute * 0.99;
const capacity = (perMinute: number | undefined) => (perMinute ? Math.max(1, perMinute * 0.01) : 0);
