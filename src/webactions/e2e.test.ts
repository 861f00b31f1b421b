import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { register } from "../cli/commands/webactions-score.ts";
import { runInProcess } from "../cli/in-process.ts";
import { toJsonl } from "../data/index.ts";
import { createModel } from "../llm/index.ts";
import type { ChatMessage } from "../llm/types.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { checkReportInBrowser } from "../report/index.ts";
import {
  checkNextAction,
  nextActionMessages,
  nextActionSchema,
  type Prediction,
  type Session,
  scoreWebActions,
  simplifyHtml,
} from "./index.ts";

const page = (name: string) =>
  simplifyHtml(readFileSync(join(import.meta.dirname, "testdata", name), "utf8")).html;

/**
 * Until the episode engine runs web-action studies, this is the loop it will run, through the real
 * provider code and HTTP to the mock: prompt → schema-constrained answer → check → one repair →
 * prediction; then the score and its report.
 */
test("sessions → predictions from the mock over HTTP → score → report", async () => {
  const list = page("product-list.html");
  const product = page("product.html");
  const cart = page("cart.html");
  const sessions: Session[] = Array.from({ length: 6 }, (_, i) => ({
    session: `s${i}`,
    user: `u${i % 3}`,
    purchase_targets: [
      "columbia_mens_silver_ridge_utility.add_to_cart",
      "shopping_cart.cart_form.proceed_to_checkout",
    ],
    steps: [
      {
        context: list,
        action: { type: "click", target: "results_for_running_shoes.columbia_shirt.title" },
        reasoning: "That shirt looks right.",
      },
      {
        context: product,
        action: { type: "click", target: "columbia_mens_silver_ridge_utility.add_to_cart" },
      },
      {
        context: cart,
        action:
          i % 2
            ? { type: "terminate" }
            : { type: "click", target: "shopping_cart.cart_form.proceed_to_checkout" },
      },
    ],
  }));
  const mock = await startMockLlm({ port: 0, seed: 21 });
  const predictions: Prediction[] = [];
  let repaired = 0;
  try {
    const model = createModel(`${mock.url}/v1#mock`);
    for (const s of sessions) {
      for (let step = 1; step < s.steps.length; step++) {
        const context = s.steps[step].context;
        const messages: ChatMessage[] = nextActionMessages(s, step);
        const schema = nextActionSchema(context);
        let reply = await model.complete({ messages, schema, seed: step });
        let check = checkNextAction(reply.text, context);
        if (!check.ok) {
          repaired++;
          const problems = check.problems.map((p) => `- ${p.reason}`).join("\n");
          messages.push(
            { role: "assistant", content: reply.text },
            { role: "user", content: `Your answer has problems:\n${problems}\nAnswer again.` },
          );
          reply = await model.complete({ messages, schema, seed: step });
          check = checkNextAction(reply.text, context);
        }
        predictions.push({ session: s.session, step, action: check.ok ? check.value.action : null });
      }
    }
  } finally {
    await mock.close();
  }
  assert.equal(predictions.length, 12);
  // The schema limits targets to the page, so every answer the mock gives passes the check.
  assert.equal(repaired, 0);
  assert.ok(predictions.every((p) => p.action !== null));
  const dir = mkdtempSync(join(tmpdir(), "populace-webactions-e2e-"));
  const truth = join(dir, "sessions.jsonl");
  const pred = join(dir, "pred.jsonl");
  writeFileSync(truth, toJsonl(sessions));
  writeFileSync(pred, toJsonl(predictions));
  const html = join(dir, "score.html");
  const out = await runInProcess(
    [register],
    ["webactions", "score", "--truth", truth, "--pred", pred, "--json", "--html", html],
  );
  assert.equal(out.error, undefined, out.error?.message);
  const json = JSON.parse(out.stdout);
  const lib = scoreWebActions(sessions, predictions);
  assert.equal(json.n_test_cases, 12);
  assert.equal(json.n_missing, 0);
  assert.equal(json.accuracy, lib.accuracy);
  assert.equal(json.outcome_f1_macro, lib.outcome_f1_macro);
  const check = await checkReportInBrowser(html);
  assert.deepEqual(check.consoleErrors, []);
  assert.equal(check.plots, 1);
});
