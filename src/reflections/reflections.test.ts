import assert from "node:assert/strict";
import { test } from "node:test";
import { createEmbedder, embeddingModel, embeddingRequest, readEmbeddings } from "../llm/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import {
  bm25Scores,
  checkReflection,
  cosine,
  DEFAULT_EXPERTS,
  observationsBlock,
  observationTokens,
  reflectionRequest,
  withinBudget,
} from "./index.ts";

const notes = [
  { expert: "psychologist", text: "He copes with stress by running and talking to friends." },
  { expert: "political scientist", text: "He votes Democratic and distrusts large corporations." },
  { expert: "demographer", text: "He moved from Seoul to California for graduate school." },
  { expert: "behavioural economist", text: "He saves most of his income and avoids debt." },
];

test("observations are taken by score while they fit the budget, and shown in the experts' order", () => {
  const scores = [0.1, 0.9, 0.5, 0.7];
  const tokens = notes.map(observationTokens);
  // Room for the two best only.
  const two = withinBudget(notes, scores, tokens[1] + tokens[3]);
  assert.deepEqual(
    two.map((o) => o.expert),
    ["political scientist", "behavioural economist"],
  );
  // A budget too small for the best still takes a shorter one that fits.
  const small = withinBudget(
    notes,
    [0.1, 0.9, 0.5, 0.7].map((s, i) => (i === 1 ? 1 : s)),
    tokens[3],
  );
  assert.ok(small.every((o) => observationTokens(o) <= tokens[3]));
  assert.deepEqual(withinBudget(notes, scores, 0), []);
  assert.equal(observationsBlock([], "you"), "");
  assert.match(
    observationsBlock(two, "you"),
    /^Experts who read your interview .*\n- \(political scientist\) He votes/,
  );
  assert.match(
    observationsBlock(two, "me"),
    /^Experts who read my interview wrote these observations about me/,
  );
});

test("BM25 ranks the observation that shares the question's words first", () => {
  const scores = bm25Scores("Do you vote for Democratic candidates or trust corporations?", notes);
  assert.equal(scores.indexOf(Math.max(...scores)), 1);
  assert.equal(cosine(Float32Array.from([1, 0]), Float32Array.from([2, 0])), 1);
  assert.equal(cosine(Float32Array.from([1, 0]), Float32Array.from([0, 0])), 0);
});

test("an expert's reply: its observations (fenced JSON too), or a repair that names the problem", () => {
  const request = reflectionRequest("SYSTEM", DEFAULT_EXPERTS[0], "Joon", 3);
  assert.match(request.messages[1].content, /^Take the role of a psychologist\./);
  assert.equal(request.messages[0].content, "SYSTEM", "the transcript leads, the same for every expert");
  const ok = checkReflection(
    { text: '```json\n{"observations": ["a  b", "", "c", "a b", "d", "e"]}\n```' },
    request,
    3,
  );
  assert.deepEqual(ok, { ok: true, value: ["a b", "c", "d"] });
  const bad = checkReflection({ text: '{"notes": []}' }, request, 3);
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.deepEqual(bad.problems, [{ reason: 'the reply has no "observations" list' }]);
    assert.equal(bad.again.messages.length, 4);
    assert.equal(bad.again.messages[2].content, '{"notes": []}');
    assert.match(bad.again.messages[3].content, /could not be used:\n- the reply has no "observations" list/);
    assert.deepEqual(bad.again.schema, request.schema);
  }
  const prose = checkReflection({ text: "He seems kind." }, request, 3);
  assert.equal(prose.ok, false);
  if (!prose.ok) assert.match(prose.problems[0].reason, /^the reply is not valid JSON/);
});

test("the embedding model adapter: texts in, base64 vectors out, over real HTTP to the mock's /v1/embeddings", async () => {
  const mock = await startMockLlm({ seed: 1 });
  try {
    const model = embeddingModel(
      createEmbedder(`${mock.url}/v1#text-embedding-3-small`, { dimensions: 64 }),
      64,
    );
    assert.equal(model.id, `${mock.url}/v1#text-embedding-3-small?dimensions=64`);
    const texts = ["I vote in every election.", "I vote in every local election.", "Cats sleep all day."];
    const reply = await model.complete(embeddingRequest(texts));
    assert.ok(reply.usage.inputTokens > 0);
    const vectors = readEmbeddings(reply.text, 3);
    assert.ok(Array.isArray(vectors));
    if (Array.isArray(vectors)) {
      assert.ok(vectors.every((v) => v.length === 64));
      // The mock's hashed-word vectors put texts that share words closer (a test double's, not meaning).
      assert.ok(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]));
    }
    assert.deepEqual(readEmbeddings(reply.text, 2), { problem: "expected 2 embeddings, got 3" });
  } finally {
    await mock.close();
  }
});
