import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createModel } from "../llm/index.ts";
import { type MockLlm, startMockLlm } from "../mock-llm/index.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { runStudy } from "../study/index.ts";
import { type App, createApp, newServerContext, type ServerContext, startServer } from "./index.ts";

// The API in-process (app.request) over a real SQLite store, WhatIf and Multiverse through the
// engine against the mock LLM server (a test double); and once over real HTTP.
const dir = mkdtempSync(join(tmpdir(), "populace-server-"));
let mock: MockLlm;
let store: Store;
let ctx: ServerContext;
let app: App;
let runId = "";

before(async () => {
  mock = await startMockLlm({ seed: 6 });
  store = openStore(join(dir, "server.db"));
  const study = parseStudy(
    `name: hockey
instrument:
  community:
    goal: fans of a new hockey team
    rules: []
    seed_personas: ["Ada, who has a season ticket", "Ben, who watches every game at the pub"]
    personas: 6
    threads: 3
`,
    "hockey.yaml",
  );
  runId = (await runStudy({ study, store, dataDir: dir, model: createModel(`${mock.url}/v1#mock`) })).run.id;
  ctx = newServerContext({
    store,
    dataDir: dir,
    modelId: `${mock.url}/v1#mock`,
    webDir: join(dir, "no-web"),
  });
  app = createApp(ctx);
});
after(async () => {
  await ctx.jobs.idle();
  await store.close();
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown) =>
  app.request(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });

test("runs, a community and its threads read back from the store", async () => {
  const runs = (await (await app.request("/api/runs")).json()) as {
    id: string;
    kind: string;
    test_double: boolean;
  }[];
  assert.deepEqual(
    runs.map((r) => [r.id, r.kind, r.test_double]),
    [[runId, "community", true]],
  );
  const c = await (await app.request(`/api/runs/${runId}/community`)).json();
  assert.equal(c.goal, "fans of a new hockey team");
  assert.equal(c.personas, 8);
  assert.match(c.note, /test double/);
  assert.deepEqual(
    c.threads.map((t: { thread: string }) => t.thread),
    ["t1", "t2", "t3"],
  );
  const t = await (await app.request(`/api/runs/${runId}/threads/t1`)).json();
  assert.equal(t.utterances[0].utterance, "t1.0");
  assert.equal(t.utterances[0].parent, null);
  assert.ok(t.utterances.every((u: { thread: string }) => u.thread === "t1"));
});

test("bad requests get a 400 naming each field; unknown runs, threads and jobs a 404", async () => {
  const bad = await post(`/api/runs/${runId}/whatif`, { utterance: "", as: "  ", continue: -2 });
  assert.equal(bad.status, 400);
  const body = (await bad.json()) as { error: string; issues: { field: string; message: string }[] };
  assert.deepEqual(
    body.issues.map((i) => i.field),
    ["body.utterance", "body.as", "body.continue"],
  );
  assert.match(body.error, /^invalid request: body\.utterance: /);
  const neither = (await (await post(`/api/runs/${runId}/multiverse`, { n: 2 })).json()) as {
    issues: { field: string; message: string }[];
  };
  assert.deepEqual(neither.issues, [
    { field: "body.utterance", message: "give either utterance or community: true" },
  ]);
  const tooMany = await post(`/api/runs/${runId}/multiverse`, { community: true, n: 500 });
  assert.equal(((await tooMany.json()) as { issues: { field: string }[] }).issues[0].field, "body.n");
  const missing = await post(`/api/runs/${runId}/whatif`, { utterance: "t9.9", as: "a troll" });
  assert.equal(missing.status, 400);
  assert.deepEqual(((await missing.json()) as { issues: unknown[] }).issues, [
    { field: "body.utterance", message: `no utterance "t9.9" in run ${runId}` },
  ]);
  const notJson = await app.request(`/api/runs/${runId}/whatif`, {
    method: "POST",
    body: "{oops",
    headers: { "content-type": "application/json" },
  });
  assert.equal(notJson.status, 400);
  assert.equal((await app.request("/api/runs/nope/community")).status, 404);
  assert.equal((await app.request(`/api/runs/${runId}/threads/t99`)).status, 404);
  assert.equal((await app.request("/api/jobs/nope")).status, 404);
  assert.equal((await app.request("/api/nothing")).status, 404);
});

test("a WhatIf runs in the background through the engine; its job reports progress and the branch", async () => {
  const started = await post(`/api/runs/${runId}/whatif`, {
    utterance: "t2.0",
    as: "a moderator",
    text: "Welcome! Please read the rules.",
    continue: 1,
  });
  assert.equal(started.status, 202);
  const job = (await started.json()) as { id: string; state: string };
  assert.ok(["queued", "running"].includes(job.state));
  await ctx.jobs.idle();
  const done = (await (await app.request(`/api/jobs/${job.id}`)).json()) as {
    state: string;
    progress: { done: number; total: number; calls: number };
    result: { branches: string[]; calls: number };
  };
  assert.equal(done.state, "done");
  assert.deepEqual(done.result.branches, ["whatif-1"]);
  assert.equal(done.progress.done, 1);
  assert.equal(done.result.calls, 1, "the given reply costs no call, the one after it one");
  const t = (await (await app.request(`/api/runs/${runId}/threads/t2`)).json()) as {
    utterances: { utterance: string; text: string; temperature: number | null }[];
    branches: { branch: string; as: string }[];
  };
  const given = t.utterances.find((u) => u.utterance === "t2.whatif-1.1")!;
  assert.equal(given.text, "Welcome! Please read the rules.");
  assert.equal(given.temperature, null);
  assert.deepEqual(
    t.branches.map((b) => [b.branch, b.as]),
    [["whatif-1", "a moderator"]],
  );
});

test("the OpenAPI document lists the routes and their request schemas", async () => {
  const doc = (await (await app.request("/openapi.json")).json()) as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, unknown> };
  };
  assert.equal(doc.openapi, "3.1.0");
  for (const path of [
    "/api/runs",
    "/api/runs/{run}/community",
    "/api/runs/{run}/threads/{thread}",
    "/api/runs/{run}/whatif",
    "/api/runs/{run}/multiverse",
    "/api/jobs/{id}",
  ]) {
    assert.ok(doc.paths[path], path);
  }
  assert.ok(doc.components.schemas.WhatIfRequest && doc.components.schemas.Utterance);
});

test("over real HTTP on a free port: the API answers and pages say how to build the app when it is missing", async () => {
  const server = await startServer({ store, dataDir: dir, port: 0, webDir: join(dir, "no-web") });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const runs = (await (await fetch(`${server.url}/api/runs`)).json()) as { id: string }[];
    assert.equal(runs[0].id, runId);
    const page = await fetch(`${server.url}/runs/${runId}`);
    assert.equal(page.status, 503);
    assert.match(await page.text(), /npm run build:web/);
  } finally {
    await server.close();
  }
});
