import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { register as compare } from "../cli/commands/finetune-compare.ts";
import { register as exporter } from "../cli/commands/finetune-export.ts";
import { register as launch } from "../cli/commands/finetune-launch.ts";
import { register as status } from "../cli/commands/finetune-status.ts";
import { runInProcess } from "../cli/in-process.ts";
import { checkReportInBrowser } from "../report/index.ts";
import { openStore } from "../store/index.ts";
import { exactMatch, readSessions, type WebAction } from "../webactions/index.ts";
import { shopSessions, writeWebStudy } from "../webactions/test-fixtures.ts";
import { mockOpenAi } from "./test-fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-finetune-web-"));
let stop: () => Promise<void>;
before(async () => {
  ({ stop } = await mockOpenAi(13));
});
after(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const out = await runInProcess([exporter, launch, status, compare], [...args, "--json"]);
  assert.equal(out.error, undefined, out.error?.message);
  return JSON.parse(out.stdout);
}

test("web sessions → export → launch → status → compare: the same web-action study on the base and the tuned model, scored on the test users' sessions", async () => {
  // Each shopper has two sessions: the first ends in leaving, the second in a purchase.
  const sessions = shopSessions(12, { steps: 4, users: 6 });
  for (const s of sessions.slice(0, 6)) s.steps[3].action = { type: "terminate" };
  const spec = writeWebStudy(dir, "webft", sessions);
  const sessionsFile = join(dir, "webft.sessions.jsonl");
  const train = join(dir, "train.jsonl");
  const split = await cli([
    "finetune",
    "export",
    "--sessions",
    sessionsFile,
    "--out",
    train,
    "--test-share",
    "0.34",
    "--seed",
    "4",
  ]);
  assert.equal(split.by, "user");
  assert.equal(split.test.length, 2);

  const job = (await cli(["finetune", "launch", train, "--model", "openai:gpt-4o-mini-2024-07-18"])).job.id;
  const tuned = (await cli(["finetune", "status", job, "--wait", "--interval", "0"]))
    .populace_model as string;
  assert.match(tuned, /^openai:ft:gpt-4o-mini-2024-07-18:org-populace-mock:/);

  const db = join(dir, "webft.db");
  const html = join(dir, "before-after.html");
  const base = "openai:gpt-4o-mini-2024-07-18";
  const r = await cli([
    "finetune",
    "compare",
    spec,
    "--base",
    base,
    "--tuned",
    tuned,
    "--split",
    join(dir, "train.split.json"),
    "--db",
    db,
    "--html",
    html,
  ]);
  assert.equal(r.kind, "webactions");
  assert.equal(r.n_users, 2);
  assert.equal(r.base.model, base);
  assert.equal(r.tuned.model, tuned);
  assert.notEqual(r.base.run, r.tuned.run);
  assert.equal(r.base.status, "completed");
  assert.equal(r.tuned.status, "completed");

  // Each side's accuracy computed again from its stored answers, on the test users' sessions only.
  const truth = new Map(readSessions(sessionsFile).sessions.map((s) => [s.session, s]));
  const test = new Set<string>(split.test);
  const testSessions = [...truth.values()].filter((s) => test.has(s.user));
  assert.equal(r.n_sessions, testSessions.length);
  assert.equal(r.n_test_cases, testSessions.length * 3);
  const store = openStore(db);
  const answers: Record<string, Map<string, string>> = {};
  try {
    for (const side of ["base", "tuned"] as const) {
      const jobs = await store.jobs(r[side].run);
      assert.deepEqual(
        jobs.map((j) => j.inputs?.session).sort(),
        testSessions.map((s) => s.session).sort(),
        "only the test users' sessions are asked",
      );
      const bySession = new Map(jobs.map((j) => [j.jobId, String(j.inputs?.session)]));
      const hits = new Map<string, number>();
      const m = new Map<string, string>();
      for await (const row of store.responses(r[side].run)) {
        const session = bySession.get(row.jobId)!;
        const step = Number(row.item.replace("step:", ""));
        const action = row.status === "ok" ? (JSON.parse(String(row.answer)) as WebAction) : null;
        m.set(`${session}/${step}`, String(row.answer));
        if (exactMatch(truth.get(session)!.steps[step].action, action))
          hits.set(session, (hits.get(session) ?? 0) + 1);
      }
      answers[side] = m;
      const acc = testSessions.reduce((a, s) => a + (hits.get(s.session) ?? 0) / 3, 0) / testSessions.length;
      assert.ok(Math.abs(r[side].accuracy - acc) < 1e-12, `${side} accuracy`);
    }
  } finally {
    await store.close();
  }
  // The tuned model is really asked: the mock answers it from its own seeded stream (a test double, not training).
  const differs = [...answers.base].filter(([k, v]) => answers.tuned.get(k) !== v).length;
  assert.ok(differs > 0, "the tuned model's answers are its own");
  const shares = (d: Record<string, number>) => Object.values(d).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(shares(r.human_distribution) - 1) < 1e-9);
  assert.ok(Math.abs(shares(r.tuned.distribution) - 1) < 1e-9);

  const check = await checkReportInBrowser(html, { screenshot: process.env.POPULACE_SCREENSHOT });
  assert.deepEqual(check.consoleErrors, []);
  assert.equal(check.plots, 1);
  const page = readFileSync(html, "utf8");
  assert.match(page, /Action kinds: shoppers vs. base vs. tuned/);
  assert.match(page, /mock LLM server: a test double/);
});

test("finetune compare refuses survey-only flags for a web-action study, and a survey split", async () => {
  const spec = writeWebStudy(dir, "webflags", shopSessions(2));
  const refused = await runInProcess(
    [compare],
    ["finetune", "compare", spec, "--base", "openai:a", "--tuned", "openai:b", "--human", "h.csv"],
  );
  assert.match(refused.error?.message ?? "", /--human is for survey studies/);
});
