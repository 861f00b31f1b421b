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
import { type RunningServer, startServer } from "./index.ts";
import { type Browser, ensureWebBuilt, openBrowser } from "./testing.ts";

// The forum view in real Chromium, served by the real server over HTTP, its WhatIf made through
// the engine against the mock LLM server (a test double).
const dir = mkdtempSync(join(tmpdir(), "populace-forum-"));
let mock: MockLlm;
let store: Store;
let server: RunningServer;
let browser: Browser;
let runId = "";

before(async () => {
  ensureWebBuilt();
  mock = await startMockLlm({ seed: 2 });
  store = openStore(join(dir, "forum.db"));
  const study = parseStudy(
    `name: bakers
seed: 4
instrument:
  community:
    goal: people learning to bake bread at home
    rules: [Be kind to beginners]
    seed_personas: ["Yuna Kim, a nurse who bakes sourdough", "Omar Haddad, a retired engineer who weighs everything"]
    personas: 8
    threads: 4
    p_reply: 1
    max_replies: 3
`,
    "bakers.yaml",
  );
  const r = await runStudy({ study, store, dataDir: dir, model: createModel(`${mock.url}/v1#mock`) });
  runId = r.run.id;
  server = await startServer({ store, dataDir: dir, port: 0, modelId: `${mock.url}/v1#mock` });
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the forum view: open a thread, run a WhatIf as a troll on the mock, see the new branch beside the thread", async () => {
  const { page } = browser;
  await page.goto(`${server.url}/`);
  await page.getByRole("link", { name: runId }).click();
  await page.getByRole("heading", { name: "bakers" }).waitFor();
  assert.match((await page.getByRole("note").textContent()) ?? "", /test double/);
  assert.equal(await page.locator(".thread-list li").count(), 4);
  await page.locator(".thread-title").first().click();
  await page.waitForURL(/\/threads\/t1$/);
  // The thread: its post, then its 3 replies (p_reply 1, max_replies 3), none by the author before it.
  const cards = page.locator("article.utterance");
  // The thread page renders once its data has come (count() does not wait for it).
  await cards.nth(3).waitFor();
  assert.equal(await cards.count(), 4);
  const reply = page.locator('article[data-utterance="t1.1"]');
  await reply.getByRole("button", { name: "WhatIf…" }).click();
  const form = page.getByRole("form", { name: "WhatIf after t1.1" });
  await form.getByRole("button", { name: "A troll" }).click();
  assert.match(await form.locator('input[name="as"]').inputValue(), /^A troll who mocks/);
  await form.locator('input[name="continue"]').fill("1");
  await form.getByRole("button", { name: "Run WhatIf" }).click();
  await page.getByRole("status").filter({ hasText: "New: whatif-1" }).waitFor({ timeout: 30_000 });
  const branch = page.locator('.alternative[data-branch="whatif-1"]');
  await branch.waitFor();
  assert.match(
    (await branch.locator(".alternative-label").textContent()) ?? "",
    /whatif-1: what if a troll who mocks/,
  );
  assert.equal(await branch.locator("article.utterance").count(), 2, "the troll's reply and one more");
  assert.equal(await branch.locator("article .author").first().textContent(), "whatif-1.as");
  // Side by side with the thread as it went on from the same utterance.
  const mainAlt = page.locator('.alternative[data-branch="main"]');
  assert.match((await mainAlt.locator(".alternative-label").textContent()) ?? "", /as it went/);
  const [a, b] = [await mainAlt.boundingBox(), await branch.boundingBox()];
  assert.ok(a && b && Math.abs(a.y - b.y) < 2 && b.x > a.x, "the alternatives are side by side");
  await page.screenshot({
    path: join(process.env.POPULACE_SCREENSHOTS ?? dir, "forum-whatif.png"),
    fullPage: true,
  });
  // The API agrees: the branch is stored beside the original.
  const thread = (await (await fetch(`${server.url}/api/runs/${runId}/threads/t1`)).json()) as {
    utterances: { branch: string; parent: string | null; utterance: string }[];
  };
  const made = thread.utterances.filter((u) => u.branch === "whatif-1");
  assert.deepEqual(
    made.map((u) => [u.utterance, u.parent]),
    [
      ["t1.whatif-1.1", "t1.1"],
      ["t1.whatif-1.2", "t1.whatif-1.1"],
    ],
  );
  assert.deepEqual(browser.errors, []);
});

test("the forum view: Multiverse from the post shows the alternatives, with progress while they run", async () => {
  const { page } = browser;
  await page.goto(`${server.url}/runs/${runId}/threads/t2`);
  const post = page.locator('article[data-utterance="t2.0"]');
  await post.getByRole("button", { name: "Multiverse…" }).click();
  const form = page.getByRole("form", { name: "Multiverse after t2.0" });
  await form.locator('input[name="n"]').fill("2");
  await form.getByRole("button", { name: "Run Multiverse" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: "New: multiverse-1-1, multiverse-1-2" })
    .waitFor({ timeout: 30_000 });
  for (const b of ["multiverse-1-1", "multiverse-1-2"]) {
    const alt = page.locator(`.alternative[data-branch="${b}"]`);
    assert.match((await alt.locator(".alternative-label").textContent()) ?? "", /temperature 0\.8/);
    assert.match((await alt.locator("article .muted").first().textContent()) ?? "", /temperature 0\.8/);
  }
  assert.deepEqual(browser.errors, []);
});
