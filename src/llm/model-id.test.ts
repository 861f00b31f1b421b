import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors/index.ts";
import { parseModelId } from "./model-id.ts";

test("provider:model ids split at the first colon", () => {
  assert.deepEqual(parseModelId("openai:gpt-4o-mini"), { provider: "openai", model: "gpt-4o-mini" });
  assert.deepEqual(parseModelId("anthropic:claude-sonnet-4-5"), {
    provider: "anthropic",
    model: "claude-sonnet-4-5",
  });
  assert.deepEqual(parseModelId("google:gemini-2.5-flash"), {
    provider: "google",
    model: "gemini-2.5-flash",
  });
  assert.deepEqual(parseModelId("ollama:llama3.1:8b"), {
    provider: "ollama",
    model: "llama3.1:8b",
    baseURL: "http://localhost:11434/v1",
  });
});

test("OpenAI-compatible endpoint URLs carry the model after #", () => {
  assert.deepEqual(parseModelId("http://127.0.0.1:8080/v1#mock"), {
    provider: "openai-compatible",
    model: "mock",
    baseURL: "http://127.0.0.1:8080/v1",
  });
  assert.deepEqual(parseModelId("https://llm.example.org/v1/#org/model-7b"), {
    provider: "openai-compatible",
    model: "org/model-7b",
    baseURL: "https://llm.example.org/v1",
  });
});

test("bad ids give a UserError that lists the accepted forms", () => {
  const cases: [string, RegExp][] = [
    ["", /empty/],
    ["gpt-4o", /no provider prefix/],
    ["openai:", /model name after the colon is empty/],
    ["mistral:large", /unknown provider "mistral"/],
    ["http://127.0.0.1:8080/v1", /must end with #MODEL/],
    ["http://127.0.0.1:8080/v1#", /must end with #MODEL/],
    ["http://:99999/v1#m", /not a valid URL/],
  ];
  for (const [id, reason] of cases) {
    assert.throws(
      () => parseModelId(id),
      (e: unknown) => {
        assert.ok(e instanceof UserError, `${id}: not a UserError`);
        assert.match(e.message, reason);
        assert.match(e.message, /openai:MODEL, anthropic:MODEL, google:MODEL, ollama:MODEL/);
        assert.match(e.message, /http\(s\):\/\/HOST:PORT\/v1#MODEL/);
        return true;
      },
    );
  }
});

test("fine-tuned OpenAI models are model ids like any other", () => {
  assert.deepEqual(parseModelId("openai:ft:gpt-4o-mini-2024-07-18:my-org:gss:7p4lURel"), {
    provider: "openai",
    model: "ft:gpt-4o-mini-2024-07-18:my-org:gss:7p4lURel",
  });
  assert.deepEqual(parseModelId("openai:ft:gpt-4o-mini:org::abc123"), {
    provider: "openai",
    model: "ft:gpt-4o-mini:org::abc123",
  });
});
