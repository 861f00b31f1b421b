import assert from "node:assert/strict";
import { test } from "node:test";
import { CACHED_TOTALS, replayedRow, responseRow } from "./rows.ts";

test("a replayed row is the row responseRow makes for a cache hit, field for field and in the same order", () => {
  const job = { jobId: "a1/q1+q2/control/r1", seq: 7, agentId: "a1" };
  const reply = { text: '{"q1": "Agree", "q2": 3}', modelSnapshot: "mock-2026" };
  for (const [item, answer] of [
    ["q1", { answer: "Agree" }],
    ["q2", { answer: 3, probabilities: { "1": 0.2, "3": 0.8 } }],
  ] as const) {
    const general = responseRow(
      job,
      {
        item,
        status: "ok",
        answer: answer.answer,
        reason: null,
        probabilities: "probabilities" in answer ? answer.probabilities : null,
        rawText: reply.text,
        modelSnapshot: reply.modelSnapshot,
        turn: null,
      },
      CACHED_TOTALS,
      2,
    );
    const replayed = replayedRow(job, item, answer, reply, general.createdAt);
    assert.deepEqual(replayed, general);
    // The same keys in the same order: the store reads rows of both kinds in one loop.
    assert.deepEqual(Object.keys(replayed), Object.keys(general));
  }
});
