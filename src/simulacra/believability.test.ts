import assert from "node:assert/strict";
import { test } from "node:test";
import type { JudgmentRecord } from "../store/types.ts";
import { believabilityResults, makePairs, realSide, wilson } from "./index.ts";
import type { Community } from "./read.ts";

function community(threads: Record<string, string[]>): Community {
  const utterances = Object.entries(threads).flatMap(([thread, texts]) =>
    texts.map((text, i) => ({
      thread,
      utterance: `${thread}.${i}`,
      parent: i === 0 ? null : `${thread}.${i - 1}`,
      branch: "main",
      author: `p${i % 2}`,
      persona: "",
      kind: i === 0 ? ("post" as const) : ("reply" as const),
      text,
      temperature: 0.7,
    })),
  );
  return {
    personas: new Map(),
    pools: new Map(),
    utterances,
    byId: new Map(utterances.map((u) => [u.utterance, u])),
    threads: Object.keys(threads).map((thread) => ({
      thread,
      iteration: "main",
      post: null,
      status: "ok" as const,
    })),
    branches: [],
    jobs: [],
    failures: new Map(),
  };
}

const real = (thread: string, bodies: string[]) => ({
  thread,
  group: thread,
  comments: bodies.map((body, i) => ({
    id: `${thread}c${i}`,
    parentId: "",
    author: `u${(i % 2) + 1}`,
    body,
    violatedRule: 0,
  })),
});

test("pairs: each simulated thread beside the real chain closest in wording, each used once, cut to its length", () => {
  const c = community({
    t1: ["Bicycles in the city", "Bike lanes make cycling safer", "Helmets too", "And lights at night"],
    t2: ["Taxes on sugar", "A sugar tax cuts soda sales", "Poor families pay more of it"],
    t3: ["Only a post, no replies"],
  });
  const pairs = makePairs(
    c,
    [
      real("r-tax", ["Sugar taxes are regressive", "But soda sales fall"]),
      real("r-bike", ["Cycling lanes and bike safety", "Lanes help cycling", "Not in winter"]),
      real("r-other", ["The moon landing", "It happened"]),
    ],
    10,
  );
  assert.deepEqual(
    pairs.map((p) => [p.pair, p.sim.thread, p.real.thread, p.sim.messages.length]),
    [
      [1, "t1", "r-bike", 3],
      [2, "t2", "r-tax", 2],
    ],
    "t3 has no replies; each thread gets its topic's chain, cut to as many messages",
  );
  assert.ok(pairs[0].similarity > 0.1);
  assert.deepEqual(
    pairs[0].sim.messages.map((m) => m.author),
    ["u1", "u2", "u1"],
    "authors as pseudonyms, like the real chains'",
  );
});

test("which side is real is drawn per judge and pair, the same every time", () => {
  const sides = Array.from({ length: 400 }, (_, i) => realSide("test1", `judge${i % 7}`, i));
  const a = sides.filter((s) => s === "A").length;
  assert.ok(a > 160 && a < 240, `${a} of 400 on side A`);
  assert.equal(realSide("test1", "ana", 3), realSide("test1", "ana", 3));
});

test("error rates: pooled with a Wilson interval, the judges' mean with a t interval", () => {
  const w = wilson(41, 100);
  assert.equal(w.estimate, 0.41);
  assert.ok(Math.abs(w.lower! - 0.3187) < 5e-4 && Math.abs(w.upper! - 0.508) < 5e-4, JSON.stringify(w));
  assert.deepEqual(wilson(0, 0), { estimate: null, lower: null, upper: null });
  const j = (judge: string, pair: number, correct: boolean): JudgmentRecord => ({
    testId: "t",
    judge,
    pair,
    choice: "A",
    correct,
    createdAt: "x",
  });
  const r = believabilityResults(
    [j("a", 1, false), j("a", 2, true), j("b", 1, false), j("b", 2, false), j("c", 1, true), j("c", 2, true)],
    2,
  );
  assert.deepEqual(
    r.judges.map((x) => [x.judge, x.errorRate]),
    [
      ["a", 0.5],
      ["b", 1],
      ["c", 0],
    ],
  );
  assert.equal(r.pooled.estimate, 0.5);
  assert.equal(r.pooled.judgments, 6);
  assert.ok(r.judgeMean && Math.abs(r.judgeMean.estimate - 0.5) < 1e-12 && r.judgeMean.sd === 0.5);
  // t(0.975, 2) = 4.303: half-width 4.303 × 0.5 / √3 = 1.242, clipped to [0, 1].
  assert.deepEqual([r.judgeMean.lower, r.judgeMean.upper], [0, 1]);
  assert.equal(believabilityResults([j("a", 1, true)], 5).judgeMean, null);
  assert.equal(r.paper, 0.41);
});
