import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse } from "yaml";
import type { z } from "zod";
import { projectRoot } from "../data/index.ts";
import { gameSchema } from "../instruments/games/index.ts";
import { conjointInstrumentSchema } from "./conjoint.ts";
import { demandInstrumentSchema } from "./demand.ts";
import { blindingModes, checkDesignModes, designModesSchema } from "./design-modes.ts";
import { instrumentKind, parseStudy } from "./index.ts";
import { formatPath } from "./load.ts";

/** Each problem as "path: message", the way `populace validate` reports them. */
function problems(schema: z.ZodType, yaml: string): string[] {
  const r = schema.safeParse(parse(yaml));
  return r.success ? [] : r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

test("a conjoint instrument block parses with defaults, and a bad restriction is reported at its path", () => {
  const ok = conjointInstrumentSchema.parse(
    parse(`
template: conjoint
question: Which of these two immigrants should be admitted?
profile_noun: immigrant
attributes:
  - { name: Education, levels: [no formal, college degree] }
  - { name: Job, levels: [janitor, doctor] }
restrictions:
  - { when: { Education: [no formal] }, exclude: { Job: [doctor] } }
repeat_task: 1
`),
  );
  assert.equal(ok.tasks, 5);
  assert.equal(ok.randomize_attribute_order, true);
  assert.deepEqual(
    problems(
      conjointInstrumentSchema,
      `
template: conjoint
question: Which?
attributes:
  - { name: Job, levels: [janitor, doctor] }
restrictions:
  - { when: { Jobs: [doctor] }, exclude: { Job: [pilot] } }
tasks: 2
repeat_task: 3
`,
    ),
    [
      "restrictions[0].when.Jobs: unknown attribute (attributes: Job)",
      'restrictions[0].exclude.Job: "pilot" is not a level of Job',
      "repeat_task: must be one of the tasks, 1 to 2",
    ],
  );
});

test("a demand instrument block defaults to Gui & Toubia's grid and refuses a repeated price", () => {
  const ok = demandInstrumentSchema.parse(
    parse("template: demand\nproduct: a 12-pack of sparkling water\nreference_price: 6\n"),
  );
  assert.equal(ok.grid.length, 11);
  assert.equal(ok.currency, "$");
  assert.deepEqual(
    problems(demandInstrumentSchema, "template: demand\nproduct: x\nreference_price: 1\ngrid: [1, 1.001]\n"),
    ["grid[1]: gives the price 1 twice (grid[0])"],
  );
});

test("design modes: one or several, with what each needs; the probe's names are distinct", () => {
  const one = designModesSchema.parse({});
  assert.deepEqual(blindingModes(one), ["blind"]);
  const spec = designModesSchema.parse(
    parse(`
blinding: [blind, unblinded, aggregate, blind]
probe:
  - { name: competitor_price, question: What do others charge?, min: 10, max: 1 }
  - { name: competitor_price, question: Again? }
hold_fixed:
  - { name: store, value: a supermarket }
`),
  );
  const found: string[] = [];
  checkDesignModes(spec, (path, message) => found.push(`${formatPath(path)}: ${message}`));
  assert.deepEqual(found, [
    'blinding: "blind" is listed twice',
    'treatment: required by unblinded, aggregate: say what is randomized ("prices for the product")',
    'predict: required by aggregate: what participants would do ("buy the product")',
    "probe[0].max: max must not be below min",
    'probe[1].name: duplicate probe variable "competitor_price"',
  ]);
  const fromDemand: string[] = [];
  checkDesignModes(
    designModesSchema.parse({ blinding: ["blind", "aggregate"] }),
    (_p, m) => fromDemand.push(m),
    {
      treatment: true,
      outcome: true,
    },
  );
  assert.deepEqual(fromDemand, [], "the demand template supplies the treatment and the outcome");
  assert.ok(problems(designModesSchema, "blinding: double-blind\n")[0].startsWith("blinding:"));
});

test("a game block parses with defaults per game and names a bad field", () => {
  const pgg = gameSchema.parse({ game: "public_goods" });
  assert.deepEqual(
    [pgg.game, "endowment" in pgg && pgg.endowment, "group_size" in pgg && pgg.group_size, pgg.partner],
    ["public_goods", 20, 4, { type: "person" }],
  );
  assert.deepEqual(problems(gameSchema, "game: trust\nmultiplier: -1\n"), [
    "multiplier: Too small: expected number to be >0",
  ]);
  assert.match(problems(gameSchema, "game: chess\n")[0], /^game: /);
});

test("the experiment spec blocks shown in the README are studies that validate", () => {
  const readme = readFileSync(`${projectRoot}/README.md`, "utf8");
  const section = readme.slice(
    readme.indexOf("## Experiments: games, conjoint"),
    readme.indexOf("## Calibration"),
  );
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, 5);
  const head = "name: readme\npopulation: { source: personas, personas: [one, two] }\n";
  const study = (yaml: string) => parseStudy(`${head}${yaml}`, "README.md").spec;
  // The first block lists the kinds of instrument, each on one line; the ones written out in full parse.
  const kinds = blocks[0]
    .split("\n")
    .filter((l) => l.startsWith("instrument:") && !l.includes("..."))
    .map((l) => instrumentKind(study(l.replace(/\s+#.*$/, "")).instrument));
  assert.deepEqual(kinds, ["game", "demand", "classic"]);
  const conjoint = study(blocks[1]).instrument;
  assert.equal("attributes" in conjoint && conjoint.attributes.length, 2);
  // The games block holds one `instrument:` per game; each is a study on its own.
  const games = blocks[2].split(/\n(?=instrument:)/).map((b) => study(b).instrument);
  assert.deepEqual(
    games.map((g) => ("game" in g ? g.game : null)),
    ["dictator", "ultimatum", "trust", "public_goods", "prisoners_dilemma"],
  );
  const demand = study(blocks[3]);
  assert.equal("reference_price" in demand.instrument && demand.instrument.reference_price, 6);
  assert.deepEqual(blindingModes(demand.design), ["blind", "unblinded", "aggregate"]);
  const survey = study(blocks[4]);
  assert.deepEqual(blindingModes(survey.design), ["blind", "within"]);
  assert.deepEqual(
    survey.design.arms.map((a) => a.value),
    [1, 9],
  );
});
