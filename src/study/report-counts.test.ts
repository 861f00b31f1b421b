import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { estimateEffect } from "../analysis/effects/index.ts";
import { resolveDataDir } from "../data/index.ts";
import { createModel } from "../llm/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { parseStudy } from "../spec/index.ts";
import { openStore } from "../store/index.ts";
import { buildStudyReport, runStudy, studyReportText } from "./index.ts";

// Real parts: the statistical baseline on real GSS data, in distribution mode, and a real SQLite file.
const dataDir = resolveDataDir();
const dir = mkdtempSync(join(tmpdir(), "populace-report-counts-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const study = parseStudy(
  `name: dist
seed: 5
population: {source: agent-bank, n: 60}
instrument:
  items: [{gss: cappun}, {gss: natsoc}]
design:
  arms: [{name: control}, {name: nudge, text: "Think of your neighbours."}]
model: {mode: distribution}
`,
  "dist.yaml",
);

test("distribution mode: the expected distribution is the mean of the stored probabilities, per arm", async () => {
  const store = openStore(join(dir, "dist.db"));
  const { run, summary } = await runStudy({ study, store, dataDir });
  const report = await buildStudyReport({ store, run, spec: study.spec, dataDir });
  const sums = new Map<string, Map<string, number>>();
  const favor = new Map<string, number[]>();
  for await (const r of store.responses(run.id)) {
    assert.equal(r.status, "ok");
    const key = `${r.item}\u0000${r.arm}`;
    const m = sums.get(key) ?? new Map<string, number>();
    for (const [option, p] of Object.entries(r.probabilities!)) m.set(option, (m.get(option) ?? 0) + p);
    sums.set(key, m);
    if (r.item === "cappun") favor.set(r.arm, [...(favor.get(r.arm) ?? []), r.answer === "Favor" ? 1 : 0]);
  }
  await store.close();
  for (const item of report.items) {
    assert.equal(item.expected!.length, 2 * (item.item === "cappun" ? 2 : 3), "every option in both arms");
    for (const e of item.expected!) {
      const expected = sums.get(`${item.item}\u0000${e.arm}`)!.get(e.answer)! / 60;
      assert.ok(Math.abs(e.share - expected) < 1e-12, `${item.item} ${e.arm} ${e.answer}`);
      assert.equal(e.count, 60);
    }
  }
  // Two options: the arms are compared on the share answering the first one.
  const cappun = report.items.find((i) => i.item === "cappun")!;
  assert.equal(cappun.differences![0].outcome, 'share answering "Favor"');
  const expected = estimateEffect(favor.get("nudge")!, favor.get("control")!, { binary: true }).difference;
  for (const k of ["estimate", "se", "lower", "upper", "p"] as const) {
    assert.ok(Math.abs(cappun.differences![0].difference[k]! - expected[k]!) < 1e-12, k);
  }
  assert.match(
    report.items.find((i) => i.item === "natsoc")!.differences_note!,
    /More than two unordered options/,
  );
  assert.equal(report.usage.calls, summary!.calls);
  assert.match(studyReportText(report), /\n {4}control, expected: +Favor \d+\.\d%, Oppose \d+\.\d%\n/);
});

test("a replay from the cache: the report's cache hits and calls agree with the run's", async () => {
  const store = openStore(join(dir, "dist.db"));
  const replay = await runStudy({ study, store, dataDir, newRun: true });
  const report = await buildStudyReport({ store, run: replay.run, spec: study.spec, dataDir });
  await store.close();
  assert.equal(replay.summary!.cacheHits, 240);
  assert.equal(report.usage.cache_hits, replay.summary!.cacheHits);
  assert.equal(report.usage.calls, replay.summary!.calls);
  assert.equal(report.usage.calls, 0);
});

test("answers from the mock LLM server are labelled as a test double's", async () => {
  const mock = await startMockLlm({ port: 0, seed: 2 });
  const store = openStore(join(dir, "mock.db"));
  try {
    const custom = parseStudy(
      "name: mocked\npopulation: {source: personas, personas: [one, two]}\ninstrument: {items: [{id: q, type: yes_no, text: Do you vote?}]}\n",
      "mocked.yaml",
    );
    const model = createModel(`${mock.url}/v1#mock`);
    const { run } = await runStudy({ study: custom, store, dataDir, model });
    const report = await buildStudyReport({ store, run, spec: custom.spec, dataDir });
    assert.match(
      report.model.label ?? "",
      /mock LLM server, a test double .*not a language model's behaviour/,
    );
    assert.ok(report.notes.some((n) => n.includes("a test double")));
  } finally {
    await store.close();
    await mock.close();
  }
});
