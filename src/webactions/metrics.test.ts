import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { register } from "../cli/commands/webactions-score.ts";
import { runInProcess } from "../cli/in-process.ts";
import { toJsonl } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import { checkReportInBrowser } from "../report/index.ts";
import { type Prediction, readPredictions, readSessions, type Session, scoreWebActions } from "./index.ts";

const page = (body: string) => `<html><body>${body}</body></html>`;
const search = { type: "type_and_submit", target: "search_bar.query", text: "running shoes" } as const;

/** Hand-made sessions covering every rule; comments say what each step tests. */
const sessions: Session[] = [
  {
    // Ends in a purchase; the prediction buys too, with another purchase button (outcome right, match wrong).
    session: "s1",
    user: "u1",
    purchase_targets: ["shoe.add_to_cart", "shoe.buy_now"],
    steps: [
      { context: page("home"), action: search },
      { context: page("results"), action: { type: "click", target: "results.shoe.view" } }, // exact
      {
        context: page("shoe"),
        action: { type: "type_and_submit", target: "shoe.note", text: "Red, size 9" },
      }, // text trimmed+lower-cased
      { context: page("shoe"), action: { type: "click", target: "shoe.add_to_cart" } }, // purchase, predicted buy_now
    ],
  },
  {
    // Ends in terminate, predicted terminate; one wrong target, one wrong type.
    session: "s2",
    user: "u1",
    purchase_targets: ["hat.add_to_cart"],
    steps: [
      { context: page("home"), action: search },
      { context: page("results"), action: { type: "click", target: "results.hat.view" } }, // wrong target
      { context: page("hat"), action: { type: "type_and_submit", target: "hat.note", text: "blue" } }, // wrong type (click)
      { context: page("hat"), action: { type: "terminate" } }, // exact
    ],
  },
  {
    // No predictions at all: both test cases missing; the true terminate is missed (outcome "other").
    session: "s3",
    user: "u2",
    purchase_targets: [],
    steps: [
      { context: page("home"), action: search },
      { context: page("results"), action: { type: "click", target: "results.next" } },
      { context: page("results 2"), action: { type: "terminate" } },
    ],
  },
  {
    // The true final action is neither purchase nor terminate ("other"); the prediction purchases.
    session: "s4",
    user: "u2",
    purchase_targets: ["bag.add_to_cart"],
    steps: [
      { context: page("bag"), action: { type: "click", target: "bag.reviews" } },
      { context: page("bag"), action: { type: "click", target: "bag.photos" } },
    ],
  },
  {
    // One step only: no test case, left out of every figure.
    session: "s5",
    user: "u3",
    purchase_targets: [],
    steps: [{ context: page("home"), action: { type: "terminate" } }],
  },
  {
    // A failed prediction (action null) counts as missing; wrong text counts as wrong.
    session: "s6",
    user: "u3",
    purchase_targets: ["sock.add_to_cart"],
    steps: [
      { context: page("home"), action: search },
      {
        context: page("results"),
        action: { type: "type_and_submit", target: "search_bar.query", text: "wool socks" },
      }, // wrong text
      { context: page("sock"), action: { type: "click", target: "sock.add_to_cart" } }, // purchase, prediction failed
    ],
  },
];

const predictions: Prediction[] = [
  { session: "s1", step: 1, action: { type: "click", target: "results.shoe.view" } },
  {
    session: "s1",
    step: 2,
    action: { type: "type_and_submit", target: "shoe.note", text: "  red, SIZE 9 " },
  },
  { session: "s1", step: 3, action: { type: "click", target: "shoe.buy_now" } },
  { session: "s2", step: 1, action: { type: "click", target: "results.sock.view" } },
  { session: "s2", step: 2, action: { type: "click", target: "hat.note" } },
  { session: "s2", step: 3, action: { type: "terminate" } },
  { session: "s4", step: 1, action: { type: "click", target: "bag.add_to_cart" } },
  {
    session: "s6",
    step: 1,
    action: { type: "type_and_submit", target: "search_bar.query", text: "cotton socks" },
  },
  { session: "s6", step: 2, action: null },
];

/**
 * The rules computed again, independently: a flat list of (session, step, truth, prediction)
 * rows, then each figure from that list.
 */
function independent(ss: Session[], ps: Prediction[]) {
  const rows = ss.flatMap((s) =>
    s.steps.slice(1).map((st, k) => ({
      s,
      step: k + 1,
      truth: st.action,
      pred: ps.find((p) => p.session === s.session && p.step === k + 1)?.action ?? null,
    })),
  );
  const same = (r: (typeof rows)[number]) => {
    const { truth: t, pred: p } = r;
    if (p === null || p.type !== t.type) return false;
    if (t.type === "terminate") return true;
    if (t.type === "click") return p.target === t.target;
    return p.target === t.target && p.text?.trim().toLowerCase() === t.text?.trim().toLowerCase();
  };
  const bySession = new Map<string, boolean[]>();
  for (const r of rows) bySession.set(r.s.session, [...(bySession.get(r.s.session) ?? []), same(r)]);
  const perSession = [...bySession.values()].map((hits) => hits.filter(Boolean).length / hits.length);
  const cls = (a: Session["steps"][number]["action"] | null, s: Session) =>
    a === null
      ? "other"
      : a.type === "terminate"
        ? "terminate"
        : a.type === "click" && s.purchase_targets.includes(a.target!)
          ? "purchase"
          : "other";
  const finals = rows
    .filter((r) => r.step === r.s.steps.length - 1)
    .map((r) => [cls(r.truth, r.s), cls(r.pred, r.s)]);
  const f1 = (c: string) => {
    const tp = finals.filter(([t, p]) => t === c && p === c).length;
    const fp = finals.filter(([t, p]) => t !== c && p === c).length;
    const fn = finals.filter(([t, p]) => t === c && p !== c).length;
    return tp + fp + fn === 0 ? null : tp / (tp + (fp + fn) / 2);
  };
  return {
    accuracy: perSession.reduce((a, b) => a + b, 0) / perSession.length,
    micro: rows.filter(same).length / rows.length,
    missing: rows.filter((r) => r.pred === null).length,
    f1p: f1("purchase"),
    f1t: f1("terminate"),
  };
}

test("scoreWebActions follows every rule and equals an independent computation", () => {
  const score = scoreWebActions(sessions, predictions);
  const ref = independent(sessions, predictions);
  // By hand: s1 2/3, s2 1/3, s3 0/2, s4 0/1, s6 0/2 → accuracy = (2/3 + 1/3) / 5 = 0.2.
  assert.equal(score.n_sessions, 6);
  assert.equal(score.n_sessions_scored, 5);
  assert.equal(score.n_test_cases, 11);
  assert.equal(score.n_predictions, 8);
  assert.equal(score.n_missing, 3);
  assert.ok(Math.abs(score.accuracy! - 0.2) < 1e-12);
  assert.ok(Math.abs(score.accuracy! - ref.accuracy) < 1e-12);
  assert.ok(Math.abs(score.accuracy_micro! - 3 / 11) < 1e-12);
  assert.ok(Math.abs(score.accuracy_micro! - ref.micro) < 1e-12);
  assert.equal(score.n_missing, ref.missing);
  // Outcomes (true → predicted): s1 purchase→purchase, s2 terminate→terminate, s3 terminate→other
  // (missing), s4 other→purchase, s6 purchase→other (failed). F1 purchase = 2/(2+1+1), terminate = 2/(2+0+1).
  assert.equal(score.n_outcomes, 5);
  assert.deepEqual(score.outcome_confusion, {
    purchase: { purchase: 1, terminate: 0, other: 1 },
    terminate: { purchase: 0, terminate: 1, other: 1 },
    other: { purchase: 1, terminate: 0, other: 0 },
  });
  assert.ok(Math.abs(score.outcome_f1_purchase! - 0.5) < 1e-12);
  assert.ok(Math.abs(score.outcome_f1_terminate! - 2 / 3) < 1e-12);
  assert.ok(Math.abs(score.outcome_f1_purchase! - ref.f1p!) < 1e-12);
  assert.ok(Math.abs(score.outcome_f1_terminate! - ref.f1t!) < 1e-12);
  assert.ok(Math.abs(score.outcome_f1_macro! - (0.5 + 2 / 3) / 2) < 1e-12);
  // Kinds of the 11 true actions: click 4, type_and_submit 3, purchase 2, terminate 2; of the 8
  // predictions: click 3, type_and_submit 2, purchase 2, terminate 1.
  assert.deepEqual(score.distribution.human, {
    click: 4 / 11,
    type_and_submit: 3 / 11,
    purchase: 2 / 11,
    terminate: 2 / 11,
  });
  assert.deepEqual(score.distribution.predicted, {
    click: 3 / 8,
    type_and_submit: 2 / 8,
    purchase: 2 / 8,
    terminate: 1 / 8,
  });
  assert.deepEqual(Object.fromEntries(Object.entries(score.by_kind).map(([k, v]) => [k, [v.n, v.exact]])), {
    click: [4, 1],
    type_and_submit: [3, 1],
    purchase: [2, 0],
    terminate: [2, 1],
  });
});

test("F1 is undefined, not 0, when a class occurs neither in the truth nor in the predictions", () => {
  const only = sessions.filter((s) => s.session === "s2");
  const score = scoreWebActions(only, predictions);
  assert.equal(score.outcome_f1_purchase, null);
  assert.equal(score.outcome_f1_terminate, 1);
  assert.equal(score.outcome_f1_macro, null);
});

const dir = mkdtempSync(join(tmpdir(), "populace-webactions-score-"));
const truthFile = join(dir, "sessions.jsonl");
writeFileSync(truthFile, toJsonl(sessions));

test("bad prediction lines are errors naming file:line and what is wrong", () => {
  const { sessions: read } = readSessions(truthFile);
  const cases: [unknown, RegExp][] = [
    [
      { session: "nope", step: 1, action: { type: "terminate" } },
      /:1: session "nope" is not in the sessions file/,
    ],
    [{ session: "s1", step: 0, action: { type: "terminate" } }, /:1: step: must be ≥ 1/],
    [
      { session: "s1", step: 4, action: { type: "terminate" } },
      /:1: step 4 is past the end of session "s1" \(steps 0–3\)/,
    ],
    [
      { session: "s1", step: 1, action: { type: "click" } },
      /:1: action\.target: a click action needs a target/,
    ],
    [
      { session: "s1", step: 1, action: { type: "click", target: "x", text: "y" } },
      /action\.text: text is only for type_and_submit/,
    ],
    [{ session: "s1", step: 1, action: { type: "scroll", target: "x" } }, /:1: action\.type: /],
  ];
  for (const [line, message] of cases) {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, `${JSON.stringify(line)}\n`);
    assert.throws(
      () => readPredictions(file, read),
      (e: unknown) => e instanceof UserError && message.test(e.message),
    );
  }
  const dup = join(dir, "dup.jsonl");
  writeFileSync(dup, `${toJsonl(predictions.slice(0, 2))}\n${JSON.stringify(predictions[0])}\n`);
  assert.throws(
    () => readPredictions(dup, read),
    /dup\.jsonl:4: a second prediction for session "s1" step 1 \(first on line 1\)/,
  );
});

test("bad session lines are errors naming file:line and the field path", () => {
  const file = join(dir, "bad-sessions.jsonl");
  const good = JSON.stringify(sessions[0]);
  writeFileSync(
    file,
    `${good}\n${JSON.stringify({ ...sessions[1], steps: [{ context: "x", action: { type: "type_and_submit", target: "q" } }] })}\n`,
  );
  assert.throws(
    () => readSessions(file),
    /bad-sessions\.jsonl:2: steps\[0\]\.action\.text: a type_and_submit action needs the text typed/,
  );
  writeFileSync(file, `${good}\n\n${good}\n`);
  assert.throws(
    () => readSessions(file),
    /bad-sessions\.jsonl:3: session "s1" appears twice \(first on line 1\)/,
  );
  writeFileSync(file, `${good}\n{"session":\n`);
  assert.throws(() => readSessions(file), /bad-sessions\.jsonl:2: not valid JSON/);
  writeFileSync(file, `${JSON.stringify({ ...sessions[0], purchase_target: [] })}\n`);
  assert.throws(() => readSessions(file), /:1: Unrecognized key: "purchase_target"/);
});

test("webactions score --json equals the library, and --html draws the distribution in Chromium", async () => {
  const predFile = join(dir, "pred.jsonl");
  writeFileSync(predFile, toJsonl(predictions));
  const html = join(dir, "score.html");
  const out = await runInProcess(
    [register],
    ["webactions", "score", "--truth", truthFile, "--pred", predFile, "--json", "--html", html],
  );
  assert.equal(out.error, undefined);
  const json = JSON.parse(out.stdout);
  const lib = scoreWebActions(sessions, predictions);
  assert.equal(json.truth, truthFile);
  for (const key of [
    "accuracy",
    "accuracy_micro",
    "outcome_f1_purchase",
    "outcome_f1_terminate",
    "outcome_f1_macro",
    "n_missing",
  ]) {
    assert.equal(json[key], lib[key as keyof typeof lib], key);
  }
  const check = await checkReportInBrowser(html, { screenshot: process.env.POPULACE_SCREENSHOT });
  assert.deepEqual(check.consoleErrors, []);
  assert.equal(check.slots, 1);
  assert.equal(check.plots, 1);
  const text = await runInProcess(
    [register],
    ["webactions", "score", "--truth", truthFile, "--pred", predFile],
  );
  assert.match(text.stdout, /11 test cases in 5 of 6 sessions; 8 predictions, 3 missing \(counted wrong\)/);
  assert.match(text.stdout, /accuracy \(mean over sessions\)\s+0\.200/);
});
