/**
 * What the fine-tuning tests share: real GSS panel answers as a long CSV, and the mock LLM server
 * standing in for OpenAI through OPENAI_BASE_URL. Used by tests only.
 */
import { writeFileSync } from "node:fs";
import { csvLine, resolveDataDir } from "../data/index.ts";
import { loadGssPanel } from "../datasets/index.ts";
import { type MockLlm, startMockLlm } from "../mock-llm/index.ts";

/** The first `n` respondents of the 2006 GSS panel: their wave-1 answers to `items`, with demographics. */
export function writeGssAnswers(
  path: string,
  items: readonly string[],
  n: number,
  attributes: readonly string[],
): void {
  const lines = [csvLine(["person_id", "item", "answer", ...attributes])];
  for (const r of loadGssPanel(resolveDataDir(), { panels: ["2006"] }).slice(0, n)) {
    for (const item of items) {
      const a = r.waves["1"]?.[item];
      if (a) lines.push(csvLine([r.personId, item, a, ...attributes.map((k) => r.demographics[k] ?? "")]));
    }
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
}

/** Starts the mock on a free port and points OPENAI_API_KEY / OPENAI_BASE_URL at it until `stop`. */
export async function mockOpenAi(seed: number): Promise<{ mock: MockLlm; stop(): Promise<void> }> {
  const saved = { OPENAI_API_KEY: process.env.OPENAI_API_KEY, OPENAI_BASE_URL: process.env.OPENAI_BASE_URL };
  const mock = await startMockLlm({ port: 0, seed });
  process.env.OPENAI_API_KEY = "sk-test";
  process.env.OPENAI_BASE_URL = `${mock.url}/v1`;
  return {
    mock,
    async stop() {
      await mock.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}
