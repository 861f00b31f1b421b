/**
 * Token buckets for the mock's RPM and TPM limits. A bucket refills at limit/60 per second and
 * holds `burstSeconds` worth (at least one unit), like providers that enforce per-minute limits
 * over shorter intervals: a client cannot burst a whole minute's quota at once.
 */
export class TokenBucket {
  readonly perMinute: number;
  readonly capacity: number;
  private readonly perMs: number;
  private level: number;
  private last: number;

  constructor(perMinute: number, burstSeconds: number, now: number) {
    this.perMinute = perMinute;
    this.perMs = perMinute / 60_000;
    this.capacity = Math.max(1, (perMinute / 60) * burstSeconds);
    this.level = this.capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.level = Math.min(this.capacity, this.level + (now - this.last) * this.perMs);
      this.last = now;
    }
  }

  /** 0 when `amount` can be taken now, else the milliseconds until it can. */
  waitMs(amount: number, now: number): number {
    this.refill(now);
    // A request larger than the whole bucket may go when the bucket is full (it then runs a debt).
    const need = Math.min(amount, this.capacity);
    return this.level >= need ? 0 : (need - this.level) / this.perMs;
  }

  take(amount: number): void {
    this.level -= amount;
  }

  remaining(now: number): number {
    this.refill(now);
    return Math.max(0, Math.floor(this.level));
  }

  /** Milliseconds until the bucket is full again. */
  resetMs(now: number): number {
    this.refill(now);
    return Math.max(0, (this.capacity - this.level) / this.perMs);
  }
}

/** "1s", "6m0s", "20ms": the OpenAI reset-header format. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const totalSeconds = ms / 1000;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = Math.round((totalSeconds - minutes * 60) * 1000) / 1000;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}
