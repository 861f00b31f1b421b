import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { captureCli } from "../../cli/capture.ts";
import { csvLine, parseCsv, readCsv, resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { computeWeights, parseMargins, readMargins, type SamplePerson } from "./index.ts";

// Reference weights from fixtures/reference.py: R survey's rake() and postStratify() computed
// from their definitions in numpy (IPF on the table of counts; N_cell / n_cell).
const ref = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/reference.json"), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "populace-weighting-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// The sample: GSS 2022 respondents with sex, race and degree, labelled as the codebook does.
const LABELS: Record<string, string[]> = {
  sex: ["male", "female"],
  race: ["white", "black", "other"],
  degree: ["less than high school", "high school", "associate/junior college", "bachelor's", "graduate"],
};
const gss = readCsv(join(resolveDataDir(), "gss-cumulative/gss_cumulative_core_1972_2024.csv"));
const col = (c: string) => gss.header.indexOf(c);
const people = gss.rows
  .filter((r) => r[col("year")] === "2022")
  .map((r) => ({
    id: r[col("id")],
    sex: LABELS.sex[Number(r[col("sex")]) - 1],
    race: LABELS.race[Number(r[col("race")]) - 1],
    degree: r[col("degree")] === "" ? undefined : LABELS.degree[Number(r[col("degree")])],
  }))
  .filter((p) => p.sex && p.race && p.degree);
const sampleCsv = join(dir, "gss2022.csv");
writeFileSync(
  sampleCsv,
  `person_id,sex,race,degree\n${people.map((p) => csvLine([p.id, p.sex, p.race, p.degree])).join("\n")}\n`,
);

const close = (a: number, b: number, tol: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (${Math.abs(a - b)})`);

test("margins --data gss-cumulative writes the GSS 2022 shares weighted by wtssps", async () => {
  const out = join(dir, "margins.csv");
  const r = await captureCli([
    "margins",
    "--data",
    "gss-cumulative",
    "--year",
    "2022",
    "--vars",
    "sex,race,degree",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /GSS 2022: 3544 respondents, weighted by wtssps/);
  const margins = readMargins(out);
  assert.deepEqual(
    margins.map((m) => m.name),
    ["sex", "race", "degree"],
  );
  for (const m of margins)
    for (const c of m.cells) close(c.share, ref.targets[m.name][c.level], 1e-14, c.level);
  const crossed = join(dir, "cells.csv");
  await captureCli([
    "margins",
    "--data",
    "gss-cumulative",
    "--year",
    "2022",
    "--vars",
    "sex;race",
    "--out",
    crossed,
  ]);
  for (const c of readMargins(crossed)[0].cells) close(c.share, ref.crossed[c.level], 1e-14, c.level);
  const bad = await captureCli([
    "margins",
    "--data",
    "gss-cumulative",
    "--year",
    "2022",
    "--vars",
    "sex",
    "--weight",
    "wtssall",
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /wtssall is empty for every 2022 respondent \(it ends with 2018; use wtssps\)/);
});

test("weight --method rake equals R survey's rake() on the GSS to 1e-8", async () => {
  const margins = join(dir, "margins.csv");
  const out = join(dir, "rake.csv");
  const r = await captureCli(["weight", sampleCsv, "--margins", margins, "--out", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.n, ref.n);
  assert.equal(res.converged, true);
  assert.ok(res.max_margin_error < 1e-10);
  const weights = parseCsv(readFileSync(out, "utf8"));
  assert.deepEqual(weights.header, ["id", "weight"]);
  const byId = new Map(people.map((p) => [p.id, p]));
  let sum = 0;
  for (const [id, w] of weights.rows) {
    const p = byId.get(id)!;
    close(Number(w), ref.rake[`${p.sex}|${p.race}|${p.degree}`], 1e-8, id);
    sum += Number(w);
  }
  close(sum / ref.n, 1, 1e-12, "mean weight");
  close(res.design_effect, ref.rake_design_effect, 1e-9, "design effect");
  close(res.effective_n, ref.n / ref.rake_design_effect, 1e-5, "effective n");
});

test("weight --method poststratify equals R survey's postStratify() on sex × race cells", async () => {
  const r = await captureCli([
    "weight",
    sampleCsv,
    "--margins",
    join(dir, "cells.csv"),
    "--method",
    "poststratify",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.iterations, 1);
  const byId = new Map(people.map((p) => [p.id, p]));
  for (const { id, weight } of res.weights) {
    const p = byId.get(id)!;
    close(weight, ref.poststratify[`${p.sex}|${p.race}`], 1e-12, id);
  }
});

const sample = (rows: Record<string, string>[]): SamplePerson[] =>
  rows.map((values, i) => ({ id: `p${i}`, values, where: `s.csv:${i + 2}` }));
const margins = (text: string) => parseMargins(parseCsv(text, "m.csv"));

test("--cap trims the largest weights and rakes again until both hold", () => {
  const people = sample([
    ...Array.from({ length: 8 }, () => ({ sex: "F", age: "young" })),
    ...Array.from({ length: 2 }, () => ({ sex: "M", age: "young" })),
    ...Array.from({ length: 5 }, () => ({ sex: "F", age: "old" })),
    ...Array.from({ length: 5 }, () => ({ sex: "M", age: "old" })),
  ]);
  const m = margins("variable,level,share\nsex,F,0.5\nsex,M,0.5\nage,young,0.5\nage,old,0.5\n");
  // The young are 8 women and 2 men; raking to half men gives the young men the largest weight, 5/3.
  const free = computeWeights(people, m, { method: "rake" });
  assert.ok(Math.abs(free.max_weight - 5 / 3) < 1e-9);
  const capped = computeWeights(people, m, { method: "rake", cap: 1.5 });
  assert.ok(capped.max_weight <= 1.5 + 1e-12 && capped.max_margin_error < 1e-10);
  assert.ok(capped.iterations > free.iterations);
  assert.throws(
    () => computeWeights(people, m, { method: "rake", cap: 1.3 }),
    /did not converge.*cap 1.3 may be too low/,
  );
});

test("weighting errors name the level, the cell and the file line", () => {
  const people = sample([{ sex: "F" }, { sex: "M" }, { sex: "X" }]);
  const m = margins("variable,level,share\nsex,F,0.5\nsex,M,0.5\n");
  assert.throws(
    () => computeWeights(people, m, { method: "rake" }),
    (e: unknown) =>
      e instanceof UserError &&
      /^s\.csv:4: sex = X \(person "p2"\) is not a level of the margins/.test(e.message),
  );
  const threeLevels = margins("variable,level,share\nsex,F,0.4\nsex,M,0.4\nsex,X,0.2\n");
  assert.throws(
    () => computeWeights(sample([{ sex: "F" }, { sex: "M" }]), threeLevels, { method: "rake" }),
    /m\.csv:4: empty cell: sex = X has share 0.2 in the margins but nobody in the sample/,
  );
  assert.throws(
    () => margins("variable,level,share\nsex,F,0.5\nsex,M,0.49\n"),
    /m\.csv:2: the shares of sex sum to 0\.99, not 1 \(tolerance 1e-6\)/,
  );
  assert.throws(
    () => margins("variable,level,share\nsex,F,0.5\nsex,F,0.5\n"),
    /m\.csv:3: sex = F is defined twice/,
  );
  assert.throws(() => margins("variable,level,share\nsex;race,F,1\n"), /must read sex=…;race=…/);
  assert.throws(() => margins("variable,level,share\nsex,F,x\n"), /share "x" of sex = F is not a number/);
  assert.throws(
    () => computeWeights(sample([{ sex: "F" }, { sex: "" }]), m, { method: "rake" }),
    /s\.csv:3: person "p1" has no value for sex/,
  );
  assert.throws(
    () =>
      computeWeights(sample([{ sex: "F", age: "y" }]), margins("variable,level,share\nsex,F,1\nage,y,1\n"), {
        method: "poststratify",
      }),
    /post-stratification uses one margin of cells, got 2/,
  );
  // Margins that contradict each other cannot be met: raking stops and says so.
  const people2 = sample([
    { a: "1", b: "1" },
    { a: "2", b: "2" },
  ]);
  assert.throws(
    () =>
      computeWeights(people2, margins("variable,level,share\na,1,0.9\na,2,0.1\nb,1,0.2\nb,2,0.8\n"), {
        method: "rake",
        maxIter: 50,
      }),
    /raking did not converge after 50 iterations: the largest margin error is/,
  );
});

test("weight on a results-style file collapses each person's rows and finds attribute spellings", async () => {
  const file = join(dir, "results.csv");
  writeFileSync(
    file,
    "person_id,item,answer,gender\na,q1,x,Female\na,q2,y,Female\nb,q1,x,Male\nb,q2,y,Male\nc,q1,x,Female\n",
  );
  const m = join(dir, "sexm.csv");
  writeFileSync(m, "variable,level,share\nsex,female,0.5\nsex,male,0.5\n");
  const r = await captureCli(["weight", file, "--margins", m]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: sex: column gender/);
  assert.equal(r.stdout, "id,weight\na,0.75\nb,1.5\nc,0.75\n");
  writeFileSync(file, "person_id,gender\na,Female\na,Male\n");
  const bad = await captureCli(["weight", file, "--margins", m]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /person "a" has sex = "Male" here but "Female" at/);
});
