import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { resolveDataDir } from "../data/index.ts";
import { createModel } from "../llm/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { loadStudy } from "../spec/index.ts";
import { openStore, type ResponseRecord } from "../store/index.ts";
import { runStudy } from "./index.ts";

// The sample transcript as an agent under each conditioning, over real HTTP to the mock LLM
// server (a test double: its answers are seeded draws, not a language model's).
const dataDir = resolveDataDir();
const nodes = join(dataDir, "genagents-interview-sample", "nodes.json");
const dir = mkdtempSync(join(tmpdir(), "populace-interviews-run-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ITEMS = [
  "cappun",
  "courts",
  "natsoc",
  "natchld",
  "postlife",
  "bible",
  "happy",
  "trust",
  "gunlaw",
  "fefam",
];

function spec(name: string, population: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
seed: 5
population:
  source: interviews
  files: [${JSON.stringify(nodes)}]
${population}
instrument:
  items_per_call: 5
  items: [${ITEMS.map((id) => `{gss: ${id}}`).join(", ")}]
`,
  );
  return file;
}

test("the sample interview under demographic, interview and interview keep 0.2: input tokens per call in proportion", async () => {
  const mock = await startMockLlm({ seed: 9 });
  try {
    const store = openStore(join(dir, "modes.db"));
    const model = createModel(`${mock.url}/v1#mock`);
    const perCall: Record<string, number> = {};
    const runs = {
      interview: "",
      ablation: "  interview: { keep: 0.2, seed: 1 }",
      demographic: "  conditioning: demographic",
    };
    for (const [mode, population] of Object.entries(runs)) {
      const result = await runStudy({ study: loadStudy(spec(mode, population)), store, dataDir, model });
      assert.equal(result.run.status, "completed");
      assert.match(result.notes.join("\n"), /interviews: masked 1 street address, 1 name in 1 of 1 people/);
      const rows: ResponseRecord[] = [];
      for await (const r of store.responses(result.run.id)) rows.push(r);
      assert.equal(rows.length, ITEMS.length);
      assert.ok(
        rows.every((r) => r.status === "ok" && r.answer !== null),
        "every answer valid",
      );
      // Each row carries its call's tokens split over the call's 5 items.
      perCall[mode] = (rows.reduce((n, r) => n + r.inputTokens, 0) / ITEMS.length) * 5;
    }
    const ablation = perCall.ablation / perCall.interview;
    const demographic = perCall.demographic / perCall.interview;
    assert.ok(
      perCall.interview > 15_000,
      `the whole interview is ~17k tokens a call, got ${perCall.interview}`,
    );
    assert.ok(ablation > 0.14 && ablation < 0.26, `keep 0.2 costs ${ablation.toFixed(3)} of the interview`);
    assert.ok(demographic < 0.05, `demographic costs ${demographic.toFixed(3)} of the interview`);
    await store.close();
    // The stored profile is what opened the prompts: the transcript first, nothing before it.
    const db = new DatabaseSync(join(dir, "modes.db"));
    const profiles = db.prepare("SELECT profile FROM agents ORDER BY length(profile)").all() as {
      profile: string;
    }[];
    db.close();
    assert.equal(profiles.length, 3);
    assert.match(profiles[0].profile, /^My name is Joon\./);
    assert.match(
      profiles[1].profile,
      /^Below are excerpts from an interview with me \(23 of its 115 exchanges/,
    );
    assert.match(profiles[2].profile, /^Below is the transcript of an interview with me\./);
  } finally {
    await mock.close();
  }
});
