import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { UserError } from "../errors/index.ts";
import type { LanguageModel } from "../llm/types.ts";
import { createInstantModel } from "../mock-llm/index.ts";
import { loadStudy } from "../spec/index.ts";
import { openStore } from "../store/index.ts";
import { agentPredictions, calibratePlan, type HumanData, readHumanData } from "./confirmatory.ts";
import { runStudy } from "./index.ts";

// Real parts: a real SQLite file, real runs of the engine with the in-process instant model.
const dir = mkdtempSync(join(tmpdir(), "populace-confirm-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const PEOPLE = 12;

function specFile(name: string, calibration: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
population:
  source: personas
  personas:
${Array.from({ length: PEOPLE }, (_, i) => `    - {id: p${i + 1}, text: "I am person ${i + 1}."}`).join("\n")}
instrument:
  items:
    - {id: q1, type: multiple_choice, text: "Do you favor the plan?", options: [Favor, Oppose, Unsure]}
    - {id: books, type: numeric, text: "Books read last year?", min: 0, max: 50}
calibration:
${calibration}`,
  );
  return file;
}

function humanCsv(name: string, text: string): void {
  writeFileSync(join(dir, name), text);
}

/** The instant model, counting every call it gets. */
function countingModel(): LanguageModel & { calls: () => number } {
  const inner = createInstantModel({ seed: 1 });
  let calls = 0;
  return {
    ...inner,
    complete: (request) => {
      calls++;
      return inner.complete(request);
    },
    calls: () => calls,
  };
}

const CONFIRMATORY = `  confirmatory: true
  human_data: human.csv
  estimand: mean
  item: q1
  outcome: q1_human
  values: { Favor: 1, Oppose: 0, Unsure: 0.5 }
`;

/** Runs the study and returns the refusal; asserts nothing reached the model or the store. */
async function refused(name: string, calibration: string): Promise<UserError> {
  const study = loadStudy(specFile(name, calibration));
  const db = join(dir, `${name}.db`);
  const store = openStore(db);
  const model = countingModel();
  try {
    let error: unknown;
    await runStudy({ study, store, dataDir: dir, model }).catch((e) => {
      error = e;
    });
    assert.ok(error instanceof UserError, `expected a UserError, got ${error}`);
    assert.equal(model.calls(), 0, "no model call before the plan is checked");
    assert.deepEqual(await store.listRuns(), [], "no run recorded");
    const sqlite = new DatabaseSync(db, { readOnly: true });
    for (const table of ["studies", "agents", "jobs", "responses", "costs"]) {
      const row = sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number };
      assert.equal(row.n, 0, `${table} must stay empty`);
    }
    sqlite.close();
    return error;
  } finally {
    await store.close();
  }
}

test("a confirmatory study whose human data file is missing is refused before any call", async () => {
  const error = await refused("missing", CONFIRMATORY.replace("human.csv", "nowhere.csv"));
  assert.match(
    error.message,
    /missing\.yaml: calibration\.human_data: confirmatory study refused before it runs/,
  );
  assert.match(error.message, /nowhere\.csv: human data file not found/);
});

test("missing columns, unmapped options and unmapped human answers refuse the run", async () => {
  humanCsv("nocol.csv", "person_id,answer\np1,Favor\np2,Oppose\n");
  const noColumn = await refused("nocol", CONFIRMATORY.replace("human.csv", "nocol.csv"));
  assert.match(noColumn.message, /no column "q1_human" \(columns: person_id, answer\)/);

  humanCsv("human.csv", "person_id,q1_human\np1,Favor\np2,Oppose\np3,\n");
  const options = await refused("options", CONFIRMATORY.replace(", Unsure: 0.5", ""));
  assert.match(options.message, /calibration\.values: options of q1 with no number: "Unsure"/);

  humanCsv("maybe.csv", "person_id,q1_human\np1,Favor\np2,Maybe\n");
  const value = await refused("maybe", CONFIRMATORY.replace("human.csv", "maybe.csv"));
  assert.match(value.message, /maybe\.csv:3: q1_human "Maybe" has no number/);

  humanCsv("one.csv", "person_id,q1_human\np1,Favor\np2,\n");
  const few = await refused("few", CONFIRMATORY.replace("human.csv", "one.csv"));
  assert.match(few.message, /has 1 human outcome; the estimand needs at least 2/);

  humanCsv("twice.csv", "person_id,q1_human\np1,Favor\np1,Oppose\n");
  const twice = await refused("twice", CONFIRMATORY.replace("human.csv", "twice.csv"));
  assert.match(twice.message, /twice\.csv:3: person "p1" appears twice \(also line 2\)/);
});

test("a sound confirmatory plan runs; an exploratory plan is not checked before the run", async () => {
  humanCsv("human.csv", "person_id,q1_human\np1,Favor\np2,Oppose\np3,\n");
  for (const [name, calibration] of [
    ["sound", CONFIRMATORY],
    ["exploring", "  human_data: not-yet.csv\n  item: q1\n"],
  ]) {
    const study = loadStudy(specFile(name, calibration));
    const store = openStore(join(dir, `${name}.db`));
    const model = countingModel();
    const result = await runStudy({ study, store, dataDir: dir, model });
    assert.equal(result.run.status, "completed");
    assert.equal(model.calls(), PEOPLE * 2);
    await store.close();
  }
});

test("human data: empty outcomes are unlabeled, numbers come from values or the numeric answer", () => {
  humanCsv("mixed.csv", "person_id,q1_human,books_human\np1,Favor,3\np2,,\np3,Oppose,12.5\n");
  const closed = readHumanData(
    join(dir, "mixed.csv"),
    { ...plan(), outcome: "q1_human", values: { Favor: 1, Oppose: 0 } },
    { id: "q1", type: "multiple_choice", text: "", options: ["Favor", "Oppose"] },
  );
  assert.deepEqual(
    [...closed.outcomes].map(([id, o]) => [id, o.y]),
    [
      ["p1", 1],
      ["p3", 0],
    ],
  );
  assert.equal(closed.empty, 1);
  const numeric = readHumanData(
    join(dir, "mixed.csv"),
    { ...plan(), outcome: "books_human" },
    {
      id: "books",
      type: "numeric",
      text: "",
    },
  );
  assert.deepEqual(
    [...numeric.outcomes.values()].map((o) => o.y),
    [3, 12.5],
  );
});

function plan() {
  return {
    confirmatory: true,
    person_column: "person_id",
    arm_column: "arm",
    alpha: 0.05,
    estimand: "mean" as const,
    item: "q1",
    outcome: "y",
  };
}

test("an agent without a valid simulated answer gets the arm's mean prediction", () => {
  const { predictions, simulated, imputed } = agentPredictions(
    new Map([
      ["a", [1, 0]],
      ["b", [undefined]],
      ["c", [1]],
    ]),
  );
  assert.deepEqual(
    [...predictions],
    [
      ["a", 0.5],
      ["b", 0.75],
      ["c", 1],
    ],
  );
  assert.deepEqual(simulated, [0.5, 1]);
  assert.equal(imputed, 1);
});

test("an ate uses each arm's own humans and splits the simulated-only agents between the arms", () => {
  const human: HumanData = { file: "h.csv", empty: 0, outcomes: new Map() };
  const sims = new Map([
    ["t", new Map<string, (number | undefined)[]>()],
    ["c", new Map<string, (number | undefined)[]>()],
  ]);
  for (let i = 0; i < 40; i++) {
    const id = `p${i}`;
    sims.get("t")!.set(id, [(i % 3) + 1]);
    sims.get("c")!.set(id, [i % 3]);
    if (i < 8) human.outcomes.set(id, { y: (i % 4) + 1, arm: "t", line: i + 2 });
    else if (i < 16) human.outcomes.set(id, { y: i % 4, arm: "c", line: i + 2 });
  }
  human.outcomes.set("stranger", { y: 1, arm: "c", line: 99 });
  const e = calibratePlan({ ...plan(), estimand: "ate", treated: "t", control: "c" }, human, sims, "t", 7);
  assert.deepEqual(e.n_labeled, { t: 8, c: 8 });
  assert.equal(e.n_unlabeled.t + e.n_unlabeled.c, 24, "each simulated-only agent is used in one arm only");
  assert.equal(e.n_unlabeled.t, 12);
  assert.equal(e.human_not_in_run, 1);
  // The human-only figure does not depend on the split: the plain difference of the arms' human means.
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const yt = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i % 4) + 1);
  const yc = [8, 9, 10, 11, 12, 13, 14, 15].map((i) => i % 4);
  assert.ok(Math.abs(e.classical.estimate - (mean(yt) - mean(yc))) < 1e-12);
  // Simulated only: every agent's treated answer minus every agent's control answer = 1.
  assert.ok(Math.abs(e.simulated.estimate - 1) < 1e-12);
});
