import assert from "node:assert/strict";
import { test } from "node:test";
import { Plan } from "../designs/index.ts";
import type { Question } from "../instruments/types.ts";
import { buildRequest } from "../llm/index.ts";
import type { LanguageModel } from "../llm/types.ts";
import type { JobRecord } from "../store/types.ts";
import { cacheKey } from "./cache-key.ts";
import { RequestBuilder, type RequestSettings } from "./requests.ts";

const questions: Question[] = [
  { id: "q1", type: "multiple_choice", text: "Pick one", options: ["Red", "Blue", "Green"] },
  { id: "q2", type: "yes_no", text: "Do you vote?" },
  { id: "q3", type: "numeric", text: "How old are you?", min: 18, max: 99 },
];
const agents = new Map([
  ["a1", { profile: "I am 34 and live in Ohio.", attributes: { age: "34" } }],
  ["a2", { profile: "I am 71 and live in Maine.", attributes: { age: "71" } }],
  ["a3", { profile: "I am 34 and live in Ohio.", attributes: { age: "34" } }],
]);
const model = (kind: LanguageModel["kind"]): LanguageModel => ({
  id: `${kind}:m`,
  bucket: "b",
  kind,
  supportsLogprobs: true,
  complete: () => Promise.reject(new Error("not called")),
});

function settings(over: Partial<RequestSettings>): RequestSettings {
  return {
    model: model("llm"),
    mode: "generate",
    agents,
    questions: new Map(questions.map((q) => [q.id, q])),
    arms: new Map([
      ["control", ""],
      ["treated", "Imagine prices doubled last year."],
    ]),
    seedFor: (agentId, replicate) => Number(agentId.slice(1)) * 1000 + replicate,
    maxOutputTokens: 200,
    ...over,
  };
}

function jobs(itemIds: string[], itemsPerCall: number): JobRecord[] {
  return new Plan({
    agentIds: [...agents.keys()],
    itemIds,
    arms: ["control", "treated"],
    replicates: 2,
    itemsPerCall,
  })
    .slice()
    .map((j) => ({ ...j, status: "pending" }));
}

const cases: [string, Partial<RequestSettings>, string[], number][] = [
  ["generate, an LLM", {}, ["q1", "q2", "q3"], 2],
  ["generate with a temperature", { temperature: 0.7 }, ["q1", "q2", "q3"], 3],
  ["distribution", { mode: "distribution" }, ["q1", "q2"], 1],
  ["a model that reads the subject", { model: model("baseline") }, ["q1", "q2"], 1],
];

for (const [label, over, itemIds, perCall] of cases) {
  test(`a job's key is the cache key of its full request (${label})`, () => {
    const s = settings(over);
    const builder = new RequestBuilder(s);
    const keys = new Set<string>();
    for (const job of jobs(itemIds, perCall)) {
      const keyed = builder.keyed(job);
      const request = builder.request(job);
      assert.equal(keyed.key, cacheKey(s.model, request), job.jobId);
      // The request is what the elicitation layer builds, with the run's settings on top.
      const built = buildRequest({
        profile: agents.get(job.agentId)!.profile,
        questions: keyed.questions,
        mode: s.mode,
        context: s.arms.get(job.arm) || undefined,
      });
      assert.deepEqual(request.messages, built.messages);
      assert.equal(request.schema, built.schema);
      assert.equal(request.topLogprobs, built.topLogprobs);
      assert.equal(request.maxOutputTokens, built.maxOutputTokens ?? 200);
      assert.equal(request.seed, s.seedFor(job.agentId, job.replicate));
      assert.equal(request.temperature, s.temperature);
      assert.deepEqual(
        request.subject?.items,
        keyed.questions.map((q) => ({ id: q.id, options: q.options })),
      );
      keys.add(keyed.key);
    }
    // Every job differs in something the request carries (the person's seed, the arm, the items).
    assert.equal(keys.size, jobs(itemIds, perCall).length);
  });
}

test("the same prompt and seed share a key for an LLM, not for a model that reads the subject", () => {
  const sameSeed = { seedFor: () => 7 };
  const job = (agentId: string): JobRecord => ({
    jobId: agentId,
    seq: 0,
    agentId,
    items: ["q1"],
    arm: "control",
    replicate: 1,
    status: "pending",
  });
  const llm = new RequestBuilder(settings(sameSeed));
  // a1 and a3 have the same profile text.
  assert.equal(llm.keyed(job("a1")).key, llm.keyed(job("a3")).key);
  assert.notEqual(llm.keyed(job("a1")).key, llm.keyed(job("a2")).key);
  const baseline = new RequestBuilder(settings({ ...sameSeed, model: model("baseline") }));
  assert.notEqual(baseline.keyed(job("a1")).key, baseline.keyed(job("a3")).key);
});

test("a job for an unknown person or item is an error naming it", () => {
  const builder = new RequestBuilder(settings({}));
  const job: JobRecord = {
    jobId: "x",
    seq: 0,
    agentId: "nobody",
    items: ["q1"],
    arm: "control",
    replicate: 1,
    status: "pending",
  };
  assert.throws(() => builder.keyed(job), /unknown agent "nobody"/);
  assert.throws(() => builder.keyed({ ...job, agentId: "a1", items: ["q9"] }), /unknown item "q9"/);
});

test("cache keys stay what they were: a stored answer is found again after an upgrade", () => {
  // Literal keys computed by the release that introduced this key format. If this fails, the
  // format changed and every cached answer would be paid for again: that needs a migration note.
  const request = {
    messages: [
      { role: "system" as const, content: "You are a person." },
      { role: "user" as const, content: "Do you favor X? Answer A or B." },
    ],
    seed: 42,
    temperature: 0.7,
    maxOutputTokens: 50,
    schema: { name: "answers", schema: { type: "object", properties: { a: { type: "string" } } } },
    subject: { agentId: "p/7", replicate: 2, attributes: {}, items: [] },
  };
  const named = (id: string, kind: LanguageModel["kind"]) => ({ ...model(kind), id });
  assert.equal(cacheKey(named("openai:gpt-4o-mini", "llm"), request), "DR9HllWsJdy3ondf3dqHxS");
  assert.equal(cacheKey(named("baseline:demographic", "baseline"), request), "26MKro7gRt3WxTY5XPqe56");
  assert.equal(
    cacheKey(named("openai:gpt-4o-mini", "llm"), { messages: request.messages }),
    "ZHIKXpnJu05-y2jFW_XwnW",
  );
});
