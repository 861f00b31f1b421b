// Replay-only instruction count harness: a first run (setup) then, when REPLAY=1, a replay.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInstantModel } from "../src/mock-llm/index.ts";
import { parseStudy } from "../src/spec/index.ts";
import { openStore } from "../src/store/index.ts";
import { runStudy } from "../src/study/index.ts";
const dir = mkdtempSync(join(tmpdir(), "cg-"));
const n = Number(process.env.N ?? 20000);
const agents = Array.from({ length: n }, (_, i) => ({ id: `a${i + 1}`, source: "persona" as const, attributes: { age: String(20 + (i % 60)), sex: i % 2 ? "female" : "male", region: `region ${i % 9}` } }));
const questions = Array.from({ length: 5 }, (_, i) => ({ id: `q${i + 1}`, type: "multiple_choice" as const, text: `Question ${i + 1}: which option fits you best?`, options: ["Strongly agree", "Agree", "Disagree", "Strongly disagree"] }));
const study = parseStudy(["name: cg", "population: {source: personas, personas: [placeholder]}", `instrument: {items_per_call: ${process.env.IPC ?? 1}, items: [{id: q1, type: yes_no, text: x}]}`, "model: {max_output_tokens: 50}"].join("\n"), "cg.yaml");
const store = openStore(join(dir, "cg.db"));
const model = createInstantModel({ seed: 1 });
await runStudy({ study, store, dataDir: dir, model, agents, questions, concurrency: 64 });
if (process.env.REPLAY) await runStudy({ study, store, dataDir: dir, model, agents, questions, concurrency: 64, newRun: true });
await store.close();
