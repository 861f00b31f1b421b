import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { type MockLlm, startMockLlm } from "../../mock-llm/index.ts";
import { checkReportInBrowser } from "../../report/index.ts";
import { runInProcess } from "../in-process.ts";
import { register as multiverse } from "./multiverse.ts";
import { register as run } from "./run.ts";
import { register as threads } from "./threads.ts";
import { register as whatif } from "./whatif.ts";

// The community commands in-process, as bin/populace runs them, against the mock LLM server.
const dir = mkdtempSync(join(tmpdir(), "populace-community-cli-"));
const db = join(dir, "c.db");
const spec = join(dir, "c.yaml");
let mock: MockLlm;
let runId = "";
const commands = [run, threads, whatif, multiverse];

before(async () => {
  mock = await startMockLlm({ seed: 21 });
  const text = readFileSync(resolve(import.meta.dirname, "../../../examples/community/bakers.yaml"), "utf8")
    .replace("personas: 50", "personas: 12")
    .replace("threads: 40", "threads: 6");
  (await import("node:fs")).writeFileSync(spec, text);
  const out = await runInProcess(commands, [
    "run",
    spec,
    "--model",
    `${mock.url}/v1#mock`,
    "--db",
    db,
    "--json",
  ]);
  runId = JSON.parse(out.stdout).run;
});
after(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

const rowsOf = async () =>
  (await runInProcess(commands, ["threads", runId, "--db", db])).stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

test("populace threads: one JSON object per utterance with exactly the documented fields", async () => {
  const rows = await rowsOf();
  assert.ok(rows.length >= 6);
  for (const r of rows) {
    assert.deepEqual(Object.keys(r), [
      "thread",
      "utterance",
      "parent",
      "branch",
      "author",
      "persona",
      "kind",
      "text",
      "temperature",
    ]);
  }
  assert.equal(rows[0].kind, "post");
  assert.equal(rows[0].parent, null);
});

test("populace whatif and multiverse add branches the export shows with persona and temperature", async () => {
  const post = (await rowsOf()).find((r) => r.kind === "post");
  const w = await runInProcess(commands, [
    "whatif",
    runId,
    "--db",
    db,
    "--model",
    `${mock.url}/v1#mock`,
    "--utterance",
    post.utterance,
    "--as",
    "A troll who mocks beginners",
    "--continue",
    "1",
  ]);
  assert.match(w.stdout, /^made: whatif-1 \(run .* completed; 2 calls/m);
  const m = await runInProcess(commands, [
    "multiverse",
    runId,
    "--db",
    db,
    "--utterance",
    post.utterance,
    "--n",
    "2",
    "--json",
  ]);
  const out = JSON.parse(m.stdout);
  assert.deepEqual(out.branches, ["multiverse-1-1", "multiverse-1-2"]);
  assert.equal(out.exit_code, 0);
  const rows = await rowsOf();
  const troll = rows.find((r) => r.branch === "whatif-1");
  assert.equal(troll.persona, "A troll who mocks beginners");
  assert.equal(troll.parent, post.utterance);
  assert.ok(rows.filter((r) => r.branch.startsWith("multiverse-1-")).every((r) => r.temperature === 0.8));
  const html = join(dir, "threads.html");
  await runInProcess(commands, ["threads", runId, "--db", db, "--format", "html", "--out", html]);
  const page = readFileSync(html, "utf8");
  assert.match(page, /test double/);
  assert.match(page, /class="alt-label">whatif-1</);
  const shown = await checkReportInBrowser(html, {
    screenshot: process.env.POPULACE_SCREENSHOTS
      ? join(process.env.POPULACE_SCREENSHOTS, "threads.png")
      : undefined,
  });
  assert.deepEqual(shown.consoleErrors, []);
  assert.match(shown.title, /^bakers: /);
});

test("bad flags are refused with one line naming the flag", async () => {
  const e1 = await runInProcess(commands, [
    "whatif",
    runId,
    "--db",
    db,
    "--utterance",
    "t1.0",
    "--as",
    "x",
    "--continue",
    "-1",
  ]);
  assert.match(e1.error?.message ?? "", /^--continue must be a whole number ≥ 0, got "-1"$/);
  const e2 = await runInProcess(commands, [
    "multiverse",
    runId,
    "--db",
    db,
    "--utterance",
    "t1.0",
    "--community",
    "--n",
    "2",
  ]);
  assert.match(e2.error?.message ?? "", /give either --utterance ID or --community/);
  const e3 = await runInProcess(commands, [
    "multiverse",
    runId,
    "--db",
    db,
    "--community",
    "--n",
    "2",
    "--temperature",
    "9",
  ]);
  assert.match(e3.error?.message ?? "", /--temperature must be a number from 0 to 2, got "9"/);
  const e4 = await runInProcess(commands, ["whatif", "nope", "--db", db, "--utterance", "t1.0", "--as", "x"]);
  assert.match(e4.error?.message ?? "", /^no run "nope"/);
  const e5 = await runInProcess(commands, ["threads", runId, "--db", db, "--format", "csv"]);
  assert.match(e5.error?.message ?? "", /--format must be jsonl or html/);
  await assert.rejects(runInProcess(commands, ["whatif", runId, "--db", db, "--utterance", "t1.0"]), /--as/);
});
