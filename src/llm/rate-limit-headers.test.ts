import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDurationMs, rateLimitHints, retryAfterMs } from "./rate-limit-headers.ts";

test("OpenAI reset durations", () => {
  assert.equal(parseDurationMs("1s"), 1000);
  assert.equal(parseDurationMs("6m0s"), 360_000);
  assert.equal(parseDurationMs("20ms"), 20);
  assert.equal(parseDurationMs("1h2m3.5s"), 3_723_500);
  assert.equal(parseDurationMs("2"), 2000);
  assert.equal(parseDurationMs("soon"), undefined);
  assert.equal(parseDurationMs("1s later"), undefined);
});

test("retry-after-ms wins over retry-after; seconds and HTTP dates are understood", () => {
  assert.equal(retryAfterMs({ "retry-after": "2", "retry-after-ms": "1500" }), 1500);
  assert.equal(retryAfterMs({ "retry-after": "3" }), 3000);
  const now = Date.parse("2025-01-01T00:00:00Z");
  assert.equal(retryAfterMs({ "retry-after": "Wed, 01 Jan 2025 00:00:05 GMT" }, now), 5000);
  assert.equal(retryAfterMs({}), undefined);
});

test("OpenAI x-ratelimit headers become hints", () => {
  const hints = rateLimitHints({
    "x-ratelimit-remaining-requests": "59",
    "x-ratelimit-remaining-tokens": "149000",
    "x-ratelimit-reset-requests": "1s",
    "x-ratelimit-reset-tokens": "6m0s",
  });
  assert.deepEqual(hints, {
    remainingRequests: 59,
    remainingTokens: 149000,
    resetRequestsMs: 1000,
    resetTokensMs: 360000,
  });
});

test("Anthropic headers: remaining counts and RFC 3339 reset instants", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  const hints = rateLimitHints(
    {
      "anthropic-ratelimit-requests-remaining": "4",
      "anthropic-ratelimit-requests-reset": "2025-01-01T00:00:02Z",
      "anthropic-ratelimit-tokens-remaining": "900",
      "anthropic-ratelimit-tokens-reset": "2025-01-01T00:00:30Z",
      "retry-after": "7",
    },
    now,
  );
  assert.deepEqual(hints, {
    retryAfterMs: 7000,
    remainingRequests: 4,
    remainingTokens: 900,
    resetRequestsMs: 2000,
    resetTokensMs: 30000,
  });
  assert.equal(rateLimitHints({ "content-type": "application/json" }), undefined);
});
