import assert from "node:assert/strict";
import { test } from "node:test";
import { RateLimiter } from "./rate-limiter.ts";

test("requests are spread so no window carries more than the RPM limit", async () => {
  const limiter = new RateLimiter();
  limiter.configure("p", { rpm: 1200 }); // 20/s
  const starts: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 30 }, async () => {
      await limiter.acquire("p", 1);
      starts.push(performance.now() - t0);
    }),
  );
  starts.sort((a, b) => a - b);
  // 12 may go at once (1% of a minute's allowance), then ~19.8/s: the 30th waits ~0.9 s.
  assert.ok(starts[29] > 800, `30 requests at 20/s finished too fast: ${starts[29]} ms`);
  assert.ok(starts[29] < 1500, `limiter too slow: ${starts[29]} ms`);
  // In any 500 ms window at most 12 + 10 requests start.
  for (let i = 0; i < starts.length; i++) {
    const inWindow = starts.filter((s) => s >= starts[i] && s < starts[i] + 500).length;
    assert.ok(inWindow <= 22, `window from ${starts[i]} ms holds ${inWindow}`);
  }
});

test("a token limit holds back large requests, and usage settles the estimate", async () => {
  const limiter = new RateLimiter();
  limiter.configure("t", { tpm: 60_000 }); // 1000 tokens/s, bucket of 600
  const t0 = performance.now();
  await limiter.acquire("t", 600);
  await limiter.acquire("t", 600); // must wait ~0.6 s for refill
  const waited = performance.now() - t0;
  assert.ok(waited > 500 && waited < 1200, `waited ${waited} ms`);
  limiter.settle("t", 600, 100); // the call used far fewer tokens: 500 are given back
  const t1 = performance.now();
  await limiter.acquire("t", 400);
  assert.ok(performance.now() - t1 < 100, "the refund was usable at once");
});

test("a 429 pauses everyone until retry-after; remaining=0 headers do too", async () => {
  const limiter = new RateLimiter();
  limiter.pause("x", 300);
  const t0 = performance.now();
  await limiter.acquire("x", 1);
  assert.ok(performance.now() - t0 >= 290);
  limiter.observe("x", { remainingRequests: 0, resetRequestsMs: 200 });
  const t1 = performance.now();
  await limiter.acquire("x", 1);
  assert.ok(performance.now() - t1 >= 190);
  // Unlimited buckets do not wait.
  const t2 = performance.now();
  for (let i = 0; i < 1000; i++) await limiter.acquire("free", 10);
  assert.ok(performance.now() - t2 < 200);
});

test("aborting a waiting acquire rejects it and frees its place", async () => {
  const limiter = new RateLimiter();
  limiter.pause("a", 10_000);
  const controller = new AbortController();
  const waiting = limiter.acquire("a", 1, controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
});

test("a limit stated in the provider's headers is adopted when the user set none", async () => {
  const limiter = new RateLimiter();
  limiter.observe("h", { limitRequests: 600, remainingRequests: 0, resetRequestsMs: 6000 });
  // Spent quota: wait for one request's worth (100 ms at 600/min), not the 6 s full reset.
  const t0 = performance.now();
  await limiter.acquire("h", 1);
  const first = performance.now() - t0;
  assert.ok(first >= 90 && first < 1000, `first acquire waited ${first} ms`);
  // Then paced at ~10/s.
  const t1 = performance.now();
  for (let i = 0; i < 5; i++) await limiter.acquire("h", 1);
  const five = performance.now() - t1;
  assert.ok(five > 350 && five < 900, `5 requests took ${five} ms at 10/s`);
  // A user's own limit is never overridden by headers.
  limiter.configure("u", { rpm: 60_000 });
  limiter.observe("u", { limitRequests: 60 });
  const t2 = performance.now();
  for (let i = 0; i < 20; i++) await limiter.acquire("u", 1);
  assert.ok(performance.now() - t2 < 200);
});
