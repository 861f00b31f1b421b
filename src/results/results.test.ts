import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { calibrateTable } from "../analysis/calibration/index.ts";
import { estimateEffect } from "../analysis/effects/index.ts";
import { captureCli } from "../cli/capture.ts";
import { csvLine, parseCsv, resolveDataDir } from "../data/index.ts";
import { loadGssPanel } from "../datasets/index.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore } from "../store/index.ts";
import { runDemo } from "../study/demo.ts";
import { runStudy } from "../study/index.ts";
import { combineReplicates } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-results-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const dataDir = resolveDataDir();
const panel = new Map(
  loadGssPanel(dataDir, { panels: ["2006", "2008", "2010"] }).map((r) => [r.personId, r]),
);

/** A two-arm GSS panel study with two replicates, run on the statistical baseline. */
const armsDb = join(dir, "arms.db");
let armsRun = "";
before(async () => {
  const study = parseStudy(
    [
      "name: arms",
      "seed: 5",
      "population: { source: gss-panel, n: 120, panels: ['2006', '2008', '2010'] }",
      "instrument:",
      "  items: [{ gss: cappun }, { gss: grass }]",
      "design:",
      "  arms: [{ name: control }, { name: treatment, text: 'Most people in your town disagree with you.' }]",
      "  replicates: 2",
      "",
    ].join("\n"),
    join(dir, "arms.yaml"),
  );
  const store = openStore(armsDb);
  const r = await runStudy({ study, store, dataDir, modelId: "baseline:demographic" });
  armsRun = r.run.id;
  await store.close();
});

test("replicates combine: numbers by their mean, answers by the most frequent, ties to the earliest", () => {
  assert.equal(
    combineReplicates([
      { replicate: 1, answer: 2 },
      { replicate: 2, answer: 5 },
    ]),
    3.5,
  );
  const answers = (xs: string[]) => xs.map((answer, i) => ({ replicate: i + 1, answer }));
  assert.equal(combineReplicates(answers(["No", "Yes", "Yes"])), "Yes");
  assert.equal(combineReplicates(answers(["No", "Yes"])), "No");
  assert.equal(combineReplicates([...answers(["No", "Yes"])].reverse()), "No");
  assert.equal(combineReplicates([]), undefined);
});

test("results has person_id and the agents' attributes (csv by default, jsonl with --with attributes)", async () => {
  const csv = await captureCli(["results", "--db", armsDb]);
  assert.equal(csv.code, 0, csv.stderr);
  const table = parseCsv(csv.stdout);
  const at = (c: string) => table.header.indexOf(c);
  assert.ok(at("person_id") > at("agent"));
  for (const a of ["age", "sex", "polviews", "degree"]) assert.ok(at(a) > 0, `column ${a}`);
  // 120 people × 2 items × 2 arms × 2 replicates.
  assert.equal(table.rows.length, 960);
  for (const row of table.rows.slice(0, 50)) {
    const person = panel.get(row[at("person_id")]);
    assert.ok(person, row[at("person_id")]);
    assert.equal(row[at("sex")], person.demographics.sex ?? "");
    assert.equal(row[at("polviews")], person.demographics.polviews ?? "");
  }
  const jsonl = await captureCli(["results", "--db", armsDb, "--format", "jsonl"]);
  assert.equal(JSON.parse(jsonl.stdout.split("\n")[0]).attributes, undefined);
  const withAttrs = await captureCli([
    "results",
    "--db",
    armsDb,
    "--format",
    "jsonl",
    "--with",
    "attributes",
  ]);
  const first = JSON.parse(withAttrs.stdout.split("\n")[0]);
  assert.deepEqual(first.attributes, panel.get(first.person_id)?.demographics);
  const none = await captureCli(["results", "--db", armsDb, "--with", "none"]);
  assert.equal(parseCsv(none.stdout).header.includes("sex"), false);
});

test("compare --run on the demo's run gives the figures the demo prints", async () => {
  const db = join(dir, "demo.db");
  const store = openStore(db);
  const demo = await runDemo({ dataDir, store, n: 80, modelId: "baseline:demographic" });
  await store.close();
  // The human side as a researcher would write it: the same people's wave-1 and wave-2 answers.
  const human = [csvLine(["person_id", "item", "answer"])];
  const retest = [csvLine(["person_id", "item", "answer"])];
  const simulated = await captureCli(["results", "--db", db, "--with", "none"]);
  const ids = new Set(parseCsv(simulated.stdout).rows.map((r) => r[3]));
  for (const id of ids) {
    const p = panel.get(id)!;
    for (const item of demo.items.map((i) => i.item)) {
      if (p.waves["1"]?.[item]) human.push(csvLine([id, item, p.waves["1"][item]]));
      if (p.waves["2"]?.[item]) retest.push(csvLine([id, item, p.waves["2"][item]]));
    }
  }
  const h = join(dir, "demo-human.csv");
  const t = join(dir, "demo-retest.csv");
  writeFileSync(h, `${human.join("\n")}\n`);
  writeFileSync(t, `${retest.join("\n")}\n`);
  const r = await captureCli([
    "compare",
    "--run",
    demo.run.run.id,
    "--db",
    db,
    "--human",
    h,
    "--retest",
    t,
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.overall.n_pairs, demo.overall.n_pairs);
  assert.equal(res.overall.accuracy, demo.overall.accuracy);
  assert.equal(res.overall.normalized_accuracy, demo.overall.normalized_accuracy);
  for (const row of demo.items) {
    assert.equal(res.items[row.item].n, row.n, row.item);
    assert.equal(res.items[row.item].accuracy, row.accuracy, row.item);
    assert.equal(res.items[row.item].retest_accuracy, row.retest_accuracy, row.item);
  }
  // compare --run adds the comparison to the validation ledger of the run's database.
  assert.equal(res.ledger.entries, 3);
  const ledger = await captureCli(["ledger", "--db", db, "--json"]);
  const entries = JSON.parse(ledger.stdout).entries;
  assert.equal(entries.length, 3);
  assert.ok(
    entries.every(
      (e: { domain: string; model: string; conditioning: string }) => e.domain === "gss-attitudes",
    ),
  );
  assert.equal(entries[0].conditioning, "demographic");
  assert.equal(entries[0].model, "baseline:demographic");
  // The same comparison again replaces its entries instead of counting it twice.
  await captureCli(["compare", "--run", demo.run.run.id, "--db", db, "--human", h, "--retest", t, "--json"]);
  assert.equal(JSON.parse((await captureCli(["ledger", "--db", db, "--json"])).stdout).entries.length, 3);
  const none = await captureCli([
    "compare",
    "--run",
    demo.run.run.id,
    "--db",
    db,
    "--human",
    h,
    "--no-ledger",
    "--json",
  ]);
  assert.equal(JSON.parse(none.stdout).ledger.entries, 0);
  assert.equal(JSON.parse((await captureCli(["ledger", "--db", db, "--json"])).stdout).entries.length, 3);
});

/** The human side of the two-arm study: each person's wave-1 cappun, half of them treated. */
function armsHuman(withOutcome: (i: number) => boolean): string {
  const lines = [csvLine(["person_id", "arm", "cappun", "sex"])];
  const ids = [...panel.keys()].slice(0, 4000);
  let i = 0;
  for (const id of ids) {
    const a = panel.get(id)!.waves["1"]?.cappun;
    if (!a) continue;
    lines.push(
      csvLine([
        id,
        i % 2 ? "treatment" : "control",
        withOutcome(i) ? a : "",
        panel.get(id)!.demographics.sex,
      ]),
    );
    i++;
    if (i >= 600) break;
  }
  const file = join(dir, `arms-human-${lines.length}-${withOutcome(1)}.csv`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

test("effects --run takes each person's answer in the treated and control arm, replicates combined", async () => {
  const human = armsHuman(() => true);
  const r = await captureCli([
    ...["effects", "--run", armsRun, "--db", armsDb, "--human", human, "--outcome", "cappun", "--arm", "arm"],
    ...["--positive", "Favor", "--by", "sex", "--json"],
  ]);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  // Independently from the stored responses: the modal answer of each person's two replicates.
  const store = openStore(armsDb);
  const byPerson = new Map<string, string[]>();
  for await (const x of store.responses(armsRun)) {
    if (x.item !== "cappun" || x.status !== "ok") continue;
    const k = `${x.arm}|${x.agentId}`;
    byPerson.set(k, [...(byPerson.get(k) ?? []), String(x.answer)]);
  }
  await store.close();
  const outcome = (arm: string) =>
    [...byPerson]
      .filter(([k]) => k.startsWith(`${arm}|`))
      .map(([, answers]) => {
        const favor = answers.filter((a) => a === "Favor").length;
        // Two replicates: a tie goes to the first replicate's answer.
        return favor * 2 > answers.length || (favor * 2 === answers.length && answers[0] === "Favor") ? 1 : 0;
      });
  const expected = estimateEffect(outcome("treatment"), outcome("control"), { binary: true });
  assert.deepEqual(res.studies[0].sim.d, expected.d);
  assert.equal(res.studies[0].sim.n_treated, 120);
  assert.deepEqual(
    res.studies[0].subgroups.groups.map((g: { group: string }) => g.group),
    ["Female", "Male"],
  );
  assert.ok(res.studies[0].subgroups.interaction.sim !== null);
  const bad = await captureCli([
    ...["effects", "--run", armsRun, "--db", armsDb, "--human", human, "--outcome", "cappun", "--arm", "arm"],
    ...["--treated", "framed", "--positive", "Favor", "--no-ledger"],
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /run arms-\w+ has no arm "framed" \(arms: control, treatment\)/);
});

test("calibrate --run joins human outcomes with the run's predictions; the others are simulated-only", async () => {
  const human = armsHuman((i) => i % 3 === 0);
  // --value gives the options numbers, for the simulated answers and the human outcomes alike.
  const ok = await captureCli([
    ...["calibrate", human, "--run", armsRun, "--db", armsDb, "--item", "cappun", "--outcome", "cappun"],
    ...["--estimand", "mean", "--value", "Favor=1", "--value", "Oppose=0", "--json"],
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  const text = readFileSync(human, "utf8");
  const res = JSON.parse(ok.stdout);
  const store = openStore(armsDb);
  const sums = new Map<string, number[]>();
  for await (const x of store.responses(armsRun)) {
    if (x.item === "cappun" && x.arm === "control" && x.status === "ok") {
      sums.set(x.agentId, [...(sums.get(x.agentId) ?? []), x.answer === "Favor" ? 1 : 0]);
    }
  }
  await store.close();
  const prediction = new Map([...sums].map(([p, v]) => [p, v.reduce((a, b) => a + b, 0) / v.length]));
  const rows = parseCsv(text).rows.filter((row) => prediction.has(row[0]));
  const labeled = rows.filter((row) => row[2] !== "");
  const simOnly = [...prediction.keys()].filter((p) => !rows.some((row) => row[0] === p));
  const byHand = calibrateTable(
    parseCsv(
      `y,yhat\n${[
        ...rows.map((row) => `${row[2] === "" ? "" : row[2] === "Favor" ? 1 : 0},${prediction.get(row[0])}`),
        ...simOnly.map((p) => `,${prediction.get(p)}`),
      ].join("\n")}\n`,
    ),
    { estimand: "mean", outcome: "y", prediction: "yhat" },
  );
  assert.equal(res.n_labeled, labeled.length);
  assert.equal(res.n_unlabeled, byHand.n_unlabeled);
  assert.ok(Math.abs(res.estimate - (byHand.estimate as number)) < 1e-12);
  assert.ok(Math.abs(res.se - (byHand.se as number)) < 1e-12);
  assert.equal(res.ledger.entries, 1);
});
