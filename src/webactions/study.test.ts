import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { register as report } from "../cli/commands/report.ts";
import { register as run } from "../cli/commands/run.ts";
import { register as predictions } from "../cli/commands/webactions-predictions.ts";
import { register as score } from "../cli/commands/webactions-score.ts";
import { runInProcess } from "../cli/in-process.ts";
import { readJsonl } from "../data/index.ts";
import { type MockLlmOptions, startMockLlm } from "../mock-llm/index.ts";
import { checkReportInBrowser } from "../report/index.ts";
import { openStore } from "../store/index.ts";
import type { Session, WebAction } from "./index.ts";
import { shopSessions, writeWebStudy } from "./test-fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-webactions-study-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const commands = [run, predictions, score, report];

/** `populace run` in-process: its JSON outcome, with the exit code it set (then cleared). */
async function populaceRun(args: string[]) {
  const out = await runInProcess(commands, ["run", ...args, "--json"]);
  assert.equal(out.error, undefined, out.error?.message);
  const code = process.exitCode ?? 0;
  process.exitCode = 0;
  return { ...JSON.parse(out.stdout), code };
}

type Body = { messages: { role: string; content: string }[] } & Record<string, unknown>;

/** `populace run SPEC` against a fresh mock LLM server: the outcome and the request bodies it got. */
async function runOnMock(mockOptions: MockLlmOptions, spec: string, db: string, more: string[] = []) {
  const mock = await startMockLlm({ port: 0, recordRequests: 200, ...mockOptions });
  try {
    const outcome = await populaceRun([spec, "--model", `${mock.url}/v1#mock`, "--db", db, ...more]);
    return { outcome, bodies: mock.requests() as Body[] };
  } finally {
    await mock.close();
  }
}

/** The same rule as the metric, written again: same type, same target, same text trimmed and lower-cased. */
function same(truth: WebAction, pred: WebAction | null): boolean {
  if (!pred || pred.type !== truth.type) return false;
  if (truth.type === "terminate") return true;
  if (pred.target !== truth.target) return false;
  return (
    truth.type !== "type_and_submit" || pred.text?.trim().toLowerCase() === truth.text?.trim().toLowerCase()
  );
}

test("sessions → populace run on the mock → predictions export → webactions score → populace report in Chromium", async () => {
  const sessions: Session[] = [
    ...shopSessions(7, { steps: 3, users: 4 }),
    { ...shopSessions(1, { steps: 1, seed: "x" })[0], session: "single", user: "u9" },
  ];
  const personas = { u1: "I am 34, I hike most weekends and buy outdoor clothes twice a year." };
  const spec = writeWebStudy(dir, "shop", sessions, { personas });
  const db = join(dir, "shop.db");
  const { outcome, bodies: requests } = await runOnMock({ seed: 4 }, spec, db);
  assert.equal(outcome.code, 0);
  assert.equal(outcome.status, "completed");
  // One job per session with a test case: the one-step session has none (and a note says so).
  assert.equal(outcome.jobs, 7);
  assert.match(JSON.stringify(outcome.notes), /1 sessions have a single step/);
  assert.equal(requests.length, 14, "one call per test case (every step after the first), no repair needed");

  // Each turn is given the TRUE history: step 2's request carries the shopper's real step-1 action
  // and rationale, whatever the model predicted for step 1; the persona opens the instructions.
  const bodies = requests;
  const s1 = sessions[0];
  const step2 = bodies.find(
    (b) =>
      b.messages.length === 6 &&
      b.messages[0].content.includes(personas.u1) &&
      b.messages[1].content.includes(s1.steps[0].context) &&
      b.messages[3].content.includes(s1.steps[1].context) &&
      b.messages[5].content.includes(s1.steps[2].context),
  );
  assert.ok(step2, "the step-2 request of session s1 (user u1, with persona)");
  assert.deepEqual(JSON.parse(step2.messages[4].content).action, s1.steps[1].action);
  assert.deepEqual(JSON.parse(step2.messages[2].content), {
    reasoning: s1.steps[0].reasoning,
    action: s1.steps[0].action,
  });
  const u1Cases = sessions.filter((x) => x.user === "u1").reduce((n, x) => n + x.steps.length - 1, 0);
  assert.equal(bodies.filter((b) => b.messages[0].content.includes(personas.u1)).length, u1Cases);

  // The export: one line per test case, each the action stored for it.
  const runId = outcome.run as string;
  const pred = join(dir, "pred.jsonl");
  const exported = await runInProcess(commands, [
    "webactions",
    "predictions",
    runId,
    "--db",
    db,
    "--out",
    pred,
    "--json",
  ]);
  assert.equal(exported.error, undefined, exported.error?.message);
  assert.deepEqual(JSON.parse(exported.stdout).predictions, 14);
  const lines = readJsonl(pred).map(
    (l) => l.value as { session: string; step: number; action: WebAction | null },
  );
  assert.equal(lines.length, 14);
  const store = openStore(db);
  try {
    const byKey = new Map(lines.map((l) => [`${l.session}/${l.step}`, l.action]));
    let turns = 0;
    for await (const t of store.turns(runId)) {
      turns++;
      const session = t.jobId.split("/")[1];
      const { value, shown } = t.payload as {
        value: { reasoning: string; action: WebAction };
        shown: { step: number };
      };
      assert.ok(value.reasoning.length > 0, "the reasoning is kept in the turn");
      assert.deepEqual(byKey.get(`${session}/${shown.step}`), value.action);
    }
    assert.equal(turns, 14);
  } finally {
    await store.close();
  }

  // The score equals a computation written again here.
  const truth = join(dir, "shop.sessions.jsonl");
  const scored = await runInProcess(commands, [
    "webactions",
    "score",
    "--truth",
    truth,
    "--pred",
    pred,
    "--json",
  ]);
  assert.equal(scored.error, undefined, scored.error?.message);
  const s = JSON.parse(scored.stdout);
  const perSession = sessions
    .filter((x) => x.steps.length > 1)
    .map((x) => {
      const hits = x.steps
        .slice(1)
        .filter((st, i) =>
          same(st.action, lines.find((l) => l.session === x.session && l.step === i + 1)!.action),
        );
      return hits.length / (x.steps.length - 1);
    });
  assert.ok(Math.abs(s.accuracy - perSession.reduce((a, b) => a + b, 0) / perSession.length) < 1e-12);
  assert.equal(s.n_missing, 0);

  // populace report scores the run against its sessions: the same figures, drawn in Chromium.
  const html = join(dir, "report.html");
  const rep = await runInProcess(commands, ["report", runId, "--db", db, "--json", "--html", html]);
  assert.equal(rep.error, undefined, rep.error?.message);
  const r = JSON.parse(rep.stdout);
  assert.equal(r.scores.length, 1);
  assert.equal(r.scores[0].accuracy, s.accuracy);
  assert.equal(r.scores[0].outcome_f1_macro, s.outcome_f1_macro);
  assert.deepEqual(r.scores[0].distribution, s.distribution);
  assert.equal(r.jobs.ok, 7);
  const check = await checkReportInBrowser(html, { screenshot: process.env.POPULACE_SCREENSHOT });
  assert.deepEqual(check.consoleErrors, []);
  assert.equal(check.plots, 1);
  assert.match(readFileSync(html, "utf8"), /mock LLM server: a test double/);
});

test("tool_call: a forced next_action call; a bad call gets its tool result with the check's problems, and after the last repair the test case fails (exported as action null, counted missing)", async () => {
  const sessions = shopSessions(2, { steps: 3 });
  const spec = writeWebStudy(dir, "tools", sessions, { webactions: "tool_call: true" });
  const db = join(dir, "tools.db");
  // Every answer breaks its first enum: the action type is "Not sure (off-option)".
  const { outcome, bodies } = await runOnMock({ seed: 2, errorRate: 1, faults: ["off_option"] }, spec, db);
  assert.equal(outcome.code, 3, "some jobs failed");
  assert.equal(bodies.length, 4 * 3, "4 test cases, each asked and repaired twice");
  for (const b of bodies) {
    assert.equal((b.tools as { function: { name: string } }[])[0].function.name, "next_action");
    assert.deepEqual(b.tool_choice, { type: "function", function: { name: "next_action" } });
  }
  const last = bodies
    .map(
      (b) =>
        b.messages as {
          role: string;
          content: string;
          tool_calls?: { id: string }[];
          tool_call_id?: string;
        }[],
    )
    .find((m) => m.filter((x) => x.role === "tool").length === 2);
  assert.ok(last, "the second repair carries both earlier calls and their results");
  const tool = last.filter((m) => m.role === "tool");
  const calls = last.filter((m) => m.role === "assistant" && m.tool_calls?.length);
  assert.equal(calls.length, 2);
  assert.deepEqual(
    tool.map((m) => m.tool_call_id),
    calls.map((m) => m.tool_calls![0].id),
  );
  assert.match(
    tool[0].content,
    /^Not accepted:\n- action type "Not sure \(off-option\)" is not one of "click"/,
  );

  const runId = outcome.run as string;
  const store = openStore(db);
  try {
    const rows = [];
    for await (const r of store.responses(runId)) rows.push(r);
    assert.equal(rows.length, 4);
    for (const r of rows) {
      assert.equal(r.status, "failed");
      assert.equal(r.answer, null);
      assert.match(r.reason ?? "", /^invalid answer after 2 repairs: action type "Not sure \(off-option\)"/);
    }
  } finally {
    await store.close();
  }
  const pred = join(dir, "tools.pred.jsonl");
  const exported = await runInProcess(commands, [
    "webactions",
    "predictions",
    "--db",
    db,
    "--out",
    pred,
    "--json",
  ]);
  assert.equal(JSON.parse(exported.stdout).failed, 4);
  assert.ok(readJsonl(pred).every((l) => (l.value as { action: unknown }).action === null));
  const rep = await runInProcess(commands, ["report", runId, "--db", db, "--json"]);
  const s = JSON.parse(rep.stdout).scores[0];
  assert.equal(s.n_test_cases, 4);
  assert.equal(s.n_missing, 4);
  assert.equal(s.n_failed, 4);
  assert.equal(s.accuracy, 0);
});

test("a JSON answer that breaks the page's rules is repaired with the check's problems, and a repaired answer counts", async () => {
  const sessions = shopSessions(6, { steps: 3 });
  const spec = writeWebStudy(dir, "repair", sessions);
  const db = join(dir, "repair.db");
  // One call at a time: the mock's faults then fall on the same calls in every run of the test.
  const { outcome, bodies } = await runOnMock({ seed: 8, errorRate: 0.5, faults: ["off_option"] }, spec, db, [
    "--concurrency",
    "1",
  ]);
  const repairs = bodies.filter((b) =>
    b.messages.at(-1)!.content.startsWith("Your answer could not be used:"),
  );
  assert.ok(repairs.length > 0, "some answers were repaired");
  for (const b of repairs) {
    const ask = b.messages.at(-1)!.content;
    assert.match(
      ask,
      /^Your answer could not be used:\n- action type "Not sure \(off-option\)" is not one of/,
    );
    assert.match(ask, /Reply again with JSON only: \{"reasoning": "…", "action": \{…\}\}/);
    // The invalid reply is in the conversation it is repaired in.
    assert.match(b.messages.at(-2)!.content, /"type":"Not sure \(off-option\)"/);
  }
  const store = openStore(db);
  try {
    const rows = [];
    for await (const r of store.responses(outcome.run as string)) rows.push(r);
    const ok = rows.filter((r) => r.status === "ok").length;
    const failed = rows.filter((r) => r.status === "failed").length;
    assert.equal(rows.length, 12);
    // Every test case took one call, plus one per repair; a case failed only after two repairs.
    assert.equal((await store.spending(outcome.run as string)).calls, bodies.length);
    assert.equal(bodies.length, 12 + repairs.length);
    // Cases repaired at least once (their first repair asks once); more ok rows than unrepaired cases.
    const repaired = repairs.filter(
      (b) => b.messages.filter((m) => m.content.startsWith("Your answer could not be used:")).length === 1,
    ).length;
    assert.ok(ok > 12 - repaired, `some repaired answers were accepted (${ok} ok, ${repaired} repaired)`);
    assert.equal(outcome.code, failed > 0 ? 3 : 0);
  } finally {
    await store.close();
  }
});

test("a dry run of a web-action study counts one call per test case from the requests it would send, and writes nothing", async () => {
  const spec = writeWebStudy(dir, "dry", shopSessions(5, { steps: 4 }), { webactions: "history_pages: 1" });
  const db = join(dir, "dry.db");
  const out = await runInProcess(commands, [
    "run",
    spec,
    "--model",
    "openai:gpt-4o-mini",
    "--db",
    db,
    "--dry-run",
    "--json",
  ]);
  assert.equal(out.error, undefined, out.error?.message);
  const r = JSON.parse(out.stdout);
  assert.equal(r.jobs, 5);
  assert.equal(r.estimate.calls, 15);
  assert.equal(r.estimate.maxOutputTokens, 15 * 200);
  assert.ok(r.estimate.maxCostUsd > 0);
  assert.equal(existsSync(db), false);
  // history_pages: 1 shows only the latest earlier page: fewer tokens than the full history.
  const full = writeWebStudy(dir, "dryfull", shopSessions(5, { steps: 4 }));
  const all = JSON.parse(
    (
      await runInProcess(commands, [
        "run",
        full,
        "--model",
        "openai:gpt-4o-mini",
        "--db",
        db,
        "--dry-run",
        "--json",
      ])
    ).stdout,
  );
  assert.ok(all.estimate.inputTokens > r.estimate.inputTokens);
});

test("a web-action study is refused with the statistical baseline, and a sessions file's problems name its line", async () => {
  const spec = writeWebStudy(dir, "refused", shopSessions(2));
  const baseline = await runInProcess(commands, [
    "run",
    spec,
    "--model",
    "baseline:demographic",
    "--db",
    join(dir, "x.db"),
  ]);
  assert.match(baseline.error?.message ?? "", /a web-action study needs a language model/);
  writeFileSync(
    join(dir, "refused.sessions.jsonl"),
    '{"session": "a", "user": "u", "steps": [{"context": "", "action": {"type": "click"}}]}\n',
  );
  const bad = await runInProcess(commands, ["run", spec, "--model", "openai:gpt-4o-mini", "--dry-run"]);
  assert.match(
    bad.error?.message ?? "",
    /refused\.sessions\.jsonl:1: steps\[0\]\.action\.target: a click action needs a target/,
  );
});

test("arms: between subjects each shopper's sessions run under one arm, whose text closes the instructions; each arm is scored on its own sessions", async () => {
  const sessions = shopSessions(8, { steps: 3, users: 4 });
  const spec = writeWebStudy(dir, "arms", sessions, {
    extra:
      'design:\n  arms: [{ name: control }, { name: budget, text: "You have at most $30 to spend today." }]\n  assignment: between\n',
  });
  const db = join(dir, "arms.db");
  const { outcome, bodies } = await runOnMock({ seed: 5 }, spec, db);
  assert.equal(outcome.code, 0);
  assert.equal(outcome.jobs, 8, "one arm per session: no session runs twice");
  const store = openStore(db);
  const armOf = new Map<string, string>();
  try {
    for (const job of await store.jobs(outcome.run as string)) {
      const arm = armOf.get(job.agentId);
      assert.ok(arm === undefined || arm === job.arm, "a shopper's sessions share one arm");
      armOf.set(job.agentId, job.arm);
    }
  } finally {
    await store.close();
  }
  const budgeted = [...armOf.values()].filter((a) => a === "budget").length;
  assert.equal(budgeted, 2, "the arms are balanced");
  const withText = bodies.filter((b) =>
    b.messages[0].content.endsWith("\n\nYou have at most $30 to spend today."),
  );
  assert.equal(withText.length, 8, "the budget arm's 4 sessions × 2 test cases carry its text");

  const rep = JSON.parse((await runInProcess(commands, ["report", "--db", db, "--json"])).stdout);
  assert.deepEqual(
    rep.scores.map((s: { arm: string; n_test_cases: number; n_missing: number }) => [
      s.arm,
      s.n_test_cases,
      s.n_missing,
    ]),
    [
      ["control", 8, 0],
      ["budget", 8, 0],
    ],
  );
  const pred = join(dir, "arms.pred.jsonl");
  const both = await runInProcess(commands, ["webactions", "predictions", "--db", db, "--out", pred]);
  assert.match(
    both.error?.message ?? "",
    /2 sets of predictions .* pick one \(--arm control --replicate 1; --arm budget --replicate 1\)/,
  );
  const one = await runInProcess(commands, [
    "webactions",
    "predictions",
    "--db",
    db,
    "--out",
    pred,
    "--arm",
    "budget",
    "--json",
  ]);
  assert.equal(JSON.parse(one.stdout).predictions, 8);
});
