import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { jobSeed, Plan, STAGE_SPAN } from "../designs/index.ts";
import type { Question } from "../instruments/types.ts";
import { parseAnswers, questionRequest, repairRequest, systemPrompt } from "../llm/index.ts";
import { createInstantModel } from "../mock-llm/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { toModelResponse } from "./batch.ts";
import { Budget } from "./budget.ts";
import { type EpisodeProgram, EpisodeRunner, type Participant } from "./episode.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { runStages, type Stage } from "./stages.ts";

// A two-stage run on a real SQLite file: the second stage is planned from what the first stored.
const dir = mkdtempSync(join(tmpdir(), "populace-stages-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const vote: Question = { id: "vote", type: "yes_no", text: "Will you vote?", options: ["Yes", "No"] };
const people: Participant[] = Array.from({ length: 30 }, (_, i) => ({
  id: `p${i}`,
  profile: `I am person ${i}, ${25 + i} years old.`,
  attributes: { age: String(25 + i) },
}));

/** Asks one question, after telling the person `preface` (the social information of stage two). */
function ask(question: Question, preface: (agentId: string) => string): EpisodeProgram {
  return async (ctx) => {
    const person = ctx.participant(ctx.job.agentId);
    const part = questionRequest([question], "generate", preface(person.id) || undefined);
    const { user, ...rest } = part;
    const asked = await ctx.ask({
      speaker: person.id,
      prompt: user,
      request: {
        ...rest,
        messages: [
          { role: "system", content: systemPrompt(person.profile) },
          { role: "user", content: user },
        ],
        seed: ctx.seed,
        maxOutputTokens: 50,
        subject: {
          agentId: person.id,
          attributes: person.attributes,
          items: [{ id: question.id, options: question.options }],
          replicate: 1,
        },
      },
      check: (reply, sent) => {
        const parsed = parseAnswers([question], "generate", toModelResponse(reply));
        if (parsed.problems.length === 0) return { ok: true, value: parsed.answers[question.id].answer };
        return {
          ok: false,
          problems: parsed.problems,
          again: repairRequest(sent, toModelResponse(reply), parsed.problems, [question]),
        };
      },
    });
    return [
      asked.ok
        ? { item: question.id, status: "ok", answer: asked.value, reason: null, turn: asked.turn }
        : { item: question.id, status: "failed", answer: null, reason: asked.reason, turn: asked.turn },
    ];
  };
}

function stages(store: Store): Stage[] {
  const model = createInstantModel({ seed: 3 });
  const runner = (program: EpisodeProgram) =>
    new EpisodeRunner({
      runId: "r",
      model: { model, price: () => 0 },
      participants: new Map(people.map((p) => [p.id, p])),
      seedFor: (job) => jobSeed(1, job.agentId, job.replicate),
      program,
    });
  let share = "";
  return [
    {
      name: "first answer",
      plan: () =>
        new Plan({
          agentIds: people.map((p) => p.id),
          itemIds: ["vote"],
          arms: ["control"],
          replicates: 1,
          itemsPerCall: 1,
          episode: "first",
        }),
      runner: runner(ask(vote, () => "")),
    },
    {
      name: "after the others' answers",
      // Planned from the first stage: only the people who said No are asked again, told the share of Yes.
      plan: async () => {
        const no: string[] = [];
        let yes = 0;
        for await (const r of store.responses("r")) {
          if (!r.jobId.includes("/first/")) continue; // only what the earlier stage stored
          if (r.answer === "No") no.push(r.agentId);
          if (r.answer === "Yes") yes++;
        }
        share = `${Math.round((100 * yes) / people.length)}% of the people you know said they will vote.`;
        return new Plan({
          agentIds: no,
          itemIds: ["vote"],
          arms: ["control"],
          replicates: 1,
          itemsPerCall: 1,
          episode: "again",
          stage: 1,
        });
      },
      runner: runner(ask(vote, () => share)),
    },
  ];
}

test("a later stage is planned from the earlier one's results, and a stopped run resumes in the right stage", async () => {
  const store = openStore(join(dir, "stages.db"));
  try {
    await store.saveStudy({ id: "v", name: "s", spec: {}, createdAt: "t" });
    await store.openRun({
      id: "r",
      studyId: "v",
      studyName: "s",
      modelId: "instant",
      modelKind: "instant",
      mode: "generate",
      status: "running",
      createdAt: "t",
      updatedAt: "t",
      specDir: null,
    });
    const ctx = (stop?: AbortSignal) => ({
      runId: "r",
      store,
      model: { model: createInstantModel({ seed: 3 }), price: () => 0 },
      concurrency: 4,
      limiter: new RateLimiter(),
      budget: new Budget({}),
      stop,
    });
    // Stopped at once: nothing of stage two is planned before stage one is done.
    const stop = new AbortController();
    stop.abort();
    const stopped = await runStages(ctx(stop.signal), stages(store), { resumed: false });
    assert.equal(stopped.stoppedBy, "interrupt");
    assert.equal(stopped.stage, "first answer");
    assert.equal((await store.jobs("r", undefined, 1)).length, 0);

    const done = await runStages(ctx(), stages(store), { resumed: true });
    assert.equal(done.stoppedBy, null);
    const first = await store.jobs("r", undefined, 0);
    const second = await store.jobs("r", undefined, 1);
    assert.equal(first.length, 30);
    const firstAnswers = new Map<string, unknown>();
    const turns = [];
    for await (const t of store.turns("r")) turns.push(t);
    for await (const r of store.responses("r"))
      if (r.jobId.includes("/first/")) firstAnswers.set(r.agentId, r.answer);
    const saidNo = [...firstAnswers].filter(([, a]) => a === "No").map(([id]) => id);
    assert.ok(
      saidNo.length > 3 && saidNo.length < 27,
      `the first stage split the people (${saidNo.length} said No)`,
    );
    assert.deepEqual(
      second.map((j) => j.agentId),
      saidNo,
      "stage two asks exactly those who said No",
    );
    assert.ok(second.every((j) => j.seq >= STAGE_SPAN && j.jobId.endsWith("/again/control/r1")));
    const told = turns.filter((t) => t.seq >= STAGE_SPAN);
    assert.ok(told.every((t) => /% of the people you know said they will vote\./.test(t.prompt ?? "")));
    // Run again: every stage is complete, nothing is asked.
    const again = await runStages(ctx(), stages(store), { resumed: true });
    assert.equal(again.calls + again.cacheHits, 0);
    assert.equal(again.alreadyDone, 30 + saidNo.length);
  } finally {
    await store.close();
  }
});
