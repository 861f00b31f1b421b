import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadAgentBank } from "../agents/index.ts";
import { resolveDataDir } from "../data/index.ts";
import { createModel } from "../llm/index.ts";
import { createInstantModel, startMockLlm } from "../mock-llm/index.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore, type ResponseRecord, type Store } from "../store/index.ts";
import { buildStudyReport, runStudy } from "./index.ts";

// Faults the daily loop meets, each against real parts: SQLite files and the mock LLM over HTTP.
const dir = mkdtempSync(join(tmpdir(), "populace-reliability-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function study(name: string, people: number, body: string) {
  return parseStudy(
    `name: ${name}
seed: 2
population:
  source: personas
  personas:
${Array.from({ length: people }, (_, i) => `    - {id: p${i + 1}, text: "I am person ${i + 1}, ${30 + i} years old."}`).join("\n")}
${body}`,
    `${name}.yaml`,
  );
}

const THREE_ITEMS = `instrument:
  items_per_call: 3
  items:
    - {id: q1, type: multiple_choice, text: "Do you favor the plan?", options: [Favor, Oppose, Undecided]}
    - {id: q2, type: yes_no, text: "Do you vote?"}
    - {id: q3, type: numeric, text: "How many books did you read last year?", min: 0, max: 100}
`;

async function rows(store: Store, runId: string): Promise<ResponseRecord[]> {
  const out: ResponseRecord[] = [];
  for await (const r of store.responses(runId)) out.push(r);
  return out;
}

const fast = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

test("distribution mode takes an answer from logprobs only when the reply is a letter; prose is repaired", async () => {
  const mock = await startMockLlm({ seed: 21, errorRate: 0.4, faults: ["prose"] });
  const store = openStore(join(dir, "prose.db"));
  try {
    const s = study(
      "prose",
      40,
      `instrument:\n  items:\n    - {id: q1, type: multiple_choice, text: "Pick one", options: [Red, Green, Blue]}\nmodel: {mode: distribution}\n`,
    );
    const model = createModel(`${mock.url}/v1#mock`);
    const result = await runStudy({ study: s, store, dataDir: dir, model, concurrency: 4 });
    const all = await rows(store, result.run.id);
    assert.ok(mock.stats().by_fault.prose > 5, "prose replies were injected");
    for (const r of all.filter((x) => x.status === "ok")) {
      assert.match(
        r.rawText!,
        /^[A-C]$/,
        `an ok answer came from a reply that is not a letter: ${r.rawText}`,
      );
      const p = r.probabilities!;
      assert.ok(Math.abs(p.Red + p.Green + p.Blue - 1) < 1e-9);
    }
    // A prose reply is failed or repaired like any invalid answer (faults arrive in request order,
    // so which jobs meet them varies; with 40% of calls faulted most jobs end ok after a repair).
    for (const r of all.filter((x) => x.status === "failed")) {
      assert.match(
        r.reason!,
        /^invalid answer after 2 repairs: q1: "It depends on the situation\." is not one of the letters A, B, C$/,
      );
    }
    assert.ok(all.filter((r) => r.status === "ok").length >= 20);
  } finally {
    await store.close();
    await mock.close();
  }
});

test("with several items per call, valid answers are kept and only the invalid item is asked again", async () => {
  const mock = await startMockLlm({ seed: 5, errorRate: 0.5, faults: ["off_option"], recordRequests: 500 });
  const store = openStore(join(dir, "partial.db"));
  try {
    const model = createModel(`${mock.url}/v1#mock`);
    const result = await runStudy({ study: study("partial", 20, THREE_ITEMS), store, dataDir: dir, model });
    const repairs = (
      mock.requests() as {
        messages: unknown[];
        response_format: { json_schema: { schema: { properties: { answers: { required: string[] } } } } };
      }[]
    ).filter((r) => r.messages.length > 2);
    assert.ok(repairs.length > 3, `off-option answers were repaired (${repairs.length})`);
    for (const r of repairs) {
      // The mock breaks the first enum of a reply: q1. A repair asks for it alone.
      assert.deepEqual(r.response_format.json_schema.schema.properties.answers.required, ["q1"]);
    }
    const all = await rows(store, result.run.id);
    const byJob = Map.groupBy(all, (r) => r.jobId);
    for (const [, items] of byJob) {
      const q2 = items.find((r) => r.item === "q2")!;
      assert.equal(q2.status, "ok", "a valid answer is never lost to another item's repair");
    }
    const failed = all.filter((r) => r.status === "failed");
    for (const f of failed)
      assert.match(f.reason!, new RegExp(`^invalid answer after 2 repairs: ${f.item}: `));
  } finally {
    await store.close();
    await mock.close();
  }
});

test("a rerun retries jobs that failed for transient reasons; invalid answers stay failed unless --retry-failed", async () => {
  const flaky = await startMockLlm({ seed: 3, errorRate: 0.5, faults: ["server_error"] });
  const store = openStore(join(dir, "transient.db"));
  try {
    const s = study("transient", 30, THREE_ITEMS.replace("items_per_call: 3", "items_per_call: 1"));
    const model = createModel(`${flaky.url}/v1#mock`);
    const first = await runStudy({
      study: s,
      store,
      dataDir: dir,
      model,
      retry: { ...fast, maxAttempts: 1 },
    });
    const failedBefore = (await store.jobCounts(first.run.id)).failed;
    assert.ok(failedBefore > 10, `server errors failed some jobs (${failedBefore})`);
    const failedRows = (await rows(store, first.run.id)).filter((r) => r.status === "failed");
    assert.ok(
      failedRows.every((r) => !r.cacheHit),
      "a failed call is not a cache hit",
    );
    const again = await runStudy({
      study: s,
      store,
      dataDir: dir,
      model,
      retry: { ...fast, maxAttempts: 10 },
    });
    assert.equal(again.summary!.retried, failedBefore);
    const failedAgain = (await rows(store, first.run.id)).filter((r) => r.status === "failed");
    assert.deepEqual(
      failedAgain.map((r) => r.reason),
      [],
    );
    assert.deepEqual(await store.jobCounts(first.run.id), { pending: 0, ok: 90, failed: 0 });
    // The retried jobs' old rows are gone, not kept beside the new ones.
    assert.equal((await rows(store, first.run.id)).length, 90);
  } finally {
    await store.close();
    await flaky.close();
  }
  const offOption = await startMockLlm({ seed: 4, errorRate: 1, faults: ["off_option"] });
  const store2 = openStore(join(dir, "invalid.db"));
  try {
    const s = study("invalid", 3, THREE_ITEMS);
    const model = createModel(`${offOption.url}/v1#mock`);
    const first = await runStudy({ study: s, store: store2, dataDir: dir, model });
    assert.equal((await store2.jobCounts(first.run.id)).failed, 3);
    const requests = offOption.stats().requests;
    const rerun = await runStudy({ study: s, store: store2, dataDir: dir, model });
    assert.equal(rerun.summary!.retried, 0);
    assert.equal(
      offOption.stats().requests,
      requests,
      "invalid answers are not asked again by a plain rerun",
    );
    const forced = await runStudy({ study: s, store: store2, dataDir: dir, model, retryFailed: true });
    assert.equal(forced.summary!.retried, 3);
    assert.ok(offOption.stats().requests > requests);
  } finally {
    await store2.close();
    await offOption.close();
  }
});

test("when a worst case does not fit the budget, the run waits for calls in flight and carries on", async () => {
  const mock = await startMockLlm({ seed: 6, latencyMs: 30 });
  const store = openStore(join(dir, "budget-wait.db"));
  try {
    const prices = join(dir, "prices.yaml");
    writeFileSync(prices, `"${mock.url}/v1#mock": { input: 10000, output: 20000 }\n`);
    const model = createModel(`${mock.url}/v1#mock`);
    const s = study(
      "wait",
      40,
      `${THREE_ITEMS.replace("items_per_call: 3", "items_per_call: 1")}model: {max_output_tokens: 200}\n`,
    );
    // Each call's worst case is several times its real cost, so 8 reservations at once would not
    // fit; the budget still pays for far more calls than one round of them.
    const run = await runStudy({
      study: s,
      store,
      dataDir: dir,
      model,
      pricesFile: prices,
      budgetUsd: 60,
      concurrency: 8,
    });
    const spent = await store.spending(run.run.id);
    assert.ok(spent.usd <= 60, `spent ${spent.usd} of 60`);
    const worstCase = 60 / 8;
    assert.ok(spent.calls > 60 / worstCase + 8, `${spent.calls} calls: the run stopped with room left`);
  } finally {
    await store.close();
    await mock.close();
  }
});

test("a between-subjects design gives each person one arm, balanced within blocks", async () => {
  const store = openStore(join(dir, "between.db"));
  try {
    const s = parseStudy(
      `name: between
seed: 8
population: {source: agent-bank, n: 300}
instrument:
  items: [{id: q, type: yes_no, text: "Do you agree?"}]
design:
  assignment: between
  block_on: [sex, race]
  arms: [{name: a, text: "A."}, {name: b, text: "B."}, {name: c, text: "C."}]
`,
      "between.yaml",
    );
    const model = createInstantModel({ seed: 1 });
    const dataDir = resolveDataDir();
    const result = await runStudy({ study: s, store, dataDir, model });
    const jobs = await store.jobs(result.run.id);
    assert.equal(jobs.length, 300, "one job per person");
    assert.equal(new Set(jobs.map((j) => j.agentId)).size, 300);
    const agents = new Map(loadAgentBank(dataDir, { n: 300, seed: 8 }).map((a) => [a.id, a]));
    const blocks = Map.groupBy(jobs, (j) => {
      const a = agents.get(j.agentId)!.attributes;
      return `${a.sex}|${a.race}`;
    });
    assert.ok(blocks.size >= 6, `many blocks (${blocks.size})`);
    for (const [block, members] of blocks) {
      const counts = ["a", "b", "c"].map((arm) => members.filter((j) => j.arm === arm).length);
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `block ${block}: ${counts}`);
    }
    const totals = ["a", "b", "c"].map((arm) => jobs.filter((j) => j.arm === arm).length);
    assert.ok(Math.max(...totals) - Math.min(...totals) <= 1, `totals ${totals}`);
    // The study report states the design and the people each arm got.
    const report = await buildStudyReport({ store, run: result.run, spec: s.spec, dataDir });
    assert.deepEqual(report.assignment, {
      subjects: "between",
      block_on: ["sex", "race"],
      people_per_arm: { a: totals[0], b: totals[1], c: totals[2] },
    });
  } finally {
    await store.close();
  }
});
