import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { LanguageModel, ModelRequest } from "../llm/types.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore, type TurnRecord } from "../store/index.ts";
import { runStudy } from "../study/index.ts";
import { contentWords, NEAR_DUPLICATE, readCommunity, similarity } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-personas-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("near-duplicates: personas that share half their content words", () => {
  const a = contentWords("Ana Silva, a nurse who loves hiking in the hills");
  const b = contentWords("Ana Silva is a nurse who loves hiking");
  const c = contentWords("Bo Chen, a bus driver who collects vinyl records");
  assert.deepEqual([...contentWords("The nurse AND the Nurse's dog")], ["nurse", "nurse's", "dog"]);
  assert.ok(similarity(a, b) >= NEAR_DUPLICATE, `${similarity(a, b)}`);
  assert.ok(similarity(a, c) < 0.1);
  assert.equal(similarity(a, a), 1);
});

/**
 * A scripted stand-in for a model (a test double): its persona batches repeat people on purpose,
 * so the expansion must reject them and ask again.
 */
function scripted(batches: string[][]): LanguageModel & { asked: ModelRequest[] } {
  const asked: ModelRequest[] = [];
  let next = 0;
  return {
    id: "script:personas",
    bucket: "script",
    kind: "instant",
    supportsLogprobs: false,
    asked,
    complete: async (request) => {
      asked.push(request);
      const text =
        request.schema?.name === "personas"
          ? JSON.stringify({ personas: batches[Math.min(next++, batches.length - 1)] })
          : JSON.stringify({ title: "Hello", body: "First loaf!" });
      return { text, usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 10, reasoningTokens: 0 } };
    },
  };
}

const study = (personas: number) =>
  parseStudy(
    `name: dupes
instrument:
  community:
    goal: home bakers
    rules: []
    seed_personas: ["Yuna Kim, a nurse who bakes sourdough on her days off"]
    personas: ${personas}
    threads: 1
    max_replies: 0
`,
    "dupes.yaml",
  );

test("the expansion rejects near-duplicates and tells the next call not to write them again", async () => {
  const model = scripted([
    [
      "Ana Silva, a teacher who bakes rye with her kids",
      "Yuna Kim is a nurse who bakes sourdough on days off",
      "Ana Silva, a teacher who bakes rye bread with her kids",
    ],
    [
      "Bo Chen, a bus driver who tries every flour he can find",
      "Dee Park, a chemist curious about fermentation",
    ],
  ]);
  const store = openStore(join(dir, "dupes.db"));
  try {
    const r = await runStudy({ study: study(3), store, dataDir: dir, model });
    assert.equal(r.run.status, "completed");
    const c = await readCommunity(store, r.run.id);
    assert.deepEqual(
      c.pools.get("main")!.map((m) => m.id),
      ["s1", "p1", "p2", "p3"],
    );
    assert.deepEqual(
      c.pools
        .get("main")!
        .slice(1)
        .map((m) => m.text.split(",")[0]),
      ["Ana Silva", "Bo Chen", "Dee Park"],
    );
    const turns: TurnRecord[] = [];
    for await (const t of store.turns(r.run.id)) turns.push(t);
    const note = turns.find((t) => t.status === "note")!;
    assert.match(note.text, /rejected 2 near-duplicate personas/);
    const second = model.asked.filter((q) => q.schema?.name === "personas")[1];
    assert.match(second.messages[1].content, /do not write them again:\n- Yuna Kim is a nurse/);
    assert.match(second.messages[1].content, /Write 2 more members/);
  } finally {
    await store.close();
  }
});

test("a model that keeps repeating people ends the expansion with a failed row saying how far it got", async () => {
  const model = scripted([["Ana Silva, a teacher who bakes rye with her kids"]]);
  const store = openStore(join(dir, "stuck.db"));
  try {
    const r = await runStudy({ study: study(3), store, dataDir: dir, model });
    const counts = await store.jobCounts(r.run.id);
    assert.equal(counts.failed, 1);
    const failed = await store.failedJobs(r.run.id);
    assert.match(
      failed[0].reasons[0],
      /^only 1 of 3 distinct personas after 5 calls \(4 near-duplicates rejected\)$/,
    );
    // The thread still gets written, from the members there are.
    const c = await readCommunity(store, r.run.id);
    assert.equal(c.threads[0].post?.text, "Hello\n\nFirst loaf!");
  } finally {
    await store.close();
  }
});
