import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { crashTrial, populaceRun, transcriptOf } from "../../bench/crash-trial.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { createRng } from "../random/index.ts";

// kill -9 of `populace run` on the example community (50 personas × 40 threads) against the mock
// LLM server over real HTTP: the rerun replays finished turns from the cache and continues.
const dir = mkdtempSync(join(tmpdir(), "populace-community-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const spec = resolve(import.meta.dirname, "../../examples/community/bakers.yaml");

test("a community killed with -9 resumes: same transcripts, no finished turn lost, repeats only calls in flight", async () => {
  const mock = await startMockLlm({ seed: 5, latencyMs: 40 });
  try {
    const reference = join(dir, "reference.db");
    const t0 = performance.now();
    const clean = await populaceRun([
      spec,
      "--model",
      `${mock.url}/v1#mock`,
      "--db",
      reference,
      "--concurrency",
      "8",
    ]);
    assert.equal(clean.status, 0, clean.stderr);
    console.log(`# uninterrupted community run: ${Math.round(performance.now() - t0)} ms`);
    const expected = await transcriptOf(reference);
    assert.ok(expected.length > 150, `the community has many turns (${expected.length})`);
    const rng = createRng("community-crash");
    for (let trial = 0; trial < 2; trial++) {
      const killAfterMs = 900 + Math.floor(rng.next() * 1500);
      const r = await crashTrial(mock, spec, join(dir, `trial${trial}.db`), killAfterMs, expected);
      assert.equal(
        r.kills,
        1,
        `trial ${trial}: the run was killed before it finished (after ${killAfterMs} ms)`,
      );
      assert.ok(r.completed, `trial ${trial} completed after the kill`);
      assert.ok(r.identical, `trial ${trial}: the transcripts equal the uninterrupted run's`);
      assert.ok(
        r.paid <= r.turns + 8,
        `trial ${trial}: paid ${r.paid} calls for ${r.turns} turns (at most 8 repeats)`,
      );
    }
  } finally {
    await mock.close();
  }
});
