import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadGssPanelAgents } from "../agents/index.ts";
import { captureCli } from "../cli/capture.ts";
import { resolveDataDir } from "../data/index.ts";
import { loadGssPanel } from "../datasets/index.ts";
import { checkReportInBrowser } from "../report/index.ts";
import { loadStudy } from "../spec/index.ts";
import { openStore } from "../store/index.ts";
import { runStudy } from "../study/index.ts";

const dataDir = resolveDataDir();
const dir = mkdtempSync(join(tmpdir(), "populace-report-ledger-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a study report with human data adds its calibrated estimate to the ledger and shows the track record", async () => {
  // Real GSS panel people, half of them with their real wave-1 cappun answer as human data.
  const agents = loadGssPanelAgents(dataDir, { n: 80, seed: 4, panels: ["2006"], reinterviewed: true });
  const panel = new Map(loadGssPanel(dataDir, { panels: ["2006"] }).map((r) => [r.personId, r]));
  const lines = ["person_id,cappun_w1"];
  agents.forEach((a, i) => {
    if (i % 2 === 0) lines.push(`${a.id},${panel.get(a.id)!.waves["1"].cappun ?? ""}`);
  });
  writeFileSync(join(dir, "human.csv"), `${lines.join("\n")}\n`);
  const spec = join(dir, "cappun.yaml");
  writeFileSync(
    spec,
    `name: cappun
seed: 4
population: { source: gss-panel, n: 80, panels: ["2006"] }
instrument:
  items: [{ gss: cappun }]
calibration:
  confirmatory: true
  human_data: human.csv
  estimand: mean
  item: cappun
  outcome: cappun_w1
  values: { Favor: 1, Oppose: 0 }
`,
  );
  const db = join(dir, "cappun.db");
  const store = openStore(db);
  await runStudy({ study: loadStudy(spec), store, dataDir });
  await store.close();

  const html = join(dir, "report.html");
  const r = await captureCli(["report", "--db", db, "--json", "--html", html, "--data-dir", dataDir]);
  assert.equal(r.code, 0, r.stderr);
  const e = JSON.parse(r.stdout).calibration.estimates;
  const ledger = JSON.parse((await captureCli(["ledger", "--db", db, "--json"])).stdout);
  assert.equal(ledger.entries.length, 1);
  const entry = ledger.entries[0];
  assert.equal(entry.metric, "calibrated_mean");
  assert.equal(entry.command, "report");
  assert.equal(entry.domain, "gss-attitudes");
  assert.equal(entry.value, e.ppi_plus_plus.estimate);
  assert.deepEqual(entry.ci, [e.ppi_plus_plus.lower, e.ppi_plus_plus.upper]);
  assert.equal(entry.reference.value, e.classical.estimate);
  // Reporting again replaces the entry; --no-ledger adds nothing.
  await captureCli(["report", "--db", db, "--json", "--data-dir", dataDir]);
  await captureCli(["report", "--db", db, "--json", "--no-ledger", "--data-dir", dataDir]);
  assert.equal(JSON.parse((await captureCli(["ledger", "--db", db, "--json"])).stdout).entries.length, 1);
  assert.match(readFileSync(html, "utf8"), /Track record of similar studies/);
  const page = await checkReportInBrowser(html);
  assert.deepEqual(page.consoleErrors, []);
});
