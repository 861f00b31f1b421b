import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { resolveDataDir } from "../data/index.ts";
import { createModel } from "../llm/index.ts";
import { type MockLlm, startMockLlm } from "../mock-llm/index.ts";
import { realSide } from "../simulacra/index.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { runStudy } from "../study/index.ts";
import { type RunningServer, startServer } from "./index.ts";
import { type Browser, ensureWebBuilt, openBrowser } from "./testing.ts";

// The believability test in real Chromium: a test made through the API from a community on the
// mock (a test double) and the real CMV threads, judged by two judges through the shared link.
const dir = mkdtempSync(join(tmpdir(), "populace-believability-"));
let mock: MockLlm;
let store: Store;
let server: RunningServer;
let browser: Browser;
let runId = "";

before(async () => {
  ensureWebBuilt();
  mock = await startMockLlm({ seed: 12 });
  store = openStore(join(dir, "b.db"));
  const study = parseStudy(
    `name: views
instrument:
  community:
    goal: people who post an opinion and invite others to change their view
    rules: [Be civil]
    seed_personas: ["Ivo, who argues about taxes and the minimum wage", "Lin, who cares about guns and policing"]
    personas: 6
    threads: 5
    p_reply: 1
    max_replies: 3
`,
    "views.yaml",
  );
  runId = (await runStudy({ study, store, dataDir: dir, model: createModel(`${mock.url}/v1#mock`) })).run.id;
  server = await startServer({ store, dataDir: resolveDataDir(), port: 0 });
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("judges open the shared link, say which conversation is real pair by pair, and see the error rate with its interval", async () => {
  const made = await fetch(`${server.url}/api/believability`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ run: runId, pairs: 4 }),
  });
  assert.equal(made.status, 201);
  const t = (await made.json()) as { id: string; link: string; pairs: number };
  assert.equal(t.pairs, 4);
  const { page } = browser;
  // Judge one types a name; she always picks A.
  await page.goto(`${server.url}${t.link}`);
  await page.getByRole("form", { name: "Who is judging" }).locator('input[name="judge"]').fill("ana");
  await page.getByRole("button", { name: "Start" }).click();
  for (let pair = 1; pair <= 4; pair++) {
    await page.getByText(`Pair ${pair} of 4`).waitFor();
    assert.equal(await page.locator(".conversation").count(), 2);
    assert.ok((await page.locator('.conversation[data-side="A"] .message').count()) >= 2);
    await page.getByRole("button", { name: "A is the real one" }).click();
  }
  await page.getByRole("status").filter({ hasText: "you judged all 4 pairs" }).waitFor();
  // Judge two comes by a link that names him; he always picks B.
  await page.goto(`${server.url}${t.link}?judge=bo`);
  for (let pair = 1; pair <= 4; pair++) {
    await page.getByText(`Pair ${pair} of 4`).waitFor();
    await page.getByRole("button", { name: "B is the real one" }).click();
  }
  await page.getByRole("link", { name: "See the results" }).click();
  await page.locator('[data-figure="pooled"]').waitFor();
  // What the page says is what the stored judgments say.
  let wrong = 0;
  for (let pair = 1; pair <= 4; pair++) {
    if (realSide(t.id, "ana", pair) !== "A") wrong++;
    if (realSide(t.id, "bo", pair) !== "B") wrong++;
  }
  const pooled = (await page.locator('[data-figure="pooled"]').textContent()) ?? "";
  assert.match(
    pooled,
    new RegExp(`^${((100 * wrong) / 8).toFixed(1)}% \\(${wrong} of 8; 95% CI .*, Wilson\\)$`),
  );
  assert.match((await page.locator('[data-figure="judge-mean"]').textContent()) ?? "", /2 judges/);
  assert.equal(await page.locator(".results tbody tr").count(), 2 + 2);
  await page.screenshot({
    path: join(process.env.POPULACE_SCREENSHOTS ?? dir, "believability-results.png"),
    fullPage: true,
  });
  const judgments = await store.judgments(t.id);
  assert.deepEqual(
    judgments.map((j) => [j.judge, j.pair, j.choice]),
    [1, 2, 3, 4].map((p) => ["ana", p, "A"]).concat([1, 2, 3, 4].map((p) => ["bo", p, "B"])),
  );
  assert.deepEqual(browser.errors, []);
});

test("the API refuses bad judgments naming the field, and an unknown test", async () => {
  const tests = (await (await fetch(`${server.url}/api/runs/${runId}/believability`)).json()) as {
    id: string;
  }[];
  const id = tests[0].id;
  const post = (body: unknown) =>
    fetch(`${server.url}/api/believability/${id}/judgments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const bad = (await (await post({ judge: " ", pair: 0, choice: "C" })).json()) as {
    issues: { field: string }[];
  };
  assert.deepEqual(
    bad.issues.map((i) => i.field),
    ["body.judge", "body.pair", "body.choice"],
  );
  const beyond = await post({ judge: "ana", pair: 9, choice: "A" });
  assert.equal(beyond.status, 400);
  assert.match(((await beyond.json()) as { error: string }).error, /pairs 1 to 4/);
  assert.equal((await fetch(`${server.url}/api/believability/nope/results`)).status, 404);
  const noJudge = await fetch(`${server.url}/api/believability/${id}/pairs`);
  assert.equal(((await noJudge.json()) as { issues: { field: string }[] }).issues[0].field, "query.judge");
});
