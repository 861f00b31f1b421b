import assert from "node:assert/strict";
import { test } from "node:test";
import { anthropicMinCacheableTokens, OPENAI_CACHE_STEP_TOKENS, tokensOf } from "./prompt-cache.ts";
import { type MockLlm, startMockLlm } from "./server.ts";

// The mock's prompt caching over real HTTP, rule by documented rule (see prompt-cache.ts).

const LONG = "Interviewer: Tell me about your week.\n\nAna: It was long, and I worked a lot. ".repeat(160); // ~3,100 tokens
const schemaFor = (ids: string[]) => ({
  type: "json_schema",
  json_schema: {
    name: "answers",
    strict: true,
    schema: {
      type: "object",
      properties: Object.fromEntries(ids.map((id) => [id, { type: "string", enum: ["Yes", "No"] }])),
      required: ids,
      additionalProperties: false,
    },
  },
});

/** The parts of an OpenAI or Anthropic reply these tests read. */
interface Reply {
  usage: {
    prompt_tokens: number;
    prompt_tokens_details: { cached_tokens: number };
    input_tokens: number;
    cache_read_input_tokens: number;
    cache_creation_input_tokens: number;
    cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  };
  error: { message: string };
}

async function post(m: MockLlm, path: string, body: unknown) {
  const res = await fetch(`${m.url}/v1/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Reply };
}

async function withMock(options: Parameters<typeof startMockLlm>[0], fn: (m: MockLlm) => Promise<void>) {
  const m = await startMockLlm(options);
  try {
    await fn(m);
  } finally {
    await m.close();
  }
}

function chat(system: string, user: string, format = schemaFor(["q1"]), extra: object = {}) {
  return {
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
    response_format: format,
    ...extra,
  };
}

test("OpenAI: automatic from 1,024 tokens, the longest seen prefix in 128-token steps, schema first, minutes of idle life", async () => {
  let now = 1_000_000;
  await withMock({ seed: 1, clock: () => now }, async (m) => {
    const cached = async (body: object) => {
      const r = await post(m, "chat/completions", body);
      assert.equal(r.status, 200);
      return r.json.usage;
    };
    // Under 1,024 tokens nothing is cached, however often it is sent.
    for (let i = 0; i < 2; i++)
      assert.equal((await cached(chat("I am Ana.", "Hi"))).prompt_tokens_details.cached_tokens, 0);
    const first = await cached(chat(LONG, "Question one?"));
    assert.ok(first.prompt_tokens > 3000);
    assert.equal(first.prompt_tokens_details.cached_tokens, 0, "first sight");
    const again = await cached(chat(LONG, "Question one?"));
    const c = again.prompt_tokens_details.cached_tokens;
    assert.ok(c >= 1024 && (c - 1024) % OPENAI_CACHE_STEP_TOKENS === 0, `cached ${c}`);
    assert.ok(again.prompt_tokens - c < OPENAI_CACHE_STEP_TOKENS, "all but the last partial step");
    // Another question after the same transcript: the shared prefix, rounded down to a step.
    const other = await cached(chat(LONG, "A different and much longer question number two?"));
    assert.ok(
      other.prompt_tokens_details.cached_tokens <= c && other.prompt_tokens_details.cached_tokens >= c - 128,
    );
    // The schema comes before the messages: a new schema shares no prefix with the old one.
    assert.equal(
      (await cached(chat(LONG, "Question one?", schemaFor(["q2"])))).prompt_tokens_details.cached_tokens,
      0,
    );
    // Each hit refreshes the idle time; past 5 idle minutes the prefix is gone.
    now += 4 * 60_000;
    assert.equal((await cached(chat(LONG, "Question one?"))).prompt_tokens_details.cached_tokens, c);
    now += 4 * 60_000;
    assert.equal((await cached(chat(LONG, "Question one?"))).prompt_tokens_details.cached_tokens, c);
    now += 6 * 60_000;
    assert.equal((await cached(chat(LONG, "Question one?"))).prompt_tokens_details.cached_tokens, 0);
    assert.equal(m.stats().tokens.cached, c * 3 + other.prompt_tokens_details.cached_tokens);
  });
  await withMock({ seed: 1, promptCaching: false }, async (m) => {
    for (let i = 0; i < 2; i++) {
      const r = await post(m, "chat/completions", chat(LONG, "Question one?"));
      assert.equal(r.json.usage.prompt_tokens_details.cached_tokens, 0, "prompt caching off");
    }
  });
});

function messages(system: unknown, extra: object = {}) {
  return {
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    system,
    messages: [{ role: "user", content: [{ type: "text", text: "Do you vote?" }] }],
    ...extra,
  };
}
const marked = (text: string, ttl?: string) => [
  { type: "text", text, cache_control: ttl ? { type: "ephemeral", ttl } : { type: "ephemeral" } },
];

test("Anthropic: explicit breakpoints only; writes then reads; input_tokens is what neither read nor wrote", async () => {
  await withMock({ seed: 2 }, async (m) => {
    let written = 0;
    const usage = async (body: object) => {
      const r = await post(m, "messages", body);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const u = r.json.usage;
      written += u.cache_creation_input_tokens;
      return { ...u, total: u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens };
    };
    // Without cache_control nothing caches (Anthropic has no automatic caching here).
    for (let i = 0; i < 2; i++) {
      const u = await usage(messages(LONG));
      assert.equal(u.cache_read_input_tokens + u.cache_creation_input_tokens, 0);
    }
    const write = await usage(messages(marked(LONG)));
    assert.ok(write.cache_creation_input_tokens > 3000);
    assert.equal(write.cache_read_input_tokens, 0);
    assert.equal(write.cache_creation.ephemeral_5m_input_tokens, write.cache_creation_input_tokens);
    assert.ok(write.input_tokens > 0 && write.input_tokens < 20, "only the question is plain input");
    const read = await usage(messages(marked(LONG)));
    assert.equal(read.cache_read_input_tokens, write.cache_creation_input_tokens);
    assert.equal(read.cache_creation_input_tokens, 0);
    assert.equal(read.total, write.total);
    // A structured-output format adds a system prompt before ours: a new format, a new prefix.
    const format = { output_config: { format: { type: "json_schema", schema: { type: "object" } } } };
    const withFormat = await usage(messages(marked(LONG), format));
    assert.equal(withFormat.cache_read_input_tokens, 0);
    assert.ok(withFormat.cache_creation_input_tokens > write.cache_creation_input_tokens);
    assert.equal((await usage(messages(marked(LONG), format))).cache_creation_input_tokens, 0);
    // Tools come first: changing them invalidates everything after.
    const tools = {
      tools: [{ name: "json", input_schema: { type: "object" } }],
      tool_choice: { type: "tool", name: "json" },
    };
    assert.equal((await usage(messages(marked(LONG), tools))).cache_read_input_tokens, 0);
    assert.ok((await usage(messages(marked(LONG), tools))).cache_read_input_tokens > 0, "then read");
    assert.equal(m.stats().tokens.cache_write, written, "/stats counts cache writes");
  });
});

test("Anthropic: the model's minimum length, 20-block lookback, at most 4 breakpoints, 5-minute and 1-hour lives", async () => {
  let now = 5_000_000;
  await withMock({ seed: 3, clock: () => now }, async (m) => {
    const usage = async (body: object) => (await post(m, "messages", body)).json.usage;
    // ~3,100 tokens: enough for Sonnet 4.5 (1,024), not for Haiku 4.5 (4,096).
    assert.equal(anthropicMinCacheableTokens("claude-haiku-4-5-20251001"), 4096);
    assert.equal(anthropicMinCacheableTokens("claude-sonnet-4-5"), 1024);
    for (let i = 0; i < 2; i++) {
      const u = await usage(messages(marked(LONG), { model: "claude-haiku-4-5" }));
      assert.equal(u.cache_creation_input_tokens + u.cache_read_input_tokens, 0, "below Haiku 4.5's minimum");
    }
    // One breakpoint at the end finds an earlier cached prefix: the system block cached before is
    // read, and the longer prefix up to the new breakpoint is written.
    const head = marked(LONG);
    await usage(messages(head));
    const turns = Array.from({ length: 5 }, (_, i) => ({
      role: i % 2 ? "assistant" : "user",
      content: [{ type: "text", text: `Turn ${i}: ${"words ".repeat(50)}` }],
    }));
    (turns[4].content[0] as Record<string, unknown>).cache_control = { type: "ephemeral" };
    const u = await usage({
      model: "claude-sonnet-4-5",
      max_tokens: 50,
      system: [{ type: "text", text: LONG }],
      messages: turns,
    });
    assert.equal(
      u.cache_read_input_tokens,
      tokensOf(`<system>${LONG}`.length),
      "the earlier system prefix, found by lookback",
    );
    assert.ok(
      u.cache_creation_input_tokens > 300 && u.cache_creation_input_tokens < 400,
      "the five turns are written",
    );
    // Five breakpoints are refused, as the API does.
    const five = Array.from({ length: 5 }, (_, i) => ({
      type: "text",
      text: `part ${i}`,
      cache_control: { type: "ephemeral" },
    }));
    const r = await post(m, "messages", messages(five));
    assert.equal(r.status, 400);
    assert.match(
      r.json.error.message,
      /A maximum of 4 blocks with cache_control may be provided\. Found 5\./,
    );
    // Lifetimes: 5 minutes (refreshed by each read) or an hour.
    const short = `${LONG} short`;
    const long = `${LONG} long`;
    assert.ok((await usage(messages(marked(short)))).cache_creation.ephemeral_5m_input_tokens > 0);
    assert.ok((await usage(messages(marked(long, "1h")))).cache_creation.ephemeral_1h_input_tokens > 0);
    now += 6 * 60_000;
    assert.equal(
      (await usage(messages(marked(short)))).cache_read_input_tokens,
      0,
      "expired after 5 minutes",
    );
    assert.ok(
      (await usage(messages(marked(long, "1h")))).cache_read_input_tokens > 0,
      "alive after 6 minutes",
    );
  });
});
