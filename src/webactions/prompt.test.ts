import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { startMockLlm } from "../mock-llm/index.ts";
import {
  checkNextAction,
  nextActionMessages,
  nextActionSchema,
  nextActionTool,
  type Session,
  simplifyHtml,
} from "./index.ts";

const list = simplifyHtml(
  readFileSync(join(import.meta.dirname, "testdata", "product-list.html"), "utf8"),
).html;
const product = simplifyHtml(
  readFileSync(join(import.meta.dirname, "testdata", "product.html"), "utf8"),
).html;
const card = "results_for_running_shoes.columbia_shirt";

/** A value deep inside parsed JSON, by keys and indexes. */
function dig(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const k of path) v = (v as Record<string | number, unknown>)?.[k];
  return v;
}

const session: Session = {
  session: "s1",
  user: "u1",
  purchase_targets: ["columbia_mens_silver_ridge_utility.add_to_cart"],
  steps: [
    {
      context: list,
      action: { type: "click", target: `${card}.view_product` },
      reasoning: "I like the look of this shirt.",
    },
    {
      context: product,
      action: { type: "type_and_submit", target: "header.search.search_products", text: "hiking socks" },
    },
    { context: list, action: { type: "terminate" }, reasoning: "Nothing here for me." },
  ],
};

test("the prompt is the instructions, then each earlier page and action, then the current page", () => {
  const m = nextActionMessages(session, 2, { persona: "I am a 34-year-old nurse who hikes on weekends." });
  assert.deepEqual(
    m.map((x) => x.role),
    ["system", "user", "assistant", "user", "assistant", "user"],
  );
  assert.match(m[0].content, /^You are this person, shopping online:\n\nI am a 34-year-old nurse/);
  assert.match(m[0].content, /"reasoning": "<your reason>"/);
  assert.equal(m[1].content, `Page:\n${list}`);
  assert.deepEqual(JSON.parse(m[2].content), {
    reasoning: "I like the look of this shirt.",
    action: { type: "click", target: `${card}.view_product` },
  });
  // A step without a rationale shows the action alone.
  assert.deepEqual(JSON.parse(m[4].content), {
    action: { type: "type_and_submit", target: "header.search.search_products", text: "hiking socks" },
  });
  assert.equal(m[5].content, `Current page:\n${list}\n\nWhat do you do next?`);
  // Without reasoning (the ablation) no rationale is shown or asked for.
  const bare = nextActionMessages(session, 1, { reasoning: false });
  assert.deepEqual(JSON.parse(bare[2].content), {
    action: { type: "click", target: `${card}.view_product` },
  });
  assert.ok(!/reasoning/.test(bare[0].content));
  assert.match(bare[0].content, /^You are a person shopping online\./);
  // Only the most recent pages in full when asked.
  const short = nextActionMessages(session, 2, { historyPages: 1 });
  assert.equal(short[1].content, "Page: (an earlier page, not shown)");
  assert.equal(short[3].content, `Page:\n${product}`);
  assert.throws(() => nextActionMessages(session, 3), /step 3 is not a step of session "s1" \(0–2\)/);
});

test("the schema asks for reasoning then one of the three actions, targets limited to the page", () => {
  const { name, schema } = nextActionSchema(product);
  assert.equal(name, "next_action");
  const props = schema.properties as Record<string, unknown>;
  assert.deepEqual(Object.keys(props), ["reasoning", "action"]);
  assert.deepEqual(schema.required, ["reasoning", "action"]);
  const [click, typing, terminate] = dig(props, "action", "anyOf") as unknown[];
  assert.deepEqual(dig(click, "properties", "type", "enum"), ["click"]);
  assert.ok(
    (dig(click, "properties", "target", "enum") as string[]).includes(
      "columbia_mens_silver_ridge_utility.add_to_cart",
    ),
  );
  assert.deepEqual(dig(typing, "properties", "target", "enum"), [
    "header.search.search_products",
    "columbia_mens_silver_ridge_utility.quantity",
  ]);
  assert.deepEqual(terminate, {
    type: "object",
    properties: { type: { type: "string", enum: ["terminate"] } },
    required: ["type"],
    additionalProperties: false,
  });
  assert.deepEqual(Object.keys(nextActionSchema(product, { reasoning: false }).schema.properties as object), [
    "action",
  ]);
  assert.deepEqual(
    dig(
      nextActionSchema(product, { constrainTargets: false }).schema.properties,
      "action",
      "anyOf",
      0,
      "properties",
      "target",
    ),
    {
      type: "string",
    },
  );
  // A page too large for the providers' enum limits gets free-text targets (the check still applies).
  const huge = `<ul>${Array.from({ length: 600 }, (_, i) => `<li><a name="item_${i}.view">View</a></li>`).join("")}</ul>`;
  assert.deepEqual(
    dig(nextActionSchema(huge).schema.properties, "action", "anyOf", 0, "properties", "target"),
    {
      type: "string",
    },
  );
  assert.deepEqual(nextActionTool(product).parameters, nextActionSchema(product).schema);
});

test("the answer check names each problem precisely", () => {
  const ok = checkNextAction(
    '```json\n{"reasoning": "I want it.", "action": {"type": "click", "target": "columbia_mens_silver_ridge_utility.add_to_cart"}}\n```',
    product,
  );
  assert.deepEqual(ok, {
    ok: true,
    value: {
      reasoning: "I want it.",
      action: { type: "click", target: "columbia_mens_silver_ridge_utility.add_to_cart" },
    },
  });
  const typed = checkNextAction(
    {
      reasoning: "Search.",
      action: { type: "type_and_submit", target: "header.search.search_products", text: "socks" },
    },
    product,
  );
  assert.equal(typed.ok, true);
  const cases: [unknown, string[]][] = [
    ["not json", ['the reply is not JSON: answer with {"reasoning": "…", "action": {…}} only']],
    [
      { action: { type: "terminate" } },
      ['"reasoning" is missing: give a short first-person reason before the action'],
    ],
    [
      { reasoning: "x", action: { type: "scroll" } },
      ['action type "scroll" is not one of "click", "type_and_submit", "terminate"'],
    ],
    [
      { reasoning: "x", action: { type: "click", target: "add_to_cart" } },
      [
        '"add_to_cart" is not an element of the current page; did you mean "columbia_mens_silver_ridge_utility.add_to_cart"?',
      ],
    ],
    [
      {
        reasoning: "x",
        action: { type: "type_and_submit", target: "columbia_mens_silver_ridge_utility.buy_now", text: "hi" },
      },
      [
        '"columbia_mens_silver_ridge_utility.buy_now" is a <button>, not a text field; type_and_submit needs one of ' +
          '"header.search.search_products", "columbia_mens_silver_ridge_utility.quantity"',
      ],
    ],
    [
      { reasoning: "x", action: { type: "type_and_submit", target: "header.search.search_products" } },
      ["a type_and_submit action needs the text to type"],
    ],
    [
      { reasoning: "x", action: { type: "click", target: "header.cart", text: "now" } },
      ['text is only for type_and_submit; a click has no "text"'],
    ],
    [
      { reasoning: "x", action: { type: "terminate", target: "header.cart" } },
      ["a terminate action has no target"],
    ],
    [
      { reasoning: "x", action: { type: "click" } },
      ["a click action needs a target: the name of an element on the current page"],
    ],
    [
      { reasoning: "x", action: { type: "click", target: "header.cart", why: 1 } },
      ['action has an unknown field "why"'],
    ],
  ];
  for (const [reply, reasons] of cases) {
    const r = checkNextAction(reply, product);
    assert.equal(r.ok, false, JSON.stringify(reply));
    assert.deepEqual(!r.ok && r.problems.map((p) => p.reason), reasons, JSON.stringify(reply));
  }
  // Without reasoning, none is required.
  assert.equal(checkNextAction({ action: { type: "terminate" } }, product, { reasoning: false }).ok, true);
});

test("the mock LLM answers the schema (JSON output and a forced tool call) and the check accepts it", async () => {
  const mock = await startMockLlm({ port: 0, seed: 3 });
  try {
    const messages = nextActionMessages(session, 1);
    const { name, schema } = nextActionSchema(product);
    let valid = 0;
    const kinds = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const res = await fetch(`${mock.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer test" },
        body: JSON.stringify({
          model: "mock",
          seed,
          messages,
          response_format: { type: "json_schema", json_schema: { name, schema, strict: true } },
        }),
      });
      const body = await res.json();
      const check = checkNextAction(dig(body, "choices", 0, "message", "content"), product);
      if (check.ok) {
        valid++;
        kinds.add(check.value.action.type);
      }
    }
    // Every answer follows the schema, so every one passes the check; the seeded policy picks
    // among the three kinds of action (a test double's choice, not a shopper's).
    assert.equal(valid, 12);
    assert.ok(kinds.size >= 2, [...kinds].join(","));
    const tool = nextActionTool(product);
    const res = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "test" },
      body: JSON.stringify({
        model: "mock",
        max_tokens: 200,
        system: messages[0].content,
        messages: messages.slice(1),
        tools: [{ name: tool.name, description: tool.description, input_schema: tool.parameters }],
        tool_choice: { type: "tool", name: tool.name },
      }),
    });
    const body = await res.json();
    assert.equal(dig(body, "content", 0, "type"), "tool_use");
    assert.equal(checkNextAction(dig(body, "content", 0, "input"), product).ok, true);
  } finally {
    await mock.close();
  }
});
