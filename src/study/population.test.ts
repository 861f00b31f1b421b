import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveDataDir } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import { buildPopulation } from "./population.ts";

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
