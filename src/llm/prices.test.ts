import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../errors/index.ts";
import { BUILTIN_PRICES, costOf, loadPriceTable, missingPriceNote, priceFor } from "./prices.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-prices-"));
const usage = {
  inputTokens: 1_000_000,
  cachedInputTokens: 400_000,
  outputTokens: 200_000,
  reasoningTokens: 50_000,
};

test("cost splits cached and fresh input; reasoning is inside output", () => {
  const table = { "openai:m": { input: 2, cachedInput: 0.5, output: 10 } };
  // 600k fresh × $2 + 400k cached × $0.5 + 200k output × $10, per million
  assert.equal(costOf("openai:m", usage, table), 1.2 + 0.2 + 2);
  // no cached price → cached tokens cost the input price
  assert.equal(costOf("openai:m", usage, { "openai:m": { input: 2, output: 10 } }), 2 + 2);
});

test("cache writes are billed at their own rate when the provider reports them", () => {
  const table = { "anthropic:c": { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, output: 15 } };
  const u = {
    inputTokens: 1_000_000,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 1_000_000,
    outputTokens: 0,
    reasoningTokens: 0,
  };
  assert.equal(costOf("anthropic:c", u, table), 3.75);
});

test("unknown models have unknown cost (null), with a note naming the model", () => {
  const table = loadPriceTable(undefined, {});
  assert.equal(costOf("openai:no-such-model", usage, table), null);
  assert.match(missingPriceNote("openai:no-such-model", table)!, /no price for openai:no-such-model/);
  assert.equal(missingPriceNote("openai:gpt-4o-mini", table), undefined);
  // local models are free, not unknown
  assert.equal(costOf("ollama:llama3.1:8b", usage, table), 0);
});

test("dated snapshots use their family's price, but a sibling model never does", () => {
  assert.equal(
    priceFor("openai:gpt-4o-mini-2024-07-18", BUILTIN_PRICES),
    BUILTIN_PRICES["openai:gpt-4o-mini"],
  );
  assert.equal(
    priceFor("anthropic:claude-sonnet-4-5-20250929", BUILTIN_PRICES),
    BUILTIN_PRICES["anthropic:claude-sonnet-4-5"],
  );
  assert.equal(priceFor("openai:gpt-5-pro", { "openai:gpt-5": { input: 1, output: 1 } }), undefined);
});

test("a YAML override (argument or POPULACE_PRICES) replaces entries and adds new ones", () => {
  const path = join(dir, "prices.yaml");
  writeFileSync(
    path,
    `"openai:gpt-4o-mini": { input: 1, output: 2 }\n"openai-compatible:mock": { input: 0.5, cachedInput: 0.1, output: 1 }\n`,
  );
  for (const table of [loadPriceTable(path, {}), loadPriceTable(undefined, { POPULACE_PRICES: path })]) {
    assert.deepEqual(table["openai:gpt-4o-mini"], { input: 1, output: 2 });
    assert.equal(
      costOf("http://127.0.0.1:9/v1#mock", usage, table),
      (600_000 * 0.5 + 400_000 * 0.1 + 200_000) / 1e6,
    );
    assert.deepEqual(table["openai:gpt-4o"], BUILTIN_PRICES["openai:gpt-4o"]);
  }
});

test("a JSON override is read as JSON; bad files name the file and the entry", () => {
  const good = join(dir, "p.json");
  writeFileSync(good, JSON.stringify({ "google:gemini-x": { input: 1, output: 3 } }));
  assert.equal(
    costOf("google:gemini-x", { ...usage, cachedInputTokens: 0 }, loadPriceTable(good, {})),
    1 + 0.6,
  );

  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, `"openai:x": { input: -1, output: 2 }\n`);
  assert.throws(
    () => loadPriceTable(bad, {}),
    (e: unknown) => e instanceof UserError && /bad\.yaml:openai:x\.input/.test(e.message),
  );
  const typo = join(dir, "typo.yaml");
  writeFileSync(typo, `"openai:x": { input: 1, ouput: 2 }\n`);
  assert.throws(
    () => loadPriceTable(typo, {}),
    (e: unknown) => e instanceof UserError && /typo\.yaml:openai:x/.test(e.message),
  );
  const broken = join(dir, "broken.json");
  writeFileSync(broken, "{ nope");
  assert.throws(
    () => loadPriceTable(broken, {}),
    (e: unknown) => e instanceof UserError && /not valid JSON/.test(e.message),
  );
  assert.throws(
    () => loadPriceTable(join(dir, "missing.yaml"), {}),
    (e: unknown) => e instanceof UserError && /cannot read/.test(e.message),
  );
});
