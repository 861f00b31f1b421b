import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { Plan } from "../designs/index.ts";
import { UserError } from "../errors/index.ts";
import { openStore, type ResponseRecord, type RunRecord } from "./index.ts";
import { migrations } from "./sqlite/migrations.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const run: RunRecord = {
  id: "r1",
  studyId: "v1",
  studyName: "s",
  modelId: "m",
  modelKind: "llm",
  mode: "generate",
  status: "running",
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  specDir: "/studies",
};

function response(jobId: string, item: string, status: "ok" | "failed"): ResponseRecord {
  return {
    runId: "r1",
    jobId,
    item,
    agentId: `agent-${jobId}`,
    arm: "control",
    replicate: 1,
    model: "m",
    status,
    answer: status === "ok" ? "Yes" : null,
    reason: status === "ok" ? null : "rate_limit after 6 attempts",
    probabilities: status === "ok" ? { Yes: 0.7, No: 0.3 } : null,
    rawText: "{}",
    inputTokens: 10,
    cachedInputTokens: 2,
    outputTokens: 3,
    reasoningTokens: 0,
    costUsd: 0.001,
    latencyMs: 12,
    modelSnapshot: "m-2026",
    cacheHit: false,
    createdAt: "2026-01-01T00:00:01Z",
    turn: null,
  };
}

test("a fresh database is migrated to the latest schema, and reopening keeps the data", async () => {
  const path = join(dir, "fresh.db");
  const store = openStore(path);
  await store.saveStudy({ id: "v1", name: "s", spec: { name: "s" }, createdAt: "t" });
  await store.openRun(run);
  await store.close();
  const again = openStore(path);
  assert.deepEqual(await again.getRun("r1"), run);
  assert.deepEqual((await again.getStudy("v1"))?.spec, { name: "s" });
  await again.close();
  const db = new DatabaseSync(path);
  const v = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number };
  db.close();
  assert.equal(v.v, migrations.length);
});

/** A database as an older Populace left it: schema `version`, with study v1 and its run r1. */
function databaseAtVersion(path: string, version: number): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)");
  for (const [i, sql] of migrations.slice(0, version).entries()) {
    db.exec(sql);
    db.prepare("INSERT INTO schema_migrations VALUES (?, 't')").run(i + 1);
  }
  db.prepare("INSERT INTO studies VALUES ('v1', 's', '{}', 't')").run();
  db.prepare(
    "INSERT INTO runs VALUES ('r1', 'v1', 's', 'm', 'llm', 'generate', 'completed', 't', 't', '/studies')",
  ).run();
  return db;
}

test("a database from before readable job ids keeps its runs resumable, and its old cache aside", async () => {
  const path = join(dir, "v2.db");
  const db = databaseAtVersion(path, 2);
  const old = "3f9a0c2b7d1e4a5b6c7d";
  db.prepare("INSERT INTO jobs VALUES ('r1', ?, 'p/7', '[\"q1\",\"q2\"]', 'treated', 2, 0)").run(old);
  db.prepare("INSERT INTO jobs VALUES ('r1', 'ffff', 'p8', '[\"q1\",\"q2\"]', 'treated', 2, 1)").run();
  for (const item of ["q1", "q2"]) {
    db.prepare(
      `INSERT INTO responses VALUES ('r1', ?, ?, 'p/7', 'treated', 2, 'm', 'ok', '"Yes"', NULL, NULL, '{}',
       1, 0, 1, 0, 0.5, 10, NULL, 0, 't')`,
    ).run(old, item);
  }
  db.prepare("INSERT INTO costs VALUES ('r1', ?, 1, 'answer', 'ok', 200, 2, 0, 2, 0, 1, 10, 't')").run(old);
  db.prepare("INSERT INTO cache VALUES ('oldkey', 'm', '{\"text\":\"{}\"}', 't')").run();
  db.close();

  const store = openStore(path);
  assert.deepEqual(
    (await store.jobs("r1")).map((j) => [j.jobId, j.status]),
    [
      ["p/7/q1+q2/treated/r2", "ok"],
      ["p8/q1+q2/treated/r2", "pending"],
    ],
  );
  const rows: ResponseRecord[] = [];
  for await (const r of store.responses("r1")) rows.push(r);
  assert.deepEqual(
    rows.map((r) => [r.jobId, r.item]),
    [
      ["p/7/q1+q2/treated/r2", "q1"],
      ["p/7/q1+q2/treated/r2", "q2"],
    ],
  );
  assert.deepEqual(
    rows.map((r) => [r.agentId, r.arm, r.replicate, r.model, r.answer, r.costUsd, r.latencyMs]),
    [
      ["p/7", "treated", 2, "m", "Yes", 0.5, 10],
      ["p/7", "treated", 2, "m", "Yes", 0.5, 10],
    ],
  );
  assert.deepEqual(await store.spending("r1"), { calls: 1, usd: 1, inputTokens: 2, outputTokens: 2 });
  assert.deepEqual(await store.cacheGet(["oldkey"]), [undefined], "old keys are never looked up");
  // A run started after the upgrade gets a number of its own: its jobs do not mix with r1's.
  await store.openRun({ ...run, id: "r2" });
  await store.saveJobs("r2", [
    { jobId: "x", seq: 0, agentId: "p9", items: ["q1"], arm: "control", replicate: 1 },
  ]);
  assert.deepEqual(
    (await store.jobs("r2")).map((j) => j.jobId),
    ["x"],
  );
  assert.equal((await store.jobs("r1")).length, 2);
  await store.close();
  const look = new DatabaseSync(path);
  const kept = look.prepare("SELECT COUNT(*) AS n FROM cache_v1").get() as { n: number };
  const costJobs = look.prepare("SELECT job_id FROM costs").all() as { job_id: string }[];
  look.close();
  assert.equal(kept.n, 1, "the old cache entries are kept");
  assert.deepEqual(
    costJobs.map((r) => r.job_id),
    ["p/7/q1+q2/treated/r2"],
  );
});

test("an upgrade that would drop a stored response is refused, and the database left as it was", () => {
  const path = join(dir, "orphan.db");
  const db = databaseAtVersion(path, 4);
  // A response whose job row is missing: carrying it over would need a plan position it lacks.
  db.prepare(
    `INSERT INTO responses VALUES ('r1', 'gone/q1/control/r1', 'q1', 'gone', 'control', 1, 'm', 'ok',
     '"Yes"', NULL, NULL, '{}', 1, 0, 1, 0, 0.5, 10, NULL, 0, 't')`,
  ).run();
  db.close();
  assert.throws(
    () => openStore(path),
    (e: unknown) =>
      e instanceof UserError &&
      /schema version 5 \(NOT NULL constraint failed: responses_v5\.run\); it was left at version 4/.test(
        e.message,
      ),
  );
  const look = new DatabaseSync(path);
  const version = look.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number };
  const kept = look.prepare("SELECT COUNT(*) AS n FROM responses WHERE run_id = 'r1'").get() as { n: number };
  look.close();
  assert.deepEqual([version.v, kept.n], [4, 1]);
});

test("cache entries keep their logprobs and model snapshot", async () => {
  const store = openStore(join(dir, "logprobs.db"));
  const response = { text: "B", firstTokenLogprobs: [{ token: "B", logprob: -0.1 }], modelSnapshot: "m-1" };
  await store.commit({ calls: [], outcomes: [], cache: [{ key: "k", model: "m", response }] });
  assert.deepEqual(await store.cacheGet(["k2", "k", "k2"]), [undefined, response, undefined]);
  assert.deepEqual(await store.cacheGet([]), []);
  await store.close();
});

test("a database from a newer Populace is refused with a clear error", () => {
  const path = join(dir, "newer.db");
  openStore(path).close();
  const db = new DatabaseSync(path);
  db.prepare("INSERT INTO schema_migrations VALUES (?, 't')").run(migrations.length + 1);
  db.close();
  assert.throws(
    () => openStore(path),
    (e: unknown) => e instanceof UserError && /newer than this Populace/.test(e.message),
  );
});

test("job status follows the stored responses; opening a run twice resumes it", async () => {
  const store = openStore(join(dir, "jobs.db"));
  await store.saveStudy({ id: "v1", name: "s", spec: {}, createdAt: "t" });
  assert.equal((await store.openRun(run)).resumed, false);
  assert.equal((await store.openRun({ ...run, modelId: "other" })).resumed, true);
  const jobs = ["a", "b", "c"].map((j, seq) => ({
    jobId: j,
    seq,
    agentId: `agent-${j}`,
    items: ["q1", "q2"],
    arm: "control",
    replicate: 1,
  }));
  await store.saveJobs("r1", jobs);
  await store.saveJobs("r1", jobs); // planning again adds nothing
  assert.deepEqual(await store.jobCounts("r1"), { pending: 3, ok: 0, failed: 0 });
  await store.commit({
    calls: [],
    cache: [{ key: "k1", model: "m", response: { text: "{}", modelSnapshot: "m-2026" } }],
    outcomes: [
      {
        runId: "r1",
        jobId: "a",
        seq: 0,
        agentId: "agent-a",
        status: "ok",
        responses: [response("a", "q1", "ok"), response("a", "q2", "ok")],
      },
      {
        runId: "r1",
        jobId: "c",
        seq: 2,
        agentId: "agent-c",
        status: "failed",
        responses: [response("c", "q1", "failed"), response("c", "q2", "failed")],
      },
    ],
  });
  assert.deepEqual(await store.jobCounts("r1"), { pending: 1, ok: 1, failed: 1 });
  assert.deepEqual(
    (await store.jobs("r1", "pending")).map((j) => [j.jobId, j.items]),
    [["b", ["q1", "q2"]]],
  );
  const rows: ResponseRecord[] = [];
  for await (const r of store.responses("r1")) rows.push(r);
  assert.deepEqual(rows, [
    response("a", "q1", "ok"),
    response("a", "q2", "ok"),
    response("c", "q1", "failed"),
    response("c", "q2", "failed"),
  ]);
  assert.deepEqual(await store.cacheGet(["k1", "missing"]), [
    { text: "{}", modelSnapshot: "m-2026" },
    undefined,
  ]);
  await store.close();
});

test("a failed response without a reason is refused, and the whole batch with it", async () => {
  const store = openStore(join(dir, "atomic.db"));
  await store.saveStudy({ id: "v1", name: "s", spec: {}, createdAt: "t" });
  await store.openRun(run);
  await store.saveJobs("r1", [
    { jobId: "a", seq: 0, agentId: "x", items: ["q1"], arm: "control", replicate: 1 },
  ]);
  const silent = { ...response("a", "q1", "failed"), reason: null };
  await assert.rejects(
    store.commit({
      calls: [
        {
          runId: "r1",
          jobId: "a",
          attempt: 1,
          purpose: "answer",
          outcome: "ok",
          httpStatus: 200,
          inputTokens: 1,
          cachedInputTokens: 0,
          outputTokens: 1,
          reasoningTokens: 0,
          costUsd: 0.5,
          latencyMs: 1,
          createdAt: "t",
          turn: null,
        },
      ],
      cache: [],
      outcomes: [
        { runId: "r1", jobId: "a", seq: 0, agentId: "agent-a", status: "failed", responses: [silent] },
      ],
    }),
  );
  assert.deepEqual(await store.spending("r1"), { calls: 0, usd: 0, inputTokens: 0, outputTokens: 0 });
  assert.deepEqual(await store.jobCounts("r1"), { pending: 1, ok: 0, failed: 0 });
  await store.close();
});

test("large batches commit on the writer thread: in order, atomically, readable once committed", async () => {
  const store = openStore(join(dir, "thread.db"));
  await store.saveStudy({ id: "v1", name: "s", spec: {}, createdAt: "t" });
  await store.openRun(run);
  const ids = Array.from({ length: 600 }, (_, i) => `j${i}`);
  await store.saveJobs(
    "r1",
    ids.map((jobId, seq) => ({
      jobId,
      seq,
      agentId: `agent-${jobId}`,
      items: ["q1"],
      arm: "control",
      replicate: 1,
    })),
  );
  const outcome = (jobId: string, status: "ok" | "failed") => ({
    runId: "r1",
    jobId,
    agentId: `agent-${jobId}`,
    seq: Number(jobId.slice(1)),
    status,
    responses: [response(jobId, "q1", status)],
  });
  // Two large batches sent without waiting, then a small one: all land, the small one after.
  const first = store.commit({
    calls: [],
    cache: [],
    outcomes: ids.slice(0, 300).map((j) => outcome(j, "ok")),
  });
  const second = store.commit({
    calls: [],
    cache: ids.slice(300).map((key) => ({ key, model: "m", response: { text: key } })),
    outcomes: ids.slice(300).map((j) => outcome(j, "ok")),
  });
  const third = store.commit({ calls: [], cache: [], outcomes: [outcome("j0", "failed")] });
  await Promise.all([first, second, third]);
  assert.deepEqual(await store.jobCounts("r1"), { pending: 0, ok: 599, failed: 1 });
  assert.deepEqual(await store.cacheGet(["j599"]), [{ text: "j599" }]);
  // A bad row fails its whole (large) batch, and nothing of it is kept.
  const silent = { ...response("j1", "q1", "failed"), reason: null };
  await assert.rejects(
    store.commit({
      calls: [],
      cache: ids.slice(0, 300).map((key) => ({ key: `new-${key}`, model: "m", response: { text: key } })),
      outcomes: [
        { runId: "r1", jobId: "j1", seq: 1, agentId: "agent-j1", status: "failed", responses: [silent] },
      ],
    }),
    /CHECK constraint failed/,
  );
  assert.deepEqual(await store.cacheGet(["new-j0"]), [undefined]);
  await store.close();
});

test("a plan is saved as what it is made from, and its jobs read back as planned, large or small", async () => {
  const store = openStore(join(dir, "plan.db"));
  await store.saveStudy({ id: "v1", name: "s", spec: {}, createdAt: "t" });
  for (const [runId, people] of [
    ["small", 3],
    ["large", 700],
  ] as const) {
    await store.openRun({ ...run, id: runId });
    const plan = new Plan({
      agentIds: Array.from({ length: people }, (_, i) => `p${i}`),
      itemIds: ["q1", "q2", "q3"],
      arms: ["control", "treated"],
      replicates: 2,
      itemsPerCall: 2,
    });
    await store.saveJobs(runId, plan);
    await store.saveJobs(runId, plan); // planning again adds nothing
    const stored = await store.jobs(runId);
    assert.equal(stored.length, people * 2 * 2 * 2);
    assert.deepEqual(
      stored,
      plan.slice(0, plan.length).map((j) => ({ ...j, status: "pending" })),
    );
  }
  await store.close();
});
