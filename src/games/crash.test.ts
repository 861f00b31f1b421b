import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { crashTrial, populaceRun, transcriptOf } from "../../bench/crash-trial.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { createRng } from "../random/index.ts";

// kill -9 of a real `populace run` of a repeated public goods game, against the mock LLM server
// over real HTTP: the rerun replays the finished turns from the cache and plays on.
const dir = mkdtempSync(join(tmpdir(), "populace-game-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a game run killed with -9 resumes: the same turns, no finished move asked again beyond the calls in flight", async () => {
  const mock = await startMockLlm({ seed: 12, latencyMs: 60 });
  try {
    const spec = join(dir, "pgg.yaml");
    writeFileSync(
      spec,
      `name: pgg-crash
seed: 4
population:
  source: personas
  personas:
${Array.from({ length: 32 }, (_, i) => `    - {id: p${i + 1}, text: "I am person ${i + 1}, ${20 + i} years old."}`).join("\n")}
instrument: { game: public_goods, group_size: 4, mpcr: 0.5, rounds: 10 }
model: {max_output_tokens: 30}
`,
    );
    const clean = await populaceRun([
      spec,
      "--model",
      `${mock.url}/v1#mock`,
      "--db",
      join(dir, "reference.db"),
      "--concurrency",
      "8",
    ]);
    assert.equal(clean.status, 0, clean.stderr);
    const expected = await transcriptOf(join(dir, "reference.db"));
    const moves = expected.filter((t) => t[5] === "ok").length;
    assert.equal(moves, 8 * 4 * 10, "8 groups × 4 players × 10 rounds");
    const rng = createRng("game-crash");
    for (let trial = 0; trial < 2; trial++) {
      // A random moment after the process has started (Node takes ~0.5-1 s to load the CLI).
      const killAfterMs = 900 + Math.floor(rng.next() * 700);
      const r = await crashTrial(mock, spec, join(dir, `trial${trial}.db`), killAfterMs, expected);
      assert.ok(r.completed, `trial ${trial} completed after the kill`);
      assert.ok(r.identical, `trial ${trial}: the turns equal the uninterrupted run's`);
      // 8 episodes at once, each asking a round's 4 players together: at most 32 calls in flight at the kill.
      assert.ok(
        r.paid <= r.turns + 32,
        `trial ${trial}: paid ${r.paid} calls for ${r.turns} turns (at most 32 repeats)`,
      );
    }
  } finally {
    await mock.close();
  }
});
