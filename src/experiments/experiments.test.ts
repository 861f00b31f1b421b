import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { resolveDataDir } from "../data/index.ts";
import { type MockLlm, startMockLlm } from "../mock-llm/index.ts";
import { checkReportInBrowser } from "../report/index.ts";

// Real parts: the CLI (in this process), a real SQLite file, real HTTP to the mock LLM server (a
// test double: its answers are seeded draws within the JSON schema it is sent, so nothing here
// says how a language model reacts to a design mode), and headless Chromium for the page.
const bin = resolve(import.meta.dirname, "../../bin/populace");
const dir = mkdtempSync(join(tmpdir(), "populace-designs-"));
const dataDir = resolveDataDir();
let mock: MockLlm;
let model: string;
before(async () => {
  mock = await startMockLlm({ port: 0, seed: 8, recordRequests: 2000 });
  model = `${mock.url}/v1#mock`;
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

function spec(name: string, body: string, people = 12): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}\nseed: 2\npopulation:\n  source: personas\n  personas:\n${personas(people)}\n${body}`,
  );
  return file;
}

/** The CLI in a child process (this process serves the mock, so it must not block). */
function cli(args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile(bin, args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`populace ${args.join(" ")}: ${stderr || error.message}`));
      else done(stdout);
    });
  });
}

/** The user message of every recorded request whose prompt mentions `text`. */
function prompts(text: string): string[] {
  return mock
    .requests()
    .map(
      (b) =>
        (b.messages as { role: string; content: string }[]).filter((m) => m.role === "user").at(-1)!.content,
    )
    .filter((c) => c.includes(text));
}

test("a demand study under blind, unblinded and aggregate: prompts per mode, curves side by side, the probe's diagnostics", async () => {
  const file = spec(
    "water",
    `instrument: { template: demand, product: a 12-pack of sparkling water, reference_price: 6, grid: [0.5, 1, 1.5, 2] }
design:
  blinding: [blind, unblinded, aggregate]
  probe:
    - { name: competitor_price, question: "What does the same pack cost at other stores, in dollars?", min: 0, max: 50 }
  hold_fixed:
    - { name: the store, value: a supermarket }
`,
  );
  const db = join(dir, "water.db");
  const dry = await cli(["run", file, "--model", model, "--db", db, "--dry-run", "--data-dir", dataDir]);
  assert.match(dry, / 108 calls,/, "12 people × (4 blind + 4 unblinded + 1 aggregate) calls");
  await cli(["run", file, "--model", model, "--db", db, "--data-dir", dataDir]);

  // Each mode's prompts, as designCalls builds them.
  const blind = prompts("What does the same pack cost at other stores");
  const unblinded = blind.filter((p) => p.includes("Participants are randomly shown different prices"));
  const alone = blind.filter((p) => !unblinded.includes(p));
  assert.equal(alone.length, 48);
  for (const p of alone) assert.equal(p.match(/The price of a 12-pack of sparkling water is \$/g)?.length, 1);
  assert.equal(unblinded.length, 48);
  for (const p of unblinded) {
    assert.equal(
      p.match(/The price of a 12-pack of sparkling water is \$/g)?.length,
      5,
      "every version, then the person's",
    );
    assert.match(p, /The following are the same for everyone: the store: a supermarket\./);
  }
  const aggregate = prompts("Predict the result of the whole experiment.");
  assert.equal(aggregate.length, 12);
  assert.ok(
    aggregate.every((p) => !p.includes("cost at other stores")),
    "the aggregate mode is not probed",
  );

  const report = JSON.parse(await cli(["report", "--db", db, "--json", "--data-dir", dataDir]));
  assert.deepEqual(report.design.modes, ["blind", "unblinded", "aggregate"]);
  assert.deepEqual(
    report.design.demand.modes.map((m: { mode: string; n_people: number }) => [m.mode, m.n_people]),
    [
      ["blind", 12],
      ["unblinded", 12],
      ["aggregate", 12],
    ],
  );
  for (const m of report.design.demand.modes) {
    assert.deepEqual(
      m.curve.points.map((p: { price: number }) => p.price),
      [3, 6, 9, 12],
    );
    assert.ok(["negative", "positive", "none"].includes(m.curve.sign));
    assert.equal(typeof m.curve.monotone.p, "number");
  }
  assert.deepEqual(
    report.design.diagnostics.map(
      (d: { mode: string; probe: { variables: { variable: string; n: number }[] } }) => [
        d.mode,
        d.probe.variables.map((v) => [v.variable, v.n]),
      ],
    ),
    [
      ["blind", [["competitor_price", 48]]],
      ["unblinded", [["competitor_price", 48]]],
    ],
  );
  assert.match(
    report.design.focalism_note,
    /^Held fixed in every prompt: the store \(a supermarket\)\. .*focalism/,
  );
  // Items per mode, their answers read back to the arms (the aggregate call covers every arm).
  const share = report.items.find((i: { item: string }) => i.item === "share (aggregate)");
  assert.deepEqual(
    share.means.map((m: { arm: string; n: number }) => [m.arm, m.n]),
    [
      ["price_3.00", 12],
      ["price_6.00", 12],
      ["price_9.00", 12],
      ["price_12.00", 12],
    ],
  );
  assert.ok(
    !report.items.some((i: { item: string }) => i.item === "buy (aggregate)"),
    "no empty item sections",
  );

  const html = join(dir, "water.html");
  await cli(["report", "--db", db, "--html", html, "--data-dir", dataDir]);
  const page = readFileSync(html, "utf8");
  for (const heading of ["Demand curves by design mode", "Design diagnostics", "share (aggregate)"])
    assert.ok(page.includes(heading), heading);
  const seen = await checkReportInBrowser(html, {
    screenshot: process.env.POPULACE_SHOTS ? join(process.env.POPULACE_SHOTS, "water.png") : undefined,
  });
  assert.deepEqual(seen.consoleErrors, []);
  assert.equal(seen.plots, seen.slots);
  assert.deepEqual(seen.textProblems, []);

  const demand = JSON.parse(await cli(["demand", "--run", report.run.id, "--db", db, "--json"]));
  assert.deepEqual(
    demand.modes.map((m: { mode: string; probe: unknown }) => [m.mode, m.probe === null]),
    [
      ["blind", false],
      ["unblinded", false],
      ["aggregate", true],
    ],
  );
  const text = await cli(["demand", "--run", report.run.id, "--db", db]);
  assert.match(text, /held fixed in every prompt: the store \(a supermarket\)/);

  // Results: the aggregate call's answers under their arms, arms named MODE@ARM with several modes.
  const csv = await cli(["results", "--db", db, "--with", "none"]);
  const lines = csv.trim().split("\n");
  const col = lines[0].split(",");
  const at = (line: string, c: string) => line.split(",")[col.indexOf(c)];
  const agg = lines.filter((l) => at(l, "arm").startsWith("aggregate@"));
  assert.equal(agg.length, 48);
  assert.ok(agg.every((l) => at(l, "item") === "share" && /^aggregate@price_\d+\.00$/.test(at(l, "arm"))));
});

test("a survey under blind and within with a probe: within answers read back to arms; the report's design diagnostics", async () => {
  const file = spec(
    "framing",
    `instrument:
  items:
    - { id: support, type: likert, text: "I support the new park." }
design:
  arms:
    - { name: cheap, text: "The park costs $1 million.", value: 1 }
    - { name: dear, text: "The park costs $9 million.", value: 9 }
  blinding: [blind, within]
  treatment: costs of the park
  probe:
    - { name: taxes, question: "How much would your yearly taxes rise, in dollars?", min: 0 }
`,
    10,
  );
  const db = join(dir, "framing.db");
  await cli(["run", file, "--model", model, "--db", db, "--data-dir", dataDir]);
  const within = prompts("Consider 2 versions of this situation, which differ only in costs of the park");
  assert.equal(within.length, 10);
  assert.ok(
    within.every((p) => p.includes("The park costs $1 million.") && p.includes("The park costs $9 million.")),
  );
  const rows = (await cli(["results", "--db", db, "--format", "jsonl"]))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const keys = new Set(rows.map((r) => `${r.arm} ${r.item}`));
  assert.deepEqual([...keys].sort(), [
    "blind@cheap probe.taxes",
    "blind@cheap support",
    "blind@dear probe.taxes",
    "blind@dear support",
    "within@cheap probe.taxes",
    "within@cheap support",
    "within@dear probe.taxes",
    "within@dear support",
  ]);
  assert.ok(
    rows.filter((r) => r.arm.startsWith("within@")).every((r) => r.job.includes("/within/within@all-arms/")),
  );
  const report = JSON.parse(await cli(["report", "--db", db, "--json", "--data-dir", dataDir]));
  const modes = report.design.diagnostics.map(
    (d: { mode: string; probe: { variables: { arms: { arm: string; treatment: number }[] }[] } }) => [
      d.mode,
      d.probe.variables[0].arms.map((a) => [a.arm, a.treatment]),
    ],
  );
  assert.deepEqual(modes, [
    [
      "blind",
      [
        ["cheap", 1],
        ["dear", 9],
      ],
    ],
    [
      "within",
      [
        ["cheap", 1],
        ["dear", 9],
      ],
    ],
  ]);
});

test("the Asian disease problem end to end: conditions between subjects, answers coded, effect against the human one", async () => {
  const file = spec("asian", "instrument: { template: classic, study: asian_disease }\n", 40);
  const db = join(dir, "asian.db");
  await cli(["validate", file, "--model", model, "--data-dir", dataDir]);
  await cli(["run", file, "--model", model, "--db", db, "--data-dir", dataDir]);
  const rows = (await cli(["results", "--db", db, "--format", "jsonl"]))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const arms = new Map<string, string>();
  for (const r of rows) arms.set(r.agent, r.arm);
  assert.equal(arms.size, 40);
  assert.deepEqual(
    [...arms.values()].filter((a) => a === "gain").length,
    20,
    "between subjects: each person one condition, the arms balanced",
  );
  for (const r of rows.filter((x) => x.item === "outcome")) {
    const program = rows.find((x) => x.agent === r.agent && x.item === "program").answer;
    assert.equal(r.answer, program === "Program A" || program === "Program C" ? 1 : 0);
    assert.ok(
      r.arm === "gain"
        ? ["Program A", "Program B"].includes(program)
        : ["Program C", "Program D"].includes(program),
    );
  }
  const gainPrompt = prompts("Which of the two programs would you favor?").find((p) =>
    p.includes("200 people will be saved"),
  );
  assert.ok(gainPrompt, "the gain frame's materials are shown verbatim");

  const human = join(dir, "asian-human.csv");
  const summary = await cli(["classic", "asian_disease", "--human-out", human, "--data-dir", dataDir]);
  assert.match(summary, /human effect \(loss − gain\): risk difference -0\.498 \[-0\.595, -0\.401\]/);
  const run = JSON.parse(await cli(["report", "--db", db, "--json", "--data-dir", dataDir])).run.id;
  const out = JSON.parse(
    await cli([
      "effects",
      "--human",
      human,
      "--outcome",
      "outcome",
      "--arm",
      "arm",
      "--treated",
      "loss",
      "--control",
      "gain",
      "--run",
      run,
      "--db",
      db,
      "--item",
      "outcome",
      "--json",
    ]),
  );
  const s = out.studies[0];
  assert.equal(s.human.n_treated + s.human.n_control, 307);
  assert.ok(Math.abs(s.human.risk_difference.estimate - (34 / 155 - 109 / 152)) < 1e-12);
  assert.equal(s.sim.n_treated + s.sim.n_control, 40);
  assert.equal(typeof s.sign_agree, "boolean");
  assert.equal(out.ledger.entries, 1, "the comparison enters the validation ledger");
});
