import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStudy, SpecError, type SpecProblem } from "./index.ts";

const REQUIRED = "required: a confirmatory study must name its human data and estimand before it runs";

function spec(calibration: string, extra = ""): string {
  return `name: cal
population: { source: agent-bank, n: 20 }
instrument:
  items:
    - gss: cappun
    - { id: q1, type: multiple_choice, text: Pick one, options: [Favor, Oppose] }
    - { id: note, type: free_text, text: Anything else? }
design:
  arms: [{ name: control }, { name: framed, text: Most people disagree. }]
${extra}calibration:
${calibration}`;
}

function problems(text: string): Map<string, SpecProblem> {
  try {
    parseStudy(text, "s.yaml");
  } catch (error) {
    assert.ok(error instanceof SpecError, `expected SpecError, got ${error}`);
    return new Map(error.problems.map((p) => [p.path, p]));
  }
  assert.fail("expected the spec to be rejected");
}

test("a complete confirmatory plan parses, with defaults filled in", () => {
  const { spec: s } = parseStudy(
    spec(`  confirmatory: true
  human_data: human.csv
  estimand: mean
  item: q1
  outcome: q1_human
  values: { Favor: 1, Oppose: 0 }
`),
  );
  assert.deepEqual(s.calibration, {
    confirmatory: true,
    human_data: "human.csv",
    person_column: "person_id",
    estimand: "mean",
    item: "q1",
    outcome: "q1_human",
    values: { Favor: 1, Oppose: 0 },
    arm_column: "arm",
    alpha: 0.05,
  });
});

test("a GSS item is named by its variable; an exploratory plan may be partial", () => {
  const { spec: s } = parseStudy(spec("  item: cappun\n"));
  assert.equal(s.calibration?.confirmatory, false, "exploratory by default");
  assert.equal(s.calibration?.item, "cappun");
});

test("a confirmatory study without human data and estimand is rejected at each missing field", () => {
  const found = problems(spec("  confirmatory: true\n"));
  assert.deepEqual([...found.keys()].sort(), [
    "calibration.estimand",
    "calibration.human_data",
    "calibration.item",
    "calibration.outcome",
  ]);
  for (const p of found.values()) assert.equal(p.message, REQUIRED);
  // A missing key is located at its block, whose first entry is on line 11.
  assert.equal(found.get("calibration.human_data")?.location, "s.yaml:11:3");
});

test("an ate names two different arms of the design", () => {
  const found = problems(
    spec(`  estimand: ate
  item: q1
  treated: nudged
`),
  );
  assert.match(
    found.get("calibration.treated")?.message ?? "",
    /"nudged" is not an arm of the design \(arms: control, framed\)/,
  );
  assert.match(found.get("calibration.control")?.message ?? "", /^required: an ate compares/);
  assert.equal(found.get("calibration.treated")?.location, "s.yaml:13:12");

  const same = problems(spec("  estimand: ate\n  treated: framed\n  control: framed\n"));
  assert.equal(same.get("calibration.control")?.message, "must differ from treated");
  assert.equal(same.size, 1);

  const { spec: ok } = parseStudy(spec("  estimand: ate\n  treated: framed\n  control: control\n"));
  assert.equal(ok.calibration?.treated, "framed");
});

test("treated/control belong to an ate, arm to a mean", () => {
  const found = problems(spec("  estimand: mean\n  treated: framed\n  arm: elsewhere\n"));
  assert.match(found.get("calibration.treated")?.message ?? "", /ate only/);
  assert.match(found.get("calibration.arm")?.message ?? "", /"elsewhere" is not an arm/);
});

test("the item must be a numeric or closed item of the study", () => {
  const unknown = problems(spec("  item: q9\n"));
  assert.equal(
    unknown.get("calibration.item")?.message,
    '"q9" is not an item of this study (items: cappun, q1, note)',
  );
  const text = problems(spec("  item: note\n"));
  assert.match(text.get("calibration.item")?.message ?? "", /free text/);
});

test("field types, alpha and unknown keys are checked with their paths", () => {
  const found = problems(
    spec(`  estimand: median
  alpha: 1.5
  values: { Favor: high }
  humandata: x.csv
`),
  );
  assert.match(found.get("calibration.estimand")?.message ?? "", /"mean"\|"ate"/);
  assert.match(found.get("calibration.alpha")?.message ?? "", /<1/);
  assert.ok(found.has("calibration.values.Favor"));
  assert.equal(
    found.get("calibration.humandata")?.message,
    'unknown key "humandata"; did you mean "human_data"?',
  );
});

test("the calibration plan is part of the study version", () => {
  const a = parseStudy(spec("  item: q1\n  alpha: 0.05\n"));
  const b = parseStudy(spec("  item: q1\n  alpha: 0.1\n"));
  assert.notEqual(a.version, b.version, "changing the plan changes the study (and its job ids)");
});
