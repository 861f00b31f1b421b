/**
 * npm run bench:engine — engine figures measured in one run (DESIGN section 11):
 *  1. against the mock LLM server with latency and an RPM limit: achieved throughput divided by the
 *     bound min(RPM/60, concurrency/latency), for an RPM-bound and a concurrency-bound setting;
 *  2. responses/s through plan → cache → validate → store with an instant in-process model;
 *  3. cache hits/s replaying that run.
 * The last stdout line is a JSON object of the figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Agent } from "../src/agents/index.ts";
import type { Question } from "../src/instruments/types.ts";
import { createModel } from "../src/llm/index.ts";
import { parseStudy } from "../src/spec/index.ts";
import { openStore } from "../src/store/index.ts";
import { runStudy } from "../src/study/index.ts";
import { createInstantModel, startMockLlm } from "../test-support/mock-llm/index.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-bench-"));
const log = (line: string) => process.stdout.write(`${line}\n`);

function syntheticStudy(agents: number, items: number, name: string) {
  const questions: Question[] = Array.from({ length: items }, (_, i) => ({
    id: `q${i + 1}`,
    type: "multiple_choice",
    text: `Question ${i + 1}: which option fits you best?`,
    options: ["Strongly agree", "Agree", "Disagree", "Strongly disagree"],
  }));
  const people: Agent[] = Array.from({ length: agents }, (_, i) => ({
    id: `a${i + 1}`,
    source: "persona",
    attributes: { age: String(20 + (i % 60)), sex: i % 2 ? "female" : "male", region: `region ${i % 9}` },
  }));
  const spec = parseStudy(
    [
      `name: ${name}`,
      "population: {source: personas, personas: [placeholder]}",
      "instrument:",
      "  items:",
      ...questions.map((q) => `    - {id: ${q.id}, type: multiple_choice, text: x, options: [a, b]}`),
      "model: {max_output_tokens: 50}",
    ].join("\n"),
    `${name}.yaml`,
  );
  return { study: spec, questions, agents: people };
}

async function httpScenario(
  label: string,
  o: { rpm?: number; concurrency: number; latencyMs: number; jobs: number },
) {
  const mock = await startMockLlm({ latencyMs: o.latencyMs, rpm: o.rpm, seed: 1 });
  const store = openStore(join(dir, `${label}.db`));
  const { study, questions, agents } = syntheticStudy(o.jobs, 1, label);
  const model = createModel(`${mock.url}/v1#mock`, { timeoutMs: 10_000 });
  const t0 = performance.now();
  const result = await runStudy({
    study,
    store,
    dataDir: dir,
    model,
    agents,
    questions,
    concurrency: o.concurrency,
    rpm: o.rpm,
  });
  const seconds = (performance.now() - t0) / 1000;
  const counts = await store.jobCounts(result.run.id);
  const stats = mock.stats();
  await store.close();
  await mock.close();
  const bound = Math.min(o.rpm ? o.rpm / 60 : Number.POSITIVE_INFINITY, o.concurrency / (o.latencyMs / 1000));
  const achieved = (counts.ok + counts.failed) / seconds;
  const status429 = stats.by_status["429"] ?? 0;
  const figures = {
    achieved_per_s: round(achieved, 2),
    bound_per_s: round(bound, 2),
    ratio: round(achieved / bound, 4),
    jobs: o.jobs,
    lost_jobs: o.jobs - counts.ok - counts.failed,
    failed_jobs: counts.failed,
    share_429: round(status429 / Math.max(1, stats.requests), 4),
  };
  log(
    `${label}: ${figures.achieved_per_s}/s of a ${figures.bound_per_s}/s bound = ratio ${figures.ratio} ` +
      `(${o.jobs} jobs, latency ${o.latencyMs} ms, concurrency ${o.concurrency}, rpm ${o.rpm ?? "∞"}; ` +
      `lost ${figures.lost_jobs}, 429s ${status429})`,
  );
  return figures;
}

async function instantScenario() {
  const store = openStore(join(dir, "instant.db"));
  const { study, questions, agents } = syntheticStudy(20_000, 5, "instant");
  const model = createInstantModel({ seed: 1 });
  const t0 = performance.now();
  const first = await runStudy({ study, store, dataDir: dir, model, agents, questions, concurrency: 64 });
  const firstSeconds = (performance.now() - t0) / 1000;
  const counts = await store.jobCounts(first.run.id);
  const responses = (counts.ok + counts.failed) * 1; // one item per job
  const t1 = performance.now();
  const replay = await runStudy({
    study,
    store,
    dataDir: dir,
    model,
    agents,
    questions,
    concurrency: 64,
    newRun: true,
  });
  const replaySeconds = (performance.now() - t1) / 1000;
  await store.close();
  const figures = {
    responses: responses,
    responses_per_s: Math.round(responses / firstSeconds),
    cache_hits: replay.summary?.cacheHits ?? 0,
    cache_hits_per_s: Math.round((replay.summary?.cacheHits ?? 0) / replaySeconds),
  };
  log(
    `instant model: ${figures.responses} responses in ${firstSeconds.toFixed(2)} s = ${figures.responses_per_s}/s; ` +
      `replay: ${figures.cache_hits} cache hits in ${replaySeconds.toFixed(2)} s = ${figures.cache_hits_per_s}/s`,
  );
  return figures;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

try {
  const rpmBound = await httpScenario("rpm-bound", {
    rpm: 3000,
    concurrency: 16,
    latencyMs: 100,
    jobs: 1000,
  });
  const concurrencyBound = await httpScenario("concurrency-bound", {
    concurrency: 16,
    latencyMs: 100,
    jobs: 2000,
  });
  const instant = await instantScenario();
  process.stdout.write(
    `${JSON.stringify({ rpm_bound: rpmBound, concurrency_bound: concurrencyBound, pipeline: instant })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
