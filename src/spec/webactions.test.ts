import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStudy, SpecError, surveyOf, webActionsOf } from "./index.ts";

function problems(text: string): { path: string; location?: string; message: string }[] {
  try {
    parseStudy(text, "w.yaml");
  } catch (error) {
    assert.ok(error instanceof SpecError, `expected SpecError, got ${error}`);
    return error.problems;
  }
  assert.fail("expected the spec to be rejected");
}

test("a web-action study needs no items and no population; its options validate with paths and lines", () => {
  const { spec, version } = parseStudy(
    "name: shop\ninstrument:\n  webactions: { sessions: s.jsonl, personas: p.jsonl, reasoning: false, history_pages: 2, tool_call: true }\n",
    "w.yaml",
  );
  assert.deepEqual(webActionsOf(spec.instrument), {
    sessions: "s.jsonl",
    personas: "p.jsonl",
    reasoning: false,
    history_pages: 2,
    tool_call: true,
  });
  assert.equal(surveyOf(spec.instrument), undefined);
  assert.equal(spec.population, undefined);
  // Leaving an option out is not the same study as giving its default (no default enters the hash).
  const bare = parseStudy("name: shop\ninstrument:\n  webactions: { sessions: s.jsonl }\n", "w.yaml");
  assert.equal(webActionsOf(bare.spec.instrument)?.reasoning, undefined);
  assert.notEqual(bare.version, version);

  const bad = problems(
    "name: shop\ninstrument:\n  webactions:\n    sessions: ''\n    history_pages: -1\n    tool_calls: true\n",
  );
  const byPath = new Map(bad.map((p) => [p.path, p]));
  assert.ok(byPath.has("instrument.webactions.sessions"));
  assert.equal(byPath.get("instrument.webactions.history_pages")?.location, "w.yaml:5:20");
  assert.equal(
    byPath.get("instrument.webactions.tool_calls")?.message,
    'unknown key "tool_calls"; did you mean "tool_call"?',
  );
  assert.equal(byPath.get("instrument.webactions.tool_calls")?.location, "w.yaml:6:5");
});

test("survey-only parts are refused in a web-action study, and a survey still needs items and a population", () => {
  const found = problems(`name: shop
population: { source: agent-bank, n: 5 }
instrument:
  flow: sequential
  items: [{ gss: cappun }]
  webactions: { sessions: s.jsonl }
model: { mode: distribution }
`);
  const byPath = new Map(found.map((p) => [p.path, p.message]));
  assert.match(byPath.get("instrument.items") ?? "", /asks no survey items/);
  assert.match(byPath.get("instrument.flow") ?? "", /asks no survey items/);
  assert.match(byPath.get("population") ?? "", /sessions' own shoppers.*remove population/);
  assert.match(byPath.get("model.mode") ?? "", /use mode generate/);

  const survey = problems("name: q\ninstrument: { items_per_call: 1 }\n");
  const paths = new Map(survey.map((p) => [p.path, p]));
  assert.match(paths.get("instrument.items")?.message ?? "", /list at least one item/);
  assert.equal(paths.get("instrument.items")?.location, "w.yaml:2:13");
  assert.match(paths.get("population")?.message ?? "", /required/);
});
