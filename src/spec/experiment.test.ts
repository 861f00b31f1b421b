import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStudy, SpecError } from "./index.ts";

const head = `name: s
population:
  source: personas
  personas: [one person, another person]
`;

function problems(body: string): string[] {
  try {
    parseStudy(head + body, "s.yaml");
  } catch (error) {
    assert.ok(error instanceof SpecError, `expected SpecError, got ${error}`);
    return error.problems.map((p) => `${p.location} ${p.path}: ${p.message}`);
  }
  assert.fail("expected the spec to be rejected");
}

test("every instrument block validates: a survey, the five games, the demand, conjoint and classic templates", () => {
  const blocks = [
    "instrument: { items: [{ gss: cappun }] }",
    "instrument: { game: dictator }",
    "instrument: { game: ultimatum, method: direct }",
    "instrument: { game: trust, partner: { type: strategy, strategy: return_fraction, value: 0.5 }, role: sender }",
    "instrument: { game: public_goods, rounds: 5 }",
    "instrument: { game: prisoners_dilemma, partner: { type: stated, move: defect } }",
    "instrument: { template: demand, product: a coffee, reference_price: 3 }",
    "instrument: { template: conjoint, question: Which?, attributes: [{ name: A, levels: [x, y] }] }",
    "instrument: { template: classic, study: asian_disease }",
  ];
  for (const b of blocks) assert.doesNotThrow(() => parseStudy(`${head}${b}\n`, "s.yaml"), b);
});

test("a survey without design modes keeps its design block as before (no new defaults, so its version and runs are unchanged)", () => {
  const { spec } = parseStudy(`${head}instrument: { items: [{ gss: cappun }] }\n`, "s.yaml");
  assert.deepEqual(Object.keys(spec.design).sort(), ["arms", "replicates"]);
  assert.deepEqual(Object.keys(spec.instrument).sort(), ["items", "items_per_call"]);
});

test("problems in a game or template block are reported in that block's terms, at their lines", () => {
  assert.deepEqual(problems("instrument:\n  game: dictator\n  endowmnt: 10\n"), [
    's.yaml:7:3 instrument.endowmnt: unknown key "endowmnt"; did you mean "endowment"?',
  ]);
  assert.match(problems("instrument: { game: chess }\n")[0], /^s\.yaml:5:\d+ instrument\.game: /);
  assert.deepEqual(problems("instrument:\n  template: demand\n  product: tea\n"), [
    "s.yaml:6:3 instrument.reference_price: required",
  ]);
  assert.deepEqual(problems("instrument:\n  items: []\n"), [
    "s.yaml:6:10 instrument.items: list at least one item",
  ]);
});

test("design modes: where they apply and what they need, each at its field", () => {
  const survey = `instrument: { items: [{ id: q, type: yes_no, text: Agree? }] }\n`;
  const twoArms = "  arms: [{ name: a, text: A. }, { name: b, text: B. }]\n";
  assert.deepEqual(problems(`instrument: { game: dictator }\ndesign:\n  blinding: unblinded\n`), [
    "s.yaml:7:13 design.blinding: design modes, the probe and held-fixed covariates apply to surveys and the demand and classic templates, not to a game",
  ]);
  assert.deepEqual(problems(`${survey}design:\n  blinding: blind\n`), [
    "s.yaml:7:3 design.arms: design modes compare arms: list at least 2",
  ]);
  assert.deepEqual(problems(`${survey}design:\n${twoArms}  blinding: unblinded\n`), [
    's.yaml:7:3 design.treatment: required by unblinded: say what is randomized ("prices for the product")',
  ]);
  assert.deepEqual(
    problems(`${survey}design:\n${twoArms}  blinding: within\n  treatment: texts\n  assignment: between\n`),
    [
      "s.yaml:8:13 design.blinding: the within mode shows every arm to each person: it cannot be between subjects",
    ],
  );
  assert.deepEqual(
    problems(
      `instrument: { items: [{ id: q, type: yes_no, text: Agree? }], flow: sequential }\ndesign:\n${twoArms}  probe: [{ name: x, question: How much? }]\n`,
    ),
    ["s.yaml:5:69 instrument.flow: a design asks each arm's questions in one call: remove flow: sequential"],
  );
  assert.deepEqual(
    problems(`instrument: { template: demand, product: tea, reference_price: 2 }\ndesign:\n${twoArms}`),
    [
      "s.yaml:7:9 design.arms: the demand template makes its own arms (one per price of its grid): remove design.arms",
    ],
  );
  assert.deepEqual(
    problems(
      `instrument: { template: demand, product: tea, reference_price: 2 }\ndesign:\n  blinding: aggregate\n  probe: [{ name: x, question: How much? }]\n`,
    ),
    [
      "s.yaml:8:10 design.probe: the aggregate mode predicts a whole experiment and is not probed: add a per-person mode",
    ],
  );
  assert.deepEqual(
    problems(
      `instrument: { template: classic, study: asian_disease }\ndesign:\n  blinding: [blind, aggregate]\n`,
    ),
    [
      "s.yaml:7:13 design.blinding: the classic template compares people's own choices: the aggregate mode does not apply",
    ],
  );
  assert.deepEqual(problems(`instrument: { game: trust }\nmodel: { mode: distribution }\n`), [
    "s.yaml:6:16 model.mode: a game reads each move as JSON: use mode: generate",
  ]);
  assert.deepEqual(problems(`instrument: { game: dictator }\ncalibration: { item: give }\n`), [
    "s.yaml:6:14 calibration: a calibration plan names a survey item: it applies to surveys (instrument.items)",
  ]);
});
