import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createModel } from "../llm/index.ts";
import { createInstantModel, type MockLlm, startMockLlm } from "../mock-llm/index.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore, type ResponseRecord, type Store } from "../store/index.ts";
import { runStudy } from "./index.ts";

// Real parts: a real SQLite file, real HTTP to the mock LLM server on 127.0.0.1.
const dir = mkdtempSync(join(tmpdir(), "populace-run-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS = ["Favor", "Oppose", "Undecided"];

function study(name: string, people: number, extra = "") {
  return parseStudy(
    `name: ${name}
seed: 3
population:
  source: personas
  personas:
${Array.from({ length: people }, (_, i) => `    - {id: p${i + 1}, text: "I am person ${i + 1}, ${20 + i} years old."}`).join("\n")}
instrument:
  items:
    - {id: q1, type: multiple_choice, text: "Do you favor the plan?", options: [${OPTIONS.join(", ")}]}
    - {id: q2, type: yes_no, text: "Do you vote?"}
    - {id: q3, type: numeric, text: "How many books did you read last year?", min: 0, max: 100}
${extra}`,
    `${name}.yaml`,
  );
}

async function rows(store: Store, runId: string): Promise<ResponseRecord[]> {
  const out: ResponseRecord[] = [];
  for await (const r of store.responses(runId)) out.push(r);
  return out;
}

const fastRetry = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 50 };

async function withMock<T>(options: Parameters<typeof startMockLlm>[0], fn: (mock: MockLlm) => Promise<T>) {
  const mock = await startMockLlm(options);
  try {
    return await fn(mock);
  } finally {
    await mock.close();
  }
}

test("under a fault mix every job ends ok with a valid answer or failed with a reason", async () => {
  await withMock({ errorRate: 0.35, seed: 11, timeoutMs: 400, rpm: 100_000 }, async (mock) => {
    const store = openStore(join(dir, "faults.db"));
    const s = study("faults", 40);
    const model = createModel(`${mock.url}/v1#mock`, { timeoutMs: 150 });
    const result = await runStudy({ study: s, store, dataDir: dir, model, concurrency: 8, retry: fastRetry });
    const all = await rows(store, result.run.id);
    assert.equal(all.length, 40 * 3, "one row per job and item");
    assert.equal(result.run.status, "completed");
    for (const r of all) {
      if (r.status === "ok") {
        assert.notEqual(r.answer, null);
        if (r.item === "q1")
          assert.ok(OPTIONS.includes(String(r.answer)), `off-option answer stored: ${r.answer}`);
        if (r.item === "q2") assert.ok(["Yes", "No"].includes(String(r.answer)));
        if (r.item === "q3") assert.ok(typeof r.answer === "number" && r.answer >= 0 && r.answer <= 100);
      } else {
        assert.equal(r.status, "failed");
        assert.ok(r.reason && r.reason.length > 10, `failed row without a reason: ${JSON.stringify(r)}`);
      }
    }
    const stats = mock.stats();
    for (const fault of ["rate_limit", "server_error", "timeout", "malformed", "off_option"] as const) {
      assert.ok(
        stats.by_fault[fault] > 0,
        `the mix should include ${fault}: ${JSON.stringify(stats.by_fault)}`,
      );
    }
    assert.ok(result.summary!.retries > 0);
    const ok = all.filter((r) => r.status === "ok").length;
    assert.ok(ok >= 100, `most jobs recover through retries and repairs (${ok}/120 ok)`);
    await store.close();
  });
});

test("calls run with the requested concurrency, and no more", async () => {
  await withMock({ latencyMs: 100, seed: 6 }, async (mock) => {
    const store = openStore(join(dir, "concurrency.db"));
    const model = createModel(`${mock.url}/v1#mock`);
    const result = await runStudy({ study: study("conc", 16), store, dataDir: dir, model, concurrency: 8 });
    assert.equal(result.run.status, "completed");
    // 48 calls of 100 ms each: the mock saw 8 at once at its peak, never more (a count, not a clock).
    assert.equal(mock.stats().max_concurrent, 8);
    assert.equal(mock.stats().requests, 48);
    await store.close();
  });
});

test("with the RPM limit set, the engine paces itself and the mock never answers 429", async () => {
  await withMock({ rpm: 600, seed: 2 }, async (mock) => {
    const store = openStore(join(dir, "rpm.db"));
    const model = createModel(`${mock.url}/v1#mock`);
    const result = await runStudy({
      study: study("rpm", 15),
      store,
      dataDir: dir,
      model,
      concurrency: 8,
      rpm: 600,
    });
    assert.equal(result.run.status, "completed");
    // The mock enforces 600/min over a one-second bucket: any call faster than that gets a 429.
    assert.equal(mock.stats().by_status["429"] ?? 0, 0);
    assert.equal(mock.stats().requests, 45);
    await store.close();
  });
});

test("without a configured limit the engine follows the provider's rate-limit headers", async () => {
  await withMock({ rpm: 1200, seed: 5 }, async (mock) => {
    const store = openStore(join(dir, "headers.db"));
    const model = createModel(`${mock.url}/v1#mock`);
    const result = await runStudy({
      study: study("headers", 20),
      store,
      dataDir: dir,
      model,
      concurrency: 16,
    });
    const counts = await store.jobCounts(result.run.id);
    assert.deepEqual(counts, { pending: 0, ok: 60, failed: 0 });
    // 60 calls against 20/s with a burst of 20. The first wave of 16 goes out before any header is
    // seen; after that the engine adopts x-ratelimit-limit-requests and paces itself, so it meets
    // at most a first wave's worth of 429s (ignoring the headers, 16 workers without latency would
    // meet far more).
    assert.ok((mock.stats().by_status["429"] ?? 0) <= 16, JSON.stringify(mock.stats().by_status));
    await store.close();
  });
});

test("a 429 with retry-after is waited out, then the job completes", async () => {
  await withMock({ errorRate: 0.5, faults: ["rate_limit"], seed: 8 }, async (mock) => {
    const store = openStore(join(dir, "retry-after.db"));
    const model = createModel(`${mock.url}/v1#mock`);
    const result = await runStudy({
      study: study("retry", 6),
      store,
      dataDir: dir,
      model,
      concurrency: 4,
      retry: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 5 },
    });
    assert.deepEqual(await store.jobCounts(result.run.id), { pending: 0, ok: 18, failed: 0 });
    assert.ok(result.summary!.rateLimited > 0);
    // Every job gets through the 429s. That a pause lasts its retry-after is checked on the
    // limiter's own clock (engine/rate-limiter.test.ts), not with a wall-clock window here.
    const calls = mock.stats().by_status;
    assert.equal(calls["200"], 18);
    await store.close();
  });
});

test("a replay from the cache is exact and free: same answers, no HTTP calls, zero cost", async () => {
  await withMock({ seed: 9 }, async (mock) => {
    const prices = join(dir, "prices.yaml");
    writeFileSync(prices, `"${mock.url}/v1#mock": { input: 1000, output: 2000 }\n`);
    const store = openStore(join(dir, "cache.db"));
    const model = createModel(`${mock.url}/v1#mock`);
    const s = study("cache", 10);
    const first = await runStudy({ study: s, store, dataDir: dir, model, pricesFile: prices });
    const requests = mock.stats().requests;
    const replay = await runStudy({ study: s, store, dataDir: dir, model, pricesFile: prices, newRun: true });
    assert.notEqual(replay.run.id, first.run.id);
    assert.equal(mock.stats().requests, requests, "no call reached the server");
    assert.equal(replay.summary!.cacheHits, 30);
    assert.equal(replay.summary!.costUsd, 0);
    const a = await rows(store, first.run.id);
    const b = await rows(store, replay.run.id);
    const kept = (r: ResponseRecord) => [r.jobId, r.item, r.agentId, r.status, r.answer, r.rawText, r.model];
    assert.deepEqual(b.map(kept), a.map(kept));
    assert.ok(a.every((r) => !r.cacheHit && (r.costUsd ?? 0) > 0 && r.inputTokens > 0));
    const free = (r: ResponseRecord) =>
      [r.costUsd, r.latencyMs, r.inputTokens, r.cachedInputTokens, r.outputTokens, r.reasoningTokens].every(
        (x) => x === 0,
      );
    assert.ok(b.every((r) => r.cacheHit && r.reason === null && free(r)));
    await store.close();
  });
});

test("the budget cap stops before a call could exceed it, and a higher cap resumes", async () => {
  await withMock({ seed: 4 }, async (mock) => {
    const prices = join(dir, "prices-budget.yaml");
    // $10 per 1k input tokens and $20 per 1k output: a call costs cents, its worst case more.
    writeFileSync(prices, `"${mock.url}/v1#mock": { input: 10000, output: 20000 }\n`);
    const store = openStore(join(dir, "budget.db"));
    const model = createModel(`${mock.url}/v1#mock`);
    const s = study("budget", 30, "model: {max_output_tokens: 20}");
    const capped = await runStudy({
      study: s,
      store,
      dataDir: dir,
      model,
      pricesFile: prices,
      budgetUsd: 20,
      concurrency: 4,
    });
    assert.equal(capped.run.status, "budget_exhausted");
    const spent = await store.spending(capped.run.id);
    assert.ok(spent.usd <= 20, `spent ${spent.usd} > budget 20`);
    assert.ok(spent.calls > 3 && spent.calls < 90, `calls made: ${spent.calls}`);
    const counts = await store.jobCounts(capped.run.id);
    assert.ok(counts.pending > 0);
    const resumed = await runStudy({
      study: s,
      store,
      dataDir: dir,
      model,
      pricesFile: prices,
      budgetUsd: 10_000,
    });
    assert.equal(resumed.resumed, true);
    assert.equal(resumed.run.status, "completed");
    assert.equal(mock.stats().requests, 90, "the jobs done before the cap were not called again");
    await store.close();
  });
});

test("a dry run estimates a provider study's cost without its API key and without calling it", async () => {
  const saved = process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_API_KEY;
  try {
    const store = openStore(join(dir, "dry.db"));
    const result = await runStudy({
      study: study("dry", 4),
      store,
      dataDir: dir,
      modelId: "openai:gpt-4o-mini",
      dryRun: true,
    });
    assert.equal(result.estimate?.calls, 12);
    assert.ok((result.estimate?.maxCostUsd ?? 0) > 0, "gpt-4o-mini has a built-in price");
    assert.deepEqual(await store.spending(result.run.id), {
      calls: 0,
      usd: 0,
      inputTokens: 0,
      outputTokens: 0,
    });
    await store.close();
    // Without --dry-run the missing key is a clear error before any call.
    const real = openStore(join(dir, "nokey.db"));
    await assert.rejects(
      runStudy({ study: study("nokey", 2), store: real, dataDir: dir, modelId: "openai:gpt-4o-mini" }),
      /OPENAI_API_KEY/,
    );
    await real.close();
  } finally {
    if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
  }
});

test("the same inputs resume their run; changed people behind the same spec start a new one", async () => {
  const store = openStore(join(dir, "inputs.db"));
  try {
    const s = study("inputs", 1);
    const model = createInstantModel({ seed: 2 });
    const people = (age: string) =>
      ["a", "b", "c"].map((id) => ({ id, source: "csv" as const, attributes: { age, sex: "female" } }));
    const first = await runStudy({ study: s, store, dataDir: dir, model, agents: people("40") });
    const again = await runStudy({ study: s, store, dataDir: dir, model, agents: people("40") });
    assert.equal(again.run.id, first.run.id);
    assert.equal(again.resumed, true);
    assert.equal(again.alreadyDone, 9);
    // An edited data file: same ids, other attributes, so other prompts. Its answers must not be
    // mixed with the first run's.
    const edited = await runStudy({ study: s, store, dataDir: dir, model, agents: people("41") });
    assert.notEqual(edited.run.id, first.run.id);
    assert.equal(edited.resumed, false);
    assert.equal((await rows(store, edited.run.id)).length, 9);
    assert.equal((await rows(store, first.run.id)).length, 9);
  } finally {
    await store.close();
  }
});

test("a long replay from the cache keeps the event loop turning: progress shows and a stop is obeyed", async () => {
  const store = openStore(join(dir, "stop-replay.db"));
  try {
    const s = study("stop-replay", 1);
    const model = createInstantModel({ seed: 5 });
    // 40,000 people × 3 items: the replay takes well over the progress display's 250 ms period.
    const agents = Array.from({ length: 40_000 }, (_, i) => ({
      id: `p${i}`,
      source: "csv" as const,
      attributes: { age: String(20 + (i % 50)) },
    }));
    const first = await runStudy({ study: s, store, dataDir: dir, model, agents, concurrency: 16 });
    assert.equal(first.summary?.done, 120_000);
    const stop = new AbortController();
    const replay = await runStudy({
      study: s,
      store,
      dataDir: dir,
      model,
      agents,
      newRun: true,
      stop: stop.signal,
      // Only a turning event loop calls this before the end (it runs on a timer).
      onProgress: (p) => {
        if (p.done > 0 && p.done < p.total) stop.abort();
      },
    });
    assert.equal(replay.summary?.stoppedBy, "interrupt");
    const done = replay.summary?.done ?? 0;
    assert.ok(done > 0 && done < 120_000, `stopped after ${done} of 120,000 jobs`);
    assert.equal(replay.summary?.cacheHits, done);
  } finally {
    await store.close();
  }
});
