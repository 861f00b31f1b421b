import assert from "node:assert/strict";
import { test } from "node:test";
import { questionRequest } from "../../llm/index.ts";
import {
  DEMAND_GRID,
  demandDesign,
  demandPrices,
  purchaseOutcome,
  purchaseQuestion,
  purchaseValue,
} from "../demand/index.ts";
import {
  decodeAnswers,
  designCalls,
  type ExperimentDesign,
  heldFixedText,
  probeQuestions,
  splitProbe,
} from "./index.ts";

const water = { product: "a 12-pack of sparkling water", reference_price: 6 };
const design: ExperimentDesign = {
  ...demandDesign({ ...water, grid: [0.5, 1, 1.5] }),
  scenario: "You are shopping for groceries.",
  hold_fixed: [{ name: "price of the same pack at other stores", value: "$6.00" }],
};
const buy = purchaseQuestion(water);
const probe = [
  { name: "competitor_price", question: "What does this pack cost at other stores, in dollars?", min: 0 },
];

test("the demand template prices Gui & Toubia's grid and states one price per arm", () => {
  assert.deepEqual(DEMAND_GRID, [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8, 2]);
  assert.deepEqual(
    demandPrices({ product: "x", reference_price: 10 }),
    [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20],
  );
  assert.deepEqual(
    design.arms.map((a) => [a.name, a.text, a.value]),
    [
      ["price_3.00", "The price of a 12-pack of sparkling water is $3.00.", 3],
      ["price_6.00", "The price of a 12-pack of sparkling water is $6.00.", 6],
      ["price_9.00", "The price of a 12-pack of sparkling water is $9.00.", 9],
    ],
  );
  assert.equal(buy.type, "yes_no");
  assert.deepEqual([purchaseValue("Yes"), purchaseValue("No"), purchaseValue(35)], [1, 0, 0.35]);
  assert.throws(() => purchaseValue("Maybe"), /not a purchase answer/);
  assert.throws(
    () => demandPrices({ product: "x", reference_price: 1, grid: [0.001, 0.002] }),
    /same price twice/,
  );
});

test("blind: one arm per call, its price, the held-fixed covariate, and nothing about other arms", () => {
  const calls = designCalls("blind", design, [buy], { arms: ["price_6.00"] });
  assert.equal(calls.length, 1);
  const c = calls[0];
  assert.equal(c.arm, "price_6.00");
  assert.equal(
    c.context,
    "You are shopping for groceries.\n\nThe following are the same for everyone: price of the same pack at other stores: $6.00.\n\nThe price of a 12-pack of sparkling water is $6.00.",
  );
  assert.doesNotMatch(c.context, /\$3\.00|\$9\.00|experiment/);
  assert.deepEqual(c.questions, [buy]);
  assert.equal(heldFixedText([]), "");
});

test("unblinded: states what is randomized (every arm) and what is held fixed, then the person's version", () => {
  const [c] = designCalls("unblinded", design, [buy], { arms: ["price_9.00"] });
  assert.match(
    c.context,
    /^You are taking part in an experiment\. Participants are randomly shown different prices for a 12-pack of sparkling water/,
  );
  for (const p of ["$3.00", "$6.00", "$9.00"])
    assert.ok(c.context.includes(`- The price of a 12-pack of sparkling water is ${p}.`));
  assert.match(c.context, /Everything else is the same for every participant\./);
  assert.match(c.context, /price of the same pack at other stores: \$6\.00/);
  assert.match(
    c.context,
    /You are shown this version: The price of a 12-pack of sparkling water is \$9\.00\.$/,
  );
  assert.equal(designCalls("unblinded", design, [buy]).length, 3, "every arm when none is chosen");
});

test("within: one call with every arm's questions; answers decode back to their arms", () => {
  const [c] = designCalls("within", design, [buy], { probe });
  assert.equal(c.arm, null);
  assert.deepEqual(
    c.questions.map((q) => q.id),
    [
      "price_3.00/probe.competitor_price",
      "price_3.00/buy",
      "price_6.00/probe.competitor_price",
      "price_6.00/buy",
      "price_9.00/probe.competitor_price",
      "price_9.00/buy",
    ],
  );
  assert.equal(
    c.questions[1].text,
    "The price of a 12-pack of sparkling water is $3.00. Would you buy a 12-pack of sparkling water at this price?",
  );
  const rows = decodeAnswers(c, { "price_3.00/buy": "Yes", "price_9.00/probe.competitor_price": 7 });
  assert.deepEqual(rows, [
    { arm: "price_3.00", item: "buy", answer: "Yes" },
    { arm: "price_9.00", item: "probe.competitor_price", answer: 7 },
  ]);
  // The elicitation layer turns the call into one request listing every question id.
  const req = questionRequest(c.questions, "generate", c.context);
  for (const q of c.questions) assert.ok(req.user.includes(`[${q.id}]`), q.id);
});

test("aggregate: asks the percentage buying at each price; it needs the outcome and is never probed", () => {
  const [c] = designCalls("aggregate", design, [buy], { outcome: purchaseOutcome(water), probe });
  assert.equal(c.arm, null);
  assert.match(c.context, /^Researchers run an experiment with many participants like you/);
  assert.match(c.context, /Predict the result of the whole experiment\.$/);
  assert.deepEqual(
    c.questions.map((q) => [q.id, q.type, q.min, q.max]),
    [
      ["price_3.00/share", "numeric", 0, 100],
      ["price_6.00/share", "numeric", 0, 100],
      ["price_9.00/share", "numeric", 0, 100],
    ],
  );
  assert.equal(
    c.questions[2].text,
    'Of the participants shown "The price of a 12-pack of sparkling water is $9.00.", what percentage would buy a 12-pack of sparkling water at that price?',
  );
  assert.throws(() => designCalls("aggregate", design, [buy]), /needs the outcome it predicts/);
});

test("the probe is asked first in every per-arm mode, with its own ids", () => {
  const [c] = designCalls("blind", design, [buy], { arms: ["price_3.00"], probe });
  assert.deepEqual(
    c.questions.map((q) => q.id),
    ["probe.competitor_price", "buy"],
  );
  assert.match(c.context, /First, say what you assume about the following\./);
  assert.deepEqual(splitProbe({ "probe.competitor_price": 5, buy: "No" }), {
    probe: { competitor_price: 5 },
    items: { buy: "No" },
  });
  assert.throws(() => probeQuestions([...probe, ...probe]), /listed twice/);
  assert.throws(
    () => designCalls("blind", { ...design, arms: design.arms.slice(0, 1) }, [buy]),
    /at least 2/,
  );
  assert.throws(
    () => designCalls("blind", design, [buy], { arms: ["price_1.00"] }),
    /"price_1.00" is not an arm/,
  );
});
