import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { projectRoot } from "../data/index.ts";
import { parseStudy, surveyOf, webActionsOf } from "./index.ts";

// The README's spec example is what users copy first: it must stay valid.
test("the study spec example in the README validates", () => {
  const readme = readFileSync(`${projectRoot}/README.md`, "utf8");
  const section = readme.slice(readme.indexOf("## Study spec"));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(yaml, "no yaml block under ## Study spec");
  const { spec } = parseStudy(yaml, "README.md");
  assert.equal(spec.name, "quick");
  assert.equal(spec.calibration?.confirmatory, true);
  assert.equal(spec.design.arms.length, 2);
});

test("the shipped example study validates", () => {
  const text = readFileSync(`${projectRoot}/examples/quick.yaml`, "utf8");
  const { spec } = parseStudy(text, "examples/quick.yaml");
  assert.equal(spec.population?.source, "agent-bank");
  assert.equal(surveyOf(spec.instrument)?.items.length, 5);
});

test("the interviews population example in the README validates", () => {
  const readme = readFileSync(`${projectRoot}/README.md`, "utf8");
  const section = readme.slice(readme.indexOf("### Interviews and conditioning"));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(yaml, "no yaml block under ### Interviews and conditioning");
  const { spec } = parseStudy(`name: x\n${yaml}instrument: { items: [{ gss: cappun }] }\n`, "README.md");
  assert.equal(spec.population?.source, "interviews");
  assert.deepEqual(spec.population?.interview, { keep: 0.2, seed: 1 });
});

test("the web-action study example in the README validates", () => {
  const readme = readFileSync(`${projectRoot}/README.md`, "utf8");
  const section = readme.slice(readme.indexOf("### A web-action study"));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(yaml, "no yaml block under ### A web-action study");
  const { spec } = parseStudy(yaml, "README.md");
  assert.equal(webActionsOf(spec.instrument)?.sessions, "sessions.jsonl");
  assert.equal(spec.population, undefined);
});

test("the README's conditionings and reflection blocks validate", () => {
  const readme = readFileSync(`${projectRoot}/README.md`, "utf8");
  const section = readme.slice(readme.indexOf("**Several conditionings in one study.**"));
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].slice(0, 2).map((m) => m[1]);
  const several = parseStudy(`name: x\n${blocks[0]}instrument: { items: [{ gss: cappun }] }\n`, "README.md");
  assert.equal(Array.isArray(several.spec.population?.conditioning), true);
  const reflection = parseStudy(
    `name: x\n${blocks[1].replace("population:\n", "population:\n  source: interviews\n  dir: t\n")}instrument: { items: [{ gss: cappun }] }\n`,
    "README.md",
  );
  const p = reflection.spec.population;
  assert.equal(p?.source === "interviews" && p.reflection?.budget_tokens, 600);
});
