/**
 * npm run bench:tokens — billed input tokens of an interview-conditioned respondent (the
 * genagents sample transcript, ~17,000 tokens) answering 50 GSS items, through runStudy against
 * the mock LLM server, whose prompt caching follows OpenAI's and Anthropic's documented rules
 * (src/mock-llm/prompt-cache.ts). Billed input counts cached reads at the provider's cached rate
 * (OpenAI 0.5×, Anthropic 0.1×) and Anthropic cache writes at 1.25×, in full-price tokens:
 *   (a) one call per question, no caching;
 *   (b) Populace's plan: the transcript as the stable prefix, 10 items per call, provider caching.
 * Target: (b) ≤ 25% of (a), every answer valid. Other layouts are printed beside them to show
 * what each part of the plan does. The last stdout line is a JSON object of the figures.
 * The mock's answers are a test double's, not a language model's; its tokens are its estimate
 * (4 characters a token).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveDataDir } from "../src/data/index.ts";
import { gssItems } from "../src/instruments/index.ts";
import { createModel } from "../src/llm/index.ts";
import { startMockLlm } from "../src/mock-llm/index.ts";
import { loadStudy } from "../src/spec/index.ts";
import { openStore } from "../src/store/index.ts";
import { runStudy } from "../src/study/index.ts";

const dataDir = resolveDataDir();
const nodes = join(dataDir, "genagents-interview-sample", "nodes.json");
const dir = mkdtempSync(join(tmpdir(), "populace-bench-tokens-"));
const log = (line: string) => process.stdout.write(`${line}\n`);

// 50 attitude items in codebook order from the spending items on (no demographics, no religious
// practice): national spending, free speech, punishment and courts, religion, equality,
// well-being, social trust, confidence in institutions.
const SKIP = new Set(["relig", "attend", "pray"]);
const all = gssItems(dataDir);
const from = all.findIndex((q) => q.id === "natspac");
const ITEMS = all
  .slice(from)
  .filter((q) => q.options && !SKIP.has(q.id))
  .slice(0, 50)
  .map((q) => q.id);
if (ITEMS.length !== 50) throw new Error(`expected 50 GSS items, found ${ITEMS.length}`);

const PROVIDERS = {
  openai: { id: "openai:gpt-4o-mini", read: 0.5, write: 1, env: "OPENAI" },
  anthropic: { id: "anthropic:claude-sonnet-4-5", read: 0.1, write: 1.25, env: "ANTHROPIC" },
} as const;
type Provider = keyof typeof PROVIDERS;

interface Scenario {
  name: string;
  itemsPerCall: number;
  caching: boolean;
  mode: "generate" | "distribution";
}

const A: Scenario = {
  name: "a: one call per question, no caching",
  itemsPerCall: 1,
  caching: false,
  mode: "generate",
};
const B: Scenario = {
  name: "b: Populace plan, 10 items per call, caching",
  itemsPerCall: 10,
  caching: true,
  mode: "generate",
};
const OTHERS: Scenario[] = [
  { name: "one call per question, caching", itemsPerCall: 1, caching: true, mode: "generate" },
  { name: "distribution mode (no schema), caching", itemsPerCall: 1, caching: true, mode: "distribution" },
  { name: "5 items per call, caching", itemsPerCall: 5, caching: true, mode: "generate" },
  { name: "25 items per call, caching", itemsPerCall: 25, caching: true, mode: "generate" },
  { name: "50 items in one call", itemsPerCall: 50, caching: true, mode: "generate" },
];

interface Figures {
  scenario: string;
  provider: Provider;
  calls: number;
  input_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  billed_input_tokens: number;
  valid_answers: number;
}

let serial = 0;
async function measure(provider: Provider, s: Scenario): Promise<Figures> {
  const p = PROVIDERS[provider];
  const mock = await startMockLlm({ seed: 1, promptCaching: s.caching });
  try {
    const name = `tokens-${++serial}`;
    const spec = join(dir, `${name}.yaml`);
    writeFileSync(
      spec,
      [
        `name: ${name}`,
        "population:",
        "  source: interviews",
        `  files: [${JSON.stringify(nodes)}]`,
        "instrument:",
        `  items_per_call: ${s.itemsPerCall}`,
        `  items: [${ITEMS.map((id) => `{gss: ${id}}`).join(", ")}]`,
        `model: {mode: ${s.mode}, max_output_tokens: 1000}`,
      ].join("\n"),
    );
    const model = createModel(p.id, {
      env: { [`${p.env}_API_KEY`]: "mock-key", [`${p.env}_BASE_URL`]: `${mock.url}/v1` },
    });
    const store = openStore(join(dir, `${name}.db`));
    // One call at a time: a cache entry exists once a response has begun, as the providers say.
    const result = await runStudy({ study: loadStudy(spec), store, dataDir, model, concurrency: 1 });
    let valid = 0;
    for await (const r of store.responses(result.run.id)) if (r.status === "ok" && r.answer !== null) valid++;
    await store.close();
    const t = mock.stats().tokens;
    const plain = t.input - t.cached - t.cache_write;
    return {
      scenario: s.name,
      provider,
      calls: mock.stats().requests,
      input_tokens: t.input,
      cached_tokens: t.cached,
      cache_write_tokens: t.cache_write,
      billed_input_tokens: Math.round(plain + p.read * t.cached + p.write * t.cache_write),
      valid_answers: valid,
    };
  } finally {
    await mock.close();
  }
}

const fmt = (n: number) => n.toLocaleString("en-US");
try {
  const rows: (Figures & { ratio: number })[] = [];
  const summary: Record<string, unknown> = { items: ITEMS.length, target: 0.25 };
  let pass = true;
  for (const provider of Object.keys(PROVIDERS) as Provider[]) {
    const a = await measure(provider, A);
    for (const s of [A, B, ...OTHERS]) {
      const f = s === A ? a : await measure(provider, s);
      const ratio = f.billed_input_tokens / a.billed_input_tokens;
      rows.push({ ...f, ratio: Number(ratio.toFixed(4)) });
      log(
        `${provider.padEnd(9)} ${s.name.padEnd(46)} calls ${String(f.calls).padStart(2)}  input ${fmt(f.input_tokens).padStart(9)}  ` +
          `cached ${fmt(f.cached_tokens).padStart(7)}  written ${fmt(f.cache_write_tokens).padStart(7)}  ` +
          `billed ${fmt(f.billed_input_tokens).padStart(9)}  ${(100 * ratio).toFixed(1).padStart(5)}% of (a)  valid ${f.valid_answers}/50`,
      );
      if (f.valid_answers !== ITEMS.length) pass = false;
      if (s === B) {
        summary[provider] = {
          a: a.billed_input_tokens,
          b: f.billed_input_tokens,
          ratio: Number(ratio.toFixed(4)),
        };
        if (ratio > 0.25) pass = false;
      }
    }
  }
  log(`${JSON.stringify({ ...summary, pass, rows })}`);
  if (!pass) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
