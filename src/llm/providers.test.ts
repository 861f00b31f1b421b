import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { UserError } from "../errors/index.ts";
import type { Question } from "../instruments/types.ts";
import { type MockLlm, startMockLlm } from "../mock-llm/index.ts";
import {
  buildRequest,
  costOf,
  createModel,
  type LanguageModel,
  loadPriceTable,
  type ModelRequest,
  ProviderError,
  parseAnswers,
} from "./index.ts";

const questions: Question[] = [
  { id: "cappun", type: "multiple_choice", text: "Death penalty for murder?", options: ["Favor", "Oppose"] },
  { id: "age", type: "numeric", text: "How old are you?", min: 18, max: 99 },
  { id: "why", type: "free_text", text: "Why?" },
];
// Long enough (~2,600 tokens) for the mock's prompt caching, which follows the providers' minimums.
const profiles = Array.from(
  { length: 8 },
  (_, i) =>
    `I am person ${i}, ${20 + 5 * i} years old, living in town ${i}. ` +
    `Most days in town ${i} I walk to work, talk with my neighbours and read the local paper. `.repeat(120),
);
const noEnv = {};

let mock: MockLlm;
before(async () => {
  mock = await startMockLlm({ seed: 7 });
});
after(() => mock.close());

async function expectProviderError(p: Promise<unknown>, kind: string): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected a ProviderError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    return e;
  }
  assert.fail(`expected ProviderError("${kind}")`);
}

test("openai-compatible URL, generate mode: valid answers, usage with cached tokens, cost from an override table", async () => {
  const model = createModel(`${mock.url}/v1#mock`, { env: noEnv });
  assert.equal(model.kind, "llm");
  assert.equal(model.supportsLogprobs, true);
  const dir = mkdtempSync(join(tmpdir(), "populace-llm-"));
  const pricePath = join(dir, "prices.yaml");
  writeFileSync(pricePath, `"openai-compatible:mock": { input: 1, cachedInput: 0.25, output: 4 }\n`);
  const table = loadPriceTable(pricePath, noEnv);
  const seen = new Set<string>();
  for (const profile of profiles) {
    const req = buildRequest({ profile, questions, mode: "generate" });
    const first = await model.complete(req);
    const out = parseAnswers(questions, "generate", first);
    assert.deepEqual(out.problems, []);
    assert.ok(["Favor", "Oppose"].includes(out.answers.cappun.answer as string));
    const a = out.answers.age.answer as number;
    assert.ok(a >= 18 && a <= 99);
    seen.add(String(out.answers.cappun.answer));
    assert.ok(first.usage.inputTokens > 0 && first.usage.outputTokens > 0);
    assert.equal(first.usage.cachedInputTokens, 0, "first sight of this profile");
    assert.match(first.modelSnapshot ?? "", /^mock\/fp_mock_/);
    // Same request again: the mock reports the cached prefix (OpenAI: automatic above 1,024
    // tokens, in 128-token steps), and answers the same.
    const second = await model.complete(req);
    assert.equal(second.text, first.text, "deterministic for the same request");
    assert.ok(
      second.usage.cachedInputTokens > 0 && second.usage.cachedInputTokens < second.usage.inputTokens,
    );
    const u = second.usage;
    const expected =
      ((u.inputTokens - u.cachedInputTokens) * 1 + u.cachedInputTokens * 0.25 + u.outputTokens * 4) / 1e6;
    assert.equal(costOf(model.id, u, table), expected);
  }
  assert.equal(seen.size, 2, "different people give different answers");
});

test("openai-compatible URL, distribution mode: probabilities from logprobs sum to 1", async () => {
  const model = createModel(`${mock.url}/v1#mock`, { env: noEnv });
  const q = [questions[0]];
  const answers = new Set<string>();
  for (const profile of profiles) {
    const res = await model.complete(buildRequest({ profile, questions: q, mode: "distribution" }));
    assert.ok(res.firstTokenLogprobs && res.firstTokenLogprobs.length >= 2);
    const out = parseAnswers(q, "distribution", res);
    assert.deepEqual(out.problems, []);
    const { answer, probabilities } = out.answers.cappun;
    const p = probabilities!;
    assert.ok(Math.abs(p.Favor + p.Oppose - 1) < 1e-9);
    assert.equal(answer, p.Favor >= p.Oppose ? "Favor" : "Oppose");
    answers.add(String(answer));
  }
  assert.equal(answers.size, 2);
});

test("anthropic provider against the mock: native structured output and the forced-tool fallback", async () => {
  // claude-sonnet-4-5 gets output_config.format; claude-3-5-haiku gets a forced "json" tool call.
  for (const id of ["anthropic:claude-sonnet-4-5", "anthropic:claude-3-5-haiku-latest"]) {
    const model = createModel(id, {
      env: { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: `${mock.url}/v1` },
    });
    assert.equal(model.supportsLogprobs, false);
    const res = await model.complete(buildRequest({ profile: profiles[0], questions, mode: "generate" }));
    const out = parseAnswers(questions, "generate", res);
    assert.deepEqual(out.problems, [], `${id}: ${res.text}`);
    assert.equal(Object.keys(out.answers).length, 3);
    assert.ok(res.usage.inputTokens > 0);
    const again = await model.complete(buildRequest({ profile: profiles[0], questions, mode: "generate" }));
    assert.ok(again.usage.cachedInputTokens > 0, "cache_read_input_tokens parsed");
    assert.ok(again.usage.inputTokens > again.usage.cachedInputTokens, "input total includes cache reads");
  }
  // Anthropic has no logprobs: distribution mode falls back to the letter and says so.
  const model = createModel("anthropic:claude-sonnet-4-5", { apiKey: "k", baseURL: `${mock.url}/v1` });
  const q = [questions[0]];
  const out = parseAnswers(
    q,
    "distribution",
    await model.complete(buildRequest({ profile: profiles[1], questions: q, mode: "distribution" })),
  );
  assert.ok(["Favor", "Oppose"].includes(out.answers.cappun.answer as string));
  assert.match(out.notes[0], /probabilities unavailable/);
});

test("missing keys are UserErrors naming the environment variable", () => {
  const cases: [string, RegExp][] = [
    ["openai:gpt-4o-mini", /OPENAI_API_KEY/],
    ["anthropic:claude-sonnet-4-5", /ANTHROPIC_API_KEY/],
    ["google:gemini-2.5-flash", /GOOGLE_GENERATIVE_AI_API_KEY \(or GEMINI_API_KEY\)/],
  ];
  for (const [id, re] of cases) {
    assert.throws(
      () => createModel(id, { env: noEnv }),
      (e: unknown) => e instanceof UserError && re.test(e.message),
    );
  }
  assert.equal(createModel("google:gemini-2.5-flash", { env: { GEMINI_API_KEY: "g" } }).kind, "llm");
  assert.equal(
    createModel("ollama:llama3.1:8b", { env: noEnv }).bucket,
    "ollama|http://localhost:11434/v1|nokey",
  );
  assert.equal(
    createModel("ollama:qwen3", { env: { OLLAMA_HOST: "10.0.0.5:11434" } }).bucket.split("|")[1],
    "http://10.0.0.5:11434/v1",
  );
  assert.throws(() => createModel("openai:x", { apiKey: "k", timeoutMs: 0 }), UserError);
});

test("rate-limit buckets are per provider endpoint and key", () => {
  const a = createModel("openai:gpt-4o-mini", { env: { OPENAI_API_KEY: "key-a" } });
  const a2 = createModel("openai:gpt-4o", { env: { OPENAI_API_KEY: "key-a" } });
  const b = createModel("openai:gpt-4o-mini", { env: { OPENAI_API_KEY: "key-b" } });
  assert.equal(a.bucket, a2.bucket);
  assert.notEqual(a.bucket, b.bucket);
  assert.ok(!a.bucket.includes("key-a"), "the key itself never appears in the bucket name");
});

// The same faults through both clients: the lean one (URL ids) and the AI SDK (openai: ids).
const clients = {
  direct: (url: string, timeoutMs: number) => createModel(`${url}/v1#mock`, { env: noEnv, timeoutMs }),
  sdk: (url: string, timeoutMs: number) =>
    createModel("openai:gpt-4o-mini", {
      env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${url}/v1` },
      timeoutMs,
    }),
};

async function faultyModel(
  via: keyof typeof clients,
  fault: string,
  timeoutMs: number,
  mockTimeoutMs = 5000,
): Promise<{ model: LanguageModel; mock: MockLlm }> {
  const m = await startMockLlm({ seed: 1, errorRate: 1, faults: [fault as never], timeoutMs: mockTimeoutMs });
  return { model: clients[via](m.url, timeoutMs), mock: m };
}

const generateRequest = (): ModelRequest =>
  buildRequest({ profile: profiles[2], questions, mode: "generate" });

for (const via of ["direct", "sdk"] as const) {
  test(`${via} client: each injected fault maps to its ProviderError kind`, async () => {
    {
      const { model, mock: m } = await faultyModel(via, "rate_limit", 5000);
      const e = await expectProviderError(model.complete(generateRequest()), "rate_limit");
      assert.equal(e.status, 429);
      assert.ok(e.retryAfterMs! >= 200 && e.retryAfterMs! <= 1000, `retryAfterMs ${e.retryAfterMs}`);
      assert.equal(e.retryable, true);
      await m.close();
    }
    {
      const { model, mock: m } = await faultyModel(via, "server_error", 5000);
      const e = await expectProviderError(model.complete(generateRequest()), "server");
      assert.equal(e.status, 500);
      await m.close();
    }
    {
      const { model, mock: m } = await faultyModel(via, "malformed", 5000);
      await expectProviderError(model.complete(generateRequest()), "malformed");
      await m.close();
    }
    {
      const { model, mock: m } = await faultyModel(via, "timeout", 150);
      // The client's 150 ms limit fired (its message says so), not the mock's 5 s hang.
      const e = await expectProviderError(model.complete(generateRequest()), "timeout");
      assert.match(e.message, /150 ms/);
      await m.close();
    }
    {
      // The mock drops the connection before the client gives up: a network failure.
      const { model, mock: m } = await faultyModel(via, "timeout", 5000, 50);
      await expectProviderError(model.complete(generateRequest()), "network");
      await m.close();
    }
    {
      const { model, mock: m } = await faultyModel(via, "off_option", 5000);
      const res = await model.complete(generateRequest());
      const out = parseAnswers(questions, "generate", res);
      assert.deepEqual(out.problems, [
        {
          item: "cappun",
          reason: 'cappun: "Not sure (off-option)" is not one of the options (Favor, Oppose)',
        },
      ]);
      await m.close();
    }
  });
}

test("openai provider (AI SDK) against the mock: both modes, usage, snapshot, rate-limit hints", async () => {
  const m = await startMockLlm({ seed: 8, rpm: 6000 });
  const model = createModel("openai:gpt-4o-mini", {
    env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${m.url}/v1` },
  });
  assert.equal(model.supportsLogprobs, true);
  const g = await model.complete(generateRequest());
  assert.deepEqual(parseAnswers(questions, "generate", g).problems, []);
  assert.match(g.modelSnapshot ?? "", /^gpt-4o-mini\/fp_mock_/);
  assert.equal(typeof g.rateLimit?.remainingRequests, "number");
  const again = await model.complete(generateRequest());
  assert.ok(again.usage.cachedInputTokens > 0);
  assert.ok(costOf(model.id, again.usage, loadPriceTable(undefined, noEnv))! > 0);
  const q = [questions[0]];
  const d = await model.complete(buildRequest({ profile: profiles[3], questions: q, mode: "distribution" }));
  const p = parseAnswers(q, "distribution", d).answers.cappun.probabilities!;
  assert.ok(Math.abs(p.Favor + p.Oppose - 1) < 1e-9);
  // Both clients see the same mock answer for the same request.
  const direct = await createModel(`${m.url}/v1#gpt-4o-mini`, { env: noEnv }).complete(generateRequest());
  assert.equal(direct.text, g.text);
  await m.close();
});

test("auth, bad requests and refused connections", async () => {
  const model = createModel(`${mock.url}/v1#mock`, { apiKey: "mock-invalid-key" });
  const e = await expectProviderError(model.complete(generateRequest()), "auth");
  assert.equal(e.retryable, false);
  const wrongPath = createModel(`${mock.url}/nowhere#mock`, { env: noEnv });
  assert.equal((await expectProviderError(wrongPath.complete(generateRequest()), "bad_request")).status, 404);
  const closed = await startMockLlm();
  const url = closed.url;
  await closed.close();
  await expectProviderError(
    createModel(`${url}/v1#mock`, { env: noEnv }).complete(generateRequest()),
    "network",
  );
});

test("a caller's abort is passed through, not turned into a provider failure", async () => {
  const m = await startMockLlm({ latencyMs: 500 });
  const model = createModel(`${m.url}/v1#mock`, { env: noEnv });
  const controller = new AbortController();
  const p = model.complete({ ...generateRequest(), signal: controller.signal });
  setTimeout(() => controller.abort(), 30);
  await assert.rejects(p, (e: unknown) => !(e instanceof ProviderError));
  await m.close();
});

test("rate limit: a burst beyond the RPM gets 429s with retry-after, and /stats agrees with the client", async () => {
  const m = await startMockLlm({ rpm: 120, seed: 3 }); // 2 per second, at most 2 at once
  const model = createModel(`${m.url}/v1#mock`, { env: noEnv });
  const results = await Promise.allSettled(
    Array.from({ length: 12 }, (_, i) =>
      model.complete(buildRequest({ profile: profiles[i % 8], questions, mode: "generate" })),
    ),
  );
  const ok = results.filter((r) => r.status === "fulfilled");
  const limited = results.filter(
    (r): r is PromiseRejectedResult =>
      r.status === "rejected" && r.reason instanceof ProviderError && r.reason.kind === "rate_limit",
  );
  assert.equal(ok.length + limited.length, 12);
  assert.ok(ok.length >= 2 && ok.length <= 3, `${ok.length} succeeded`);
  for (const r of limited) assert.ok((r.reason as ProviderError).retryAfterMs! > 0);
  const hints = (ok[0] as PromiseFulfilledResult<{ rateLimit?: { remainingRequests?: number } }>).value
    .rateLimit;
  assert.equal(typeof hints?.remainingRequests, "number");
  const stats = (await (await fetch(`${m.url}/stats`)).json()) as {
    by_status: Record<string, number>;
    rate_limited: number;
  };
  assert.deepEqual(stats.by_status, { "200": ok.length, "429": limited.length });
  assert.equal(stats.rate_limited, limited.length);
  await m.close();
});

test("tool calls: both protocols offer tools, return the model's calls, and take the results back", async () => {
  const click = {
    name: "click",
    description: "Click an element of the page",
    parameters: {
      type: "object",
      properties: { target: { type: "string", enum: ["cart.checkout", "shirt.view_product"] } },
      required: ["target"],
      additionalProperties: false,
    },
  };
  const models = [
    createModel(`${mock.url}/v1#mock`, { env: noEnv }),
    createModel("openai:gpt-4o-mini", { env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${mock.url}/v1` } }),
    createModel("anthropic:claude-sonnet-4-5", {
      env: { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: `${mock.url}/v1` },
    }),
  ];
  for (const model of models) {
    const request: ModelRequest = {
      messages: [
        { role: "system", content: "You are shopping for a shirt." },
        { role: "user", content: "What do you do next?" },
      ],
      tools: [click],
      toolChoice: { name: "click" },
      maxOutputTokens: 100,
    };
    const first = await model.complete(request);
    assert.equal(first.toolCalls?.length, 1, model.id);
    const call = first.toolCalls![0];
    assert.equal(call.name, "click");
    assert.ok(
      ["cart.checkout", "shirt.view_product"].includes(JSON.parse(call.arguments).target),
      call.arguments,
    );
    // The conversation goes on with the call and its result in the messages.
    const next = await model.complete({
      ...request,
      toolChoice: "auto",
      tools: undefined,
      messages: [
        ...request.messages,
        { role: "assistant", content: "", toolCalls: [call] },
        { role: "tool", toolCallId: call.id, name: call.name, content: "The product page of a blue shirt." },
        { role: "user", content: "And now?" },
      ],
    });
    assert.equal(typeof next.text, "string", model.id);
  }
});
