import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { profileText } from "../agents/index.ts";
import { resolveDataDir } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import { buildPopulation, populationNotes } from "./population.ts";

const ctx = { dataDir: resolveDataDir(), specFile: "study.yaml", seed: 3 };

test("GSS panel population: re-interviewed respondents, seeded, with their wave-1 demographics", () => {
  const agents = buildPopulation({ source: "gss-panel", n: 30, panels: ["2010"] }, ctx);
  assert.equal(agents.length, 30);
  assert.equal(new Set(agents.map((a) => a.id)).size, 30);
  assert.ok(
    agents.every((a) => a.source === "gss-panel" && a.id.startsWith("2010-")),
    agents[0].id,
  );
  assert.ok(agents.every((a) => a.attributes.age !== undefined && a.attributes.sex !== undefined));
  assert.deepEqual(
    buildPopulation({ source: "gss-panel", n: 30, panels: ["2010"] }, ctx).map((a) => a.id),
    agents.map((a) => a.id),
  );
});

test("population errors name the spec field", () => {
  const tooMany = (spec: Parameters<typeof buildPopulation>[0]) =>
    assert.throws(
      () => buildPopulation(spec, ctx),
      (e: unknown) =>
        e instanceof UserError && e.where === "population.n" && /asked for 100000/.test(e.message),
    );
  tooMany({ source: "gss-panel", n: 100_000 });
  tooMany({ source: "agent-bank", n: 100_000 });
  assert.throws(
    () => buildPopulation({ source: "agent-bank", n: 5, filter: { shoe_size: ["9"] } }, ctx),
    (e: unknown) => e instanceof UserError && (e.where ?? "").startsWith("population.filter"),
  );
});

test("interviews population: paths relative to the spec, the spec's conditioning, notes on what was masked", () => {
  const dir = mkdtempSync(join(tmpdir(), "populace-pop-"));
  mkdirSync(join(dir, "t"));
  writeFileSync(join(dir, "t", "ann.txt"), "Interviewer: Hi?\nAnn Lee: Write to ann@example.org.\n");
  writeFileSync(join(dir, "people.csv"), "id,age,sex\nann,44,Female\n");
  const spec = (extra: object) =>
    ({
      source: "interviews",
      dir: "t",
      format: "auto",
      interviewer: "Interviewer",
      redact: true,
      demographics: { file: "people.csv", id_column: "id" },
      ...extra,
    }) as Parameters<typeof buildPopulation>[0];
  const at = { ...ctx, specFile: join(dir, "study.yaml") };
  const [ann] = buildPopulation(spec({}), at);
  assert.deepEqual(ann.conditioning, { mode: "interview" });
  assert.deepEqual(ann.attributes, { age: "44", sex: "Female" });
  assert.deepEqual(populationNotes([ann]), [
    "interviews: masked 1 email in 1 of 1 people (populace agents preview shows where)",
  ]);
  const [ablated] = buildPopulation(spec({ interview: { keep: 0.5, seed: 3 } }), at);
  assert.deepEqual(ablated.conditioning, { mode: "interview", keep: 0.5, seed: 3 });
  assert.match(populationNotes([ablated])[1], /keeps 50% of its person's exchanges/);
  const [demographic] = buildPopulation(spec({ conditioning: "demographic" }), at);
  assert.equal(profileText(demographic), "I am a 44-year-old woman.");
  assert.throws(
    () => buildPopulation(spec({ conditioning: "demographic", demographics: undefined }), at),
    (e: unknown) =>
      e instanceof UserError &&
      e.where === "population.conditioning" &&
      /person "ann" has no demographic attributes/.test(e.message),
  );
});
