/**
 * What every Store must do, written once against the interface: each implementation's test file
 * calls storeContract with a way to open a fresh, empty store (SQLite today; PostgreSQL joins).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Plan, STAGE_SPAN } from "../designs/index.ts";
import type {
  InterviewSession,
  JobOutcome,
  ReflectionRecord,
  ResponseRecord,
  RunRecord,
  Store,
  TurnRecord,
} from "./types.ts";

const RUN: RunRecord = {
  id: "r1",
  studyId: "v1",
  studyName: "s",
  modelId: "m",
  modelKind: "llm",
  mode: "generate",
  status: "running",
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  specDir: "/studies",
};

function row(
  jobId: string,
  item: string,
  status: ResponseRecord["status"],
  agentId = `agent-${jobId}`,
): ResponseRecord {
  return {
    runId: "r1",
    jobId,
    item,
    agentId,
    arm: "control",
    replicate: 1,
    model: "m",
    status,
    answer: status === "ok" ? "Yes" : null,
    reason:
      status === "ok"
        ? null
        : `${status === "skipped" ? "skipped: when" : "server (HTTP 500) after 6 attempts"}: x`,
    probabilities: null,
    rawText: "{}",
    inputTokens: 10,
    cachedInputTokens: 2,
    outputTokens: 3,
    reasoningTokens: 0,
    costUsd: 0.001,
    latencyMs: 12,
    modelSnapshot: null,
    cacheHit: false,
    createdAt: "2026-01-01T00:00:01Z",
    turn: null,
  };
}

function outcome(jobId: string, seq: number, responses: ResponseRecord[]): JobOutcome {
  const failed = responses.some((r) => r.status === "failed");
  return { runId: "r1", jobId, seq, agentId: `agent-${jobId}`, status: failed ? "failed" : "ok", responses };
}

function turn(jobId: string, seq: number, n: number, text: string): TurnRecord {
  return {
    runId: "r1",
    jobId,
    seq,
    turn: n,
    speaker: `agent-${jobId}`,
    model: "m",
    prompt: `question ${n}`,
    text,
    payload: { value: { answer: text } },
    status: "ok",
    reason: null,
    inputTokens: 5,
    cachedInputTokens: 0,
    outputTokens: 1,
    reasoningTokens: 0,
    costUsd: 0.5,
    latencyMs: 3,
    cacheHit: false,
    createdAt: "t",
  };
}

const job = (jobId: string, seq: number, items = ["q1", "q2"]) => ({
  jobId,
  seq,
  agentId: `agent-${jobId}`,
  items,
  arm: "control",
  replicate: 1,
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export function storeContract(label: string, open: () => Promise<Store> | Store): void {
  const withStore = (name: string, fn: (store: Store) => Promise<void>) =>
    test(`${label}: ${name}`, async () => {
      const store = await open();
      try {
        await store.saveStudy({ id: "v1", name: "s", spec: { name: "s" }, createdAt: "t" });
        await store.openRun(RUN);
        await fn(store);
      } finally {
        await store.close();
      }
    });

  withStore("a run opens once and resumes after; its status changes", async (store) => {
    assert.deepEqual((await store.openRun({ ...RUN, modelId: "other" })).run, RUN);
    assert.equal((await store.openRun({ ...RUN, modelId: "other" })).resumed, true);
    await store.setRunStatus("r1", "completed");
    assert.equal((await store.getRun("r1"))?.status, "completed");
    assert.deepEqual(
      (await store.listRuns()).map((r) => r.id),
      ["r1"],
    );
    assert.deepEqual((await store.getStudy("v1"))?.spec, { name: "s" });
  });

  withStore(
    "a job is pending, then failed if any of its rows failed, else ok (skipped rows count as done)",
    async (store) => {
      await store.saveJobs("r1", [
        job("a", 0),
        job("b", 1),
        job("c", 2),
        { ...job("d", 3), inputs: { partner: "x" } },
      ]);
      await store.saveJobs("r1", [job("a", 0)]); // planning again adds nothing
      await store.commit({
        calls: [],
        cache: [],
        outcomes: [
          outcome("a", 0, [row("a", "q1", "ok"), row("a", "q2", "failed")]),
          outcome("b", 1, [row("b", "q1", "ok"), row("b", "q2", "skipped")]),
        ],
      });
      assert.deepEqual(await store.jobCounts("r1"), { pending: 2, ok: 1, failed: 1 });
      const jobs = await store.jobs("r1");
      assert.deepEqual(
        jobs.map((j) => [j.jobId, j.status]),
        [
          ["a", "failed"],
          ["b", "ok"],
          ["c", "pending"],
          ["d", "pending"],
        ],
      );
      assert.deepEqual(jobs[3].inputs, { partner: "x" });
      assert.equal(jobs[0].items, jobs[1].items, "jobs of one item set share its items array");
      const failed = await store.failedJobs("r1");
      assert.deepEqual(
        failed.map((f) => [f.jobId, f.reasons]),
        [["a", ["server (HTTP 500) after 6 attempts: x"]]],
      );
    },
  );

  withStore(
    "a commit is atomic: a failed row without a reason refuses the batch, ledger and cache too",
    async (store) => {
      await store.saveJobs("r1", [job("a", 0, ["q1"])]);
      const silent = { ...row("a", "q1", "failed"), reason: null };
      await assert.rejects(
        store.commit({
          calls: [
            {
              runId: "r1",
              jobId: "a",
              turn: null,
              attempt: 1,
              purpose: "answer",
              outcome: "ok",
              httpStatus: 200,
              inputTokens: 1,
              cachedInputTokens: 0,
              outputTokens: 1,
              reasoningTokens: 0,
              costUsd: 0.5,
              latencyMs: 1,
              createdAt: "t",
            },
          ],
          cache: [{ key: "k", model: "m", response: { text: "x" } }],
          outcomes: [outcome("a", 0, [silent])],
        }),
      );
      assert.deepEqual(await store.spending("r1"), { calls: 0, usd: 0, inputTokens: 0, outputTokens: 0 });
      assert.deepEqual(await store.cacheGet(["k"]), [undefined]);
      assert.deepEqual(await store.jobCounts("r1"), { pending: 1, ok: 0, failed: 0 });
    },
  );

  withStore(
    "the cache answers in key order, keeps the first reply, and a fresh reply replaces it",
    async (store) => {
      const calls = [{ id: "c1", name: "click", arguments: '{"target":"buy"}' }];
      await store.commit({
        calls: [],
        outcomes: [],
        cache: [
          { key: "k1", model: "m", response: { text: "one", modelSnapshot: "m-1" } },
          { key: "k2", model: "m", response: { text: "", toolCalls: calls } },
        ],
      });
      await store.commit({
        calls: [],
        outcomes: [],
        cache: [{ key: "k1", model: "m", response: { text: "other" } }],
      });
      assert.deepEqual(await store.cacheGet(["k2", "none", "k1"]), [
        { text: "", toolCalls: calls },
        undefined,
        { text: "one", modelSnapshot: "m-1" },
      ]);
      await store.commit({
        calls: [],
        outcomes: [],
        cache: [{ key: "k1", model: "m", response: { text: "new" }, replace: true }],
      });
      assert.deepEqual(await store.cacheGet(["k1"]), [{ text: "new" }]);
    },
  );

  withStore(
    "responses read back as written, in plan order and each job's item order, with other participants' rows",
    async (store) => {
      await store.saveJobs("r1", [job("b", 1, ["z", "a"]), job("a", 0, ["q1"])]);
      const partner = { ...row("b", "a", "ok", "agent-x"), turn: 3 };
      await store.commit({
        calls: [],
        cache: [],
        outcomes: [
          outcome("b", 1, [row("b", "a", "ok"), row("b", "z", "ok"), partner]),
          outcome("a", 0, [row("a", "q1", "ok")]),
        ],
      });
      const got = await collect(store.responses("r1"));
      assert.deepEqual(
        got.map((r) => [r.jobId, r.agentId, r.item, r.turn]),
        [
          ["a", "agent-a", "q1", null],
          ["b", "agent-b", "z", null],
          ["b", "agent-b", "a", null],
          ["b", "agent-x", "a", 3],
        ],
      );
      assert.deepEqual(got[0], row("a", "q1", "ok"));
    },
  );

  withStore(
    "turns: the first write of a turn wins; a reset removes a job's turns and rows",
    async (store) => {
      await store.saveJobs("r1", [job("a", 0, ["q1"]), job("b", 1, ["q1"])]);
      await store.commit({
        calls: [],
        cache: [],
        outcomes: [],
        turns: [turn("a", 0, 0, "first"), turn("b", 1, 0, "b0")],
      });
      await store.commit({
        calls: [],
        cache: [],
        outcomes: [outcome("a", 0, [row("a", "q1", "failed")])],
        turns: [turn("a", 0, 0, "replayed"), turn("a", 0, 1, "second")],
      });
      assert.deepEqual(
        (await collect(store.turns("r1"))).map((t) => [t.jobId, t.turn, t.text]),
        [
          ["a", 0, "first"],
          ["a", 1, "second"],
          ["b", 0, "b0"],
        ],
      );
      assert.deepEqual(await collect(store.turns("r1", 1)), [turn("b", 1, 0, "b0")]);
      await store.commit({
        calls: [],
        cache: [],
        outcomes: [],
        resets: [{ runId: "r1", seq: 0 }],
        turns: [turn("a", 0, 0, "again")],
      });
      assert.deepEqual(
        (await collect(store.turns("r1", 0))).map((t) => t.text),
        ["again"],
      );
      assert.deepEqual(await store.jobCounts("r1"), { pending: 2, ok: 0, failed: 0 });
    },
  );

  withStore("stages keep their own jobs: listing and counting by stage", async (store) => {
    const first = new Plan({
      agentIds: ["a", "b"],
      itemIds: ["q"],
      arms: ["control"],
      replicates: 1,
      itemsPerCall: 1,
    });
    const second = new Plan({
      agentIds: ["a"],
      itemIds: ["q"],
      arms: ["control"],
      replicates: 1,
      itemsPerCall: 1,
      stage: 1,
    });
    await store.saveJobs("r1", first);
    await store.saveJobs("r1", second);
    assert.deepEqual(
      (await store.jobs("r1", "pending", 1)).map((j) => j.seq),
      [STAGE_SPAN],
    );
    assert.deepEqual(await store.jobCounts("r1", 0), { pending: 2, ok: 0, failed: 0 });
    assert.equal((await store.jobs("r1")).length, 3);
  });

  withStore(
    "believability tests and one judgment per judge and pair, the latest answer kept",
    async (store) => {
      const t = {
        id: "bt1",
        runId: "r1",
        title: "Which is real?",
        pairs: [{ pair: 1, x: "y" }],
        createdAt: "2026-01-02",
      };
      await store.saveBelievabilityTest(t);
      await store.saveBelievabilityTest({ ...t, id: "bt2", runId: "r2", createdAt: "2026-01-03" });
      assert.deepEqual(await store.getBelievabilityTest("bt1"), t);
      assert.equal(await store.getBelievabilityTest("nope"), undefined);
      assert.deepEqual(
        (await store.believabilityTests()).map((x) => x.id),
        ["bt1", "bt2"],
      );
      assert.deepEqual(
        (await store.believabilityTests("r1")).map((x) => x.id),
        ["bt1"],
      );
      await assert.rejects(store.saveBelievabilityTest(t), "a test id is never reused");
      const j = {
        testId: "bt1",
        judge: "ana",
        pair: 2,
        choice: "A" as const,
        correct: true,
        createdAt: "t1",
      };
      await store.saveJudgment(j);
      await store.saveJudgment({ ...j, pair: 1, choice: "B", correct: false });
      await store.saveJudgment({ ...j, judge: "bo" });
      await store.saveJudgment({ ...j, choice: "B", correct: false, createdAt: "t2" });
      assert.deepEqual(
        (await store.judgments("bt1")).map((x) => [x.judge, x.pair, x.choice, x.correct, x.createdAt]),
        [
          ["ana", 1, "B", false, "t1"],
          ["ana", 2, "B", false, "t2"],
          ["bo", 2, "A", true, "t1"],
        ],
      );
      assert.deepEqual(await store.judgments("bt2"), []);
    },
  );

  withStore(
    "one process at a time holds a run; a stale or dead holder's claim is taken over",
    async (store) => {
      const me = { holder: "h1", pid: process.pid, host: "this-host" };
      assert.deepEqual(await store.claimRun("r1", me, 30_000), { claimed: true });
      const other = { holder: "h2", pid: process.pid, host: "this-host" };
      const refused = await store.claimRun("r1", other, 30_000);
      assert.equal(refused.claimed, false);
      if (!refused.claimed) assert.equal(refused.by.holder, "h1");
      assert.equal(await store.heartbeat("r1", "h1"), true);
      assert.equal(await store.heartbeat("r1", "h2"), false);
      // A claim older than the stale limit is taken over.
      await new Promise((r) => setTimeout(r, 20));
      const stale = await store.claimRun("r1", other, 10);
      assert.equal(stale.claimed, true);
      assert.equal(await store.heartbeat("r1", "h1"), false, "the old holder has lost the run");
      await store.releaseRun("r1", "h2");
      assert.deepEqual(await store.claimRun("r1", me, 30_000), { claimed: true });
      // On the same host, a holder whose process is gone is taken over at once.
      await store.releaseRun("r1", "h1");
      assert.equal(
        (await store.claimRun("r1", { holder: "dead", pid: 2 ** 22 + 17, host: "h" }, 30_000)).claimed,
        true,
      );
      const takeover = await store.claimRun("r1", { holder: "h3", pid: process.pid, host: "h" }, 30_000);
      assert.equal(takeover.claimed, true);
      if (takeover.claimed) assert.equal(takeover.tookOver?.holder, "dead");
    },
  );

  withStore(
    "job leases: pending → leased → done; no job is leased twice; an expired lease frees its jobs",
    async (store) => {
      await store.saveJobs("r1", [job("a", 0), job("b", 1), job("c", 2), job("d", 3), job("e", 4)]);
      await store.commit({ calls: [], cache: [], outcomes: [outcome("b", 1, [row("b", "q1", "ok")])] });
      const first = await store.leaseJobs("r1", "w1", 2, 60_000);
      assert.deepEqual(
        first.map((j) => j.jobId),
        ["a", "c"],
        "done jobs are not leased",
      );
      const second = await store.leaseJobs("r1", "w2", 10, 60_000);
      assert.deepEqual(
        second.map((j) => j.jobId),
        ["d", "e"],
        "another worker gets the rest, none twice",
      );
      assert.equal(await store.leasedCount("r1"), 4);
      assert.deepEqual(await store.leaseJobs("r1", "w3", 10, 60_000), []);
      // w1 finishes a; its lease on c lapses: c can be leased again.
      await store.commit({ calls: [], cache: [], outcomes: [outcome("a", 0, [row("a", "q1", "ok")])] });
      assert.equal(await store.renewLeases("r1", "w1", 1), 2);
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(
        (await store.leaseJobs("r1", "w3", 10, 60_000)).map((j) => j.jobId),
        ["c"],
      );
      await store.releaseLeases("r1", "w2");
      assert.deepEqual(
        (await store.leaseJobs("r1", "w4", 10, 60_000)).map((j) => j.jobId),
        ["d", "e"],
      );
      assert.deepEqual(await store.jobCounts("r1"), { pending: 3, ok: 2, failed: 0 });
    },
  );

  withStore(
    "a run's agents are its jobs' people and the other participants who answered in them",
    async (store) => {
      const agent = (agentId: string) => ({
        agentId,
        source: "personas",
        attributes: { age: "30" },
        profile: agentId,
      });
      await store.saveAgents("v1", [agent("agent-g1"), agent("b"), agent("c"), agent("agent-g2")]);
      await store.saveJobs("r1", [job("g1", 0), job("g2", 1)]);
      assert.deepEqual(
        (await store.agents("r1")).map((a) => a.agentId),
        ["agent-g1", "agent-g2"],
        "before any answer, the jobs' people",
      );
      // A two-person episode: its job's person and a partner (b) answer in one job; c never plays.
      await store.commit({
        calls: [],
        cache: [],
        outcomes: [outcome("g1", 0, [row("g1", "give", "ok"), row("g1", "payoff", "ok", "b")])],
      });
      assert.deepEqual(
        (await store.agents("r1")).map((a) => a.agentId),
        ["agent-g1", "b", "agent-g2"],
      );
    },
  );

  withStore("an agent's records across studies, oldest study first", async (store) => {
    await store.saveStudy({ id: "v2", name: "t", spec: { name: "t" }, createdAt: "u" });
    await store.saveAgents("v2", [
      { agentId: "p1", source: "interview", attributes: { age: "40" }, profile: "B" },
    ]);
    await store.saveAgents("v1", [
      { agentId: "p1", source: "interview", attributes: {}, profile: "A" },
      { agentId: "p2", source: "csv", attributes: {}, profile: "C" },
    ]);
    const records = await store.agentRecords("p1");
    assert.deepEqual(
      records.map((r) => [r.studyId, r.profile, r.attributes]),
      [
        ["v1", "A", {}],
        ["v2", "B", { age: "40" }],
      ],
    );
    assert.deepEqual(await store.agentRecords("nobody"), []);
  });

  withStore(
    "reflections: one per transcript digest, expert and model (the latest wins), read by person",
    async (store) => {
      const r = (expert: string, model: string, observations: string[], runId = "r1"): ReflectionRecord => ({
        transcriptDigest: "d1",
        expert,
        model,
        agentId: "p1",
        observations,
        runId,
        createdAt: `2026-01-0${observations.length}T00:00:00Z`,
      });
      await store.saveReflections([r("psychologist", "m", ["a", "b"]), r("demographer", "m", ["c"])]);
      await store.saveReflections([
        r("psychologist", "m", ["a2", "b2"], "r2"),
        r("psychologist", "n", ["x"]),
      ]);
      await store.saveReflections([
        { ...r("psychologist", "m", ["z"]), agentId: "p2", transcriptDigest: "d2" },
      ]);
      const mine = await store.reflections("p1");
      assert.deepEqual(mine.map((x) => [x.expert, x.model, x.observations, x.runId]).sort(), [
        ["demographer", "m", ["c"], "r1"],
        ["psychologist", "m", ["a2", "b2"], "r2"],
        ["psychologist", "n", ["x"], "r1"],
      ]);
      assert.equal((await store.reflections("p2")).length, 1);
      assert.deepEqual(await store.reflections("nobody"), []);
    },
  );

  withStore("interviews: saved, continued under the same id, listed by status and run", async (store) => {
    const session: InterviewSession = {
      id: "s1",
      agentId: "p1",
      script: "avp",
      status: "consent",
      interviewer: "Interviewer",
      respondent: "Participant",
      turns: [],
      attributes: {},
      state: null,
      runId: null,
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
    };
    await store.saveInterview(session);
    await store.saveInterview({
      ...session,
      id: "s2",
      runId: "r1",
      status: "completed",
      createdAt: "2026-01-02",
    });
    const turns = [
      { speaker: "Interviewer", text: "Tell me about your life." },
      { speaker: "Participant", text: "I grew up by the sea." },
    ];
    await store.saveInterview({ ...session, status: "in_progress", turns, state: { module: 0, turn: 1 } });
    const s1 = await store.interview("s1");
    assert.deepEqual(s1?.turns, turns);
    assert.deepEqual(s1?.state, { module: 0, turn: 1 });
    assert.equal(s1?.status, "in_progress");
    assert.equal(s1?.createdAt, session.createdAt, "the first save's time is kept");
    assert.deepEqual(
      (await store.interviews()).map((s) => s.id),
      ["s1", "s2"],
    );
    assert.deepEqual(
      (await store.interviews({ status: "completed" })).map((s) => s.id),
      ["s2"],
    );
    assert.deepEqual(
      (await store.interviews({ runId: "r1" })).map((s) => s.id),
      ["s2"],
    );
    assert.equal(await store.interview("none"), undefined);
  });
}
