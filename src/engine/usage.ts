import type { Usage } from "../llm/types.ts";

export const zeroUsage = (): Usage => ({
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});

export function addUsage(into: Usage, u: Usage): void {
  into.inputTokens += u.inputTokens;
  into.cachedInputTokens += u.cachedInputTokens;
  into.outputTokens += u.outputTokens;
  into.reasoningTokens += u.reasoningTokens;
}

/** Read-only zeros, shared by every cache hit (frozen so that a write would throw, not leak). */
export const ZERO_USAGE: Usage = Object.freeze(zeroUsage());

let isoAt = -1;
let isoText = "";

/** `new Date().toISOString()`, computed once per millisecond: a busy run writes many rows in one. */
export function nowIso(): string {
  const t = Date.now();
  if (t !== isoAt) {
    isoAt = t;
    isoText = new Date(t).toISOString();
  }
  return isoText;
}
