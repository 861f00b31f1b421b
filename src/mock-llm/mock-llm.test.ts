import assert from "node:assert/strict";
import { test } from "node:test";
import type { Question } from "../instruments/types.ts";
import { buildRequest, parseAnswers } from "../llm/index.ts";
import { createInstantModel, type MockStats, startMockLlm } from "./index.ts";

const questions: Question[] = [
  { id: "cappun", type: "multiple_choice", text: "Death penalty?", options: ["Favor", "Oppose"] },
  {
    id: "trust",
    type: "likert",
    text: "Most people can be trusted.",
    options: ["Agree", "Neutral", "Disagree"],
  },
  { id: "age", type: "numeric", text: "Age?", min: 18, max: 99 },
  { id: "why", type: "free_text", text: "Why?" },
];
const schema = buildRequest({ profile: "x", questions, mode: "generate" }).schema!;

function chatBody(i: number, extra: Record<string, unknown> = {}) {
  return {
    model: "mock",
    messages: [
      { role: "system", content: `I am person ${i}.` },
      { role: "user", content: "Answer the questions." },
    ],
    response_format: {
      type: "json_schema",
      json_schema: { name: schema.name, schema: schema.schema, strict: true },
    },
    ...extra,
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch {
    return { status: 0, headers: new Headers(), text: "" }; // connection dropped
  }
}

async function getStats(url: string): Promise<MockStats> {
  return (await (await fetch(`${url}/stats`)).json()) as MockStats;
}

test("OpenAI chat completions: schema-valid JSON answers, usage and fingerprint, deterministic per seed", async () => {
  const a = await startMockLlm({ seed: 11 });
  const b = await startMockLlm({ seed: 11 });
  const c = await startMockLlm({ seed: 12 });
  const texts: string[][] = [[], [], []];
  for (let i = 0; i < 40; i++) {
    for (const [k, m] of [a, b, c].entries()) {
      const r = await post(`${m.url}/v1/chat/completions`, chatBody(i));
      assert.equal(r.status, 200);
      const body = JSON.parse(r.text);
      const content = body.choices[0].message.content as string;
      texts[k].push(content);
      const parsed = parseAnswers(questions, "generate", {
        text: content,
        usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 },
      });
      assert.deepEqual(parsed.problems, []);
      assert.equal(body.model, "mock");
      assert.match(body.system_fingerprint, /^fp_mock_/);
      assert.ok(body.usage.prompt_tokens > 0 && body.usage.completion_tokens > 0);
      assert.equal(body.usage.completion_tokens_details.reasoning_tokens, 0);
    }
  }
  assert.deepEqual(texts[0], texts[1], "same seed, same answers");
  assert.notDeepEqual(texts[0], texts[2], "another seed, other answers");
  const trust = texts[0].map((t) => JSON.parse(t).answers.trust as string);
  assert.ok(new Set(trust).size >= 2, "answers vary across people");
  for (const m of [a, b, c]) await m.close();
});

test("logprobs: first-token alternatives over the offered letters, at most top_logprobs of them", async () => {
  const m = await startMockLlm({ seed: 5 });
  const body = {
    model: "mock",
    messages: [
      {
        role: "user",
        content: "Pick one.\nA. Red\nB. Green\nC. Blue\nD. None\n\nReply with the letter only.",
      },
    ],
    logprobs: true,
    top_logprobs: 3,
  };
  const r = JSON.parse((await post(`${m.url}/v1/chat/completions`, body)).text);
  const first = r.choices[0].logprobs.content[0];
  assert.equal(first.top_logprobs.length, 3);
  assert.equal(r.choices[0].message.content, first.token);
  assert.ok(["A", "B", "C", "D"].includes(first.token));
  for (let i = 1; i < first.top_logprobs.length; i++) {
    assert.ok(first.top_logprobs[i - 1].logprob >= first.top_logprobs[i].logprob);
  }
  const all = JSON.parse((await post(`${m.url}/v1/chat/completions`, { ...body, top_logprobs: 20 })).text);
  const total = all.choices[0].logprobs.content[0].top_logprobs.reduce(
    (s: number, t: { logprob: number }) => s + Math.exp(t.logprob),
    0,
  );
  assert.ok(Math.abs(total - 1) < 1e-9, "letters plus the non-letter token carry all the mass");
  await m.close();
});

test("Anthropic messages: forced tool call returns tool_use input; a short prompt is never cached", async () => {
  const m = await startMockLlm({ seed: 2 });
  const body = {
    model: "claude-mock",
    max_tokens: 100,
    system: [{ type: "text", text: "I am a farmer." }],
    messages: [{ role: "user", content: [{ type: "text", text: "Answer." }] }],
    tools: [{ name: "json", input_schema: schema.schema }],
    tool_choice: { type: "tool", name: "json" },
  };
  for (let round = 0; round < 2; round++) {
    const r = await post(`${m.url}/v1/messages`, body);
    assert.equal(r.status, 200);
    const msg = JSON.parse(r.text);
    assert.equal(msg.stop_reason, "tool_use");
    assert.equal(msg.content[0].type, "tool_use");
    assert.equal(msg.content[0].name, "json");
    const parsed = parseAnswers(questions, "generate", {
      text: JSON.stringify(msg.content[0].input),
      usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 },
    });
    assert.deepEqual(parsed.problems, []);
    // No cache_control breakpoint and far under the minimum length: nothing read or written.
    assert.equal(msg.usage.cache_read_input_tokens, 0);
    assert.equal(msg.usage.cache_creation_input_tokens, 0);
    assert.ok(msg.usage.input_tokens > 0);
  }
  await m.close();
});

test("error-rate mixes every fault kind; /stats by_status matches what the client saw; same seed, same sequence", async () => {
  const runs: MockStats[] = [];
  for (let run = 0; run < 2; run++) {
    const m = await startMockLlm({ seed: 9, errorRate: 0.5, timeoutMs: 20 });
    const seen: Record<string, number> = {};
    let retryAfterOk = 0;
    for (let i = 0; i < 200; i++) {
      const r = await post(`${m.url}/v1/chat/completions`, chatBody(i));
      seen[r.status] = (seen[r.status] ?? 0) + 1;
      if (
        r.status === 429 &&
        Number(r.headers.get("retry-after-ms")) > 0 &&
        Number(r.headers.get("retry-after")) >= 1
      ) {
        retryAfterOk++;
      }
    }
    const s = await getStats(m.url);
    const { 0: dropped = 0, ...withStatus } = seen;
    assert.deepEqual(s.by_status, withStatus);
    assert.equal(dropped, s.by_fault.timeout);
    assert.equal(retryAfterOk, s.by_status["429"]);
    assert.equal(s.requests, 200);
    assert.equal(s.rate_limited, 0);
    for (const kind of ["rate_limit", "server_error", "timeout", "malformed", "off_option"] as const) {
      assert.ok(s.by_fault[kind] > 5, `${kind}: ${s.by_fault[kind]}`);
    }
    const faults = Object.values(s.by_fault).reduce((x, y) => x + y, 0);
    assert.ok(faults > 70 && faults < 130, `${faults} faults at rate 0.5`);
    runs.push(s);
    await m.close();
  }
  assert.deepEqual(runs[0].by_fault, runs[1].by_fault);
});

test("TPM limit: 429 with retry-after and x-ratelimit headers once tokens run out", async () => {
  const m = await startMockLlm({ tpm: 6000, seed: 1 }); // 100 tokens per second of burst
  const statuses: number[] = [];
  let limited: Headers | undefined;
  for (let i = 0; i < 6; i++) {
    const r = await post(`${m.url}/v1/chat/completions`, chatBody(i));
    statuses.push(r.status);
    if (r.status === 429) limited ??= r.headers;
    else assert.equal(r.headers.get("x-ratelimit-limit-tokens"), "6000");
  }
  assert.equal(statuses[0], 200);
  assert.ok(statuses.includes(429));
  assert.ok(Number(limited!.get("retry-after-ms")) > 0);
  assert.match(limited!.get("x-ratelimit-reset-tokens") ?? "", /^\d+(\.\d+)?(ms|s)$|m/);
  assert.equal((await getStats(m.url)).rate_limited, statuses.filter((s) => s === 429).length);
  await m.close();
});

test("bad bodies and unknown routes", async () => {
  const m = await startMockLlm();
  assert.equal((await post(`${m.url}/v1/chat/completions`, "{not json")).status, 400);
  assert.equal((await post(`${m.url}/v2/other`, {})).status, 404);
  const models = await (await fetch(`${m.url}/v1/models`)).json();
  assert.equal(models.data[0].id, "mock");
  await m.close();
});

test("3,000 requests from 32 clients at once are all answered", async (t) => {
  // Its speed (requests/s) is a figure of `npm run bench:speed`, not a test.
  const m = await startMockLlm({ seed: 4 });
  t.after(() => m.close());
  const total = 3000;
  let next = 0;
  let ok = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < total) {
        const i = next++;
        const r = await post(`${m.url}/v1/chat/completions`, chatBody(i % 500));
        if (r.status === 200) ok++;
      }
    }),
  );
  assert.equal(ok, total);
  const s = await getStats(m.url);
  assert.equal(s.requests, total);
  assert.equal(s.by_status["200"], total);
});

test("latency applies to every request; /stats reports the peak number in flight", async (t) => {
  const m = await startMockLlm({ latencyMs: 100 });
  t.after(() => m.close());
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => post(`${m.url}/v1/chat/completions`, chatBody(i))),
  );
  assert.ok(results.every((r) => r.status === 200));
  // Every request was held for its latency, so all 20 were in flight together (a count, not a clock).
  const s = await getStats(m.url);
  assert.equal(s.max_concurrent, 20);
  assert.equal(s.in_flight, 0);
});

test("instant model: valid answers in both modes, same policy, deterministic", async () => {
  const model = createInstantModel({ seed: 3 });
  assert.equal(model.kind, "instant");
  const dq = [questions[1]];
  const counts: Record<string, number> = {};
  for (let i = 0; i < 300; i++) {
    const g = await model.complete(buildRequest({ profile: `person ${i}`, questions, mode: "generate" }));
    assert.deepEqual(parseAnswers(questions, "generate", g).problems, []);
    const d = await model.complete(
      buildRequest({ profile: `person ${i}`, questions: dq, mode: "distribution" }),
    );
    const out = parseAnswers(dq, "distribution", d);
    assert.deepEqual(out.problems, []);
    const p = out.answers.trust.probabilities!;
    assert.ok(Math.abs(p.Agree + p.Neutral + p.Disagree - 1) < 1e-9);
    counts[out.answers.trust.answer] = (counts[out.answers.trust.answer] ?? 0) + 1;
  }
  assert.equal(Object.keys(counts).length, 3, JSON.stringify(counts));

  const requests = Array.from({ length: 1000 }, (_, i) =>
    buildRequest({ profile: `person ${i}`, questions, mode: "generate" }),
  );
  // Its speed (responses/s) is a figure of `npm run bench:speed`; here: the same request, the same answer.
  for (const request of requests.slice(0, 50)) {
    assert.equal((await model.complete(request)).text, (await model.complete(request)).text);
  }
});
