import assert from "node:assert/strict";
import { test } from "node:test";
import { Budget } from "./budget.ts";

test("a call is refused when its worst case could pass the cap, counting calls in flight", () => {
  const b = new Budget({ capUsd: 1, spentUsd: 0.5 });
  assert.equal(b.reserve(0.3), true);
  assert.equal(b.reserve(0.3), false, "0.5 spent + 0.3 reserved + 0.3 > 1");
  b.settle(0.3, 0.1); // the call cost less than its worst case
  assert.equal(b.spent, 0.6);
  assert.equal(b.reserve(0.3), true);
  assert.equal(b.reserve(0.11), false);
});

test("a call cap counts calls already made in earlier sessions of the run", () => {
  const b = new Budget({ capCalls: 3, calls: 2 });
  assert.equal(b.reserve(0), true);
  assert.equal(b.reserve(0), false);
});
