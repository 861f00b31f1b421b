import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { dataFile, resolveDataDir } from "../data/index.ts";
import { createModel } from "../llm/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { checkReportInBrowser, renderReport } from "../report/index.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore } from "../store/index.ts";
import { runStudy } from "../study/index.ts";
import { CMV_THREADS, compareRealism, measureRealism, realismReport, realismText } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-realism-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the measures on texts whose figures are known", () => {
  const sim = { replies: ["a b c d", "a b"] };
  const real = { replies: ["a x y z w v", "q"], moderator: [0, 1] };
  const m = measureRealism(sim, real, (t) => t.includes("x"), 1);
  assert.equal(m.sampleWords, 6, "both samples have the smaller side's 6 words");
  assert.equal(m.sim.replies, 2);
  assert.equal(m.sim.length.mean, 3);
  assert.deepEqual(
    m.sim.length.bins.map((b) => b.share),
    [1, 0, 0, 0, 0, 0, 0],
  );
  assert.equal(m.sim.distinct1, 4 / 6);
  assert.equal(m.sim.vocabulary, 4);
  assert.equal(m.real.flagged, 0.5);
  assert.equal(m.sim.flagged, 0);
  assert.equal(m.real.moderatorFlagged, 0.5);
  assert.equal(m.sim.moderatorFlagged, null);
  // Real sample: 6 of its 7 words in a seeded order; its vocabulary shares at most "a" with {a, b, c, d}.
  assert.ok(m.vocabularyJaccard <= 1 / 9 + 1e-12);
});

test("compare: a community on the mock beside real CMV threads, as text and as an HTML report drawn in Chromium", async () => {
  const mock = await startMockLlm({ seed: 3 });
  const store = openStore(join(dir, "realism.db"));
  try {
    const study = parseStudy(
      `name: debate
instrument:
  community:
    goal: people who post a view and ask others to change it
    rules: [Be civil, No personal attacks]
    seed_personas: ["Kai, a teacher who argues about school policy", "Mara, a nurse who likes data"]
    personas: 6
    threads: 6
    p_reply: 0.9
`,
      "debate.yaml",
    );
    const r = await runStudy({ study, store, dataDir: dir, model: createModel(`${mock.url}/v1#mock`) });
    // Real threads: the first 300 CMV chains (a temporary file, outside the repository).
    const cmv = readFileSync(dataFile(resolveDataDir(), CMV_THREADS, "CMV threads"), "utf8").split("\n");
    const realFile = join(dir, "real.jsonl");
    writeFileSync(realFile, `${cmv.slice(0, 300).join("\n")}\n`);
    const c = await compareRealism(store, r.run, {
      realFile,
      dataDir: resolveDataDir(),
      judgeFile: realFile,
    });
    assert.equal(c.real.threads, 300);
    assert.ok(c.judge.inSample);
    assert.equal(c.judge.comments, c.real.replies);
    assert.ok(c.measures.sim.replies > 5);
    assert.match(c.note ?? "", /test double/);
    const text = realismText(c);
    assert.match(text, /words per reply: mean/);
    assert.match(text, /flagged as rule breaking by the judge .* \(in-sample\)/);
    const html = join(dir, "realism.html");
    writeFileSync(html, renderReport(realismReport(c)));
    const shown = await checkReportInBrowser(html, {
      screenshot: process.env.POPULACE_SCREENSHOTS
        ? join(process.env.POPULACE_SCREENSHOTS, "realism.png")
        : undefined,
    });
    assert.deepEqual(shown.consoleErrors, []);
    assert.equal(shown.plots, 2);
    assert.equal(shown.slots, 2);
  } finally {
    await store.close();
    await mock.close();
  }
});
