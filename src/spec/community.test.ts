import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { communityOf, parseStudy, SpecError, studyJsonSchema, surveyOf } from "./index.ts";

const community = `name: bakers
instrument:
  community:
    goal: people learning to bake bread at home
    rules: [Be kind]
    seed_personas: ["Yuna, a nurse who bakes sourdough"]
    personas: 10
    threads: 5
`;

function problems(text: string): string[] {
  try {
    parseStudy(text, "c.yaml");
  } catch (error) {
    assert.ok(error instanceof SpecError, `expected SpecError, got ${error}`);
    return error.problems.map((p) => `${p.location} ${p.path}: ${p.message}`);
  }
  assert.fail("expected the spec to be rejected");
}

test("a community needs no population and no items, and gets the paper's defaults", () => {
  const { spec } = parseStudy(community, "c.yaml");
  assert.equal(spec.population, undefined);
  assert.equal(surveyOf(spec.instrument), undefined);
  assert.deepEqual(communityOf(spec.instrument), {
    goal: "people learning to bake bread at home",
    rules: ["Be kind"],
    seed_personas: ["Yuna, a nurse who bakes sourdough"],
    personas: 10,
    threads: 5,
    max_replies: 8,
    p_reply: 0.8,
    temperature: 0.7,
    context_chars: 8000,
  });
});

test("the example community validates", () => {
  const file = new URL("../../examples/community/bakers.yaml", import.meta.url);
  const { spec } = parseStudy(readFileSync(file, "utf8"), "bakers.yaml");
  assert.equal(communityOf(spec.instrument)?.personas, 50);
  assert.equal(communityOf(spec.instrument)?.threads, 40);
});

test("community problems are reported with their line and field path", () => {
  const found = problems(`name: bad
population: {source: agent-bank, n: 5}
instrument:
  flow: sequential
  items: [{gss: cappun}]
  community:
    goal: ""
    rules: [ok, ""]
    seed_personas: []
    personas: 0
    threads: 2.5
    p_reply: 1.5
    context_chars: 50
    colour: blue
model: {mode: distribution}
`);
  const expected = [
    "c.yaml:7:11 instrument.community.goal: describe what the community is for",
    "c.yaml:8:17 instrument.community.rules[1]: a rule must not be empty",
    "c.yaml:9:20 instrument.community.seed_personas: give at least one seed persona",
    "c.yaml:10:15 instrument.community.personas: must be at least 1",
    "c.yaml:11:14 instrument.community.threads: must be a whole number",
    "c.yaml:12:14 instrument.community.p_reply: a probability is between 0 and 1",
    "c.yaml:13:20 instrument.community.context_chars: at least 200 characters",
  ];
  for (const line of expected) assert.ok(found.includes(line), `${line}\nnot in\n${found.join("\n")}`);
  assert.ok(
    found.some((p) => p.includes('instrument.community.colour: unknown key "colour"')),
    found.join("\n"),
  );
});

test("survey settings and a population are refused beside a community; a survey still needs items", () => {
  const found = problems(`name: mixed
population: {source: agent-bank, n: 5}
instrument:
  flow: sequential
  items: [{gss: cappun}]
  community: {goal: g, rules: [], seed_personas: [a], personas: 1, threads: 1}
design: {replicates: 2}
model: {mode: distribution}
`);
  assert.ok(
    found.some((p) => p.includes("design: a community has no arms or replicates")),
    found.join("\n"),
  );
  assert.ok(
    found.some((p) =>
      p.endsWith(
        "instrument.items: a community asks no questions: remove it (or remove instrument.community)",
      ),
    ),
    found.join("\n"),
  );
  assert.ok(
    found.some((p) =>
      p.endsWith(
        "instrument.flow: a community asks no questions: remove it (or remove instrument.community)",
      ),
    ),
  );
  assert.ok(
    found.some((p) =>
      p.includes("population: a community's members come from instrument.community.seed_personas"),
    ),
  );
  assert.ok(found.some((p) => p.includes("model.mode: a community's members write posts and replies")));
  const survey = problems("name: s\npopulation: {source: agent-bank, n: 5}\ninstrument: {}\n");
  assert.deepEqual(survey, [
    "c.yaml:3:13 instrument.items: required: list at least one item (or name another instrument: game, template, community or webactions)",
  ]);
  const nobody = problems("name: s\ninstrument: {items: [{gss: cappun}]}\n");
  assert.ok(
    nobody[0].endsWith("population: required: where the simulated people come from"),
    nobody.join("\n"),
  );
});

test("the JSON Schema describes the community block", () => {
  const schema = JSON.stringify(studyJsonSchema());
  for (const key of ["seed_personas", "max_replies", "p_reply", "context_chars"])
    assert.ok(schema.includes(key), key);
});

test("the community spec in the README validates", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Simulated communities"));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(yaml, "no yaml block under ## Simulated communities");
  const { spec } = parseStudy(yaml, "README.md");
  assert.equal(communityOf(spec.instrument)?.personas, 50);
  assert.equal(communityOf(spec.instrument)?.p_reply, 0.8);
});
