import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { populaceCommand, transcriptOf as runTurns } from "../../bench/crash-trial.ts";
import {
  loadAgentBank,
  loadInterviewAgents,
  storedInterviewAgents,
  withConditioning,
} from "../agents/index.ts";
import { resolveDataDir } from "../data/index.ts";
import { createModel } from "../llm/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { createRng } from "../random/index.ts";
import { loadStudy } from "../spec/index.ts";
import { openStore } from "../store/index.ts";
import { runStudy } from "../study/index.ts";
import {
  afterAnswer,
  answerSession,
  checkDecision,
  consentSession,
  decisionRequest,
  firstStep,
  getSession,
  loadScript,
  type Move,
  parseScript,
  runInterviews,
  sessionView,
  startSession,
  writeTranscripts,
} from "./index.ts";

// The interviewer against the mock LLM server over real HTTP (a test double: its "questions" and
// "answers" are seeded draws from short stock sentences, not a language model's).
const dataDir = resolveDataDir();
const dir = mkdtempSync(join(tmpdir(), "populace-interviewer-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = `name: small
interviewer: Interviewer
greeting: Hello and thank you.
closing: Thank you, that is all.
modules:
  - {id: home, topic: Home, opening: Where did you grow up?, probes: [What was the house like?], turns: 3}
  - {id: work, topic: Work, opening: What do you do for a living?, words: 12}
`;

test("the interviewer's course: probes while the module's budget lasts, then the next module; a failed decision moves on", async () => {
  const { script } = parseScript(SMALL, "small.yaml");
  let step = firstStep(script);
  assert.equal(step.question, "Where did you grow up?");
  assert.ok(step.opens);
  const probe: Move = { action: "probe", question: "Tell me more." };
  const decided: string[] = [];
  const decide = async (m: { id: string }) => {
    decided.push(m.id);
    return probe;
  };
  // home allows 3 questions: opening + 2 probes, then work opens.
  step = await afterAnswer(script, step.state, "By the sea.", decide);
  assert.equal(step.question, "Tell me more.");
  step = await afterAnswer(script, step.state, "A small house.", decide);
  assert.equal(step.state.asked, 3);
  step = await afterAnswer(script, step.state, "With a garden.", decide);
  assert.deepEqual([step.question, step.opens], ["What do you do for a living?", true]);
  assert.deepEqual(decided, ["home", "home"], "no decision once the turn budget is spent");
  // work's budget is 12 words: a long answer ends it without asking the model.
  step = await afterAnswer(
    script,
    step.state,
    "I repair boats in the harbour and I have done it for twenty years now.",
    decide,
  );
  assert.equal(step.question, null, "the interview is over");
  // A decision that failed (null) moves on at once; so does an answer that could not be had.
  const again = firstStep(script);
  assert.equal(
    (await afterAnswer(script, again.state, "Here.", async () => null)).question,
    "What do you do for a living?",
  );
  assert.equal(
    (await afterAnswer(script, again.state, null, decide)).question,
    "What do you do for a living?",
  );
});

test("scripts: the default one loads; problems name the file, line and field", () => {
  const avp = loadScript();
  assert.equal(avp.script.name, "american-voices");
  assert.deepEqual(
    avp.script.modules.map((m) => m.id),
    ["life_story", "family", "work", "health", "neighbourhood", "politics", "values"],
  );
  assert.throws(
    () =>
      parseScript(
        "name: x\nmodules:\n  - {id: a, topic: A, opening: Hi?}\n  - {id: a, topic: B, opening: Why?, turns: 2}\n",
        "x.yaml",
      ),
    (e: Error) =>
      /x\.yaml:3:5 {2}modules\[0\]: give a budget: words, turns or both/.test(e.message) &&
      /x\.yaml:4:10 {2}modules\[1\]\.id: duplicate module id "a"/.test(e.message),
  );
  assert.throws(() => loadScript(join(dir, "missing.yaml")), /cannot read the interview script/);
  // The README's example script is a valid script.
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("### The AI interviewer"));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1];
  assert.equal(parseScript(yaml, "README.md").script.modules[0].turns, 6);
});

test("the interviewer's decision: a probe needs its question; anything else is repaired", () => {
  const { script } = parseScript(SMALL, "small.yaml");
  const request = decisionRequest(
    script.modules[0],
    { index: 0, total: 2 },
    [
      { speaker: "interviewer", text: "Where did you grow up?" },
      { speaker: "respondent", text: "By the sea." },
    ],
    7,
  );
  assert.match(
    request.messages[1].content,
    /Topic 1 of 2: Home\.[\s\S]*- What was the house like\?[\s\S]*Respondent: By the sea\./,
  );
  assert.deepEqual(checkDecision({ text: '{"action":"next","question":""}' }, request), {
    ok: true,
    value: { action: "next" },
  });
  assert.deepEqual(checkDecision({ text: '{"action":"probe","question":" Which  sea? "}' }, request), {
    ok: true,
    value: { action: "probe", question: "Which sea?" },
  });
  const bad = checkDecision({ text: '{"action":"probe","question":""}' }, request);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.again.messages.at(-1)!.content, /a probe needs its question/);
});

test("agent-to-agent: each person interviewed module by module, the transcript kept and loaded back as an interview agent", async () => {
  const mock = await startMockLlm({ seed: 6, recordRequests: 400 });
  try {
    const script = parseScript(SMALL, join(dir, "small.yaml"));
    const agents = withConditioning(loadAgentBank(dataDir, { n: 3, seed: 2 }), { mode: "demographic" });
    const db = join(dir, "a2a.db");
    const store = openStore(db);
    const model = createModel(`${mock.url}/v1#mock`);
    const result = await runInterviews({ store, script, agents, model });
    assert.equal(result.run.status, "completed");
    assert.equal(result.sessions.length, 3);
    for (const s of result.sessions) {
      const agent = agents.find((a) => a.id === s.agentId)!;
      assert.equal(s.respondent, agent.attributes.first_name);
      assert.deepEqual(s.turns[0], { speaker: "Interviewer", text: "Hello and thank you." });
      assert.deepEqual(s.turns[1], { speaker: "Interviewer", text: "Where did you grow up?" });
      assert.deepEqual(s.turns.at(-1), { speaker: "Interviewer", text: "Thank you, that is all." });
      const work = s.turns.findIndex((t) => t.text === "What do you do for a living?");
      assert.ok(work > 2, "the second module opens after the first");
      const homeQuestions = s.turns.slice(1, work).filter((t) => t.speaker === "Interviewer").length;
      assert.ok(homeQuestions >= 1 && homeQuestions <= 3, `home asked ${homeQuestions} questions (budget 3)`);
      // Questions and answers alternate after the greeting.
      for (let i = 1; i < s.turns.length - 1; i++) {
        assert.equal(s.turns[i].speaker === "Interviewer", i % 2 === 1, `turn ${i} of ${s.id}`);
      }
    }
    // Every answer the model gave saw the whole interview so far, the person's profile first.
    const answers = mock
      .requests()
      .filter((b) => JSON.stringify(b).includes("taking part in a long, friendly interview"));
    assert.ok(answers.every((b) => (b.messages as { role: string }[])[0].role === "system"));
    const rows = [];
    for await (const r of store.responses(result.run.id)) rows.push(r);
    assert.deepEqual([...new Set(rows.map((r) => r.item))], ["home", "work"]);
    assert.ok(rows.every((r) => r.status === "ok" && typeof r.answer === "string"));
    assert.equal(rows[0].jobId, `${agents[0].id}/interview/small/r1`);
    await store.close();

    // Written as JSONL, read back as a study's interview agents: the same transcript either way.
    const out = join(dir, "transcripts");
    mkdirSync(out);
    const files = writeTranscripts(out, result.sessions);
    assert.equal(readdirSync(out).length, 3);
    const fromFiles = loadInterviewAgents({ files, interviewer: "Interviewer", seed: 1 });
    assert.equal(fromFiles.length, 3);
    const study = (name: string, population: string) => {
      const f = join(dir, `${name}.yaml`);
      writeFileSync(
        f,
        `name: ${name}\nseed: 3\npopulation: ${population}\ninstrument:\n  items_per_call: 2\n  items: [{gss: cappun}, {gss: gunlaw}]\n`,
      );
      return loadStudy(f);
    };
    const s2 = openStore(join(dir, "back.db"));
    const viaDb = await runStudy({
      study: study("viadb", `{ source: interviews, db: a2a.db, run: ${result.run.id} }`),
      store: s2,
      dataDir,
      model,
    });
    const viaFiles = await runStudy({
      study: study("viafiles", "{ source: interviews, dir: transcripts }"),
      store: s2,
      dataDir,
      model,
    });
    assert.equal(viaDb.run.status, "completed");
    assert.equal(
      viaFiles.summary!.cacheHits,
      viaDb.totalJobs,
      "the same prompts: every call of the second study is a cache hit",
    );
    const profiles = await s2.agentRecords(agents[0].id);
    assert.match(
      profiles[0].profile,
      /^Below is the transcript of an interview with me\. I am "[A-Z][a-z]+"; "Interviewer" asked/,
    );
    await s2.close();
  } finally {
    await mock.close();
  }
});

test("an agent-to-agent interview of 20 people killed with -9 resumes without repeating finished turns", async () => {
  // 60 ms a call: the interviews take a few seconds, so the kill lands in the middle of them.
  const mock = await startMockLlm({ seed: 9, latencyMs: 60 });
  try {
    const script = join(dir, "crash-script.yaml");
    writeFileSync(script, SMALL.replace("turns: 3", "turns: 4").replace("words: 12", "words: 40"));
    const args = (db: string) => [
      "interview",
      "--script",
      script,
      "--agents",
      "20",
      "--seed",
      "4",
      "--model",
      `${mock.url}/v1#mock`,
      "--db",
      db,
      "--concurrency",
      "8",
    ];
    const clean = await populaceCommand(args(join(dir, "reference.db")));
    assert.equal(clean.status, 0, clean.stderr);
    const expected = await runTurns(join(dir, "reference.db"));
    const calls = expected.filter((t) => t[5] !== "note").length;
    assert.ok(calls > 100, `the interviews have many turns (${calls})`);
    const rng = createRng("interview-crash");
    let kills = 0;
    for (let trial = 0; trial < 2; trial++) {
      const db = join(dir, `crash${trial}.db`);
      const before = mock.stats().by_status["200"] ?? 0;
      const first = await populaceCommand(args(db), 900 + Math.floor(rng.next() * 900));
      if (first.signal === "SIGKILL") kills++;
      let last = first;
      for (let attempt = 0; attempt < 5 && last.status !== 0; attempt++)
        last = await populaceCommand(args(db));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(last.status, 0, `trial ${trial} completed: ${last.stderr}`);
      assert.deepEqual(
        await runTurns(db),
        expected,
        `trial ${trial}: the same turns as the uninterrupted run`,
      );
      const paid = (mock.stats().by_status["200"] ?? 0) - before;
      assert.ok(
        paid <= calls + 8,
        `trial ${trial}: paid ${paid} calls for ${calls} turns (at most the 8 in flight again)`,
      );
      const store = openStore(db);
      const kept = await store.interviews({ status: "completed" });
      assert.equal(kept.length, 20, "20 transcripts kept");
      await store.close();
      // They load back as 20 interview agents.
      const agents = withConditioning(storedInterviewAgents(kept, { where: db, seed: 1 }), {
        mode: "interview",
      });
      assert.equal(agents.length, 20);
      assert.ok(agents.every((a) => (a.interview?.exchanges.length ?? 0) >= 2));
    }
    assert.ok(kills > 0, "the interviews were killed in the middle at least once");
  } finally {
    await mock.close();
  }
});

test("a participant's session: consent, answers kept after every step, the interviewer's decisions as jobs of the session's run, the finished transcript an interview agent", async () => {
  const mock = await startMockLlm({ seed: 5 });
  try {
    const script = parseScript(SMALL, join(dir, "small.yaml"));
    const store = openStore(join(dir, "sessions.db"));
    const o = { store, script, model: createModel(`${mock.url}/v1#mock`) };
    const started = await startSession(o);
    assert.equal(started.status, "consent");
    assert.match(started.id, /^[A-Za-z0-9_-]{22}$/);
    await assert.rejects(answerSession(o, started.id, "Hello"), /give consent first/);
    let s = await consentSession(o, started.id);
    assert.deepEqual(sessionView(s, script).question, "Where did you grow up?");
    assert.deepEqual(
      s.turns.map((t) => t.text),
      ["Hello and thank you.", "Where did you grow up?"],
    );
    await assert.rejects(answerSession(o, s.id, "   "), /the answer is empty/);
    const answers = [
      "By the sea, in a small town.",
      "It was a wooden house.",
      "We had a garden.",
      "I fix boats in the harbour.",
      "Twenty years now.",
      "It is hard work but I like it.",
    ];
    let given = 0;
    while (s.status !== "completed") {
      assert.ok(given < answers.length, "the script ends within its budgets");
      s = await answerSession(o, s.id, answers[given++]);
      // Every step is saved: a reload finds the same session.
      assert.deepEqual((await getSession(o, s.id)).turns, s.turns);
    }
    assert.equal(s.turns.at(-1)?.text, "Thank you, that is all.");
    assert.deepEqual(
      s.turns.filter((t) => t.speaker === "Participant").map((t) => t.text),
      answers.slice(0, given),
    );
    assert.equal(sessionView(s, script).question, null);
    await assert.rejects(answerSession(o, s.id, "More"), /the interview is over/);
    await assert.rejects(getSession(o, "no-such-session"), /no interview session "no-such-session"/);
    // The decisions are jobs of the session's run, each call in the ledger.
    const decisions = [];
    for await (const r of store.responses(s.runId!)) decisions.push(r);
    assert.ok(decisions.length >= 1 && decisions.every((r) => r.item === "move" && r.status === "ok"));
    assert.ok((await store.spending(s.runId!)).calls >= decisions.length);
    await store.close();
    // The transcript is an interview agent.
    const [agent] = withConditioning(storedInterviewAgents([s], { where: "sessions.db", seed: 1 }), {
      mode: "interview",
    });
    assert.equal(agent.interview?.respondent, "Participant");
    assert.ok(agent.interview!.exchanges.length >= 2);
  } finally {
    await mock.close();
  }
});
