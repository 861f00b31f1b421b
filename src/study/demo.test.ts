import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { resolveDataDir } from "../data/index.ts";
import { loadGssPanel } from "../datasets/index.ts";
import { checkReportInBrowser, renderReport } from "../report/index.ts";
import { openStore } from "../store/index.ts";
import { runDemo } from "./demo.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-demo-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the demo compares simulated answers with the same people's wave-1 answers and wave-2 retest", async () => {
  const dataDir = resolveDataDir();
  const store = openStore(join(dir, "demo.db"));
  const demo = await runDemo({ dataDir, store, n: 60, modelId: "baseline:demographic" });
  assert.equal(demo.run.run.status, "completed");
  assert.equal(demo.run.model.kind, "baseline");
  assert.equal(demo.items.length, 10);

  // Recompute accuracy and the retest ceiling independently from the stored answers and the panel file.
  const panel = new Map(
    loadGssPanel(dataDir, { panels: ["2006", "2008", "2010"] }).map((r) => [r.personId, r]),
  );
  const sim = new Map<string, string>();
  for await (const r of store.responses(demo.run.run.id)) {
    if (r.status === "ok") sim.set(`${r.agentId}|${r.item}`, String(r.answer));
  }
  for (const row of demo.items) {
    let pairs = 0;
    let hits = 0;
    let both = 0;
    let same = 0;
    for (const [key, answer] of sim) {
      const [person, item] = key.split("|");
      if (item !== row.item) continue;
      const w1 = panel.get(person)?.waves["1"]?.[item];
      const w2 = panel.get(person)?.waves["2"]?.[item];
      if (!w1) continue;
      pairs++;
      if (answer === w1) hits++;
      if (w2) {
        both++;
        if (w2 === w1) same++;
      }
    }
    assert.equal(row.n, pairs, row.item);
    assert.ok(Math.abs((row.accuracy ?? -1) - hits / pairs) < 1e-12, `${row.item} accuracy`);
    assert.ok(Math.abs((row.retest_accuracy ?? -1) - same / both) < 1e-12, `${row.item} retest`);
    // A 95% bootstrap interval around each accuracy (drawn as the bar's error line).
    const [lo, hi] = row.accuracy_ci!;
    assert.ok(lo! <= row.accuracy! && row.accuracy! <= hi! && hi! - lo! > 0, `${row.item} interval`);
  }
  const bars = demo.report.sections[0].plots![0];
  assert.ok(
    bars.kind === "bars" &&
      bars.data.every((d) => typeof d.lower === "number" && typeof d.upper === "number"),
  );
  assert.ok(demo.overall.n_pairs > 300);
  assert.equal(demo.overall.n_failed, 0);

  const html = join(dir, "report.html");
  writeFileSync(html, renderReport(demo.report));
  const check = await checkReportInBrowser(html);
  assert.deepEqual(check.consoleErrors, []);
  assert.deepEqual(check.textProblems, []);
  assert.ok(check.plots >= 1);
  assert.match(check.title, /Populace demo/);
  await store.close();
});
