import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { populaceRun, transcriptOf } from "../../bench/crash-trial.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { createRng } from "../random/index.ts";
import { shopSessions, writeWebStudy } from "./test-fixtures.ts";

// kill -9 of a real `populace run` of a web-action study, against the mock LLM server over HTTP.
const dir = mkdtempSync(join(tmpdir(), "populace-webactions-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a web-action run killed with -9 resumes: the same turns and predictions, no finished turn asked again", async () => {
  const mock = await startMockLlm({ port: 0, seed: 6, latencyMs: 40 });
  try {
    const spec = writeWebStudy(dir, "crashweb", shopSessions(60, { steps: 6, users: 20 }));
    const args = (db: string) => [spec, "--model", `${mock.url}/v1#mock`, "--db", db, "--concurrency", "8"];
    const t0 = performance.now();
    const clean = await populaceRun(args(join(dir, "reference.db")));
    const cleanMs = performance.now() - t0;
    assert.equal(clean.status, 0, clean.stderr);
    const expected = await transcriptOf(join(dir, "reference.db"));
    assert.equal(expected.length, 60 * 5, "one turn per test case");
    const rng = createRng("webactions-crash");
    for (let trial = 0; trial < 2; trial++) {
      const db = join(dir, `trial${trial}.db`);
      const before = mock.stats().by_status["200"] ?? 0;
      // A random moment in the second half of an uninterrupted run (the first is mostly Node starting).
      const first = await populaceRun(args(db), Math.round(cleanMs * (0.5 + 0.3 * rng.next())));
      const kept = (await transcriptOf(db)).length;
      let last = first;
      for (let attempt = 0; attempt < 5 && last.status !== 0; attempt++) last = await populaceRun(args(db));
      assert.equal(last.status, 0, `trial ${trial} completed after the kill: ${last.stderr}`);
      // Let the mock finish answering calls that were in flight when the process died.
      await new Promise((r) => setTimeout(r, 200));
      const paid = (mock.stats().by_status["200"] ?? 0) - before;
      const transcript = await transcriptOf(db);
      assert.deepEqual(transcript, expected, `trial ${trial}: the turns equal the uninterrupted run's`);
      assert.ok(
        paid <= expected.length + 8,
        `trial ${trial} (killed: ${first.signal === "SIGKILL"}, ${kept} turns kept): paid ${paid} calls for ${expected.length} turns (at most 8 repeats)`,
      );
    }
  } finally {
    await mock.close();
  }
});
