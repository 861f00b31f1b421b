import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { UserError } from "../errors/index.ts";
import { type MockLlm, startMockLlm } from "../mock-llm/index.ts";
import { createEmbedder, decodeFloat32Base64, hasEmbeddings, ProviderError } from "./index.ts";

// The embeddings client over real HTTP to the mock server, whose vectors are a test double's
// (hashed words, not a model's meaning).
let mock: MockLlm;
before(async () => {
  mock = await startMockLlm({ seed: 5 });
});
after(() => mock.close());

const cos = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: Float32Array) => Math.sqrt(cos(a, a));

async function raw(body: unknown) {
  const res = await fetch(`${mock.url}/v1/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test("openai: ids, keys and endpoint as for chat; base64 vectors of unit length; lexically similar texts closer", async () => {
  const e = createEmbedder("openai:text-embedding-3-small", {
    env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${mock.url}/v1` },
  });
  const texts = [
    "My father worked long hours as a doctor in Boston.",
    "My father was a doctor who worked long hours.",
    "We voted for the city council last spring.",
  ];
  const { vectors, usage } = await e.embed(texts);
  assert.equal(vectors.length, 3);
  for (const v of vectors) {
    assert.equal(v.length, 1536);
    assert.ok(Math.abs(norm(v) - 1) < 1e-5);
  }
  assert.ok(cos(vectors[0], vectors[1]) > 0.5, `similar: ${cos(vectors[0], vectors[1])}`);
  assert.ok(cos(vectors[0], vectors[2]) < 0.2, `unrelated: ${cos(vectors[0], vectors[2])}`);
  assert.ok(usage.inputTokens > 20);
  assert.deepEqual((await e.embed([texts[0]])).vectors[0], vectors[0], "deterministic");
  assert.equal(e.bucket.startsWith(`openai|${mock.url}/v1|`), true);
});

test("openai-compatible URL and ollama ids; dimensions; more than 2,048 texts go in several requests", async () => {
  const before = mock.stats().requests;
  const compatible = createEmbedder(`${mock.url}/v1#mock`, { dimensions: 64 });
  const many = Array.from({ length: 2100 }, (_, i) => `text number ${i}`);
  const out = await compatible.embed(many);
  assert.equal(out.vectors.length, 2100);
  assert.ok(out.vectors.every((v) => v.length === 64));
  assert.equal(mock.stats().requests - before, 2, "2,048 + 52");
  const ollama = createEmbedder("ollama:mock", { env: { OLLAMA_HOST: `127.0.0.1:${mock.port}` } });
  const [a] = (await ollama.embed(["hello there"])).vectors;
  assert.equal(a.length, 256);
  assert.equal(hasEmbeddings("anthropic:claude-sonnet-4-5"), false);
  assert.equal(hasEmbeddings("ollama:nomic-embed-text"), true);
});

test("errors: unknown model, dimensions the model lacks, empty text, a provider without embeddings, a missing key", async () => {
  const env = { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${mock.url}/v1` };
  await assert.rejects(
    createEmbedder("openai:no-such-embedder", { env }).embed(["x"]),
    (e: unknown) =>
      e instanceof ProviderError &&
      e.kind === "bad_request" &&
      e.status === 404 &&
      /The model `no-such-embedder` does not exist/.test(e.message),
  );
  await assert.rejects(
    createEmbedder("openai:text-embedding-ada-002", { env, dimensions: 8 }).embed(["x"]),
    (e: unknown) => e instanceof ProviderError && /does not support specifying dimensions/.test(e.message),
  );
  await assert.rejects(createEmbedder("openai:text-embedding-3-small", { env }).embed(["a", ""]), UserError);
  assert.throws(() => createEmbedder("anthropic:claude-sonnet-4-5", { apiKey: "k" }), /no embeddings API/);
  assert.throws(() => createEmbedder("openai:text-embedding-3-small", { env: {} }), /OPENAI_API_KEY/);
});

test("the mock endpoint as OpenAI documents it: input forms, encoding formats, usage, limits", async () => {
  const one = await raw({ model: "text-embedding-3-small", input: "hello world", dimensions: 16 });
  assert.equal(one.status, 200);
  assert.equal(one.json.object, "list");
  assert.equal(one.json.model, "text-embedding-3-small");
  const data = one.json.data as { object: string; index: number; embedding: number[] }[];
  assert.deepEqual(
    [data.length, data[0].object, data[0].index, data[0].embedding.length],
    [1, "embedding", 0, 16],
  );
  assert.deepEqual(one.json.usage, { prompt_tokens: 3, total_tokens: 3 });
  const b64 = await raw({
    model: "text-embedding-3-small",
    input: ["hello world"],
    dimensions: 16,
    encoding_format: "base64",
  });
  const decoded = decodeFloat32Base64((b64.json.data as { embedding: string }[])[0].embedding);
  assert.deepEqual(Array.from(decoded), data[0].embedding);
  const ids = await raw({
    model: "mock",
    input: [
      [1, 2, 3],
      [4, 5],
    ],
  });
  assert.deepEqual(ids.json.usage, { prompt_tokens: 5, total_tokens: 5 }, "token ids count as themselves");
  const problem = async (body: object, status: number, param: string | null, message: RegExp) => {
    const r = await raw(body);
    assert.equal(r.status, status, JSON.stringify(body).slice(0, 80));
    const err = r.json.error as { message: string; type: string; param: string | null };
    assert.equal(err.type, "invalid_request_error");
    assert.equal(err.param, param);
    assert.match(err.message, message);
  };
  await problem({ input: "x" }, 400, "model", /you must provide a model parameter/);
  await problem({ model: "mock", input: "" }, 400, "input", /'\$\.input' is invalid/);
  await problem({ model: "mock", input: ["a", 3] }, 400, "input", /'\$\.input' is invalid/);
  await problem({ model: "mock", input: Array(2049).fill("a") }, 400, "input", /at most 2048 inputs/);
  await problem(
    { model: "mock", input: "word ".repeat(7000) },
    400,
    null,
    /maximum context length is 8192 tokens, however you requested 8750 tokens/,
  );
  await problem(
    { model: "mock", input: "x", encoding_format: "int8" },
    400,
    "encoding_format",
    /not one of \['float', 'base64'\]/,
  );
  await problem({ model: "mock", input: "x", dimensions: 1000 }, 400, "dimensions", /from 1 to 256/);
});
