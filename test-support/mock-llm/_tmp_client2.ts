import { buildRequest, createModel, parseAnswers } from "../../src/llm/index.ts";
const qs = [{ id: "q", type: "multiple_choice" as const, text: "?", options: ["A1", "B1"] }, { id: "n", type: "numeric" as const, text: "?", min: 0, max: 10 }];
const model = createModel("http://127.0.0.1:47111/v1#mock", { env: {} });
const reqs = Array.from({ length: 500 }, (_, i) => buildRequest({ profile: `I am person ${i}. `.repeat(20), questions: qs, mode: "generate" }));
const total = 10000; let next = 0; let ok = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: 64 }, async () => { while (next < total) { const i = next++; const r = await model.complete(reqs[i % 500]); if (parseAnswers(qs, "generate", r).problems.length === 0) ok++; } }));
console.log(`${ok}/${total} ok, ${Math.round(total / ((performance.now() - t0) / 1000))} calls/s via createModel (AI SDK + fetch)`);
