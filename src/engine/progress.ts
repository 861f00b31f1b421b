/** A run's counters, reported to the progress display while it runs. */
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

export function newProgress(total: number): Progress {
  return {
    total,
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
}
