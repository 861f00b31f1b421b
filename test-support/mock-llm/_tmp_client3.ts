import { buildRequest } from "../../src/llm/index.ts";
const schema = buildRequest({ profile: "x", questions: [{ id: "q", type: "multiple_choice", text: "?", options: ["A1", "B1"] }], mode: "generate" }).schema!;
const bodies = Array.from({ length: 500 }, (_, i) => JSON.stringify({ model: "mock", messages: [{ role: "system", content: `I am person ${i}. `.repeat(20) }, { role: "user", content: "Answer." }], response_format: { type: "json_schema", json_schema: { name: "answers", schema: schema.schema } } }));
const total = 10000; let next = 0; let ok = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: 64 }, async () => { while (next < total) { const i = next++; const r = await fetch("http://127.0.0.1:47111/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: bodies[i % 500] }); const j = await r.json(); if (j.choices) ok++; } }));
console.log(`${ok}/${total} ok, ${Math.round(total / ((performance.now() - t0) / 1000))} req/s raw fetch`);
