import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
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
  assert.ok(slope.human.coef > 0 && slope.sim.coef > 0 && slope.sign_agree);
  close(
    slope.z_difference,
    (slope.sim.coef - slope.human.coef) / Math.sqrt(slope.human.se ** 2 + slope.sim.se ** 2),
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
