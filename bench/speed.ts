/**
 * npm run bench:speed — the speed figures that used to be floors inside unit tests (where a loaded
 * machine made them fail): the statistical baseline's calls/s, the mock LLM server's requests/s
 * and the instant model's responses/s. It prints each figure with its target and ends with one
 * JSON line; it exits 1 when a figure misses its target, so it can gate a quiet machine.
 */
import { loadAgentBank } from "../src/agents/index.ts";
import { createBaselineModel } from "../src/baseline/index.ts";
import { resolveDataDir } from "../src/data/index.ts";
import type { Question } from "../src/instruments/types.ts";
import { buildRequest } from "../src/llm/index.ts";
import { createInstantModel, startMockLlm } from "../src/mock-llm/index.ts";

const log = (line: string) => process.stdout.write(`${line}\n`);
const figures: Record<string, number> = {};
const targets: Record<string, number> = {
  baseline_calls_per_s: 20_000,
  mock_server_requests_per_s: 1_000,
  instant_model_responses_per_s: 100_000,
};

async function rate(label: string, key: string, n: number, run: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  await run();
  const perSecond = n / ((performance.now() - t0) / 1000);
  figures[key] = Math.round(perSecond);
  log(
    `${label}: ${figures[key].toLocaleString("en-US")}/s (target ≥ ${targets[key].toLocaleString("en-US")})`,
  );
}

// 1. The statistical baseline on one-item subjects of real agent-bank people (after a warm-up).
const dataDir = resolveDataDir();
const baseline = createBaselineModel({ dataDir, seed: 1 });
const bank = loadAgentBank(dataDir, { n: 500, seed: 2 });
const subject = (id: string, attributes: Record<string, string>, replicate: number) => ({
  agentId: id,
  attributes,
  items: [{ id: "cappun" }],
  replicate,
});
for (const a of bank) await baseline.complete({ messages: [], subject: subject(a.id, a.attributes, 0) });
await rate(
  "statistical baseline, 1 GSS item per call",
  "baseline_calls_per_s",
  40 * bank.length,
  async () => {
    for (let r = 1; r <= 40; r++)
      for (const a of bank)
        await baseline.complete({ messages: [], subject: subject(a.id, a.attributes, r) });
  },
);

// 2. The mock LLM server, no latency, 32 fetch clients in this process.
const questions: Question[] = [
  { id: "cappun", type: "multiple_choice", text: "Death penalty?", options: ["Favor", "Oppose"] },
  { id: "age", type: "numeric", text: "Age?", min: 18, max: 99 },
];
const schema = buildRequest({ profile: "x", questions, mode: "generate" }).schema!;
const mock = await startMockLlm({ port: 0, seed: 4 });
const total = 3000;
let next = 0;
await rate("mock LLM server, 32 clients, no latency", "mock_server_requests_per_s", total, async () => {
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < total) {
        const i = next++;
        const res = await fetch(`${mock.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "mock",
            messages: [{ role: "user", content: `I am person ${i % 500}.` }],
            response_format: { type: "json_schema", json_schema: { ...schema, strict: true } },
          }),
        });
        await res.text();
      }
    }),
  );
});
await mock.close();

// 3. The instant in-process model (generate mode, 2 items).
const instant = createInstantModel({ seed: 3 });
const requests = Array.from({ length: 1000 }, (_, i) =>
  buildRequest({ profile: `person ${i}`, questions, mode: "generate" }),
);
const n = 100_000;
await rate("instant model, generate, 2 items", "instant_model_responses_per_s", n, async () => {
  for (let i = 0; i < n; i++) await instant.complete(requests[i % requests.length]);
});

log(JSON.stringify(figures));
if (Object.entries(targets).some(([key, target]) => figures[key] < target)) process.exitCode = 1;
