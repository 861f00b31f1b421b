import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { createModel, type LanguageModel } from "../llm/index.ts";
import { type MockLlm, startMockLlm } from "../mock-llm/index.ts";
import { checkReportInBrowser } from "../report/index.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore, type ResponseRecord, type Store } from "../store/index.ts";
import { runStudy } from "../study/index.ts";
import type { GameInputs } from "./index.ts";

// Real parts: real SQLite files, real HTTP to the mock LLM server (a test double: its moves are
// seeded draws within the JSON schema it is sent, not play). The payoff rules are written out
// here again, from the games' definitions, so the stored earnings are checked independently.
const bin = resolve(import.meta.dirname, "../../bin/populace");
const dir = mkdtempSync(join(tmpdir(), "populace-games-"));
let mock: MockLlm;
let model: LanguageModel;
before(async () => {
  mock = await startMockLlm({ port: 0, seed: 21 });
  model = createModel(`${mock.url}/v1#mock`, { env: {} });
});
after(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

const personas = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `    - {id: p${i + 1}, text: "I am person ${i + 1}, ${20 + i} years old."}`,
  ).join("\n");

interface Played {
  store: Store;
  runId: string;
  rows: ResponseRecord[];
  /** Each job's rows by person, item → answer. */
  byJob: Map<string, { inputs: GameInputs; people: Map<string, Map<string, ResponseRecord["answer"]>> }>;
}

async function play(name: string, instrument: string, people = 9, design = ""): Promise<Played> {
  const study = parseStudy(
    `name: ${name}\nseed: 5\npopulation:\n  source: personas\n  personas:\n${personas(people)}\ninstrument: ${instrument}\n${design}`,
    `${name}.yaml`,
  );
  const store = openStore(join(dir, `${name}.db`));
  const result = await runStudy({ study, store, dataDir: dir, model, concurrency: 4 });
  assert.equal(result.run.status, "completed");
  const rows: ResponseRecord[] = [];
  for await (const r of store.responses(result.run.id)) rows.push(r);
  const byJob: Played["byJob"] = new Map();
  for (const job of await store.jobs(result.run.id)) {
    byJob.set(job.jobId, { inputs: job.inputs as unknown as GameInputs, people: new Map() });
  }
  for (const r of rows) {
    const j = byJob.get(r.jobId)!;
    if (!j.people.has(r.agentId)) j.people.set(r.agentId, new Map());
    if (r.status === "ok") j.people.get(r.agentId)!.set(r.item, r.answer);
  }
  return { store, runId: result.run.id, rows, byJob };
}

/** The played groups (the unmatched left out), each as its people's answers in seat order. */
function groups(p: Played) {
  return [...p.byJob.values()]
    .filter((j) => !j.inputs.unmatched)
    .map((j) => j.inputs.group.map((id) => j.people.get(id)!));
}

const num = (v: unknown) => {
  assert.equal(typeof v, "number", `expected a number, got ${JSON.stringify(v)}`);
  return v as number;
};
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

function checkPairing(p: Played, people: number, size: number): void {
  const seen = new Set<string>();
  for (const j of p.byJob.values()) for (const id of j.inputs.group) seen.add(id);
  assert.equal(seen.size, people, "everyone is in exactly one job");
  const played = [...p.byJob.values()].filter((j) => !j.inputs.unmatched);
  assert.equal(played.length, Math.floor(people / size));
  for (const j of played) assert.equal(j.inputs.group.length, size);
  const left = [...p.byJob.values()].filter((j) => j.inputs.unmatched);
  assert.equal(left.length, people % size);
  for (const j of left) {
    const row = p.rows.find((r) => r.jobId === [...p.byJob.entries()].find(([, v]) => v === j)![0])!;
    assert.equal(row.status, "skipped");
    assert.match(
      row.reason!,
      new RegExp(`not played: ${people} people in groups of ${size} leave ${people % size} over`),
    );
  }
}

test("dictator: pairs from the seed (one left over, skipped with the reason); the dictator keeps E − give, the recipient gets give", async () => {
  const p = await play("dictator", "{ game: dictator, endowment: 100 }", 9);
  checkPairing(p, 9, 2);
  for (const [dictator, recipient] of groups(p)) {
    assert.deepEqual([dictator.get("role"), recipient.get("role")], ["dictator", "recipient"]);
    const give = num(dictator.get("give"));
    assert.ok(Number.isInteger(give) && give >= 0 && give <= 100);
    assert.equal(dictator.get("payoff"), 100 - give);
    assert.equal(recipient.get("payoff"), give);
    assert.equal(recipient.get("others"), give, "the recipient's row records the dictator's move");
  }
  // The pairing is the seed's: planning the same study again finds the same groups (a rerun resumes them).
  const again = await play("dictator-again", "{ game: dictator, endowment: 100 }", 9);
  assert.deepEqual(
    [...again.byJob.values()].map((j) => j.inputs.group),
    [...p.byJob.values()].map((j) => j.inputs.group),
  );
  await p.store.close();
  await again.store.close();
});

test("ultimatum (strategy method): accepted exactly when the offer reaches the smallest accepted; both earn 0 otherwise", async () => {
  const p = await play("ultimatum", "{ game: ultimatum, endowment: 50 }", 10);
  checkPairing(p, 10, 2);
  let accepted = 0;
  for (const [proposer, responder] of groups(p)) {
    const offer = num(proposer.get("offer"));
    const threshold = num(responder.get("min_accept"));
    const yes = offer >= threshold;
    accepted += yes ? 1 : 0;
    for (const person of [proposer, responder]) assert.equal(person.get("accepted"), yes ? "Yes" : "No");
    assert.equal(proposer.get("payoff"), yes ? 50 - offer : 0);
    assert.equal(responder.get("payoff"), yes ? offer : 0);
  }
  assert.ok(accepted > 0 && accepted < 5, `the mock's draws give both outcomes (${accepted} of 5 accepted)`);
  await p.store.close();
});

test("ultimatum (direct): the responder sees the offer in a later turn of the same episode and accepts or rejects it", async () => {
  const p = await play("ultimatum-direct", "{ game: ultimatum, method: direct }", 8);
  for (const [proposer, responder] of groups(p)) {
    const offer = num(proposer.get("offer"));
    const yes = responder.get("accept") === "Yes";
    assert.equal(responder.get("others"), offer);
    assert.equal(proposer.get("payoff"), yes ? 100 - offer : 0);
    assert.equal(responder.get("payoff"), yes ? offer : 0);
  }
  const job = [...p.byJob.keys()][0];
  const seq = (await p.store.jobs(p.runId)).find((j) => j.jobId === job)!.seq;
  const turns = [];
  for await (const t of p.store.turns(p.runId, seq)) turns.push(t);
  assert.deepEqual(
    turns.map((t) => t.status),
    ["note", "ok", "ok", "note"],
    "the pairing, the offer, the answer, the result",
  );
  const offer = (turns[1].payload as { value: { offer: number } }).value.offer;
  assert.match(turns[2].prompt!, new RegExp(`The proposer offers you ${offer} of the 100 points`));
  await p.store.close();
});

test("trust: the receiver can return at most ⌊m·sent⌋ + their endowment; earnings E − s + r and ⌊m·s⌋ + R − r", async () => {
  const p = await play("trust", "{ game: trust, endowment: 10, multiplier: 3, receiver_endowment: 2 }", 8);
  checkPairing(p, 8, 2);
  for (const [sender, receiver] of groups(p)) {
    const sent = num(sender.get("send"));
    const back = num(receiver.get("send_back"));
    const arrived = Math.floor(3 * sent) + 2;
    assert.ok(sent >= 0 && sent <= 10 && back >= 0 && back <= arrived, `sent ${sent}, back ${back}`);
    assert.equal(sender.get("payoff"), 10 - sent + back);
    assert.equal(receiver.get("payoff"), arrived - back);
  }
  await p.store.close();
});

test("public goods, 3 rounds in groups of 4: each round E − cᵢ + mpcr·Σc, the total their sum; later rounds see earlier ones", async () => {
  const p = await play(
    "pgg",
    "{ game: public_goods, endowment: 20, group_size: 4, mpcr: 0.4, rounds: 3 }",
    10,
  );
  checkPairing(p, 10, 4);
  for (const members of groups(p)) {
    let totals = [0, 0, 0, 0];
    for (let round = 1; round <= 3; round++) {
      const c = members.map((m) => num(m.get(`r${round}.contribute`)));
      const pot = c.reduce((a, b) => a + b, 0);
      members.forEach((m, i) => {
        const pay = num(m.get(`r${round}.payoff`));
        assert.ok(close(pay, 20 - c[i] + 0.4 * pot), `round ${round}: ${pay} vs ${20 - c[i] + 0.4 * pot}`);
        assert.equal(m.get(`r${round}.others`), pot - c[i]);
      });
      totals = totals.map((t, i) => t + num(members[i].get(`r${round}.payoff`)));
    }
    for (const [i, m] of members.entries()) assert.ok(close(num(m.get("payoff")), totals[i]));
  }
  const prompts = [];
  for await (const t of p.store.turns(p.runId)) if (t.prompt) prompts.push(t.prompt);
  assert.ok(prompts.some((x) => /Round 2: you put in \d+, the other members put in \d+ in total/.test(x)));
  await p.store.close();
});

test("prisoner's dilemma against tit for tat: the strategy copies the person's last move; earnings follow the matrix", async () => {
  const p = await play(
    "pd",
    "{ game: prisoners_dilemma, rounds: 4, partner: { type: strategy, strategy: tit_for_tat } }",
    6,
  );
  const pay = (me: string, other: string) =>
    me === "cooperate" ? (other === "cooperate" ? 3 : 0) : other === "cooperate" ? 5 : 1;
  assert.equal(p.byJob.size, 6, "one job per person against a strategy");
  for (const j of p.byJob.values()) {
    const me = j.people.get(j.inputs.group[0])!;
    let total = 0;
    for (let round = 1; round <= 4; round++) {
      const mine = String(me.get(`r${round}.action`));
      const theirs = String(me.get(`r${round}.others`));
      const expected = round === 1 ? "cooperate" : String(me.get(`r${round - 1}.action`));
      assert.equal(theirs, expected, `round ${round}: tit for tat`);
      assert.equal(me.get(`r${round}.payoff`), pay(mine, theirs));
      total += pay(mine, theirs);
    }
    assert.equal(me.get("payoff"), total);
  }
  await p.store.close();
});

test("public goods against a stated move: the others' stated total is shown and counted in the earnings", async () => {
  const p = await play(
    "pgg-stated",
    "{ game: public_goods, group_size: 4, partner: { type: stated, move: 45 } }",
    5,
  );
  for (const j of p.byJob.values()) {
    const me = j.people.get(j.inputs.group[0])!;
    const c = num(me.get("contribute"));
    assert.equal(me.get("others"), 45);
    assert.ok(close(num(me.get("payoff")), 20 - c + 0.4 * (c + 45)));
  }
  const prompts = [];
  for await (const t of p.store.turns(p.runId)) if (t.prompt) prompts.push(t.prompt);
  assert.ok(
    prompts.every((x) => x.includes("The other 3 members have put in 45 points in total this round.")),
  );
  await p.store.close();
});

test("moves out of the rules are repaired; a move still invalid after the repairs ends the game with the reason", async () => {
  // Some answers break the rules (a number outside what the player holds): the repair prompt fixes them.
  const sloppy = await startMockLlm({
    port: 0,
    seed: 6,
    errorRate: 0.3,
    faults: ["off_option"],
    recordRequests: 500,
  });
  try {
    const p = parseStudy(
      `name: sloppy\nseed: 5\npopulation:\n  source: personas\n  personas:\n${personas(12)}\ninstrument: { game: trust }\n`,
      "sloppy.yaml",
    );
    const store = openStore(join(dir, "sloppy.db"));
    const result = await runStudy({
      study: p,
      store,
      dataDir: dir,
      model: createModel(`${sloppy.url}/v1#mock`, { env: {} }),
    });
    assert.ok(sloppy.stats().by_fault.off_option > 0);
    const repairs = sloppy
      .requests()
      .map((b) => (b.messages as { content: string }[]).at(-1)!.content)
      .filter((c) => c.startsWith("Your reply could not be used:"));
    assert.ok(repairs.length > 0);
    assert.ok(
      repairs.every((c) =>
        /- (send|send_back): \d+ is more than the \d+ points? you can choose from/.test(c),
      ),
    );
    assert.equal((await store.jobCounts(result.run.id)).failed, 0, "every invalid move was repaired");
    await store.close();
  } finally {
    await sloppy.close();
  }
  // Every answer of this mock breaks the schema's range (off-option): no repair can succeed.
  const broken = await startMockLlm({ port: 0, seed: 4, errorRate: 1, faults: ["off_option"] });
  try {
    const study = parseStudy(
      `name: broken\nseed: 5\npopulation:\n  source: personas\n  personas:\n${personas(4)}\ninstrument: { game: trust }\n`,
      "broken.yaml",
    );
    const store = openStore(join(dir, "broken.db"));
    const result = await runStudy({
      study,
      store,
      dataDir: dir,
      model: createModel(`${broken.url}/v1#mock`, { env: {} }),
      concurrency: 2,
    });
    const rows: ResponseRecord[] = [];
    for await (const r of store.responses(result.run.id)) rows.push(r);
    const send = rows.filter((r) => r.item === "send");
    assert.equal(send.length, 2);
    for (const r of send) {
      assert.equal(r.status, "failed");
      assert.match(
        r.reason!,
        /invalid answer after 2 repairs: send: \d+ is more than the 10 points you can choose from/,
      );
    }
    const payoffs = rows.filter((r) => r.item === "payoff");
    assert.ok(
      payoffs.every((r) => r.status === "failed" && /^not played: p\d+'s send was invalid/.test(r.reason!)),
    );
    assert.ok(
      rows.filter((r) => r.item === "role").every((r) => r.status === "ok"),
      "roles were assigned",
    );
    assert.equal((await store.jobCounts(result.run.id)).failed, 2);
    await store.close();
  } finally {
    await broken.close();
  }
});

function populace(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(bin, args, { cwd: dir }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

test("populace games --run compares a run's play with the human data; the wrong game or rule of response is refused", async () => {
  const p = await play("dictator-cli", "{ game: dictator, endowment: 100 }", 30);
  const db = join(dir, "dictator-cli.db");
  await p.store.close();
  const r = await populace(["games", "--run", p.runId, "--db", db, "--human", "moblab-dictator", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.sim.n_people, 15, "the 15 dictators' decisions; recipients make none");
  assert.equal(out.human.n_people, 11_935);
  const gives = p.rows.filter((x) => x.item === "give").map((x) => (x.answer as number) / 100);
  assert.ok(Math.abs(out.sim.mean - gives.reduce((a, b) => a + b, 0) / gives.length) < 1e-12);
  const html = join(dir, "dictator-vs-moblab.html");
  const plotted = await populace([
    "games",
    "--run",
    p.runId,
    "--db",
    db,
    "--human",
    "moblab-dictator",
    "--html",
    html,
  ]);
  assert.equal(plotted.code, 0, plotted.stderr);
  const page = await checkReportInBrowser(html);
  assert.deepEqual(page.consoleErrors, []);
  assert.ok(page.plots > 0 && page.plots === page.slots, `every plot drawn (${page.plots} of ${page.slots})`);
  assert.deepEqual(page.textProblems, []);
  const wrong = await populace(["games", "--run", p.runId, "--db", db, "--human", "heffner-pd"]);
  assert.equal(wrong.code, 2);
  assert.match(
    wrong.stderr,
    /--human heffner-pd is prisoners_dilemma play, and run dictator-cli-\w+ played the dictator game/,
  );

  const u = await play("ultimatum-cli", "{ game: ultimatum }", 10);
  await u.store.close();
  const method = await populace([
    "games",
    "--run",
    u.runId,
    "--db",
    join(dir, "ultimatum-cli.db"),
    "--human",
    "heffner-ultimatum-responder",
  ]);
  assert.equal(method.code, 2);
  assert.match(method.stderr, /holds accept\/reject decisions: run the ultimatum game with method: direct/);
  const both = await populace(["games", "--human", "moblab-dictator"]);
  assert.match(both.stderr, /give the simulated decisions as --sim FILE or as --run RUN/);
});

test("a game's dry run counts its calls; the statistical baseline is refused a game", async () => {
  const file = join(dir, "trust-dry.yaml");
  writeFileSync(
    file,
    `name: trust-dry\nseed: 5\npopulation:\n  source: personas\n  personas:\n${personas(9)}\ninstrument: { game: trust }\n`,
  );
  const dry = await populace([
    "run",
    file,
    "--model",
    `${mock.url}/v1#mock`,
    "--db",
    join(dir, "dry.db"),
    "--dry-run",
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, / 8 calls, /, "4 pairs × 2 moves; the one left over plays nothing");
  assert.match(dry.stdout, /game: 4 groups; 1 person was left over/);
  const baseline = await populace(["validate", file, "--model", "baseline:demographic"]);
  assert.equal(baseline.code, 2);
  assert.match(
    baseline.stderr,
    /instrument: baseline:demographic \(a statistical baseline .*\) answers only GSS questions, and a game needs a model that reads its prompts/,
  );
});

test("games --run --by partner: a repeated game's decisions by the partner's move of the round before", async () => {
  const p = await play("pd-partner", "{ game: prisoners_dilemma, rounds: 3 }", 10);
  await p.store.close();
  const args = ["games", "--run", p.runId, "--db", join(dir, "pd-partner.db"), "--human", "heffner-pd"];
  const r = await populace([...args, "--by", "partner", "--min-group", "1", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.sim.n_decisions, 10 * 2, "rounds 2 and 3: round 1 saw no partner move");
  // Expected from the stored rows: each round-2 and round-3 choice grouped by the partner's previous action.
  const cooperated = new Map<number, number[]>();
  for (const [a, b] of groups(p)) {
    for (const [me, other] of [
      [a, b],
      [b, a],
    ]) {
      for (const round of [2, 3]) {
        const seen = other.get(`r${round - 1}.action`) === "cooperate" ? 1 : 0;
        const list = cooperated.get(seen) ?? [];
        list.push(me.get(`r${round}.action`) === "cooperate" ? 1 : 0);
        cooperated.set(seen, list);
      }
    }
  }
  for (const g of out.groups.filter((x: { sim: unknown }) => x.sim)) {
    const list = cooperated.get(g.group)!;
    assert.ok(Math.abs(g.sim.mean - list.reduce((s: number, v: number) => s + v, 0) / list.length) < 1e-12);
  }
  const text = await populace([...args, "--by", "partner", "--min-group", "1"]);
  assert.match(text.stdout, /note: By partner: 10 simulated decisions made before any partner move was seen/);
});
