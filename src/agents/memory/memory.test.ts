import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { createEmbedder } from "../../llm/index.ts";
import { startMockLlm } from "../../mock-llm/index.ts";
import {
  Bm25Index,
  checkImportance,
  embeddingRelevance,
  GENAGENTS_WEIGHTS,
  importanceRequest,
  inTimeOrder,
  MemoryStream,
  terms,
} from "./index.ts";

const nodesFile = join(resolveDataDir(), "genagents-interview-sample", "nodes.json");
const sampleNodes = JSON.parse(readFileSync(nodesFile, "utf8")) as unknown[];

test("BM25 matches the formula computed by hand", () => {
  const index = new Bm25Index();
  const docs = ["the cat sat on the mat", "dogs chase cats", "a bird sang"];
  docs.forEach((d, i) => {
    index.add(i, d);
  });
  assert.deepEqual(terms("The cats were chasing dogs"), ["cat", "chas", "dog"]);
  // "cat" occurs in docs 0 and 1 (after stemming): N = 3, n = 2.
  const idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
  const lengths = [3, 3, 2]; // cat sat mat | dog chase cat | bird sang
  const avgdl = 8 / 3;
  const expected = (len: number) => (idf * 1 * 2.2) / (1 + 1.2 * (1 - 0.75 + (0.75 * len) / avgdl));
  const [s0, s1, s2] = index.scores("cat", [0, 1, 2]);
  assert.ok(Math.abs(s0 - expected(lengths[0])) < 1e-12);
  assert.ok(Math.abs(s1 - expected(lengths[1])) < 1e-12);
  assert.equal(s2, 0);
});

test("the sample interview as a memory stream: BM25 finds the answers about the question's subject", async () => {
  const stream = MemoryStream.fromGenagentsNodes(sampleNodes);
  assert.equal(stream.size, 116);
  assert.equal(stream.now, 116);
  assert.equal(stream.relevanceKind, "bm25");
  const top = await stream.ask("What work do your parents do? Are they doctors?", { n: 3 });
  assert.equal(top.length, 3);
  assert.match(top[0].node.content, /parents/i);
  assert.ok(top.every((r) => r.score <= GENAGENTS_WEIGHTS.relevance + GENAGENTS_WEIGHTS.importance));
  assert.equal(top[0].relevance, 1, "the most relevant memory normalizes to 1");
  // Written back as genagents nodes, the stream reads back the same.
  const again = MemoryStream.fromGenagentsNodes(stream.toGenagentsNodes());
  assert.deepEqual(again.nodes, stream.nodes);
});

test("weights: each score alone orders by that score; equal values normalize to 0.5", async () => {
  const s = new MemoryStream({ weights: { recency: 0, relevance: 0, importance: 1 } });
  s.remember("I grew up near the sea.", { importance: 30 });
  s.remember("I had toast today.", { importance: 5 });
  s.remember("My daughter was born in 2010.", { importance: 90 });
  const byImportance = await s.ask("anything", { n: 3 });
  assert.deepEqual(
    byImportance.map((r) => r.node.importance),
    [90, 30, 5],
  );
  assert.deepEqual(
    byImportance.map((r) => r.importance),
    [1, 25 / 85, 0],
  );
  assert.ok(
    byImportance.every((r) => r.relevance === 0.5),
    "no query term anywhere: all equal, 0.5",
  );
  const byRecency = await s.ask("anything", { weights: { recency: 1, relevance: 0, importance: 0 } });
  assert.deepEqual(
    byRecency.map((r) => r.node.id),
    [2, 1, 0],
  );
  assert.throws(() => new MemoryStream({ weights: { recency: -1, relevance: 1, importance: 1 } }), UserError);
});

test("retrieve marks what it returns as retrieved now; ask changes nothing", async () => {
  const s = new MemoryStream({ weights: { recency: 1, relevance: 1, importance: 0 }, decay: 0.9 });
  for (let i = 0; i < 10; i++) s.remember(`Day ${i}: I worked in the garden.`, { importance: 10 });
  s.remember("I started learning the violin.", { importance: 10 });
  const before = s.nodes;
  const asked = await s.ask("violin lessons", { n: 2, now: 20 });
  assert.equal(asked[0].node.id, 10);
  assert.deepEqual(s.nodes, before, "ask leaves every memory as it was");
  assert.equal(s.now, 11);
  const got = await s.retrieve("garden day 2", { n: 1, now: 20 });
  assert.equal(got[0].node.id, 2);
  assert.equal(s.nodes[2].lastRetrieved, 20);
  assert.equal(s.now, 20);
  assert.deepEqual(
    s.nodes.filter((n) => n.id !== 2),
    before.filter((n) => n.id !== 2),
  );
  // Now day 2 is the most recently used memory: recency alone ranks it first.
  const recent = await s.ask("x", { n: 1, weights: { recency: 1, relevance: 0, importance: 0 } });
  assert.equal(recent[0].node.id, 2);
});

test("reflections cite their evidence; filters; time runs forward; prompts show memories in time order", async () => {
  const s = new MemoryStream();
  const a = s.remember("I moved from Korea to Boston at twelve.", { importance: 80 });
  const b = s.remember("My parents are both medical doctors.", { importance: 70 });
  const r = s.reflect("Family and migration shaped my sense of belonging.", {
    importance: 90,
    evidence: [a.id, b.id],
  });
  assert.deepEqual(r.evidence, [0, 1]);
  assert.equal(r.kind, "reflection");
  assert.deepEqual(
    (await s.ask("belonging", { kind: "reflection" })).map((x) => x.node.id),
    [2],
  );
  assert.throws(() => s.reflect("x", { importance: 1, evidence: [9] }), /evidence 9 is not a memory/);
  assert.throws(() => s.remember("late", { importance: 1, time: 1 }), /before the stream's latest time step/);
  assert.throws(() => s.remember("  ", { importance: 1 }), /needs content/);
  const ranked = await s.ask("parents doctors Boston");
  assert.deepEqual(
    inTimeOrder(ranked).map((x) => x.node.id),
    [0, 1, 2],
  );
  assert.deepEqual(s.toGenagentsNodes()[2].pointer_id, [0, 1]);
  assert.throws(
    () =>
      MemoryStream.fromGenagentsNodes([
        { node_type: "dream", content: "x", importance: 1, created: 1, last_retrieved: 1 },
      ]),
    /nodes\.json \[0\]: node_type must be "observation" or "reflection"/,
  );
});

test("relevance from embeddings over HTTP to the mock: each memory embedded once, the query's neighbours first", async () => {
  const mock = await startMockLlm({ seed: 3 });
  try {
    const embedder = createEmbedder(`${mock.url}/v1#text-embedding-3-small`);
    const s = MemoryStream.fromGenagentsNodes(sampleNodes, { relevance: embeddingRelevance(embedder) });
    assert.equal(s.relevanceKind, `embeddings:${mock.url}/v1#text-embedding-3-small`);
    const first = await s.ask("Are your parents medical doctors?", { n: 3 });
    assert.match(first[0].node.content, /parents/i);
    assert.match(first[0].node.content, /doctors/i);
    const calls = mock.stats().requests;
    assert.equal(calls, 1, "the 116 memories and the query in one request");
    await s.ask("Where did you go to college?", { n: 5 });
    assert.equal(mock.stats().requests, 2, "later queries embed only the query");
  } finally {
    await mock.close();
  }
});

test("importance: a request with a schema; the reply check returns scores or reasons fit for a repair prompt", () => {
  const req = importanceRequest(["I had toast.", "My son was born."], "Joon");
  assert.equal(req.messages[0].role, "system");
  assert.match(req.messages[0].content, /memories of Joon/);
  assert.match(req.messages[1].content, /\[record_1\]\nI had toast\.\n\n\[record_2\]\nMy son was born\./);
  const props = (req.schema.schema.properties as { scores: { required: string[] } }).scores;
  assert.deepEqual(props.required, ["record_1", "record_2"]);
  assert.deepEqual(checkImportance('{"scores": {"record_1": 3, "record_2": 95}}', 2), { scores: [3, 95] });
  assert.deepEqual(checkImportance('```json\n{"scores": {"record_1": 3, "record_2": 95}}\n```', 2), {
    scores: [3, 95],
  });
  assert.deepEqual(checkImportance('{"scores": {"record_1": 120, "record_3": 4}}', 2), {
    problems: [
      { reason: "record_1: 120 is not a whole number from 0 to 100" },
      { reason: "record_2: no score given" },
      { reason: "record_3: there is no such record" },
    ],
  });
  assert.match(
    (checkImportance("high", 1) as { problems: { reason: string }[] }).problems[0].reason,
    /not JSON/,
  );
});
