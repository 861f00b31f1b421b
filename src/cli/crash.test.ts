import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { crashTrial, populaceRun, transcriptOf, writeCrashStudy } from "../../bench/crash-trial.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { createRng } from "../random/index.ts";

// kill -9 of a real `populace run` process against the mock LLM server over real HTTP.
const dir = mkdtempSync(join(tmpdir(), "populace-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a sequential survey killed with -9 resumes: same transcripts, no completed turn lost, repeats only calls in flight", async () => {
  const mock = await startMockLlm({ seed: 9, latencyMs: 20 });
  try {
    const spec = writeCrashStudy({ dir, name: "crash", people: 40, items: 6 });
    const reference = join(dir, "reference.db");
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
    const expected = await transcriptOf(reference);
    assert.ok(expected.length > 100, `the study has many turns (${expected.length})`);
    const rng = createRng("crash-test");
    for (let trial = 0; trial < 2; trial++) {
      // A random moment after the process has started (Node takes ~0.5-1 s to load the CLI).
      const killAfterMs = 900 + Math.floor(rng.next() * 900);
      const r = await crashTrial(mock, spec, join(dir, `trial${trial}.db`), killAfterMs, expected);
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
