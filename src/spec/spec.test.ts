import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStudy, SpecError, studyJsonSchema } from "./index.ts";

const valid = `name: quick
population:
  source: agent-bank
  n: 50
instrument:
  items:
    - gss: cappun
    - id: trust_ai
      type: multiple_choice
      text: How much do you trust AI?
      options: [A lot, Some, Not at all]
`;

function problems(text: string): { path: string; location?: string; message: string }[] {
  try {
    parseStudy(text, "s.yaml");
  } catch (error) {
    assert.ok(error instanceof SpecError, `expected SpecError, got ${error}`);
    return error.problems;
  }
  assert.fail("expected the spec to be rejected");
}

test("a valid spec gets defaults and a stable version", () => {
  const a = parseStudy(valid, "s.yaml");
  const b = parseStudy(valid, "other.yaml");
  assert.equal(a.spec.design.replicates, 1);
  assert.deepEqual(a.spec.design.arms, [{ name: "control", text: "" }]);
  assert.equal(a.spec.model.mode, "generate");
  assert.equal(a.spec.model.id, undefined, "no model named: the CLI chooses (flag, env, baseline)");
  assert.equal(a.version, b.version);
  const edited = parseStudy(valid.replace("n: 50", "n: 51"), "s.yaml");
  assert.notEqual(edited.version, a.version, "editing the study changes its version (and so its job ids)");
});

test("every problem is reported with its field path and line", () => {
  const found = problems(`name: bad
population:
  source: agent-bank
  n: 0
instrument:
  items:
    - gss: cappun
    - id: q2
      type: multiple_choice
      text: Pick one
      options: [only]
    - id: q3
      type: ranking
      text: hi
    - id: q4
      type: yes_no
      txt: oops
model:
  mode: sample
`);
  const byPath = new Map(found.map((p) => [p.path, p]));
  assert.equal(byPath.get("instrument.items[1].options")?.message, "at least 2 options");
  assert.equal(byPath.get("instrument.items[1].options")?.location, "s.yaml:11:16");
  assert.match(
    byPath.get("instrument.items[2].type")?.message ?? "",
    /unknown type; expected one of "multiple_choice"/,
  );
  assert.equal(byPath.get("instrument.items[3].text")?.message, "required");
  assert.match(byPath.get("instrument.items[3]")?.message ?? "", /unknown key: txt/);
  assert.equal(byPath.get("population.n")?.location, "s.yaml:4:6");
  assert.match(byPath.get("model.mode")?.message ?? "", /generate/);
  assert.equal(found.length, 6);
});

test("malformed YAML reports line and column", () => {
  const found = problems("name: x\npopulation: [1,\n  source: 2\n");
  assert.equal(found.length >= 1, true);
  assert.match(found[0].location ?? "", /^s\.yaml:\d+:\d+$/);
  assert.match(found[0].message, /^YAML syntax/);
});

test("cross-field rules: duplicate items and arms, scale bounds, distribution mode per call", () => {
  const found = problems(`name: x
population: {source: agent-bank, n: 5}
instrument:
  items_per_call: 2
  items:
    - gss: cappun
    - gss: cappun
    - {id: s, type: linear_scale, text: Rate, min: 5, max: 1}
design:
  arms: [{name: a}, {name: a}]
model: {mode: distribution}
`);
  const paths = found.map((p) => p.path).sort();
  assert.deepEqual(paths, [
    "design.arms[1].name",
    "instrument.items[1]",
    "instrument.items[2].max",
    "instrument.items_per_call",
  ]);
});

test("the JSON Schema describes the input format", () => {
  const schema = studyJsonSchema() as { properties: Record<string, unknown>; required: string[] };
  // population is required of surveys by a cross-field rule (a community has seed personas instead).
  assert.deepEqual(schema.required.sort(), ["instrument", "name"]);
  assert.ok(schema.properties.population && schema.properties.design && schema.properties.budget);
  assert.match(JSON.stringify(schema), /"agent-bank"/);
});
