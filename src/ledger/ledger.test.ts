import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { captureCli } from "../cli/capture.ts";
import { checkReportInBrowser } from "../report/index.ts";
import { type LedgerEntry, ledgerEntry, summarizeLedger, trackRecordSection } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-ledger-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, "ledger.db");
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const ctx = (model: string, study: string) => ({
  command: "effects",
  study,
  domain: "d",
  model,
  conditioning: "demographic",
  inputs: study,
});

test("the ledger summary counts sign and significance agreement and averages normalized accuracy", () => {
  const e = (model: string, study: string, sign: boolean, signif: boolean): LedgerEntry =>
    ledgerEntry(ctx(model, study), "effect_d", ["y"], {
      value: 0.3,
      signAgree: sign,
      significanceAgree: signif,
    });
  const na = (model: string, study: string, value: number) =>
    ledgerEntry({ ...ctx(model, study), command: "compare" }, "normalized_accuracy", ["q"], { value });
  const entries = [
    e("m1", "s1", true, true),
    e("m1", "s2", true, false),
    e("m2", "s3", false, false),
    na("m1", "s4", 0.8),
    na("m1", "s5", 0.9),
    na("m2", "s6", 0.7),
  ];
  const s = summarizeLedger(entries);
  assert.equal(s.n_studies, 6);
  assert.deepEqual(s.effects, { n: 3, sign_agreement: 2 / 3, significance_agreement: 1 / 3 });
  assert.deepEqual(
    s.normalized_accuracy.map((g) => [g.model, g.n, Number(g.mean.toFixed(12))]),
    [
      ["m1", 2, 0.85],
      ["m2", 1, 0.7],
    ],
  );
  assert.deepEqual(s.effects_by_model[0], {
    model: "m1",
    n: 2,
    sign_agreement: 1,
    significance_agreement: 0.5,
  });
  // The same comparison has the same key; another study another key.
  assert.equal(e("m1", "s1", false, false).key, entries[0].key);
  assert.notEqual(e("m1", "s9", true, true).key, entries[0].key);
  const section = trackRecordSection(entries, { domain: "d", model: "m1" });
  assert.equal(section.table?.rows.length, 6);
  assert.match(
    section.paragraphs?.join(" ") ?? "",
    /agreed in sign 67% and in significance 33% of 3 comparisons/,
  );
  assert.match(
    trackRecordSection(entries, { domain: "other", model: "m1" }).paragraphs?.[0] ?? "",
    /no earlier comparisons/,
  );
});

// Two small studies with a binary outcome, simulated and human, and person weights.
const rows = (shift: number) => {
  const lines = ["person_id,study,arm,y,sex"];
  for (let i = 0; i < 160; i++) {
    const arm = i % 2 ? "treatment" : "control";
    const sex = i % 4 < 2 ? "female" : "male";
    const p = (i * 7919) % 100;
    const y = p < (arm === "treatment" ? 60 + shift : 40) ? 1 : 0;
    lines.push(`p${i},${i < 80 ? "s1" : "s2"},${arm},${y},${sex}`);
  }
  return `${lines.join("\n")}\n`;
};
const human = write("human.csv", rows(0));
const sim = write("sim.csv", rows(15));
const weights = write(
  "weights.csv",
  `id,weight\n${Array.from({ length: 160 }, (_, i) => `p${i},${i % 4 < 2 ? 1.2 : 0.8}`).join("\n")}\n`,
);
const margins = write("margins.csv", "variable,level,share\nsex,female,0.6\nsex,male,0.4\n");

test("effects writes ledger entries; a second report shows the first in its track record", async () => {
  const base = [
    "effects",
    "--human",
    human,
    "--sim",
    sim,
    "--outcome",
    "y",
    "--arm",
    "arm",
    "--study",
    "study",
  ];
  const first = await captureCli([
    ...base,
    "--db",
    db,
    "--domain",
    "classic-effects",
    "--sim-model",
    "m1",
    "--json",
  ]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).ledger.entries, 2);
  const html = join(dir, "effects.html");
  const second = await captureCli([
    ...base,
    ...["--db", db, "--domain", "classic-effects", "--sim-model", "m2", "--by", "sex", "--weights", weights],
    ...["--margins", margins, "--html", html],
  ]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /interaction by sex/);
  assert.match(second.stdout, /ledger: 2 entries in/);
  const page = readFileSync(html, "utf8");
  assert.match(page, /Track record of similar studies/);
  assert.match(page, /Sample vs\. target/);
  assert.match(page, /Effects by sex/);
  // The first run's two entries are the track record; this run's own are not.
  assert.match(page, /2 entries from 2 studies/);
  const check = await checkReportInBrowser(html);
  assert.deepEqual(check.consoleErrors, []);
  assert.ok(check.plots >= 4, `plots ${check.plots}`);

  const list = await captureCli(["ledger", "--db", db]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /validation ledger .*: 4 entries from 2 studies/);
  assert.match(list.stdout, /effects: simulated and human effects agree in sign/);
  const m1 = JSON.parse((await captureCli(["ledger", "--db", db, "--model", "m1", "--json"])).stdout);
  assert.equal(m1.entries.length, 2);
  assert.ok(m1.entries.every((e: LedgerEntry) => e.metric === "effect_d" && e.reference !== null));
  const missing = await captureCli(["ledger", "--db", join(dir, "none.db")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /none\.db: database not found/);
});

test("calibrate --html shows PPI++ beside human-only, the sample vs. target and the track record", async () => {
  const file = write(
    "calib.csv",
    `person_id,human,sim,sex\n${Array.from({ length: 200 }, (_, i) => {
      const y = ((i * 37) % 11) / 2;
      return `p${i},${i < 60 ? y : ""},${(y + ((i * 13) % 5) / 4).toFixed(2)},${i % 4 < 2 ? "female" : "male"}`;
    }).join("\n")}\n`,
  );
  const html = join(dir, "calibrate.html");
  // A weights file must weigh every row: the one for 160 people does not cover 200.
  const r = await captureCli([
    ...["calibrate", file, "--outcome", "human", "--prediction", "sim", "--estimand", "mean"],
    ...["--db", db, "--weights", weights],
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /calib\.csv:162: person "p160" has no weight/);
  writeFileSync(
    join(dir, "w200.csv"),
    `id,weight\n${Array.from({ length: 200 }, (_, i) => `p${i},${i % 4 < 2 ? 1.2 : 0.8}`).join("\n")}\n`,
  );
  const ok = await captureCli([
    ...["calibrate", file, "--outcome", "human", "--prediction", "sim", "--estimand", "mean"],
    ...["--db", db, "--weights", join(dir, "w200.csv"), "--margins", margins, "--html", html, "--json"],
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  const res = JSON.parse(ok.stdout);
  assert.equal(res.weighted, join(dir, "w200.csv"));
  assert.equal(res.ledger.entries, 1);
  const page = readFileSync(html, "utf8");
  assert.match(page, /Calibrated mean/);
  assert.match(page, /Sample vs\. target/);
  assert.match(page, /Track record of similar studies/);
  const check = await checkReportInBrowser(html);
  assert.deepEqual(check.consoleErrors, []);
  assert.equal(check.plots, 1);
});
