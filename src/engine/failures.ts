import { ProviderError } from "../llm/types.ts";

/** Why a call or a run stopped, and which failures are worth another try. */

/** The budget cannot pay for another call, even with nothing else in flight. */
export class BudgetExhausted extends Error {}
/** Ctrl-C (a second one aborts calls in flight). */
export class Interrupted extends Error {}
/** A call failed for good: not retryable, or out of attempts. The message is the job's reason. */
export class CallFailed extends Error {}
/** The provider cannot be used at all (see CallServiceOptions.unavailableAfter). */
export class ProviderUnavailable extends Error {}

/** Network failures that mean the endpoint cannot be reached at all, not that it is busy. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * Why no call to this provider can succeed, or null: connection refused or unknown host, the key
 * refused (401/403), or the model not found (404). Retrying such a call for every job only delays
 * the message the user needs.
 */
export function unusableProvider(error: unknown): string | null {
  if (!(error instanceof ProviderError)) return null;
  if (error.kind === "network" && error.code && UNREACHABLE.has(error.code)) {
    const what = error.code === "ECONNREFUSED" ? "connection refused" : `host unreachable (${error.code})`;
    return `${what}: ${error.message}; check the model URL and that the server is running`;
  }
  if (error.kind === "auth") return `the API key was refused: ${error.message}`;
  if (error.kind === "bad_request" && error.status === 404) {
    return `model or endpoint not found: ${error.message}; check the model id`;
  }
  return null;
}

/** Failure reasons start with the error kind: the ones a rerun retries (the call may work next time). */
const TRANSIENT_REASON = /^(rate_limit|server|timeout|network|malformed)\b/;

export function isTransientFailure(reason: string | null): boolean {
  return reason !== null && TRANSIENT_REASON.test(reason.replace(/^episode stopped at turn \d+: /, ""));
}

export function describeError(error: unknown, attempt: number): string {
  const attempts = `${attempt} attempt${attempt > 1 ? "s" : ""}`;
  if (error instanceof ProviderError) {
    return `${error.kind}${error.status ? ` (HTTP ${error.status})` : ""} after ${attempts}: ${error.message}`;
  }
  return `error after ${attempts}: ${(error as Error)?.message ?? String(error)}`;
}
