import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createModel } from "../llm/index.ts";
import { createInstantModel, startMockLlm } from "../mock-llm/index.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore, type ResponseRecord, type Store, type TurnRecord } from "../store/index.ts";
import { buildStudyReport, runStudy } from "../study/index.ts";

// Real parts: SQLite files, and real HTTP to the mock LLM server (a test double, not an LLM).
const dir = mkdtempSync(join(tmpdir(), "populace-survey-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function flowStudy(name: string, people: number, extra = "") {
  return parseStudy(
    `name: ${name}
seed: 5
population:
  source: personas
  personas:
${Array.from({ length: people }, (_, i) => `    - {id: p${i + 1}, text: "I am person ${i + 1}, a ${20 + i}-year-old from town ${i % 4}."}`).join("\n")}
instrument:
  flow: sequential
${extra}  items:
    - {id: smoker, type: yes_no, text: "Do you smoke?"}
    - {id: cigs, type: numeric, text: "How many cigarettes do you smoke a day?", min: 1, max: 60, when: {item: smoker, in: ["Yes"]}}
    - {id: quit, type: yes_no, text: "You said you smoke {{cigs}} a day. Have you tried to quit?", when: {item: smoker, in: ["Yes"]}}
    - {id: go_on, type: multiple_choice, text: "Shall we go on?", options: [Stop here, Go on], stop_when: {item: go_on, in: [Stop here]}}
    - {id: last, type: free_text, text: "Anything else you want to tell us?"}
`,
    `${name}.yaml`,
  );
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

function byJob(rows: ResponseRecord[]): Map<string, Map<string, ResponseRecord>> {
  const jobs = new Map<string, Map<string, ResponseRecord>>();
  for (const r of rows) {
    if (!jobs.has(r.jobId)) jobs.set(r.jobId, new Map());
    jobs.get(r.jobId)!.set(r.item, r);
  }
  return jobs;
}

test("a sequential survey asks in order with earlier answers in context, skips, pipes and stops by its rules", async () => {
  const mock = await startMockLlm({ seed: 4, recordRequests: 1000 });
  const store: Store = openStore(join(dir, "flow.db"));
  try {
    const model = createModel(`${mock.url}/v1#mock`);
    const result = await runStudy({
      study: flowStudy("flow", 24),
      store,
      dataDir: dir,
      model,
      concurrency: 4,
    });
    assert.equal(result.run.status, "completed");
    const rows = await collect(store.responses(result.run.id));
    const jobs = byJob(rows);
    assert.equal(jobs.size, 24, "one episode (job) per person");
    const turns = await collect(store.turns(result.run.id));
    let smokers = 0;
    let stoppers = 0;
    for (const [jobId, items] of jobs) {
      assert.match(jobId, /^p\d+\/survey\/control\/r1$/);
      assert.deepEqual(
        [...items.keys()],
        ["smoker", "cigs", "quit", "go_on", "last"],
        "rows in the survey's order",
      );
      const smoker = items.get("smoker")!;
      assert.equal(smoker.status, "ok");
      assert.equal(smoker.turn, 0);
      if (smoker.answer === "Yes") {
        smokers++;
        assert.equal(items.get("cigs")!.status, "ok");
        const cigs = items.get("cigs")!.answer;
        const quitTurn = turns.find((t) => t.jobId === jobId && t.turn === items.get("quit")!.turn)!;
        assert.equal(
          quitTurn.prompt?.includes(`You said you smoke ${cigs} a day.`),
          true,
          "piped answer in the prompt",
        );
      } else {
        for (const id of ["cigs", "quit"]) {
          const r = items.get(id)!;
          assert.equal(r.status, "skipped");
          assert.equal(r.turn, null);
          assert.match(r.reason!, /^skipped: when smoker in \["Yes"\] does not hold$/);
        }
      }
      if (items.get("go_on")!.answer === "Stop here") {
        stoppers++;
        assert.equal(items.get("last")!.status, "skipped");
        assert.match(items.get("last")!.reason!, /the survey stopped after go_on/);
      } else assert.equal(items.get("last")!.status, "ok");
    }
    assert.ok(smokers > 0 && smokers < 24, `the mock's answers split the people (${smokers} smokers)`);
    // The study report counts items the flow did not ask as skipped, not as failed.
    const spec = flowStudy("flow", 24).spec;
    const report = await buildStudyReport({ store, run: result.run, spec, dataDir: dir });
    const cigs = report.items.find((i) => i.item === "cigs")!;
    assert.deepEqual([cigs.ok, cigs.failed, cigs.skipped], [smokers, 0, 24 - smokers]);
    assert.ok(stoppers > 0 && stoppers < 24, `some stop, some go on (${stoppers} stopped)`);

    // What was sent: each turn carries the conversation so far (questions and the replies).
    const requests = mock.requests() as { messages: { role: string; content: string }[] }[];
    const asked = rows.filter((r) => r.status === "ok").length;
    assert.equal(requests.length, asked, "one call per asked item (no repairs needed here)");
    for (const t of turns.filter((x) => x.status === "ok" && x.turn > 0)) {
      const request = requests.find(
        (r) =>
          r.messages.at(-1)?.content === t.prompt &&
          r.messages[0].content.includes(`person ${t.jobId.slice(1, t.jobId.indexOf("/"))},`),
      );
      assert.ok(request, `the request of ${t.jobId} turn ${t.turn} was sent`);
      const earlier = turns.filter((x) => x.jobId === t.jobId && x.turn < t.turn && x.status === "ok");
      assert.equal(
        request.messages.length,
        2 + 2 * earlier.length,
        "system, earlier Q/A pairs, this question",
      );
      for (const [k, e] of earlier.entries()) {
        assert.equal(request.messages[1 + 2 * k].content, e.prompt);
        assert.equal(request.messages[2 + 2 * k].content, e.text, "the earlier answer is in the context");
      }
    }

    // A new run of the finished study is served whole from the cache: no call reaches the server.
    const before = mock.stats().requests;
    const again = await runStudy({ study: flowStudy("flow", 24), store, dataDir: dir, model, newRun: true });
    assert.equal(mock.stats().requests, before, "--new-run of a finished sequential study makes 0 calls");
    assert.equal(again.summary!.calls, 0);
    const replayed = await collect(store.responses(again.run.id));
    assert.deepEqual(
      replayed.map((r) => [r.agentId, r.item, r.status, r.answer, r.turn]),
      rows.map((r) => [r.agentId, r.item, r.status, r.answer, r.turn]),
    );
    const replayedTurns = await collect(store.turns(again.run.id));
    const content = (ts: TurnRecord[]) =>
      ts.map((t) => [t.jobId, t.turn, t.speaker, t.prompt, t.text, t.status]);
    assert.deepEqual(content(replayedTurns), content(turns), "the same transcripts");
    assert.ok(replayedTurns.every((t) => t.cacheHit && t.costUsd === 0));
  } finally {
    await store.close();
    await mock.close();
  }
});

test("randomized option order is drawn per person, stored with the turn, and answers stay options", async () => {
  const store = openStore(join(dir, "shuffle.db"));
  try {
    const model = createInstantModel({ seed: 2 });
    const spec = flowStudy("shuffle", 30, "  randomize_options: true\n");
    const result = await runStudy({ study: spec, store, dataDir: dir, model });
    const turns = await collect(store.turns(result.run.id));
    const orders = new Set<string>();
    for (const t of turns.filter((x) => x.prompt?.includes("[smoker] Do you smoke?"))) {
      const shown = (t.payload as { shown: { options: string[] } }).shown.options;
      assert.deepEqual([...shown].sort(), ["No", "Yes"]);
      orders.add(shown.join("|"));
      const lines = t.prompt!.split("\n");
      assert.ok(
        lines.some((l) => l === `Options: ${shown.map((o) => JSON.stringify(o)).join(" | ")}`),
        "shown as stored",
      );
    }
    assert.equal(orders.size, 2, "both orders occur among 30 people");
    // The same person gets the same order in a rerun (seeded by the person, not the clock).
    const again = await runStudy({ study: spec, store, dataDir: dir, model, newRun: true });
    const turns2 = await collect(store.turns(again.run.id));
    assert.deepEqual(
      turns2.map((t) => t.payload),
      turns.map((t) => t.payload),
    );
  } finally {
    await store.close();
  }
});

test("skip, stop and piping rules are checked when the study is read, with the field's path", () => {
  const bad = (items: string, flow = "sequential") =>
    assert.throws(
      () =>
        parseStudy(
          `name: bad\npopulation: {source: personas, personas: [a]}\ninstrument:\n  flow: ${flow}\n  items:\n${items}`,
          "bad.yaml",
        ),
      (e: Error) => {
        (bad as unknown as { last: string }).last = e.message;
        return true;
      },
    );
  const message = (items: string, flow?: string) => {
    bad(items, flow);
    return (bad as unknown as { last: string }).last;
  };
  assert.match(
    message(
      `    - {id: a, type: yes_no, text: "A?", when: {item: b, in: [Yes]}}\n    - {id: b, type: yes_no, text: "B?"}\n`,
    ),
    /instrument\.items\[0\]\.when\.item: "b" comes later; only earlier items can be used/,
  );
  assert.match(
    message(
      `    - {id: a, type: yes_no, text: "A?"}\n    - {id: b, type: yes_no, text: "B?", when: {item: a, in: [Maybe]}}\n`,
    ),
    /instrument\.items\[1\]\.when\.in: "Maybe" is not an option of "a" \(Yes, No\)/,
  );
  assert.match(
    message(
      `    - {id: a, type: numeric, text: "A?"}\n    - {id: b, type: yes_no, text: "B?", when: {item: a, in: [3]}}\n`,
    ),
    /"a" is a number: use min\/max/,
  );
  assert.match(
    message(`    - {id: a, type: yes_no, text: "You said {{b}}"}\n    - {id: b, type: yes_no, text: "B?"}\n`),
    /instrument\.items\[0\]\.text: "b" comes later/,
  );
  assert.match(
    message(
      `    - {id: a, type: yes_no, text: "A?"}\n    - {id: b, type: yes_no, text: "B?", when: {item: a, in: [Yes]}}\n`,
      "batch",
    ),
    /instrument\.items\[1\]\.when: needs instrument\.flow: sequential/,
  );
  assert.match(
    message(`    - {id: a, type: yes_no, text: "A?", when: {item: a}}\n`),
    /give either `in: \[answers\]` or `min`\/`max`/,
  );
});
