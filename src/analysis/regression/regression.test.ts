import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readCsv, records, resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { checkReportInBrowser, renderReport } from "../../report/index.ts";
import { compareRegressions, parseFormula, type RowSource, regressionReport } from "./index.ts";

const close = (a: number | null | undefined, b: number, tol = 1e-9) =>
  assert.ok(typeof a === "number" && Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

const ml2 = (file: string) =>
  records(readCsv(join(resolveDataDir(), "manylabs2-classic-effects/data", file)));
const split = (rows: Record<string, string>[]): [RowSource, RowSource] => [
  { name: "WEIRD", rows: rows.filter((r) => r.Weird === "1") },
  { name: "non-WEIRD", rows: rows.filter((r) => r.Weird === "0") },
];

test("OLS on Many Labs 2 less-is-better: the dummy is the difference in means, HC0 SE by hand", () => {
  const [weird, other] = split(ml2("Hsee_1.csv"));
  const res = compareRegressions(weird, other, {
    outcome: "variable",
    predictors: ["factor"],
    model: "ols",
    robust: "HC0",
  });
  assert.deepEqual(
    res.coefficients.map((c) => c.term),
    ["(Intercept)", "factor=Scarf"],
  );
  const g = { Scarf: [] as number[], Coat: [] as number[] };
  for (const r of weird.rows) if (r.variable !== "") g[r.factor as "Scarf" | "Coat"].push(Number(r.variable));
  const m = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  const ss = (x: number[]) => x.reduce((a, v) => a + (v - m(x)) ** 2, 0);
  const slope = res.coefficients[1];
  close(slope.human.coef, m(g.Scarf) - m(g.Coat), 1e-10);
  // With one dummy, HC0 is √(Σe²/n² per group): residuals are deviations from group means.
  close(
    slope.human.se,
    Math.sqrt(ss(g.Scarf) / g.Scarf.length ** 2 + ss(g.Coat) / g.Coat.length ** 2),
    1e-10,
  );
  assert.equal(res.n.human, g.Scarf.length + g.Coat.length);
  // Less-is-better replicated in ML2: the scarf giver is seen as more generous in both samples.
  assert.ok(slope.human.coef! > 0 && slope.sim.coef! > 0 && slope.sign_agree);
  close(
    slope.z_difference,
    (slope.sim.coef! - slope.human.coef!) / Math.sqrt(slope.human.se! ** 2 + slope.sim.se! ** 2),
  );
});

test("logistic on Many Labs 2 framing: the coefficient is the 2x2 log odds ratio", async () => {
  const [weird, other] = split(ml2("Tversky_1.csv"));
  const res = compareRegressions(weird, other, {
    outcome: "variable",
    predictors: ["factor"],
    model: "logistic",
    robust: "none",
    positive: "Yes",
  });
  const n = { Cheap: { Yes: 0, No: 0 }, Expensive: { Yes: 0, No: 0 } } as Record<
    string,
    Record<string, number>
  >;
  for (const r of weird.rows) if (r.variable !== "") n[String(r.factor)][String(r.variable)]++;
  const lor = Math.log((n.Expensive.Yes * n.Cheap.No) / (n.Expensive.No * n.Cheap.Yes));
  const c = res.coefficients[1];
  assert.equal(c.term, "factor=Expensive");
  close(c.human.coef, lor, 1e-8);
  close(
    c.human.se,
    Math.sqrt(1 / n.Expensive.Yes + 1 / n.Expensive.No + 1 / n.Cheap.Yes + 1 / n.Cheap.No),
    1e-8,
  );
  assert.deepEqual(res.converged, { human: true, sim: true });

  const dir = mkdtempSync(join(tmpdir(), "populace-regress-"));
  const html = join(dir, "regress.html");
  writeFileSync(html, renderReport(regressionReport(res)));
  const check = await checkReportInBrowser(html);
  assert.deepEqual(check.consoleErrors, []);
  assert.deepEqual(check.textProblems, []);
  assert.equal(check.plots, 1);
});

test("formula and data errors name the place", () => {
  assert.deepEqual(parseFormula("y ~ a + b"), { outcome: "y", predictors: ["a", "b"] });
  assert.throws(() => parseFormula("y a"), UserError);
  const human: RowSource = {
    name: "h.csv",
    rows: [
      { y: "1", g: "a" },
      { y: "2", g: "b" },
      { y: "3", g: "a" },
      { y: "5", g: "b" },
    ],
    where: ["h.csv:2", "h.csv:3", "h.csv:4", "h.csv:5"],
  };
  const sim: RowSource = {
    name: "s.csv",
    rows: [...human.rows, { y: "x", g: "a" }],
    where: ["s.csv:2", "s.csv:3", "s.csv:4", "s.csv:5", "s.csv:6"],
  };
  assert.throws(
    () => compareRegressions(human, sim, { outcome: "y", predictors: ["g"], model: "ols" }),
    (e: unknown) => e instanceof UserError && e.message.startsWith("s.csv:6, column y"),
  );
  const sim2: RowSource = { name: "s2", rows: [...human.rows, { y: "1", g: "c" }] };
  assert.throws(
    () => compareRegressions(human, sim2, { outcome: "y", predictors: ["g"], model: "ols" }),
    /level "c" of g does not occur in the human data/,
  );
});

// Reference values from fixtures/reference.py: R's glm.fit and sandwich::vcovHC reproduced in numpy.
const reference = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/reference.json"), "utf8"));
const rowsOf = (d: { x1: number[]; x2: number[]; y: number[] }, name: string): RowSource => ({
  name,
  rows: d.y.map((y, i) => ({ y: String(y), x1: String(d.x1[i]), x2: String(d.x2[i]) })),
});

test("logistic HC0, HC1 and HC3 equal R's sandwich::vcovHC for a GLM; none is summary.glm", () => {
  const data = rowsOf(reference.ordinary, "ordinary");
  for (const robust of ["none", "HC0", "HC1", "HC3"] as const) {
    const res = compareRegressions(data, data, {
      outcome: "y",
      predictors: ["x1", "x2"],
      model: "logistic",
      robust,
    });
    const expected = robust === "none" ? reference.ordinary.se_model : reference.ordinary.se[robust];
    res.coefficients.forEach((c, j) => {
      close(c.human.coef, reference.ordinary.coef[j], 1e-9);
      close(c.human.se, expected[j], 1e-9 * expected[j]);
    });
  }
});

test("HC3 with a leverage-1 observation gives no standard errors and a warning (R gives NaN)", () => {
  // The dummy d is 1 on one row only: that row is fitted exactly, its leverage is 1.
  const rows = [1.2, 2.3, 2.9, 4.4, 5.1, 5.8, 7.2, 8.1].map((y, i) => ({
    y: String(y),
    x: String(i),
    d: i === 3 ? "1" : "0",
  }));
  const src: RowSource = { name: "lev.csv", rows, where: rows.map((_, i) => `lev.csv:${i + 2}`) };
  const res = compareRegressions(src, src, {
    outcome: "y",
    predictors: ["x", "d"],
    model: "ols",
    robust: "HC3",
  });
  for (const c of res.coefficients) {
    assert.equal(c.human.se, null, c.term);
    assert.equal(c.human.lower, null);
    assert.equal(c.human.p, null);
    assert.ok(Number.isFinite(c.human.coef));
  }
  assert.ok(
    res.warnings.some((w) => /HC3/.test(w) && /leverage 1/.test(w) && w.includes("lev.csv:5")),
    res.warnings.join("\n"),
  );
  // HC1 is defined for the same data.
  const hc1 = compareRegressions(src, src, {
    outcome: "y",
    predictors: ["x", "d"],
    model: "ols",
    robust: "HC1",
  });
  assert.ok(hc1.coefficients.every((c) => typeof c.human.se === "number"));
});

test('"NA", "NaN", "." and "" in a numeric column are missing values; "0x10" is not a number', () => {
  const ages = [23, 35, 41, 29, 52, 61, 38, 47, 33, 58, 44, 26];
  const y = [1.1, 2.0, 2.6, 1.6, 3.2, 3.9, 2.2, 3.0, 1.9, 3.5, 2.7, 1.5];
  const rows = ages.map((a, i) => ({ y: String(y[i]), age: String(a) }));
  rows.push(
    { y: "2.0", age: "NA" },
    { y: "2.1", age: "NaN" },
    { y: "2.2", age: "." },
    { y: "NA", age: "40" },
  );
  rows.push({ y: "2.3", age: "" });
  const src: RowSource = { name: "ages.csv", rows };
  const res = compareRegressions(src, src, { outcome: "y", predictors: ["age"], model: "ols" });
  assert.deepEqual(
    res.coefficients.map((c) => c.term),
    ["(Intercept)", "age"],
  );
  assert.equal(res.n.human, 12);
  assert.equal(res.dropped.human, 5);
  const hex: RowSource = {
    name: "hex.csv",
    rows: [...rows.slice(0, 12), { y: "2.0", age: "0x10" }],
    where: [],
  };
  hex.where = hex.rows.map((_, i) => `hex.csv:${i + 2}`);
  assert.throws(
    () => compareRegressions(hex, hex, { outcome: "y", predictors: ["age"], model: "ols" }),
    (e: unknown) => e instanceof UserError && /hex\.csv:14/.test(e.message) && /"0x10"/.test(e.message),
  );
});

test("quasi-complete separation: the affected term is named, estimable terms keep R's SEs", () => {
  const data = rowsOf(reference.separation, "separated");
  const res = compareRegressions(data, data, {
    outcome: "y",
    predictors: ["x1", "x2"],
    model: "logistic",
    robust: "none",
  });
  assert.deepEqual(res.separation?.human, ["x2"]);
  const [intercept, x1, x2] = res.coefficients;
  // R (glm.fit stops after 17 iterations here) reports finite SEs for the intercept and x1 that
  // are the limit of the fit; its SE for x2 (1,842) only reflects where the iterations stopped.
  close(intercept.human.coef, reference.separation.r_coef[0], 1e-7);
  close(x1.human.coef, reference.separation.r_coef[1], 1e-7);
  close(intercept.human.se, reference.separation.r_se[0], 1e-6 * reference.separation.r_se[0]);
  close(x1.human.se, reference.separation.r_se[1], 1e-6 * reference.separation.r_se[1]);
  close(x1.human.se, reference.separation.limit_se[1], 1e-9);
  assert.equal(x2.human.se, null);
  assert.equal(x2.human.coef, null);
  assert.equal(x2.human.direction, 1);
  assert.ok(res.warnings.some((w) => /separation/.test(w) && /x2/.test(w)));
});

test("regress prints the separation warning with the affected term, and +∞ for its coefficient", async () => {
  const dir = mkdtempSync(join(tmpdir(), "populace-separation-"));
  const s = reference.separation;
  const csv = join(dir, "sep.csv");
  writeFileSync(
    csv,
    `y,x1,x2\n${s.y.map((y: number, i: number) => `${y},${s.x1[i]},${s.x2[i]}`).join("\n")}\n`,
  );
  const { captureCli } = await import("../../cli/capture.ts");
  const { code, stdout } = await captureCli([
    ...["regress", "--human", csv, "--sim", csv, "--formula", "y ~ x1 + x2", "--model", "logistic"],
  ]);
  assert.equal(code, 0);
  assert.match(stdout, /^x2\s+\+∞\s+\+∞/m);
  assert.match(stdout, /warning: human: perfect or quasi-complete separation: x2 has no finite estimate/);
});
