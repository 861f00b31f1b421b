import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadAnswers } from "../analysis/fidelity/index.ts";
import { register as compare } from "../cli/commands/finetune-compare.ts";
import { register as exporter } from "../cli/commands/finetune-export.ts";
import { register as launch } from "../cli/commands/finetune-launch.ts";
import { register as status } from "../cli/commands/finetune-status.ts";
import { runInProcess } from "../cli/in-process.ts";
import { checkReportInBrowser } from "../report/index.ts";
import { openStore } from "../store/index.ts";
import { mockOpenAi, writeGssAnswers } from "./test-fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-finetune-before-after-"));
let stop: () => Promise<void>;
before(async () => {
  ({ stop } = await mockOpenAi(11));
});
after(() => stop());

test("export → launch → status → compare: the same study on the base and the tuned model, scored against real GSS answers", async () => {
  // Real people: 80 respondents of the 2006 GSS panel, their wave-1 answers and demographics.
  const items = ["cappun", "gunlaw", "courts", "happy"];
  const attrs = ["age", "sex", "race", "degree", "polviews"];
  const human = join(dir, "human.csv");
  writeGssAnswers(human, items, 80, attrs);
  const spec = join(dir, "study.yaml");
  writeFileSync(
    spec,
    `name: ba-gss\nseed: 3\npopulation: { source: gss-panel, n: 5 }\ninstrument:\n  items_per_call: 4\n  items:\n${items.map((i) => `    - gss: ${i}`).join("\n")}\n`,
  );
  const train = join(dir, "train.jsonl");
  const exported = await runInProcess(
    [exporter],
    [
      "finetune",
      "export",
      "--human",
      human,
      "--spec",
      spec,
      "--out",
      train,
      "--test-share",
      "0.25",
      "--seed",
      "2",
      "--json",
    ],
  );
  assert.equal(exported.error, undefined, exported.error?.message);
  const split = JSON.parse(exported.stdout);

  const launched = await runInProcess(
    [launch],
    ["finetune", "launch", train, "--model", "openai:gpt-4o-mini-2024-07-18", "--json"],
  );
  assert.equal(launched.error, undefined, launched.error?.message);
  const jobId = JSON.parse(launched.stdout).job.id;
  const done = await runInProcess(
    [status],
    ["finetune", "status", jobId, "--wait", "--interval", "0", "--json"],
  );
  const tuned = JSON.parse(done.stdout).populace_model as string;
  assert.match(tuned, /^openai:ft:gpt-4o-mini-2024-07-18:/);

  const db = join(dir, "populace.db");
  const html = join(dir, "before-after.html");
  const out = await runInProcess(
    [compare],
    [
      "finetune",
      "compare",
      spec,
      "--base",
      "openai:gpt-4o-mini-2024-07-18",
      "--tuned",
      tuned,
      "--human",
      human,
      "--split",
      join(dir, "train.split.json"),
      "--by",
      "sex",
      "--min-group",
      "2",
      "--coherence",
      "cappun:gunlaw",
      "--formula",
      "cappun ~ sex + polviews",
      "--regression-model",
      "logistic",
      "--positive",
      "Favor",
      "--db",
      db,
      "--json",
      "--html",
      html,
    ],
  );
  assert.equal(out.error, undefined, out.error?.message);
  const r = JSON.parse(out.stdout);
  assert.equal(r.n_persons, split.test.length);
  assert.equal(r.base.model, "openai:gpt-4o-mini-2024-07-18");
  assert.equal(r.tuned.model, tuned);
  assert.notEqual(r.base.run, r.tuned.run);
  assert.equal(r.base.status, "completed");
  assert.equal(r.tuned.status, "completed");

  // Accuracy computed again from the stored answers: each side scored against the same people.
  const answers = loadAnswers(human, "categorical");
  const store = openStore(db);
  const stored: Record<string, Map<string, string>> = {};
  try {
    for (const side of ["base", "tuned"]) {
      const m = new Map<string, string>();
      for await (const row of store.responses(r[side].run))
        if (row.status === "ok") m.set(`${row.agentId}|${row.item}`, String(row.answer));
      stored[side] = m;
      const people = new Set([...m.keys()].map((k) => k.split("|")[0]));
      assert.deepEqual([...people].sort(), [...split.test].sort(), "only the test persons are simulated");
      let hits = 0;
      let pairs = 0;
      for (const [key, answer] of m) {
        const [p, item] = key.split("|");
        const truth = answers.answers.get(p)?.get(item);
        if (truth === undefined) continue;
        pairs++;
        if (String(truth).toLowerCase() === answer.toLowerCase()) hits++;
      }
      assert.ok(Math.abs(r[side].accuracy - hits / pairs) < 1e-12, `${side} accuracy`);
    }
  } finally {
    await store.close();
  }
  // The tuned model is really asked: the mock answers it from its own seeded stream (a test double, not training).
  const differs = [...stored.base].filter(([k, v]) => stored.tuned.get(k) !== v).length;
  assert.ok(differs > 0, "the tuned model's answers are its own");
  assert.ok(typeof r.base.heterogeneity === "number" && typeof r.tuned.heterogeneity === "number");
  assert.ok("sex" in r.base.dpd);
  assert.equal(r.base.coherence[0].belief, "cappun");
  assert.deepEqual(
    r.base.regression.coefficients.map((c: { term: string }) => c.term),
    r.tuned.regression.coefficients.map((c: { term: string }) => c.term),
  );

  const check = await checkReportInBrowser(html, { screenshot: process.env.POPULACE_SCREENSHOT });
  assert.deepEqual(check.consoleErrors, []);
  assert.equal(check.plots, 1);
  const page = readFileSync(html, "utf8");
  assert.match(page, /Regression recovery: cappun/);
  assert.match(page, /its answers are a test double&#39;s/);
});
