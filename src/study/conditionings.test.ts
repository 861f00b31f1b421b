import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { register as agentsShow } from "../cli/commands/agents-show.ts";
import { register as results } from "../cli/commands/results.ts";
import { runInProcess } from "../cli/in-process.ts";
import { resolveDataDir } from "../data/index.ts";
import { createModel } from "../llm/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { loadStudy } from "../spec/index.ts";
import { openStore, type ResponseRecord } from "../store/index.ts";
import { runStudy, validateStudy } from "./index.ts";

// The sample transcript (one real interview) as an agent under four conditionings in one study,
// over real HTTP to the mock LLM server (a test double: its answers and its "observations" are
// seeded draws, not a language model's).
const dataDir = resolveDataDir();
const nodes = join(dataDir, "genagents-interview-sample", "nodes.json");
const dir = mkdtempSync(join(tmpdir(), "populace-conditionings-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ITEMS = [
  "cappun",
  "courts",
  "natsoc",
  "natchld",
  "postlife",
  "bible",
  "happy",
  "trust",
  "gunlaw",
  "fefam",
];

function spec(name: string, reflection = "", extra = ""): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
seed: 5
population:
  source: interviews
  files: [${JSON.stringify(nodes)}]
  conditioning: [demographic, interview, interview+reflection, {mode: interview, keep: 0.2, seed: 1}]
${reflection}
instrument:
  items_per_call: 5
  items: [${ITEMS.map((id) => `{gss: ${id}}`).join(", ")}]
${extra}`,
  );
  return file;
}

async function rows(store: ReturnType<typeof openStore>, runId: string): Promise<ResponseRecord[]> {
  const out: ResponseRecord[] = [];
  for await (const r of store.responses(runId)) out.push(r);
  return out;
}

test("one study, four conditionings: arms of conditioning side by side, tokens in proportion, reflections stored and shown", async () => {
  const mock = await startMockLlm({ seed: 9, recordRequests: 200 });
  try {
    const store = openStore(join(dir, "four.db"));
    const model = createModel(`${mock.url}/v1#mock`);
    const result = await runStudy({ study: loadStudy(spec("four")), store, dataDir, model });
    assert.equal(result.run.status, "completed", result.notes.join("\n"));
    assert.match(
      result.notes.join("\n"),
      /conditionings: demographic, interview, interview\+reflection, interview-keep0\.2/,
    );
    assert.match(result.notes.join("\n"), /reflections: 4 experts per person, ranked by BM25/);
    const all = await rows(store, result.run.id);
    const answers = all.filter((r) => !r.arm.startsWith("reflections"));
    const arms = [...new Set(answers.map((r) => r.arm))];
    assert.deepEqual(arms, [
      "control·demographic",
      "control·interview",
      "control·interview+reflection",
      "control·interview-keep0.2",
    ]);
    assert.ok(
      answers.every((r) => r.status === "ok"),
      "every answer valid",
    );
    assert.equal(answers.length, ITEMS.length * 4);
    assert.deepEqual([...new Set(answers.map((r) => r.jobId))].slice(0, 2), [
      "genagents-interview-sample/cappun+courts+natsoc+natchld+postlife/control·demographic/r1",
      "genagents-interview-sample/bible+happy+trust+gunlaw+fefam/control·demographic/r1",
    ]);
    // Input tokens per answering call (each row carries its call's tokens split over 5 items).
    const perCall = (arm: string) =>
      (answers.filter((r) => r.arm === `control·${arm}`).reduce((n, r) => n + r.inputTokens, 0) /
        ITEMS.length) *
      5;
    const full = perCall("interview");
    assert.ok(full > 15_000, `the whole interview is ~17k tokens a call, got ${full}`);
    const ablation = perCall("interview-keep0.2") / full;
    assert.ok(ablation > 0.14 && ablation < 0.26, `keep 0.2 costs ${ablation.toFixed(3)} of the interview`);
    assert.ok(perCall("demographic") / full < 0.05, "demographic is far below");
    const reflected = perCall("interview+reflection") - full;
    assert.ok(
      reflected > 10 && reflected <= 700,
      `reflections add ≤ the 600-token budget a call (${reflected})`,
    );

    // Reflections: stored per person and expert, and shown in the later answering prompts.
    const kept = await store.reflections("genagents-interview-sample");
    assert.deepEqual(kept.map((r) => r.expert).sort(), [
      "behavioural economist",
      "demographer",
      "political scientist",
      "psychologist",
    ]);
    const observation = kept[0].observations[0];
    assert.ok(observation.length > 0);
    const bodies = mock.requests().map((b) => JSON.stringify(b));
    const expertCalls = bodies.filter((b) => b.includes("Take the role of a psychologist"));
    assert.equal(expertCalls.length, 1, "the psychologist was asked once");
    const shown = bodies.filter((b) =>
      b.includes("Experts who read your interview wrote these observations about you"),
    );
    assert.equal(shown.length, 2, "both answering calls of the reflection arm carry observations");
    assert.ok(shown.every((b) => b.includes("Below is the transcript of an interview with me")));
    assert.ok(
      bodies
        .filter((b) => b.includes("observations about you"))
        .every(
          (b) =>
            b.includes("(psychologist)") ||
            b.includes("(demographer)") ||
            b.includes("(political scientist)") ||
            b.includes("(behavioural economist)"),
        ),
    );

    // populace agents show: the person's reflections, said to be the mock's.
    const db = join(dir, "four.db");
    const shownCli = await runInProcess(
      [agentsShow],
      ["agents", "show", "genagents-interview-sample", "--db", db],
    );
    assert.equal(shownCli.error, undefined);
    assert.match(shownCli.stdout, /^person genagents-interview-sample\n {2}studies: four \(interview\)/);
    assert.match(shownCli.stdout, /attributes \(28\): first_name Joon/);
    assert.match(
      shownCli.stdout,
      /reflections by http:.*#mock on transcript [0-9a-f]{12} — the mock LLM server \(a test double\)/,
    );
    assert.ok(
      shownCli.stdout.includes(
        `    psychologist:\n      - ${kept.find((r) => r.expert === "psychologist")!.observations[0]}`,
      ),
    );
    const json = JSON.parse(
      (
        await runInProcess(
          [agentsShow],
          ["agents", "show", "genagents-interview-sample", "--db", db, "--json"],
        )
      ).stdout,
    );
    assert.equal(json.reflections.length, 4);
    const missing = await runInProcess([agentsShow], ["agents", "show", "nobody", "--db", db]);
    assert.match(missing.error?.message ?? "", /no person "nobody" in this database/);
    // populace results: the arm and its conditioning, side by side.
    const csv = (await runInProcess([results], ["results", result.run.id, "--db", db])).stdout.split("\n");
    assert.match(csv[0], /^run,job,agent,person_id,item,arm,conditioning,replicate,/);
    assert.ok(csv.some((l) => l.includes(",control·interview-keep0.2,interview-keep0.2,1,")));
    assert.ok(
      csv.some((l) =>
        l.includes(",reflection:demographer,reflections·interview+reflection,interview+reflection,1,"),
      ),
    );

    // A dry run prices every stage: 4 expert calls, then 4 × 2 answering calls.
    const dry = await runStudy({
      study: loadStudy(spec("four")),
      store: null,
      dataDir,
      model,
      dryRun: true,
      newRun: true,
    });
    assert.equal(dry.estimate?.calls, 12);
    assert.equal(dry.totalJobs, 9);
    assert.ok(
      dry.estimate!.inputTokens > 4 * 17_000 + 2 * 2 * 17_000,
      `${dry.estimate!.inputTokens} input tokens`,
    );

    // The same study again (a new run): every call, reflections included, comes from the cache.
    const before = mock.stats().requests;
    const again = await runStudy({ study: loadStudy(spec("four")), store, dataDir, model, newRun: true });
    assert.equal(again.run.status, "completed");
    assert.equal(mock.stats().requests, before, "nothing asked twice");
    await store.close();
  } finally {
    await mock.close();
  }
});

test("reflections ranked by embeddings: the mock's /v1/embeddings through the run's one call path (retried, in the ledger), within the token budget", async () => {
  // Every third call fails at first (429 or 500): embedding calls are retried like chat calls.
  const mock = await startMockLlm({ seed: 2, errorRate: 0.3, faults: ["rate_limit", "server_error"] });
  try {
    const file = join(dir, "embedded.yaml");
    writeFileSync(
      file,
      `name: embedded
seed: 5
population:
  source: interviews
  files: [${JSON.stringify(nodes)}]
  conditioning: interview+reflection
  reflection:
    embedding_model: ${mock.url}/v1#text-embedding-3-small
    budget_tokens: 20
    experts:
      - {name: sociologist, instructions: "Look at class, community and social ties."}
      - {name: economist, instructions: "Look at work, money and risk."}
      - {name: historian, instructions: "Look at the times and places the person lived through."}
instrument:
  items_per_call: 5
  items: [${ITEMS.map((id) => `{gss: ${id}}`).join(", ")}]
`,
    );
    const db = join(dir, "embedded.db");
    const store = openStore(db);
    const result = await runStudy({
      study: loadStudy(file),
      store,
      dataDir,
      model: createModel(`${mock.url}/v1#mock`),
      retry: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 5 },
    });
    assert.equal(result.run.status, "completed", result.notes.join("\n"));
    assert.match(
      result.notes.join("\n"),
      /ranked by embeddings \(http:.*#text-embedding-3-small\?dimensions=256\)/,
    );
    const turns = [];
    for await (const t of store.turns(result.run.id)) turns.push(t);
    const embedded = turns.filter((t) => t.speaker === "embeddings");
    // One for the person's observations, one per item set for the questions.
    assert.deepEqual(
      embedded.map((t) => [t.jobId.split("/").at(-2), t.prompt]),
      [
        ["reflections", "embed 3 observations"],
        ["control", "embed the questions"],
        ["control", "embed the questions"],
      ],
    );
    assert.ok(
      embedded.every((t) => t.status === "ok" && t.model?.endsWith("#text-embedding-3-small?dimensions=256")),
    );
    // The answering prompts show only what fits 20 tokens of observations: fewer than all three.
    const answering = turns.filter((t) => t.speaker === "genagents-interview-sample");
    assert.equal(answering.length, 2);
    for (const t of answering) {
      const shown = (t.payload as { shown: { observations: number } }).shown.observations;
      assert.ok(shown >= 1 && shown < 3, `${shown} observations shown`);
      assert.match(t.prompt ?? "", /^Experts who read your interview wrote these observations about you/);
    }
    await store.close();
    // The ledger: every attempt of every call, embedding calls among them, some retried.
    const { DatabaseSync } = await import("node:sqlite");
    const sql = new DatabaseSync(db);
    const ledger = sql
      .prepare("SELECT job_id, turn, attempt, outcome FROM costs WHERE run_id = ? ORDER BY rowid")
      .all(result.run.id) as { job_id: string; turn: number; attempt: number; outcome: string }[];
    sql.close();
    const embeddingCalls = ledger.filter((c) =>
      embedded.some((t) => t.jobId === c.job_id && t.turn === c.turn),
    );
    assert.equal(embeddingCalls.filter((c) => c.outcome === "ok").length, 3, "three embedding calls paid");
    assert.ok(
      ledger.some((c) => c.outcome !== "ok") && ledger.some((c) => c.attempt > 1),
      "faults were retried by the one retry layer",
    );
    assert.equal(
      mock.stats().by_status["200"],
      ledger.filter((c) => c.outcome === "ok").length,
      "every 200 is in the ledger",
    );
  } finally {
    await mock.close();
  }
});

test("a sequential survey under two conditionings: one survey per arm of conditioning, the observations in the reflection arm's profile", async () => {
  const mock = await startMockLlm({ seed: 3, recordRequests: 100 });
  try {
    const file = join(dir, "sequential.yaml");
    writeFileSync(
      file,
      `name: sequential
seed: 5
population:
  source: interviews
  files: [${JSON.stringify(nodes)}]
  interview: { keep: 0.2, seed: 4 }
  conditioning: [interview, interview+reflection]
instrument:
  flow: sequential
  items: [{gss: cappun}, {gss: gunlaw}, {gss: happy}]
`,
    );
    const store = openStore(join(dir, "sequential.db"));
    const result = await runStudy({
      study: loadStudy(file),
      store,
      dataDir,
      model: createModel(`${mock.url}/v1#mock`),
    });
    assert.equal(result.run.status, "completed");
    const jobs = [...new Set((await rows(store, result.run.id)).map((r) => r.jobId))];
    assert.deepEqual(jobs, [
      "genagents-interview-sample/reflections/interview+reflection-keep0.2",
      "genagents-interview-sample/survey/control·interview-keep0.2/r1",
      "genagents-interview-sample/survey/control·interview+reflection-keep0.2/r1",
    ]);
    // The experts read the same 20% of the interview the answers are conditioned on.
    const bodies = mock.requests().map((b) => b as { messages: { role: string; content: string }[] });
    const expert = bodies.find((b) =>
      b.messages.some((m) => m.content.startsWith("Take the role of a demographer")),
    )!;
    assert.match(expert.messages[0].content, /Excerpts from an interview \(23 of its 115 exchanges/);
    // Every turn of the reflection arm's survey has the observations after the transcript; the other arm's none.
    const surveys = bodies.filter((b) =>
      b.messages[0].content.includes("Below are excerpts from an interview with me"),
    );
    const withNotes = surveys.filter((b) =>
      b.messages[0].content.includes("Experts who read my interview wrote these observations about me"),
    );
    assert.equal(surveys.length, 6);
    assert.equal(withNotes.length, 3);
    await store.close();
  } finally {
    await mock.close();
  }
});

test("validate refuses what run would: reflections need a language model, ranking by embeddings an embedding model", async () => {
  const file = spec("refused");
  await assert.rejects(
    validateStudy(loadStudy(file), { dataDir }),
    /refused\.yaml:6:17 {2}population\.conditioning: interview\+reflection needs a language model to write the reflections; baseline:demographic answers from survey data/,
  );
  const ok = await validateStudy(loadStudy(file), { dataDir, modelId: "openai:gpt-4o-mini" });
  assert.equal(ok.jobs, 4 * 2 + 1, "two calls per conditioning, and the reflection job");
  const noEmbedder = spec("noembedder", "  reflection: { relevance: embeddings }");
  await assert.rejects(
    validateStudy(loadStudy(noEmbedder), { dataDir, modelId: "anthropic:claude-haiku-4-5" }),
    /population\.reflection\.relevance: relevance: embeddings needs population\.reflection\.embedding_model for anthropic:claude-haiku-4-5/,
  );
});
