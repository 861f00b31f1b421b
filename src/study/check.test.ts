import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createBaselineModel } from "../baseline/index.ts";
import { resolveDataDir } from "../data/index.ts";
import { createModel } from "../llm/index.ts";
import type { LanguageModel } from "../llm/types.ts";
import { createInstantModel } from "../mock-llm/index.ts";
import { type LoadedStudy, parseStudy, SpecError, surveyOf } from "../spec/index.ts";
import { openStore } from "../store/index.ts";
import { checkStudyAgainstModel, resolveQuestions, runStudy, validateStudy } from "./index.ts";

// Real parts: the real GSS codebook and panel data behind the statistical baseline, real SQLite.
const dataDir = resolveDataDir();
const dir = mkdtempSync(join(tmpdir(), "populace-check-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const baseline = createBaselineModel({ dataDir, seed: 1 });

function spec(items: string, extra = ""): LoadedStudy {
  return parseStudy(
    `name: check
population: {source: agent-bank, n: 10}
instrument:
  items:
${items}
${extra}`,
    "study.yaml",
  );
}

/** The problems `fn` throws as a SpecError, as "location  path: message" lines. */
function refused(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SpecError, `expected a SpecError, got ${error}`);
    return error.problems.map((p) => `${p.location}  ${p.path}: ${p.message}`);
  }
  assert.fail("expected the study to be refused");
}

const check = (study: LoadedStudy, model: LanguageModel = baseline, agents?: number) =>
  checkStudyAgainstModel(
    study,
    resolveQuestions(surveyOf(study.spec.instrument)!.items, dataDir, study),
    model,
    agents,
  );

test("the baseline refuses a custom question at its line and says what would work", () => {
  const study = spec(`    - gss: cappun
    - id: trust_ai
      type: multiple_choice
      text: How much do you trust AI?
      options: [A lot, Some, Not at all]
    - gss: grass`);
  const problems = refused(() => check(study));
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^study\.yaml:6:7 {2}instrument\.items\[1\]: "trust_ai" is a custom question/);
  assert.match(
    problems[0],
    /answers only GSS items; ask it with an LLM .*openai:gpt-4o-mini.*or use a GSS item/,
  );
  // The same items on an LLM are fine; GSS items alone are fine on the baseline.
  check(study, createModel("openai:gpt-4o-mini", { apiKey: "test" }));
  check(spec("    - gss: cappun\n    - gss: grass"));
});

test("a GSS item the baseline has no data for is refused with the items it can answer", () => {
  const problems = refused(() => check(spec("    - gss: cappun\n    - gss: immjobs")));
  assert.equal(problems.length, 1);
  assert.match(
    problems[0],
    /^study\.yaml:6:12 {2}instrument\.items\[1\]\.gss: baseline:demographic has no GSS answers to "immjobs"/,
  );
  const list = problems[0].split("it can answer: ")[1].split(", ");
  assert.ok(list.includes("cappun") && list.includes("fefam") && list.length > 100, list.join(" "));
  assert.ok(!list.includes("immjobs") && !list.some((id) => id.startsWith("wt")) && !list.includes("year"));
});

test("an unknown GSS item gets did-you-mean from the codebook's items, at its line", () => {
  const study = spec("    - gss: cappun\n    - gss: gunlwa\n    - gss: wtsall");
  const problems = refused(() => resolveQuestions(surveyOf(study.spec.instrument)!.items, dataDir, study));
  assert.deepEqual(problems, [
    'study.yaml:6:12  instrument.items[1].gss: unknown GSS item "gunlwa"; did you mean "gunlaw"?',
    `study.yaml:7:12  instrument.items[2].gss: unknown GSS item "wtsall": the GSS panel codebook (${join(dataDir, "gss-panel/gss_panel_codebook.csv")}) has no such variable among its 112 items`,
  ]);
});

test("distribution mode: refused on a model without logprobs and for open questions", () => {
  const study = spec("    - gss: cappun\n    - gss: tvhours", "model: {mode: distribution}");
  const anthropic = createModel("anthropic:claude-sonnet-4-5", { apiKey: "test" });
  assert.deepEqual(
    refused(() => check(study, anthropic)).map((p) => p.split(";")[0]),
    [
      "study.yaml:7:15  model.mode: distribution mode reads option probabilities from logprobs, which anthropic:claude-sonnet-4-5 does not return",
      'study.yaml:6:7  instrument.items[1]: distribution mode asks closed questions, and "tvhours" (numeric) has no options',
    ],
  );
  check(
    spec("    - gss: cappun", "model: {mode: distribution}"),
    createModel("openai:gpt-4o-mini", { apiKey: "t" }),
  );
});

test("a population counted when it is built is held to the limit on answers", () => {
  const study = spec("    - gss: cappun\n    - gss: grass", "design: {replicates: 1000}");
  check(study, baseline, 5000); // 10 million answers: the limit itself
  const [problem] = refused(() => check(study, baseline, 5001));
  assert.match(
    problem,
    /^study\.yaml:2:13 {2}population: 5,001 people × 2 items × 1 arms × 1,000 replicates = 10,002,000 answers, more than the limit of 10,000,000/,
  );
});

test("run and run --dry-run refuse before storing or calling anything; validate names the model", async () => {
  const file = join(dir, "custom.yaml");
  writeFileSync(
    file,
    "name: custom\npopulation: {source: agent-bank, n: 5}\ninstrument:\n  items:\n    - gss: cappun\n    - {id: q, type: yes_no, text: Do you vote?}\n",
  );
  const study = parseStudy(
    "name: custom\npopulation: {source: agent-bank, n: 5}\ninstrument:\n  items:\n    - gss: cappun\n    - {id: q, type: yes_no, text: Do you vote?}\n",
    file,
  );
  const store = openStore(join(dir, "refused.db"));
  try {
    for (const dryRun of [false, true]) {
      const problems = await runStudy({ study, store, dataDir, dryRun }).then(
        () => assert.fail("the run should be refused"),
        (error: unknown) => {
          assert.ok(error instanceof SpecError);
          return error.problems;
        },
      );
      assert.equal(problems[0].location, `${file}:6:7`);
    }
    assert.deepEqual(await store.listRuns(), [], "no run was opened");
    // An in-process test model answers anything, so the same study passes with it.
    await runStudy({ study, store, dataDir, model: createInstantModel({ seed: 1 }) });
  } finally {
    await store.close();
  }
  const ok = await validateStudy(study, { dataDir, modelId: "openai:gpt-4o-mini" });
  assert.equal(ok.model.id, "openai:gpt-4o-mini");
  assert.deepEqual([ok.agents, ok.jobs], [5, 10]);
  assert.ok(existsSync(file));
});
