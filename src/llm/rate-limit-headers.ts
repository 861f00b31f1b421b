import type { RateLimitHints } from "./types.ts";

type HeaderBag = Record<string, string | undefined> | undefined;

function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  const v = headers[name] ?? headers[name.toLowerCase()];
  return v === undefined || v === "" ? undefined : v;
}

function nonNegativeNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * OpenAI reset durations look like "1s", "6m0s", "20ms", "1h2m3.5s"; a bare number is seconds.
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    const v = Number(m[1]);
    total += m[2] === "ms" ? v : m[2] === "s" ? v * 1000 : m[2] === "m" ? v * 60_000 : v * 3_600_000;
    matched = re.lastIndex;
  }
  return matched === t.length && matched > 0 ? total : undefined;
}

/** Anthropic sends reset times as RFC 3339 instants; we want "how long from now". */
function untilInstantMs(text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `retry-after-ms` (OpenAI) is more precise than `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: HeaderBag, now = Date.now()): number | undefined {
  const ms = nonNegativeNumber(header(headers, "retry-after-ms"));
  if (ms !== undefined) return ms;
  const ra = header(headers, "retry-after");
  if (ra === undefined) return undefined;
  const seconds = nonNegativeNumber(ra);
  if (seconds !== undefined) return seconds * 1000;
  return untilInstantMs(ra, now);
}

/** Reads OpenAI-style `x-ratelimit-*` and Anthropic `anthropic-ratelimit-*` headers. */
export function rateLimitHints(headers: HeaderBag, now = Date.now()): RateLimitHints | undefined {
  if (!headers) return undefined;
  const hints: RateLimitHints = {
    retryAfterMs: retryAfterMs(headers, now),
    limitRequests:
      nonNegativeNumber(header(headers, "x-ratelimit-limit-requests")) ??
      nonNegativeNumber(header(headers, "anthropic-ratelimit-requests-limit")),
    limitTokens:
      nonNegativeNumber(header(headers, "x-ratelimit-limit-tokens")) ??
      nonNegativeNumber(header(headers, "anthropic-ratelimit-tokens-limit")) ??
      nonNegativeNumber(header(headers, "anthropic-ratelimit-input-tokens-limit")),
    remainingRequests:
      nonNegativeNumber(header(headers, "x-ratelimit-remaining-requests")) ??
      nonNegativeNumber(header(headers, "anthropic-ratelimit-requests-remaining")),
    remainingTokens:
      nonNegativeNumber(header(headers, "x-ratelimit-remaining-tokens")) ??
      nonNegativeNumber(header(headers, "anthropic-ratelimit-tokens-remaining")) ??
      nonNegativeNumber(header(headers, "anthropic-ratelimit-input-tokens-remaining")),
    resetRequestsMs:
      parseDurationMs(header(headers, "x-ratelimit-reset-requests")) ??
      untilInstantMs(header(headers, "anthropic-ratelimit-requests-reset"), now),
    resetTokensMs:
      parseDurationMs(header(headers, "x-ratelimit-reset-tokens")) ??
      untilInstantMs(header(headers, "anthropic-ratelimit-tokens-reset"), now) ??
      untilInstantMs(header(headers, "anthropic-ratelimit-input-tokens-reset"), now),
  };
  let any = false;
  for (const key of Object.keys(hints) as (keyof RateLimitHints)[]) {
    if (hints[key] === undefined) delete hints[key];
    else any = true;
  }
  return any ? hints : undefined;
}
