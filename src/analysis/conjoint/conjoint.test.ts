import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { resolveDataDir } from "../../data/index.ts";
import {
  IMMIGRATION_ATTRIBUTES,
  immigrationConjointFile,
  readCommunityChoice,
} from "../../datasets/index.ts";
import { type ConjointDesign, conjointRows, conjointTasks } from "../../designs/conjoint/index.ts";
import { createRng } from "../../random/index.ts";
import { checkReportInBrowser, renderReport } from "../../report/index.ts";
import { readRows } from "../regression/index.ts";
import { normalQuantile } from "../stats/index.ts";
import { amceReport, choiceAgreement, estimateAmce, repeatedTaskAgreement } from "./index.ts";

const dataDir = resolveDataDir();
const dir = mkdtempSync(join(tmpdir(), "populace-conjoint-"));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Reference {
  data_sha256: string;
  attributes: string[];
  baselines: Record<string, string>;
  n_profiles: number;
  n_respondents: number;
  terms: { attribute: string; level: string; estimate: number; se: number }[];
}

// The reference was computed once by fixtures/amce_reference.py (numpy only, independent of this
// code) from the same file; its output is committed beside the script.
const reference: Reference = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures/amce_reference.json"), "utf8"),
);

test("AMCEs of the Hainmueller immigration conjoint equal an independent numpy OLS with CR1 errors to 1e-8", () => {
  const file = immigrationConjointFile(dataDir);
  const sha = createHash("sha256").update(readFileSync(file)).digest("hex");
  assert.equal(sha, reference.data_sha256, "the fixture was computed from this very file");
  assert.deepEqual(reference.attributes, [...IMMIGRATION_ATTRIBUTES]);
  const res = estimateAmce(readRows(file), {
    outcome: "Chosen_Immigrant",
    respondent: "CaseID",
    attributes: reference.attributes,
    baselines: reference.baselines,
  });
  assert.equal(res.n_profiles, 13_960);
  assert.equal(res.n_respondents, 1_396);
  assert.equal(res.terms.length, reference.terms.length);
  const z = normalQuantile(0.975);
  res.terms.forEach((t, i) => {
    const ref = reference.terms[i];
    assert.equal(`${t.attribute}: ${t.level}`, `${ref.attribute}: ${ref.level}`);
    assert.ok(Math.abs(t.estimate - ref.estimate) < 1e-8, `${ref.level}: ${t.estimate} vs ${ref.estimate}`);
    assert.ok(Math.abs(t.se - ref.se) < 1e-8, `${ref.level} SE: ${t.se} vs ${ref.se}`);
    assert.ok(
      Math.abs(t.lower - (t.estimate - z * t.se)) < 1e-12 &&
        Math.abs(t.upper - (t.estimate + z * t.se)) < 1e-12,
    );
  });
  assert.equal(res.attributes.find((a) => a.name === "Education")?.baseline, "no formal");
  assert.equal(res.attributes.find((a) => a.name === "Job")?.baseline, "child care provider", "sorted first");
});

test("bad input names the file, line and column, or lists what exists", () => {
  const file = join(dir, "bad.csv");
  writeFileSync(file, "id,task,Color,Size,chosen\nr1,1,red,big,1\nr1,1,blue,small,\nr2,1,red,small,1\n");
  const spec = { outcome: "chosen", respondent: "id", attributes: ["Color", "Size"] };
  assert.throws(
    () => estimateAmce(readRows(file), spec),
    new RegExp(`${file}:3, column chosen: outcome is empty`),
  );
  assert.throws(
    () => estimateAmce(readRows(file), { ...spec, attributes: ["Colour"] }),
    /bad\.csv:1: no attribute column "Colour" \(columns: id, task, Color, Size, chosen\)/,
  );
  writeFileSync(
    file,
    "id,task,Color,Size,chosen\nr1,1,red,big,1\nr1,1,blue,big,0\nr2,1,red,big,0\nr2,1,blue,big,1\n",
  );
  assert.throws(
    () => estimateAmce(readRows(file), { ...spec, baselines: { Color: "green" } }),
    /baseline "green" is not a level of "Color" \(levels: blue, red\)/,
  );
  assert.throws(() => estimateAmce(readRows(file), spec), /"Size" has a single level \("big"\)/);
});

test("a simulated run's long table feeds the estimator and recovers a planted effect", () => {
  // Simulated choosers with a known rule: the profile with the nurse gets +0.3 probability.
  const design: ConjointDesign = {
    attributes: [
      { name: "Job", levels: ["janitor", "nurse"] },
      { name: "Gender", levels: ["female", "male"] },
    ],
    tasks: 6,
  };
  const rng = createRng("planted");
  const rows = [];
  for (let i = 0; i < 1500; i++) {
    const person = conjointTasks(design, `s${i}`, "planted");
    const choices = new Map<number, 1 | 2>();
    for (const t of person.tasks) {
      const nurse = t.profiles.map((p) => (p.Job === "nurse" ? 1 : 0));
      const pFirst = 0.5 + 0.3 * (nurse[0] - nurse[1]);
      choices.set(t.task, rng.next() < pFirst ? 1 : 2);
    }
    rows.push(...conjointRows(person, choices));
  }
  const res = estimateAmce(
    {
      name: "simulated run",
      rows: rows.map((r) => ({ respondent: r.respondent, ...r.levels, chosen: r.chosen })),
    },
    { outcome: "chosen", respondent: "respondent", attributes: ["Job", "Gender"] },
  );
  const nurse = res.terms.find((t) => t.level === "nurse")!;
  const male = res.terms.find((t) => t.level === "male")!;
  assert.equal(res.n_profiles, 18_000);
  // A nurse beats a janitor with 0.8 and ties a nurse at 0.5. The two profiles of a task differ,
  // so a nurse's rival is one of the 3 other profiles: a janitor with 2/3. P(chosen | nurse) =
  // 1/3·0.5 + 2/3·0.8 = 0.7, P(chosen | janitor) = 1/3·0.5 + 2/3·0.2 = 0.3: the AMCE is 0.4.
  assert.ok(
    nurse.lower < 0.4 && 0.4 < nurse.upper,
    `nurse ${nurse.estimate} [${nurse.lower}, ${nurse.upper}]`,
  );
  assert.ok(male.lower < 0 && 0 < male.upper, `no gender effect: ${male.estimate}`);
});

test("community-choice conjoint: the repeated task's test-retest ceiling is 286/400 and AMCEs follow", () => {
  const cc = readCommunityChoice(dataDir);
  assert.equal(cc.profiles.length, 400 * 8 * 2);
  assert.equal(cc.attributes.length, 7);
  const ceiling = repeatedTaskAgreement(cc.repeated);
  assert.equal(ceiling.n, 400);
  assert.equal(ceiling.agreement, 286 / 400, "PROVENANCE: ~71.5% consistent");
  assert.ok(ceiling.lower < 0.715 && ceiling.upper > 0.715 && ceiling.upper - ceiling.lower < 0.1);
  const res = estimateAmce(
    {
      name: "community choice",
      rows: cc.profiles.map((p) => ({ respondent: p.respondent, ...p.levels, chosen: p.chosen })),
    },
    { outcome: "chosen", respondent: "respondent", attributes: cc.attributes },
  );
  assert.equal(res.n_respondents, 400);
  const school = res.terms.find((t) => t.attribute === "School Quality" && t.level === "9 out of 10")!;
  assert.ok(school.lower > 0, `better schools are chosen more: ${school.estimate}`);
  // Agreement of a chooser with the humans: themselves 1, a coin about 0.5 — below the ceiling.
  assert.equal(choiceAgreement(cc.choices, cc.choices).agreement, 1);
  const rng = createRng("coin");
  const coin = cc.choices.map((c) => ({ ...c, choice: (rng.next() < 0.5 ? 1 : 2) as 1 | 2 }));
  const a = choiceAgreement(coin, cc.choices, { ceiling: ceiling.agreement });
  assert.equal(a.n, 3200);
  assert.ok(a.lower < 0.5 && 0.5 < a.upper, `coin agreement ${a.agreement}`);
  assert.ok(Math.abs(a.normalized! - a.agreement / 0.715) < 1e-12);
});

test("populace amce prints the JSON contract and draws one coefficient plot per attribute", async () => {
  const bin = resolve(import.meta.dirname, "../../../bin/populace");
  const html = join(dir, "amce.html");
  const r = spawnSync(
    bin,
    [
      "amce",
      immigrationConjointFile(dataDir),
      "--outcome",
      "Chosen_Immigrant",
      "--respondent",
      "CaseID",
      "--attributes",
      "Education,Gender,Job Plans",
      "--baseline",
      "Job Plans=will look for work",
      "--json",
      "--html",
      html,
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ["terms", "n_respondents", "n_profiles"]);
  assert.deepEqual(Object.keys(out.terms[0]), ["attribute", "level", "estimate", "se", "lower", "upper"]);
  assert.equal(out.terms.length, 6 + 1 + 3);
  assert.deepEqual(
    out.terms
      .filter((t: { attribute: string }) => t.attribute === "Job Plans")
      .map((t: { level: string }) => t.level),
    ["contract with employer", "interviews with employer", "no plans to look for work"],
  );
  const check = await checkReportInBrowser(html);
  assert.deepEqual(check.consoleErrors, []);
  assert.equal(check.plots, 3);
  const bad = spawnSync(
    bin,
    [
      "amce",
      immigrationConjointFile(dataDir),
      "--outcome",
      "Chosen_Immigrant",
      "--respondent",
      "CaseID",
      "--attributes",
      "Education",
      "--baseline",
      "Education",
    ],
    { encoding: "utf8" },
  );
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'populace: error: --baseline expects ATTRIBUTE=LEVEL, got "Education"\n');
  // The report document renders without a browser, too (the page is self-contained).
  const res = estimateAmce(readRows(immigrationConjointFile(dataDir)), {
    outcome: "Chosen_Immigrant",
    respondent: "CaseID",
    attributes: ["Gender"],
  });
  assert.match(renderReport(amceReport(res)), /Gender/);
});
