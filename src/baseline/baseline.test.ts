import assert from "node:assert/strict";
import { test } from "node:test";
import { ageGroup } from "../agents/attributes.ts";
import { loadAgentBank, loadGssPanelAgents } from "../agents/index.ts";
import { resolveDataDir } from "../data/index.ts";
import { type GssRespondent, loadGssPanel } from "../datasets/gss-panel/index.ts";
import { UserError } from "../errors/index.ts";
import { DEFAULT_GSS_ITEMS, gssItems } from "../instruments/gss/index.ts";
import { type ModelRequest, ProviderError, type Subject } from "../llm/types.ts";
import { BASELINE_LABEL, createBaselineModel } from "./index.ts";

const dataDir = resolveDataDir();
const people = loadGssPanel(dataDir);
const byId = new Map(people.map((p) => [p.personId, p]));
const SIX = ["polviews", "partyid", "degree", "sex", "age group", "race"];

/** Conditioning value of a respondent, computed here independently of the model's cell index. */
function conditionValue(p: GssRespondent, attribute: string): string | undefined {
  if (attribute === "age group")
    return p.demographics.age === undefined ? undefined : (ageGroup(p.demographics.age) ?? undefined);
  return p.demographics[attribute];
}

/** Wave-1 answer counts of respondents who match `target` on `attributes`, leaving out `exclude`. */
function cellCounts(
  item: string,
  target: GssRespondent,
  attributes: string[],
  exclude?: string,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of people) {
    if (p.personId === exclude) continue;
    const answer = p.waves["1"]?.[item];
    if (answer === undefined) continue;
    if (
      !attributes.every(
        (a) => conditionValue(p, a) !== undefined && conditionValue(p, a) === conditionValue(target, a),
      )
    )
      continue;
    counts.set(answer, (counts.get(answer) ?? 0) + 1);
  }
  return counts;
}

function total(counts: Map<string, number>): number {
  return [...counts.values()].reduce((a, b) => a + b, 0);
}

function subjectOf(
  agentId: string,
  attributes: Record<string, string>,
  items: string[],
  replicate = 0,
): Subject {
  return { agentId, attributes, items: items.map((id) => ({ id })), replicate };
}

async function answers(model: { complete(r: ModelRequest): Promise<{ text: string }> }, subject: Subject) {
  const response = await model.complete({ messages: [{ role: "user", content: "..." }], subject });
  return JSON.parse(response.text).answers as Record<string, string | number>;
}

const model = createBaselineModel({ dataDir, seed: 42 });

test("identifies itself as a statistical baseline, costs nothing", async () => {
  assert.equal(model.id, "baseline:demographic");
  assert.equal(model.kind, "baseline");
  assert.equal(model.bucket, "baseline");
  assert.equal(model.supportsLogprobs, true);
  assert.equal(model.label, BASELINE_LABEL);
  assert.match(BASELINE_LABEL, /not a language model/);
  const response = await model.complete({
    messages: [],
    subject: subjectOf("a1", { sex: "Male" }, ["cappun"]),
  });
  assert.deepEqual(response.usage, {
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
  });
});

test("generate mode: option texts for closed items, numbers for numeric items", async () => {
  const items = gssItems(dataDir, ["cappun", "polviews", "happy", "tvhours"]);
  const got = await answers(
    model,
    subjectOf(
      "a2",
      { sex: "Female", age: "52" },
      items.map((q) => q.id),
    ),
  );
  assert.deepEqual(Object.keys(got), ["cappun", "polviews", "happy", "tvhours"]);
  for (const q of items.slice(0, 3))
    assert.ok(q.options!.includes(got[q.id] as string), `${q.id}: ${got[q.id]}`);
  assert.equal(typeof got.tvhours, "number");
  assert.ok((got.tvhours as number) >= 0 && (got.tvhours as number) <= 24);
  // Offered options in another spelling come back in that spelling.
  const spelled = await model.complete({
    messages: [],
    subject: {
      agentId: "a2",
      attributes: {},
      items: [{ id: "cappun", options: ["favor", "oppose"] }],
      replicate: 0,
    },
  });
  assert.ok(["favor", "oppose"].includes(JSON.parse(spelled.text).answers.cappun));
});

test("deterministic per (seed, agent, item, replicate)", async () => {
  const subject = subjectOf("bank-7", { political_views: "Liberal", sex: "Female" }, [...DEFAULT_GSS_ITEMS]);
  const again = createBaselineModel({ dataDir, seed: 42 });
  const first = await answers(model, subject);
  assert.deepEqual(await answers(model, subject), first);
  assert.deepEqual(await answers(again, subject), first);
  const replicates = new Set<string>();
  const other = createBaselineModel({ dataDir, seed: 43 });
  const sequence42: string[] = [];
  const sequence43: string[] = [];
  for (let r = 0; r < 30; r++) {
    const drawn = await answers(model, { ...subject, replicate: r });
    replicates.add(String(drawn.cappun));
    sequence42.push(JSON.stringify(drawn));
    sequence43.push(JSON.stringify(await answers(other, { ...subject, replicate: r })));
  }
  assert.equal(replicates.size, 2, "replicates draw anew: both cappun answers appear in 30 draws");
  assert.notDeepEqual(sequence43, sequence42, "another seed draws another sequence");
});

test("agent-bank attribute names and spellings map onto the GSS panel's demographics", () => {
  const [agent] = loadAgentBank(dataDir, { seed: 1 }); // 25-year-old white man, slightly liberal, ...
  const cell = model.cellFor(subjectOf(agent.id, agent.attributes, ["cappun"]), "cappun");
  assert.deepEqual(cell.matched.slice(0, 4), ["polviews", "partyid", "degree", "sex"]);
  // The same cell computed here from the panel's canonical values.
  const target = {
    personId: "target",
    panel: "2006",
    waves: {},
    demographics: {
      polviews: "Slightly liberal",
      partyid: "Independent, close to Democrat",
      degree: "High school",
      sex: "Male",
      age: "25",
      race: "White",
    },
  } as GssRespondent;
  const expected = cellCounts("cappun", target, cell.matched);
  assert.equal(cell.n, total(expected));
  assert.ok(cell.n >= 5);
  assert.ok(Math.abs(cell.shares.Favor - (expected.get("Favor") ?? 0) / cell.n) < 1e-12);
});

test("back-off drops the lowest-priority attribute until the cell has minCell answers", () => {
  // Only sex known: the cell is every respondent of that sex.
  const women = model.cellFor(subjectOf("w", { sex: "female" }, ["cappun"]), "cappun");
  assert.deepEqual(women.matched, ["sex"]);
  const womenCounts = cellCounts("cappun", { demographics: { sex: "Female" } } as unknown as GssRespondent, [
    "sex",
  ]);
  assert.equal(women.n, total(womenCounts));
  // Nothing known (or nothing recognizable): all respondents.
  const nobody = model.cellFor(
    subjectOf("n", { polviews: "very left", shoe_size: "9" }, ["cappun"]),
    "cappun",
  );
  assert.deepEqual(nobody.matched, []);
  assert.equal(nobody.n, total(cellCounts("cappun", {} as GssRespondent, [])));
  // A big minCell forces back-off; each step drops from the end of the priority list.
  const strict = createBaselineModel({ dataDir, seed: 1, minCell: 400 });
  const attrs = {
    polviews: "Extremely conservative",
    partyid: "Strong Republican",
    degree: "Graduate",
    sex: "Female",
    age: "70",
    race: "Black",
  };
  const cell = strict.cellFor(subjectOf("s", attrs, ["cappun"]), "cappun");
  assert.ok(cell.n >= 400, `${cell.n}`);
  assert.deepEqual(cell.matched, SIX.slice(0, cell.matched.length));
  const target = { demographics: attrs } as unknown as GssRespondent;
  const finer = SIX.slice(0, cell.matched.length + 1);
  assert.ok(total(cellCounts("cappun", target, finer)) < 400, "the next finer cell was too small");
});

test("hold-out: a simulated panel respondent never answers from their own row", async () => {
  const strict = createBaselineModel({ dataDir, seed: 5, minCell: 1 });
  // A respondent alone in their six-attribute cell for cappun.
  const alone = people.find((p) => {
    if (p.waves["1"]?.cappun === undefined || !SIX.every((a) => conditionValue(p, a) !== undefined))
      return false;
    return (
      total(cellCounts("cappun", p, SIX)) === 1 &&
      total(cellCounts("cappun", p, SIX.slice(0, 5), p.personId)) >= 3
    );
  });
  assert.ok(alone, "such a respondent exists");
  const own = alone.waves["1"].cappun;
  // Without hold-out (an id that is not a panel respondent) the cell is this person alone.
  const stranger = strict.cellFor(subjectOf("not-in-panel", alone.demographics, ["cappun"]), "cappun");
  assert.deepEqual([stranger.matched, stranger.n, stranger.shares[own]], [SIX, 1, 1]);
  // With hold-out the cell is empty, so the model backs off to people other than them.
  const held = strict.cellFor(subjectOf(alone.personId, alone.demographics, ["cappun"]), "cappun");
  assert.deepEqual(held.matched, SIX.slice(0, 5));
  const others = cellCounts("cappun", alone, SIX.slice(0, 5), alone.personId);
  assert.equal(held.n, total(others));
  for (const [answer, n] of others) assert.ok(Math.abs(held.shares[answer] - n / held.n) < 1e-12);
  // Distribution mode reports the held-out cell, smoothed by 0.5 per option.
  const response = await strict.complete({
    messages: [
      {
        role: "user",
        content: "Do you favor or oppose the death penalty?\nA. Favor\nB. Oppose\nAnswer with a letter.",
      },
    ],
    topLogprobs: 5,
    subject: subjectOf(alone.personId, alone.demographics, ["cappun"]),
  });
  const pA = Math.exp(response.firstTokenLogprobs!.find((t) => t.token === "A")!.logprob);
  assert.ok(Math.abs(pA - ((others.get("Favor") ?? 0) + 0.5) / (total(others) + 1)) < 1e-12);
});

test("distribution mode: letters follow the prompt's option lines; probabilities sum to 1", async () => {
  const subject = subjectOf("d1", { polviews: "Liberal", sex: "Female" }, ["happy"]);
  const prompt = "Taken all together, how happy are you?\nA. Not too happy\nB. Very happy\nC. Pretty happy\n";
  const response = await model.complete({
    messages: [{ role: "user", content: prompt }],
    topLogprobs: 10,
    subject,
  });
  const probs = new Map(response.firstTokenLogprobs!.map((t) => [t.token, Math.exp(t.logprob)]));
  assert.deepEqual([...probs.keys()].sort(), ["A", "B", "C"]);
  assert.ok(Math.abs([...probs.values()].reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(["A", "B", "C"].includes(response.text));
  const cell = model.cellFor(subject, "happy");
  const smoothed = (option: string) => (cell.shares[option] * cell.n + 0.5) / (cell.n + 1.5);
  assert.ok(Math.abs(probs.get("A")! - smoothed("Not too happy")) < 1e-12);
  assert.ok(Math.abs(probs.get("C")! - smoothed("Pretty happy")) < 1e-12);
  // Without option lines in the prompt, the subject's option order gives the letters.
  const plain = await model.complete({
    messages: [{ role: "user", content: "How happy are you?" }],
    topLogprobs: 3,
    subject: {
      ...subject,
      items: [{ id: "happy", options: ["Very happy", "Pretty happy", "Not too happy"] }],
    },
  });
  const pB = Math.exp(plain.firstTokenLogprobs!.find((t) => t.token === "B")!.logprob);
  assert.ok(Math.abs(pB - smoothed("Pretty happy")) < 1e-12);
});

test("bad requests are ProviderError bad_request; bad options are UserErrors", async () => {
  const rejects = (request: ModelRequest, pattern: RegExp) =>
    assert.rejects(model.complete(request), (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, "bad_request");
      assert.match(e.message, pattern);
      return true;
    });
  await rejects({ messages: [] }, /^the baseline model needs the structured subject$/);
  await rejects(
    { messages: [], subject: subjectOf("x", {}, ["cappun", "favourite_colour"]) },
    /^favourite_colour: the statistical baseline answers only closed\/numeric GSS items present in gss-panel$/,
  );
  await rejects(
    {
      messages: [],
      subject: { agentId: "x", attributes: {}, items: [{ id: "cappun", options: ["Maybe"] }], replicate: 0 },
    },
    /cappun: none of the offered options/,
  );
  await rejects({ messages: [], topLogprobs: 5, subject: subjectOf("x", {}, ["tvhours"]) }, /numeric item/);
  await rejects(
    { messages: [], topLogprobs: 5, subject: subjectOf("x", {}, ["cappun", "happy"]) },
    /one item per call/,
  );
  assert.throws(
    () => createBaselineModel({ dataDir, seed: 1, conditionOn: ["shoe_size"] }),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.where, "conditionOn[0]");
      return true;
    },
  );
  assert.throws(() => createBaselineModel({ dataDir, seed: 1, minCell: 0 }), UserError);
});

test("accuracy on 200 GSS panel respondents: above chance, below retest, not inflated by their own answers", async (t) => {
  const agents = loadGssPanelAgents(dataDir, { n: 200, seed: "accuracy", reinterviewed: true });
  const items = gssItems(dataDir, [...DEFAULT_GSS_ITEMS]);
  // Fine cells (minCell 1, nine attributes) make any leak of a person's own answer obvious.
  const fine = ["polviews", "partyid", "degree", "sex", "age group", "race", "region", "marital", "relig"];
  const leakTest = createBaselineModel({ dataDir, seed: 9, minCell: 1, conditionOn: fine });
  let n = 0;
  let hits = 0;
  let fineHits = 0;
  let leakyHits = 0;
  let chance = 0;
  let retestN = 0;
  let retestHits = 0;
  for (const agent of agents) {
    const person = byId.get(agent.id)!;
    const subject = subjectOf(
      agent.id,
      agent.attributes,
      items.map((q) => q.id),
    );
    const got = await answers(model, subject);
    const gotFine = await answers(leakTest, subject);
    const gotLeaky = await answers(leakTest, { ...subject, agentId: `copy-of-${agent.id}` });
    for (const q of items) {
      const human = person.waves["1"][q.id];
      if (human === undefined) continue;
      n++;
      hits += Number(got[q.id] === human);
      fineHits += Number(gotFine[q.id] === human);
      leakyHits += Number(gotLeaky[q.id] === human);
      chance += 1 / q.options!.length;
      const retest = person.waves["2"]?.[q.id];
      if (retest !== undefined) {
        retestN++;
        retestHits += Number(retest === human);
      }
    }
  }
  const accuracy = hits / n;
  const retest = retestHits / retestN;
  t.diagnostic(
    `baseline accuracy vs wave 1: ${(100 * accuracy).toFixed(1)}% (n = ${n} answers, 200 people x ${items.length} items); ` +
      `uniform chance ${((100 * chance) / n).toFixed(1)}%; wave1-wave2 retest ${(100 * retest).toFixed(1)}% (n = ${retestN}); ` +
      `normalized accuracy ${(accuracy / retest).toFixed(2)}`,
  );
  t.diagnostic(
    `fine cells (minCell 1, 9 attributes): held out ${((100 * fineHits) / n).toFixed(1)}%, ` +
      `same people not held out ${((100 * leakyHits) / n).toFixed(1)}%`,
  );
  assert.ok(accuracy > chance / n + 0.1, "clearly above uniform chance");
  assert.ok(accuracy < retest, "below the retest ceiling");
  assert.ok(leakyHits / n > fineHits / n + 0.1, "without hold-out the fine cells would leak the answer");
  assert.ok(fineHits / n < retest, "held out, even fine cells stay below the retest ceiling");
});

// Its speed (calls/s) is a figure of `npm run bench:speed`, not a test: a loaded machine is slower.
