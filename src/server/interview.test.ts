import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { storedInterviewAgents, withConditioning } from "../agents/index.ts";
import { resolveDataDir } from "../data/index.ts";
import { type MockLlm, startMockLlm } from "../mock-llm/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { type RunningServer, startServer } from "./index.ts";
import { type Browser, ensureWebBuilt, openBrowser } from "./testing.ts";

// A participant in real Chromium: consent, three answers, leave, come back by the link, finish.
// The interviewer's decisions come from the mock LLM server (a test double), over real HTTP.
const dir = mkdtempSync(join(tmpdir(), "populace-interview-page-"));
let mock: MockLlm;
let store: Store;
let server: RunningServer;
let browser: Browser;

const SCRIPT = `name: short
interviewer: Interviewer
greeting: Thank you for joining.
closing: That is the end of our conversation. Thank you.
modules:
  - {id: home, topic: Home, opening: Where did you grow up?, turns: 2}
  - {id: family, topic: Family, opening: Who do you live with?, turns: 1}
  - {id: work, topic: Work, opening: What work do you do?, turns: 1}
  - {id: values, topic: Values, opening: What matters most to you?, turns: 2, words: 40}
`;

before(async () => {
  ensureWebBuilt();
  mock = await startMockLlm({ seed: 21 });
  store = openStore(join(dir, "interviews.db"));
  const script = join(dir, "short.yaml");
  writeFileSync(script, SCRIPT);
  server = await startServer({
    store,
    dataDir: resolveDataDir(),
    port: 0,
    modelId: `${mock.url}/v1#mock`,
    interviewScript: script,
  });
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Four modules of one or two questions: four to six answers.
const ANSWERS = [
  "I grew up in a small fishing town in Maine.",
  "With my partner and our two daughters.",
  "I teach chemistry at a public high school.",
  "Being honest with the people I love.",
  "And leaving things a little better than I found them.",
  "That is all I can think of.",
];

test("a participant consents, answers three questions, leaves, comes back by the link and finishes; the transcript is stored as an interview agent", async () => {
  const { page } = browser;
  await page.goto(`${server.url}/interview`);
  await page.getByRole("region", { name: "Consent" }).waitFor();
  const link = new URL(page.url()).pathname;
  assert.match(link, /^\/interview\/[A-Za-z0-9_-]{22}$/);
  assert.deepEqual(await page.locator(".consent li").allTextContents(), ["Home", "Family", "Work", "Values"]);
  assert.match((await page.getByRole("note").textContent()) ?? "", /mock LLM server, a test double/);
  const shots = process.env.POPULACE_SCREENSHOTS ?? dir;
  await page.screenshot({ path: join(shots, "interview-consent.png"), fullPage: true });
  await page.getByRole("button", { name: "I agree, start the interview" }).click();
  const answer = async (text: string) => {
    const before = await page.locator(".turn").count();
    await page.locator('textarea[name="answer"]').fill(text);
    await page.getByRole("button", { name: "Send" }).click();
    // The answer and the interviewer's next words (or the end) are shown.
    await page
      .waitForFunction((n) => document.querySelectorAll(".turn").length >= n + 2, before, { timeout: 30_000 })
      .catch(async (e) => {
        throw new Error(
          `${e.message}\n${(await page.content()).slice(0, 3000)}\n${browser.errors.join("\n")}`,
        );
      });
  };
  await page.getByText("Where did you grow up?").waitFor();
  for (const text of ANSWERS.slice(0, 3)) await answer(text);
  const id = link.split("/").at(-1)!;
  const midway = await store.interview(id);
  assert.equal(midway?.status, "in_progress");
  assert.deepEqual(
    midway?.turns.filter((t) => t.speaker === "Participant").map((t) => t.text),
    ANSWERS.slice(0, 3),
  );
  // Leave, and come back by the link in a fresh page: the transcript so far and the next question.
  await page.goto("about:blank");
  await page.goto(`${server.url}${link}`);
  await page.locator(".turn.mine").nth(2).waitFor();
  assert.equal(await page.locator(".turn.mine").count(), 3);
  assert.equal(await page.locator(".turn").last().textContent(), `Interviewer${midway?.turns.at(-1)?.text}`);
  let given = 3;
  while (!(await page.getByRole("status").isVisible())) {
    assert.ok(given < ANSWERS.length, "the script's budgets end the interview");
    await answer(ANSWERS[given++]);
  }
  assert.match((await page.getByRole("status").textContent()) ?? "", /the interview is complete/);
  assert.match(
    (await page.locator("[data-progress]").textContent()) ?? "",
    /^Finished: 4 topics, \d+ words from you\.$/,
  );
  await page.screenshot({
    path: join(process.env.POPULACE_SCREENSHOTS ?? dir, "interview.png"),
    fullPage: true,
  });
  assert.deepEqual(browser.errors, []);

  // Stored: completed, every answer as given, the script's closing last; an interview agent.
  const done = await store.interview(id);
  assert.equal(done?.status, "completed");
  assert.deepEqual(
    done?.turns.filter((t) => t.speaker === "Participant").map((t) => t.text),
    ANSWERS.slice(0, given),
  );
  assert.equal(done?.turns.at(-1)?.text, "That is the end of our conversation. Thank you.");
  const [agent] = withConditioning(storedInterviewAgents([done!], { where: "interviews.db", seed: 1 }), {
    mode: "interview",
  });
  assert.equal(agent.interview?.respondent, "Participant");
  assert.equal(agent.interview?.exchanges.flat().filter((t) => t.speaker === "Participant").length, given);
});

test("the interview API: unknown sessions are 404s, empty answers and answers before consent are refused", async () => {
  const post = (path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  assert.equal((await fetch(`${server.url}/api/interviews/nope`)).status, 404);
  const made = (await (await post("/api/interviews")).json()) as { id: string; status: string; link: string };
  assert.equal(made.status, "consent");
  const early = await post(`/api/interviews/${made.id}/answers`, { text: "hello" });
  assert.equal(early.status, 400);
  assert.match(((await early.json()) as { error: string }).error, /give consent first/);
  await post(`/api/interviews/${made.id}/consent`);
  const empty = await post(`/api/interviews/${made.id}/answers`, { text: "   " });
  assert.equal(empty.status, 400);
  assert.match(((await empty.json()) as { error: string }).error, /body\.text: the answer is empty/);
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
    paths: Record<string, unknown>;
  };
  assert.ok(doc.paths["/api/interviews/{session}/answers"]);
});
