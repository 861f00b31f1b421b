import { request, Agent } from "node:http";
import { buildRequest } from "../../src/llm/index.ts";
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const schema = buildRequest({ profile: "x", questions: [{ id: "q", type: "multiple_choice", text: "?", options: ["A1", "B1"] }, { id: "n", type: "numeric", text: "?", min: 0, max: 10 }], mode: "generate" }).schema!;
const bodies = Array.from({ length: 500 }, (_, i) => JSON.stringify({ model: "mock", messages: [{ role: "system", content: `I am person ${i}. `.repeat(20) }, { role: "user", content: "Answer the questions please." }], response_format: { type: "json_schema", json_schema: { name: "answers", schema: schema.schema } } }));
function one(i: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const b = bodies[i % bodies.length];
    const req = request({ host: "127.0.0.1", port: 47111, path: "/v1/chat/completions", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(b) } }, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode!)); });
    req.on("error", reject); req.end(b);
  });
}
const total = 40000; let next = 0; let ok = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: 64 }, async () => { while (next < total) { const i = next++; if ((await one(i)) === 200) ok++; } }));
const s = (performance.now() - t0) / 1000;
console.log(`${ok}/${total} ok, ${Math.round(total / s)} req/s`);
agent.destroy();
