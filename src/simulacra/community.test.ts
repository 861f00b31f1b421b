import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { UserError } from "../errors/index.ts";
import { createModel } from "../llm/index.ts";
import { type MockLlm, startMockLlm } from "../mock-llm/index.ts";
import { loadStudy, parseStudy } from "../spec/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { branchCommunity, runStudy } from "../study/index.ts";
import {
  contentWords,
  exportOrder,
  NEAR_DUPLICATE,
  readCommunity,
  similarity,
  type ThreadRow,
  threadRow,
} from "./index.ts";

// Real parts: SQLite files, the engine, and real HTTP to the mock LLM server (a test double).
const dir = mkdtempSync(join(tmpdir(), "populace-community-"));
const example = resolve(import.meta.dirname, "../../examples/community/bakers.yaml");
let mock: MockLlm;
let store: Store;
let runId = "";
before(async () => {
  mock = await startMockLlm({ seed: 8, recordRequests: 400 });
  store = openStore(join(dir, "community.db"));
});
after(async () => {
  await mock.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rowsOf(id: string): Promise<ThreadRow[]> {
  return exportOrder(await readCommunity(store, id)).map(threadRow);
}

test("a community of 50 personas × 40 threads on the mock keeps the rules of Generate", async () => {
  const model = createModel(`${mock.url}/v1#mock`);
  const result = await runStudy({ study: loadStudy(example), store, dataDir: dir, model });
  runId = result.run.id;
  assert.equal(result.run.status, "completed");
  const c = await readCommunity(store, runId);
  // 3 seeds and 50 generated personas, no two of them near-duplicates.
  const pool = c.pools.get("main")!;
  assert.equal(pool.length, 53);
  assert.equal(pool.filter((m) => m.id.startsWith("p")).length, 50);
  const words = pool.map((m) => contentWords(m.text));
  for (let i = 0; i < words.length; i++)
    for (let j = i + 1; j < words.length; j++) assert.ok(similarity(words[i], words[j]) < NEAR_DUPLICATE);

  const rows = await rowsOf(runId);
  const posts = rows.filter((r) => r.kind === "post");
  assert.equal(posts.length, 40);
  assert.deepEqual(
    posts.map((p) => p.thread),
    Array.from({ length: 40 }, (_, i) => `t${i + 1}`),
  );
  const byId = new Map(rows.map((r) => [r.utterance, r]));
  const replies = rows.filter((r) => r.kind === "reply");
  assert.ok(replies.length > 60, `${replies.length} replies`);
  let fresh = 0;
  const perThread = new Map<string, number>();
  for (const r of replies) {
    const parent = byId.get(r.parent!)!;
    assert.notEqual(r.author, parent.author, `${r.utterance} replies to its own author`);
    assert.equal(r.thread, parent.thread);
    assert.equal(r.branch, "main");
    assert.equal(r.temperature, 0.7);
    assert.ok(r.persona.length > 0 && pool.some((m) => m.id === r.author && m.text === r.persona));
    const earlier = new Set<string>();
    for (let at: ThreadRow | undefined = parent; at; at = at.parent ? byId.get(at.parent) : undefined)
      earlier.add(at.author);
    if (!earlier.has(r.author)) fresh++;
    perThread.set(r.thread, (perThread.get(r.thread) ?? 0) + 1);
  }
  assert.ok(Math.max(...perThread.values()) <= 8, "at most max_replies per thread");
  // New with probability 0.5, and always for a thread's first reply (its only earlier participant
  // wrote the post): a little over half.
  const share = fresh / replies.length;
  assert.ok(share > 0.45 && share < 0.72, `share of replies from new members ${share}`);
  // Every reply's prompt held the persona, the goal, the rules and the thread so far.
  const bodies = mock.requests() as { messages: { role: string; content: string }[]; temperature: number }[];
  const reply = bodies.find((b) => b.messages[1]?.content.includes("Write your reply"))!;
  assert.match(reply.messages[0].content, /^You are a member of an online forum\. Who you are: /);
  assert.match(reply.messages[1].content, /bake bread at home/);
  assert.match(reply.messages[1].content, /1\. Be kind to beginners/);
  assert.match(reply.messages[1].content, /Post by u1:/);
  assert.equal(reply.temperature, 0.7);

  const again = await runStudy({ study: loadStudy(example), store, dataDir: dir, model });
  assert.ok(again.resumed);
  assert.equal(again.summary?.calls, 0, "a finished community is not asked again");
});

test("WhatIf and Multiverse branches are stored beside the original, with their persona and temperature", async () => {
  const model = createModel(`${mock.url}/v1#mock`);
  const rows = await rowsOf(runId);
  const target =
    rows.find((r) => r.kind === "reply" && r.thread === "t3") ?? rows.find((r) => r.kind === "reply")!;
  const troll = "A troll who mocks beginners and their flat loaves";
  const w = await branchCommunity({
    store,
    runId,
    dataDir: dir,
    model,
    request: { kind: "whatif", from: target.utterance, as: troll, continue: 2 },
  });
  assert.deepEqual(w.branches, ["whatif-1"]);
  const mod = await branchCommunity({
    store,
    runId,
    dataDir: dir,
    model,
    request: {
      kind: "whatif",
      from: target.utterance,
      as: "A moderator",
      text: "Please keep it kind (rule 1).",
      continue: 1,
    },
  });
  assert.deepEqual(mod.branches, ["whatif-2"]);
  const mv = await branchCommunity({
    store,
    runId,
    dataDir: dir,
    model,
    request: { kind: "multiverse", from: target.utterance, n: 3, temperature: 0.8 },
  });
  assert.deepEqual(mv.branches, ["multiverse-1-1", "multiverse-1-2", "multiverse-1-3"]);

  const after = await rowsOf(runId);
  const branch = (b: string) => after.filter((r) => r.branch === b);
  const w1 = branch("whatif-1");
  assert.equal(w1.length, 3, "the troll's reply and 2 more");
  assert.equal(w1[0].utterance, `${target.thread}.whatif-1.1`);
  assert.equal(w1[0].parent, target.utterance);
  assert.equal(w1[0].author, "whatif-1.as");
  assert.equal(w1[0].persona, troll);
  assert.equal(w1[0].temperature, 0.7);
  assert.equal(w1[1].parent, w1[0].utterance);
  assert.notEqual(w1[1].author, w1[0].author);
  const w2 = branch("whatif-2");
  assert.equal(w2[0].text, "Please keep it kind (rule 1).");
  assert.equal(w2[0].temperature, null, "a given text was not generated");
  assert.equal(w2.length, 2);
  for (const b of mv.branches) {
    const alt = branch(b);
    assert.ok(alt.length >= 1);
    assert.equal(alt[0].parent, target.utterance);
    assert.ok(alt.every((r) => r.temperature === 0.8 && r.persona.length > 0));
  }
  const firsts = new Set(mv.branches.map((b) => branch(b)[0].text));
  assert.equal(firsts.size, 3, "three different continuations");
  // The main thread is unchanged, and the rules hold within branches too.
  assert.deepEqual(
    after.filter((r) => r.branch === "main"),
    rows,
  );
  const byId = new Map(after.map((r) => [r.utterance, r]));
  for (const r of after) if (r.parent) assert.notEqual(r.author, byId.get(r.parent)!.author, r.utterance);

  // The same request again makes nothing new: it names the branch made before (a rerun resumes it).
  const same = await branchCommunity({
    store,
    runId,
    dataDir: dir,
    model,
    request: { kind: "whatif", from: target.utterance, as: troll, continue: 2 },
  });
  assert.deepEqual(same.branches, ["whatif-1"]);
  assert.ok(same.existing);
  assert.equal(same.summary.calls, 0);
});

test("community-wide Multiverse makes whole new communities from the same design, personas resampled", async () => {
  const model = createModel(`${mock.url}/v1#mock`);
  const r = await branchCommunity({
    store,
    runId,
    dataDir: dir,
    model,
    request: { kind: "community", n: 1, temperature: 0.8 },
  });
  assert.deepEqual(r.branches, ["multiverse-2-1"]);
  const c = await readCommunity(store, runId);
  const pool = c.pools.get("multiverse-2-1")!;
  assert.equal(pool.length, 53);
  const main = new Set(c.pools.get("main")!.map((m) => m.text));
  assert.ok(
    pool.filter((m) => m.id.includes(".p")).every((m) => !main.has(m.text)),
    "new personas",
  );
  const rows = (await rowsOf(runId)).filter((x) => x.branch === "multiverse-2-1");
  assert.equal(rows.filter((x) => x.kind === "post").length, 40);
  assert.ok(rows.every((x) => x.thread.startsWith("multiverse-2-1.t") && x.temperature === 0.8));
  assert.ok(rows.every((x) => pool.some((m) => m.id === x.author)));
});

test("requests the community cannot take are refused before anything is asked", async () => {
  const model = createModel(`${mock.url}/v1#mock`);
  await assert.rejects(
    branchCommunity({
      store,
      runId,
      dataDir: dir,
      model,
      request: { kind: "whatif", from: "t999.1", as: "x", continue: 0 },
    }),
    (e: unknown) => e instanceof UserError && /--utterance: no utterance "t999\.1"/.test(e.message),
  );
  await assert.rejects(
    runStudy({ study: loadStudy(example), store: openStore(join(dir, "baseline.db")), dataDir: dir }),
    (e: unknown) => e instanceof UserError && /statistical baseline .* cannot do/.test(e.message),
  );
  const fresh = openStore(join(dir, "baseline.db"));
  assert.equal((await fresh.listRuns()).length, 0, "a refused community leaves no run");
  await fresh.close();
  const survey = parseStudy(
    "name: s\npopulation: {source: personas, personas: [a, b]}\ninstrument: {items: [{id: q, type: yes_no, text: ok?}]}\n",
    "s.yaml",
  );
  const s = await runStudy({ study: survey, store, dataDir: dir, model });
  await assert.rejects(
    branchCommunity({
      store,
      runId: s.run.id,
      dataDir: dir,
      model,
      request: { kind: "community", n: 1, temperature: 0.8 },
    }),
    /is not a community/,
  );
});

test("a dry run prices a community's worst case without writing anything", async () => {
  const text = readFileSync(example, "utf8");
  const r = await runStudy({
    study: parseStudy(text, "bakers.yaml"),
    store: null,
    dataDir: dir,
    modelId: "openai:gpt-4o-mini",
    dryRun: true,
  });
  const e = r.estimate!;
  assert.ok(e.upperBound);
  // 5 persona batches × 3 + 2, 40 posts, 40 × 8 replies.
  assert.equal(e.calls, 17 + 40 + 320);
  assert.ok(e.maxCostUsd !== null && e.maxCostUsd > 0);
});
