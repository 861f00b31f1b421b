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
  // An unknown key is reported at its own line, with the key the schema allows that it resembles.
  assert.deepEqual(byPath.get("instrument.items[3].txt"), {
    path: "instrument.items[3].txt",
    location: "s.yaml:17:7",
    message: 'unknown key "txt"; did you mean "text"?',
  });
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
  // population is required of surveys only (a community has seed personas, a web-action study its shoppers).
  assert.deepEqual(schema.required.sort(), ["instrument", "name"]);
  assert.ok(schema.properties.population && schema.properties.design && schema.properties.budget);
  assert.match(JSON.stringify(schema), /"agent-bank"/);
});

test("conditioning: an interviews source with its options; mismatches are problems at the field's line", () => {
  const interviews = parseStudy(
    valid.replace(
      "  source: agent-bank\n  n: 50\n",
      "  source: interviews\n  dir: transcripts\n  interview: { keep: 0.2 }\n",
    ),
    "s.yaml",
  );
  const p = interviews.spec.population!;
  assert.equal(p.source, "interviews");
  if (p.source === "interviews") {
    assert.equal(p.format, "auto");
    assert.equal(p.interviewer, "Interviewer");
    assert.equal(p.redact, true);
    assert.deepEqual(p.interview, { keep: 0.2, seed: 1 });
  }
  const withMode = (source: string, mode: string) =>
    problems(
      valid.replace("  source: agent-bank\n  n: 50\n", `  source: ${source}\n  conditioning: ${mode}\n`),
    );
  assert.deepEqual(
    withMode("agent-bank\n  n: 5", "interview").map((x) => [x.path, x.location, x.message]),
    [
      [
        "population.conditioning",
        "s.yaml:5:17",
        "interview conditioning needs transcripts (source: interviews)",
      ],
    ],
  );
  assert.match(
    withMode("gss-panel\n  n: 5", "persona")[0].message,
    /persona conditioning needs persona texts/,
  );
  assert.match(withMode("personas\n  personas: [hi]", "demographic")[0].message, /personas have none/);
  const accepts = (mode: string) =>
    parseStudy(
      valid.replace(
        "  source: agent-bank\n  n: 50\n",
        `  source: interviews\n  dir: t\n  conditioning: ${mode}\n`,
      ),
      "s.yaml",
    ).spec.population?.conditioning;
  assert.equal(accepts("interview+reflection"), "interview+reflection");
  assert.deepEqual(accepts("[demographic, interview, interview+reflection]"), [
    "demographic",
    "interview",
    "interview+reflection",
  ]);
  assert.deepEqual(
    accepts("[interview, {mode: interview, keep: 0.2, seed: 3}, {mode: interview, keep: 0.5, name: half}]"),
    ["interview", { mode: "interview", keep: 0.2, seed: 3 }, { mode: "interview", keep: 0.5, name: "half" }],
  );
  assert.deepEqual(
    withMode("agent-bank\n  n: 5", "[demographic, interview]").map((x) => [x.path, x.message]),
    [["population.conditioning[1]", "interview conditioning needs transcripts (source: interviews)"]],
  );
  assert.deepEqual(
    withMode("interviews\n  dir: t", "[demographic, interviw]").map((x) => [x.path, x.message]),
    [["population.conditioning[1]", "use demographic, persona, interview or interview+reflection"]],
  );
  assert.deepEqual(
    withMode(
      "interviews\n  dir: t",
      "[interview, {mode: interview, keep: 0.2}, {mode: interview, keep: 0.2, seed: 2}]",
    ).map((x) => [x.path, x.message]),
    [
      [
        "population.conditioning[2]",
        'conditioning "interview-keep0.2" is listed twice (also entry 1); give one a name',
      ],
    ],
  );
  assert.deepEqual(
    withMode("interviews\n  dir: t", "[interview, {mode: interview, keep: 2}]").map((x) => [
      x.path,
      x.message,
    ]),
    [["population.conditioning[1].keep", "must be at most 1"]],
  );
  assert.deepEqual(
    withMode("interviews\n  dir: t", "interviews").map((x) => [x.path, x.message]),
    [
      [
        "population.conditioning",
        "use demographic, persona, interview or interview+reflection, or a list of them",
      ],
    ],
  );
  assert.deepEqual(
    withMode("interviews\n  dir: t", "[demographic, {mode: demographic, keep: 0.5, name: d2}]").map((x) => [
      x.path,
      x.message,
    ]),
    [["population.conditioning[1].keep", "keep and seed apply to interview modes only"]],
  );
  assert.deepEqual(
    problems(
      valid.replace(
        "  source: agent-bank\n  n: 50\n",
        "  source: interviews\n  dir: t\n  conditioning: [demographic, interview]\n  reflection: { budget_tokens: 300 }\n",
      ),
    ).map((x) => [x.path, x.message]),
    [["population.reflection", "reflection options apply to interview+reflection conditioning only"]],
  );
  const cross = problems(
    valid.replace(
      "  source: agent-bank\n  n: 50\n",
      "  source: interviews\n  files: [a.txt]\n  dir: t\n  conditioning: demographic\n  interview: { keep: 1.5 }\n",
    ),
  );
  assert.deepEqual(
    cross.map((x) => [x.path, x.message]),
    [
      ["population.interview.keep", "must be at most 1"],
      ["population.interview", "interview options apply to interview conditioning only"],
      ["population.dir", "give one of files, dir or db"],
    ],
  );
});

test("unknown keys are suggested from the keys allowed where they stand", () => {
  const found = problems(`name: x
popluation: {source: agent-bank, n: 5}
instrument:
  items:
    - {gss: cappun, optons: [a, b]}
design:
  replicate: 2
model: {temprature: 1}
`);
  const byPath = new Map(found.map((p) => [p.path, `${p.location} ${p.message}`]));
  assert.equal(byPath.get("popluation"), 's.yaml:2:1 unknown key "popluation"; did you mean "population"?');
  assert.equal(
    byPath.get("design.replicate"),
    's.yaml:7:3 unknown key "replicate"; did you mean "replicates"?',
  );
  assert.equal(
    byPath.get("model.temprature"),
    's.yaml:8:9 unknown key "temprature"; did you mean "temperature"?',
  );
  // A GSS item takes no options: the key is unknown there and nothing near it is allowed.
  assert.equal(byPath.get("instrument.items[0].optons"), 's.yaml:5:21 unknown key "optons"');
});

test("YAML aliases, merge keys and alias bombs are refused with line and column, never expanded", () => {
  const aliased = problems(`name: x
population: &p {source: agent-bank, n: 5}
instrument:
  items: [{gss: cappun}]
design:
  <<: {replicates: 2}
  arms: *p
`);
  assert.deepEqual(
    aliased.map((p) => `${p.location} ${p.message}`),
    [
      "s.yaml:6:3 YAML merge key << is not supported in a study spec: write the keys out in full",
      "s.yaml:7:9 YAML alias *p is not supported in a study spec: write the value out in full",
    ],
  );
  // An unresolved alias is refused the same way (the yaml library would throw a ReferenceError).
  assert.match(problems("name: *nowhere\n")[0].message, /YAML alias \*nowhere is not supported/);
  // Nine levels of nine aliases each would expand to 387 million nodes.
  const levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 9; i++)
    levels.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  const bomb = problems(`${levels.join("\n")}\n`);
  assert.equal(bomb.length, 6);
  assert.equal(bomb[0].location, "s.yaml:2:10");
  assert.equal(bomb[5].message, "and 67 more aliases or merge keys");
});

test("a binary or non-YAML file is refused in one line", () => {
  const oneLine = (text: string) => {
    try {
      parseStudy(text, "s.yaml");
    } catch (error) {
      assert.ok(!(error instanceof SpecError), "not a list of problems");
      assert.ok(error instanceof Error && !error.message.includes("\n"), String(error));
      return error.message;
    }
    assert.fail("expected a refusal");
  };
  assert.equal(oneLine("\u0000\u0001ELF\u0002"), "s.yaml: not a YAML study spec: it holds binary data");
  assert.equal(
    oneLine("person_id,item,answer\n1,cappun,Favor\n"),
    "s.yaml: not a YAML study spec: its top level is not a YAML mapping of keys such as name:, population:, instrument:",
  );
  assert.match(
    oneLine('import x from "y"\nfunction f() { return {a: 1}; }\nconst z = [1, 2\n'),
    /^s\.yaml: not a YAML study spec: YAML syntax error at s\.yaml:1:1: /,
  );
});

test("absurd sizes are refused with the limit named", () => {
  const found = problems(`name: x
population: {source: agent-bank, n: 1e15}
instrument: {items: [{gss: cappun}]}
design: {replicates: 1e9}
`);
  assert.deepEqual(
    found.map((p) => `${p.location} ${p.path}: ${p.message}`),
    [
      "s.yaml:2:37 population.n: at most 1,000,000 people (the limit on a study's size)",
      "s.yaml:4:22 design.replicates: at most 1,000 replicates (the limit on a study's size)",
    ],
  );
  const product = problems(`name: x
population: {source: agent-bank, n: 100000}
instrument: {items: [{gss: cappun}, {gss: grass}]}
design: {replicates: 100, arms: [{name: a}, {name: b}]}
`);
  assert.deepEqual(
    product.map((p) => p.message),
    [
      "100,000 people × 2 items × 2 arms × 100 replicates = 40,000,000 answers, more than the limit of 10,000,000 per study; split the study or lower one of them",
    ],
  );
});
