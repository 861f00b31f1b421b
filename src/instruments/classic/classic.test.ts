import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { estimateEffect } from "../../analysis/effects/index.ts";
import { resolveDataDir } from "../../data/index.ts";
import { dataPoint, listClassicStudies, material, readClassicStudy } from "../../datasets/index.ts";
import { asianDiseaseTemplate, codeAnswer, humanOutcomes, humanOutcomesCsv } from "./index.ts";

const dataDir = resolveDataDir();
const dir = mkdtempSync(join(tmpdir(), "populace-classic-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the classic studies read: registry, materials, participants and findings of all 12", () => {
  const list = listClassicStudies(dataDir);
  assert.equal(list.length, 12);
  assert.equal(list[2].title, "The Framing of Decisions and the Psychology of Choice");
  for (const s of list) {
    const study = readClassicStudy(dataDir, s.id);
    assert.ok(study.materials.length > 0 && study.findings.length > 0, s.id);
  }
  const tk = readClassicStudy(dataDir, "study_003");
  assert.equal(tk.materials.length, 11);
  assert.deepEqual(
    tk.findings.map((f) => f.finding_id),
    ["F1", "F2", "F3", "F4", "F5"],
  );
  assert.equal(tk.participants.by_sub_study?.problem_1?.n, 152);
  assert.equal(dataPoint(tk, "F1", ["Problem 1 (Gains)", "program_a_certain"]), 72);
  assert.throws(
    () => dataPoint(tk, "F1", ["Problem 1 (Gains)", "program_x"]),
    /study_003\/ground_truth\.json: F1 data\.Problem 1 \(Gains\)\.program_x is missing/,
  );
  assert.throws(
    () => readClassicStudy(dataDir, "study_099"),
    /unknown classic study "study_099" \(studies: study_001, /,
  );
  assert.throws(() => material(tk, "problem_99"), /has no material "problem_99"/);
});

test("the Asian disease template: verbatim materials, its human framing effect computed with src/analysis/effects", () => {
  const t = asianDiseaseTemplate(dataDir);
  const tk = readClassicStudy(dataDir, "study_003");
  const [gain, loss] = t.conditions;
  assert.equal(gain.context, material(tk, "problem_1").instructions);
  assert.equal(loss.context, material(tk, "problem_2").instructions);
  assert.match(gain.context, /If Program A is adopted, 200 people will be saved/);
  assert.deepEqual(gain.question.options, ["Program A", "Program B"]);
  assert.deepEqual(loss.question.options, ["Program C", "Program D"]);
  assert.deepEqual(gain.human, { n: 152, positive: 109, reported_percent: 72 });
  assert.deepEqual(loss.human, { n: 155, positive: 34, reported_percent: 22 });
  const rows = humanOutcomes(t);
  const arm = (a: string) => rows.filter((r) => r.arm === a).map((r) => r.outcome);
  const e = estimateEffect(arm("treated"), arm("control"));
  assert.equal(e.binary, true);
  assert.ok(Math.abs(e.risk_difference!.estimate! - (34 / 155 - 109 / 152)) < 1e-12);
  assert.ok(Math.abs(e.log_odds_ratio!.estimate! - Math.log((34 * 43) / (121 * 109))) < 1e-12);
  assert.ok(e.d.upper! < 0, "the loss frame makes the sure program less popular");
  assert.equal(codeAnswer(t, "loss", "Program D"), 0);
  assert.throws(
    () => codeAnswer(t, "gain", "Program C"),
    /"Program C" is not an option of the gain condition \(Program A, Program B\)/,
  );
  // The CSV is what `populace effects --human` reads; a simulated file in the same shape goes beside it.
  const human = join(dir, "human.csv");
  writeFileSync(human, humanOutcomesCsv(t));
  const bin = resolve(import.meta.dirname, "../../../bin/populace");
  const r = spawnSync(
    bin,
    [
      "effects",
      "--human",
      human,
      "--sim",
      human,
      "--outcome",
      "outcome",
      "--arm",
      "arm",
      "--treated",
      "loss",
      "--control",
      "gain",
      "--json",
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.studies[0].human.n_treated, 155);
  assert.ok(Math.abs(out.studies[0].human.risk_difference.estimate - (34 / 155 - 109 / 152)) < 1e-12);
});
