import assert from "node:assert/strict";
import { test } from "node:test";
import { RateLimiter } from "./rate-limiter.ts";

/**
 * A clock the test moves by hand, with the limiter's timers on it: the pacing is checked in the
 * limiter's own time, so a loaded machine cannot make these tests pass or fail.
 */
class FakeClock {
  t = 0;
  private timers: { at: number; run: () => void }[] = [];
  now = () => this.t;
  setTimer = (run: () => void, ms: number) => {
    this.timers.push({ at: this.t + ms, run });
    return this.timers.length;
  };
  /** Moves time forward `ms`, firing each timer at its time and letting resolved waits run. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.run();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Starts `n` acquires at once and records the (fake) time each one was let through. */
function startAll(limiter: RateLimiter, clock: FakeClock, bucket: string, n: number, tokens = 1): number[] {
  const starts: number[] = [];
  for (let i = 0; i < n; i++) void limiter.acquire(bucket, tokens).then(() => starts.push(clock.t));
  return starts;
}

test("requests are spread so no window carries more than the RPM limit", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock.now, clock.setTimer);
  limiter.configure("p", { rpm: 1200 }); // 20/s
  const starts = startAll(limiter, clock, "p", 30);
  await settle();
  // 1% of a minute's allowance (12) goes at once; then 99% of the rate, one per 1/19.8 s.
  assert.equal(starts.length, 12);
  assert.deepEqual(new Set(starts), new Set([0]));
  await clock.advance(2000);
  assert.equal(starts.length, 30);
  for (let i = 12; i < 30; i++) {
    const due = ((i - 11) * 1000) / 19.8;
    assert.ok(
      starts[i] >= due - 1e-9 && starts[i] <= due + 2,
      `request ${i + 1} at ${starts[i]} ms, due ${due}`,
    );
  }
  // In any 500 ms window at most 12 + 10 requests start.
  for (const from of starts) {
    assert.ok(starts.filter((s) => s >= from && s < from + 500).length <= 22);
  }
});

test("a token limit holds back large requests, and usage settles the estimate", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock.now, clock.setTimer);
  limiter.configure("t", { tpm: 60_000 }); // 1000 tokens/s, a bucket of 600
  const first = startAll(limiter, clock, "t", 1, 600);
  const second = startAll(limiter, clock, "t", 1, 600);
  await settle();
  assert.deepEqual([first, second], [[0], []]);
  await clock.advance(605);
  assert.deepEqual(second, [], "600 tokens at 990/s take 606 ms to come back");
  await clock.advance(5);
  assert.equal(second.length, 1);
  limiter.settle("t", 600, 100); // the call used far fewer tokens: 500 are given back
  const third = startAll(limiter, clock, "t", 1, 400);
  await settle();
  assert.deepEqual(third, [clock.t], "the refund is usable at once");
});

test("a 429 pauses everyone until retry-after; remaining=0 headers do too; unlimited buckets never wait", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock.now, clock.setTimer);
  limiter.pause("x", 300);
  const paused = startAll(limiter, clock, "x", 3);
  await clock.advance(299);
  assert.deepEqual(paused, []);
  await clock.advance(1);
  assert.deepEqual(paused, [300, 300, 300]);
  limiter.observe("x", { remainingRequests: 0, resetRequestsMs: 200 });
  const after = startAll(limiter, clock, "x", 1);
  await clock.advance(199);
  assert.deepEqual(after, []);
  await clock.advance(1);
  assert.deepEqual(after, [500]);
  const free = startAll(limiter, clock, "free", 1000, 10);
  await settle();
  assert.equal(free.length, 1000);
});

test("aborting a waiting acquire rejects it and frees its place", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock.now, clock.setTimer);
  limiter.pause("a", 10_000);
  const controller = new AbortController();
  const waiting = limiter.acquire("a", 1, controller.signal);
  const next = startAll(limiter, clock, "a", 1);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  await clock.advance(10_000);
  assert.deepEqual(next, [10_000], "the next waiter went when the pause ended");
});

test("a limit stated in the provider's headers is adopted when the user set none", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock.now, clock.setTimer);
  limiter.observe("h", { limitRequests: 600, remainingRequests: 0, resetRequestsMs: 6000 });
  // Spent quota: wait for one request's worth (100 ms at 600/min), not the 6 s full reset.
  const starts = startAll(limiter, clock, "h", 6);
  await clock.advance(99);
  assert.deepEqual(starts, []);
  await clock.advance(3);
  assert.equal(starts.length, 1);
  assert.ok(starts[0] >= 100 && starts[0] <= 102, `first at ${starts[0]} ms`);
  // Then paced at 99% of 10/s: one every 101 ms.
  await clock.advance(600);
  assert.equal(starts.length, 6);
  for (let i = 1; i < 6; i++) {
    const gap = starts[i] - starts[i - 1];
    assert.ok(gap >= 101 && gap <= 103, `gap ${gap} ms`);
  }
  // A user's own limit is never overridden by headers.
  limiter.configure("u", { rpm: 60_000 });
  limiter.observe("u", { limitRequests: 60 });
  const own = startAll(limiter, clock, "u", 20);
  await settle();
  assert.equal(own.length, 20, "a bucket of 600 at 60,000/min: all go at once");
});
