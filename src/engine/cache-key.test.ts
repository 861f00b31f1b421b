import assert from "node:assert/strict";
import { test } from "node:test";
import type { LanguageModel, ModelRequest } from "../llm/types.ts";
import { cacheKey } from "./cache-key.ts";

const model = { id: "openai:gpt-4o-mini", kind: "llm" } as LanguageModel;
const base: ModelRequest = {
  messages: [
    { role: "system", content: "You are a shopper." },
    { role: "user", content: "Next action?" },
  ],
  maxOutputTokens: 100,
};
const tool = { name: "click", parameters: { type: "object", properties: { target: { type: "string" } } } };

test("a request's tools, tool choice and tool messages are part of its cache key", () => {
  const keys = new Set([
    cacheKey(model, base),
    cacheKey(model, { ...base, tools: [tool] }),
    cacheKey(model, { ...base, tools: [tool], toolChoice: { name: "click" } }),
    cacheKey(model, { ...base, tools: [{ ...tool, description: "Click it" }] }),
    cacheKey(model, {
      ...base,
      messages: [
        ...base.messages,
        { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "click", arguments: "{}" }] },
      ],
    }),
    cacheKey(model, {
      ...base,
      messages: [
        ...base.messages,
        {
          role: "assistant",
          content: "",
          toolCalls: [{ id: "c1", name: "click", arguments: '{"target":"x"}' }],
        },
      ],
    }),
    cacheKey(model, {
      ...base,
      messages: [...base.messages, { role: "tool", toolCallId: "c1", name: "click", content: "ok" }],
    }),
  ]);
  assert.equal(keys.size, 7);
  // Without tools a key is what it was before tools existed, and the same content gives the same key.
  assert.equal(cacheKey(model, { ...base, tools: [] }), cacheKey(model, base));
  assert.equal(cacheKey(model, structuredClone(base)), cacheKey(model, base));
});
