import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { register } from "../cli/commands/webactions-import.ts";
import { runInProcess } from "../cli/in-process.ts";
import { parseJsonl, toJsonl } from "../data/index.ts";
import { checkNextAction, importOpera, readSessions } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-webactions-import-"));

// Rows shaped as the OPeRA dataset card documents the filtered action table (written here).
const user = "7f0c8207-6a6f-49cd-9d7e-17987cfafcb9";
const sid = `${user}_2025-04-14T21:52:46.756000Z_2025-04-14T21:55:50.785000Z`;
const html = (body: string) =>
  `<html><head></head><body><div name="nav_bar" role="navigation" aria-label="Primary"><div name="nav_bar.homepage">Homepage</div></div>${body}</body></html>`;
const results = html(
  `<form role="search"><input name="search_bar.search_input" type="text"></form><div name="4_stars_and_above"><a name="4_stars_and_above.tiger_rice_cooker.product_title">Tiger Rice Cooker</a></div>`,
);
const item = html(`<h1>Tiger Rice Cooker</h1><button name="buy_box.add_to_cart">Add to Cart</button>`);
const operaRows = [
  // Out of time order in the file: the importer sorts by timestamp.
  {
    session_id: sid,
    action_id: "a3",
    timestamp: "2025-04-14T21:53:30.000Z",
    action_type: "click",
    click_type: "purchase",
    semantic_id: "buy_box.add_to_cart",
    simplified_html: item,
    rationale: "buy it",
    products: "[]",
    input_text: null,
  },
  {
    session_id: sid,
    action_id: "a1",
    timestamp: "2025-04-14T21:52:50.000Z",
    action_type: "input",
    click_type: null,
    semantic_id: "search_bar.search_input",
    simplified_html: results,
    rationale: "",
    input_text: "rice cooker",
  },
  {
    session_id: sid,
    action_id: "a2",
    timestamp: "2025-04-14T21:52:57.792Z",
    action_type: "click",
    click_type: "product_link",
    semantic_id: "4_stars_and_above.tiger_rice_cooker.product_title",
    simplified_html: results,
    rationale: "look more",
    input_text: null,
  },
  {
    session_id: sid,
    action_id: "a4",
    timestamp: "2025-04-14T21:55:50.000Z",
    action_type: "terminate",
    click_type: null,
    semantic_id: null,
    simplified_html: item,
    rationale: null,
    input_text: null,
  },
  // The full version's other action types are left out and counted.
  {
    session_id: sid,
    action_id: "a5",
    timestamp: "2025-04-14T21:53:00.000Z",
    action_type: "scroll",
    simplified_html: results,
  },
];

test("OPeRA action rows become sessions: time order, click/input/terminate, rationales, purchase targets, personas", async () => {
  const actions = join(dir, "opera-actions.jsonl");
  const users = join(dir, "opera-users.jsonl");
  writeFileSync(actions, toJsonl(operaRows));
  writeFileSync(
    users,
    toJsonl([
      {
        user_id: user,
        survey: JSON.stringify({
          age: "25-34",
          shopping: { frequency: "weekly", priorities: ["price", "reviews"] },
        }),
        interview_transcript: "",
      },
    ]),
  );
  const out = join(dir, "opera-sessions.jsonl");
  const personas = join(dir, "opera-personas.jsonl");
  const res = await runInProcess(
    [register],
    [
      "webactions",
      "import",
      "opera",
      actions,
      "--users",
      users,
      "--out",
      out,
      "--personas",
      personas,
      "--json",
    ],
  );
  assert.equal(res.error, undefined, res.error?.message);
  assert.deepEqual(JSON.parse(res.stdout), {
    skipped_rows: { scroll: 1 },
    personas: 1,
    sessions: 1,
    users: 1,
    steps: 4,
    out,
  });
  const [s] = readSessions(out).sessions;
  assert.equal(s.session, sid);
  assert.equal(s.user, user);
  assert.deepEqual(s.purchase_targets, ["buy_box.add_to_cart"]);
  assert.deepEqual(
    s.steps.map((x) => [x.action, x.reasoning]),
    [
      [{ type: "type_and_submit", target: "search_bar.search_input", text: "rice cooker" }, undefined],
      [{ type: "click", target: "4_stars_and_above.tiger_rice_cooker.product_title" }, "look more"],
      [{ type: "click", target: "buy_box.add_to_cart" }, "buy it"],
      [{ type: "terminate" }, undefined],
    ],
  );
  assert.equal(s.steps[0].context, results);
  // OPeRA's own names are the targets the answer check knows.
  assert.equal(checkNextAction({ reasoning: "x", action: s.steps[1].action }, s.steps[1].context).ok, true);
  const [p] = parseJsonl(readFileSync(personas, "utf8")).map(
    (r) => r.value as { user: string; persona: string },
  );
  assert.equal(p.user, user);
  assert.equal(
    p.persona,
    "About me, from my answers to a survey:\n- age: 25-34\n- shopping.frequency: weekly\n- shopping.priorities: price, reviews",
  );
  // A click without the element it clicked is an error naming the line.
  const bad = join(dir, "opera-bad.jsonl");
  writeFileSync(bad, toJsonl([{ ...operaRows[1] }, { ...operaRows[2], semantic_id: "" }]));
  assert.throws(() => importOpera(bad), /opera-bad\.jsonl:2: a click row needs semantic_id/);
});

/** A trajectory log as WebShop's web_agent_site/app.py writes it: one line per page shown. */
function webshopLog(pages: [string, string, Record<string, unknown>][]): string {
  const goal = {
    instruction_text: "i need a black rice cooker, and price lower than 60.00 dollars",
    asin: "B0A",
  };
  return toJsonl(
    pages.map(([page, path, content]) => ({ page, url: `http://localhost:3000/${path}`, goal, content })),
  );
}

test("WebShop trajectory logs become sessions: actions read off page changes, pages rebuilt and named", async () => {
  const logs = join(dir, "user_session_logs", "mturk");
  mkdirSync(logs, { recursive: true });
  const kw = ["black", "rice", "cooker"];
  const kwUrl = encodeURIComponent("['black', 'rice', 'cooker']");
  writeFileSync(
    join(logs, "fixed_7.jsonl"),
    webshopLog([
      ["index", "fixed_7", {}],
      [
        "search_results",
        `search_results/fixed_7/${kwUrl}/1`,
        { keywords: kw, search_result_asins: ["B0A", "B0B"], page: 1 },
      ],
      [
        "search_results",
        `search_results/fixed_7/${kwUrl}/1`,
        { keywords: kw, search_result_asins: ["B0A", "B0B"], page: 1 },
      ], // a reload
      [
        "search_results",
        `search_results/fixed_7/${kwUrl}/2`,
        { keywords: kw, search_result_asins: ["B0C", "B0A"], page: 2 },
      ],
      [
        "item_page",
        `item_page/fixed_7/B0A/${kwUrl}/2/%7B%7D`,
        { keywords: kw, page: 2, asin: "B0A", options: {} },
      ],
      [
        "item_page",
        `item_page/fixed_7/B0A/${kwUrl}/2/x`,
        { keywords: kw, page: 2, asin: "B0A", options: { color: "black" } },
      ],
      [
        "item_sub_page",
        `item_sub_page/fixed_7/B0A/${kwUrl}/2/Reviews/x`,
        { keywords: kw, page: 2, asin: "B0A", options: { color: "black" } },
      ],
      [
        "item_page",
        `item_page/fixed_7/B0A/${kwUrl}/2/y`,
        { keywords: kw, page: 2, asin: "B0A", options: { color: "black" } },
      ],
      ["done", "done/fixed_7/B0A/x", { asin: "B0A", options: { color: "black" }, price: 49.99 }],
    ]),
  );
  writeFileSync(
    join(logs, "fixed_8.jsonl"),
    webshopLog([
      ["index", "fixed_8", {}],
      [
        "search_results",
        `search_results/fixed_8/${kwUrl}/1`,
        { keywords: kw, search_result_asins: ["B0A"], page: 1 },
      ],
    ]),
  );
  const out = join(dir, "webshop-sessions.jsonl");
  const res = await runInProcess([register], ["webactions", "import", "webshop", logs, "--out", out]);
  assert.equal(res.error, undefined, res.error?.message);
  assert.match(res.stdout, /wrote 2 sessions \(2 users, 9 steps\)/);
  const [bought, left] = readSessions(out).sessions;
  assert.equal(bought.session, "fixed_7");
  const acts = bought.steps.map((s) => s.action);
  assert.deepEqual(
    acts.map((a) => [a.type, a.text]),
    [
      ["type_and_submit", "black rice cooker"],
      ["click", undefined],
      ["click", undefined],
      ["click", undefined],
      ["click", undefined],
      ["click", undefined],
      ["click", undefined],
    ],
  );
  const text = (i: number) => {
    // The element acted on, by its text on the rebuilt page.
    const m = new RegExp(`name="${acts[i].target!.replace(/[.]/g, "\\.")}"[^>]*>([^<]*)<`).exec(
      bought.steps[i].context,
    );
    return m?.[1].trim() ?? "";
  };
  assert.deepEqual([1, 2, 4, 5, 6].map(text), ["Next &gt;", "B0A", "Reviews", "&lt; Prev", "Buy Now"]);
  assert.match(acts[3].target!, /black$/);
  assert.deepEqual(bought.purchase_targets, [acts[6].target]);
  assert.match(bought.steps[0].context, /Instruction: i need a black rice cooker/);
  // Every action's target is on its page, and fits its type, as the answer check sees it.
  for (const s of bought.steps)
    assert.equal(
      checkNextAction({ reasoning: "x", action: s.action }, s.context).ok,
      true,
      JSON.stringify(s.action),
    );
  // The abandoned session ends with terminate on its last page.
  assert.deepEqual(left.steps.at(-1)!.action, { type: "terminate" });
  assert.equal(left.steps.length, 2);
  // A page change no action explains is an error naming the line.
  writeFileSync(
    join(dir, "odd.jsonl"),
    webshopLog([
      ["index", "odd", {}],
      ["item_sub_page", "item_sub_page/odd/B0A/k/1/Reviews/x", { asin: "B0A" }],
    ]),
  );
  const odd = await runInProcess(
    [register],
    ["webactions", "import", "webshop", join(dir, "odd.jsonl"), "--out", join(dir, "odd-out.jsonl")],
  );
  assert.match(
    odd.error?.message ?? "",
    /odd\.jsonl:1: cannot tell which action leads from this index page to the item_sub_page page on line 2/,
  );
});
