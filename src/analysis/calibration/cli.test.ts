import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { captureCli } from "../../cli/capture.ts";
import { projectRoot } from "../../data/index.ts";
import { createRng } from "../../random/index.ts";
import { checkReportInBrowser } from "../../report/index.ts";
import { ppiAte, ppiMean, ppiOls } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-calibrate-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A real process, to prove the exit code and stream separation of the installed entry point. */
function spawnCli(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", join(projectRoot, "src/cli/main.ts"), ...withLedger(args)],
    {
      encoding: "utf8",
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same entry point in-process (spawning costs ~1 s per call), capturing both streams. */
function cli(...args: string[]) {
  return captureCli(withLedger(args));
}

/** calibrate writes its validation-ledger entries to a database of this test, not ./populace.db. */
function withLedger(args: string[]): string[] {
  return args[0] === "calibrate" ? [...args, "--db", join(dir, "ledger.db")] : args;
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// A study file: 90 labeled and 210 simulated-only people in two arms, with an age covariate.
const rng = createRng("cli-study");
const people = Array.from({ length: 300 }, (_, i) => {
  const arm = i % 2 ? "treat" : "ctrl";
  const age = 20 + rng.int(50);
  const latent = 3 + (arm === "treat" ? 0.5 : 0) + 0.02 * (age - 45) + rng.normal();
  return { arm, age, y: i < 90 ? latent + 0.5 * rng.normal() : null, yhat: latent + 0.7 * rng.normal() };
});
const studyCsv = write(
  "study.csv",
  `id,arm,age,human,sim\n${people.map((p, i) => `${i},${p.arm},${p.age},${p.y ?? ""},${p.yhat}`).join("\n")}\n`,
);
const lab = people.filter((p) => p.y !== null);
const unl = people.filter((p) => p.y === null);

test("calibrate --json prints one JSON document matching the library", async () => {
  const r = spawnCli(
    "calibrate",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--estimand",
    "mean",
    "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const lib = ppiMean({
    y: lab.map((p) => p.y as number),
    yhat: lab.map((p) => p.yhat),
    yhatUnlabeled: unl.map((p) => p.yhat),
  });
  assert.equal(out.estimand, "mean");
  assert.equal(out.alpha, 0.05);
  assert.deepEqual([out.n_labeled, out.n_unlabeled], [90, 210]);
  assert.equal(out.estimate, lib.estimate);
  assert.equal(out.se, lib.se);
  assert.equal(out.lambda, lib.lambda);
  assert.deepEqual(Object.keys(out.classical), ["estimate", "se", "lower", "upper"]);
  assert.equal(out.ppi.estimate, lib.ppi.estimate);
  const classic = await cli(
    "calibrate",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--estimand",
    "mean",
    "--lambda",
    "0",
    "--json",
  );
  assert.equal(JSON.parse(classic.stdout).estimate, lib.classical.estimate);
});

test("calibrate ate and ols with an arm term, covariates and --tune-for", async () => {
  const r = await cli(
    "calibrate",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--estimand",
    "ate",
    "--arm",
    "arm",
    "--treated",
    "treat",
    "--control",
    "ctrl",
    "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const arm = (name: string) => {
    const ps = people.filter((p) => p.arm === name);
    return {
      y: ps.filter((p) => p.y !== null).map((p) => p.y as number),
      yhat: ps.filter((p) => p.y !== null).map((p) => p.yhat),
      yhatUnlabeled: ps.filter((p) => p.y === null).map((p) => p.yhat),
    };
  };
  const lib = ppiAte(arm("treat"), arm("ctrl"));
  assert.equal(out.estimate, lib.estimate);
  assert.deepEqual(out.lambda, lib.lambda);
  assert.deepEqual(out.arms.treated, { n_labeled: 45, n_unlabeled: 105 });

  const o = await cli(
    "calibrate",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--estimand",
    "ols",
    "--arm",
    "arm",
    "--treated",
    "treat",
    "--control",
    "ctrl",
    "--covariates",
    "age",
    "--tune-for",
    "arm",
    "--json",
  );
  assert.equal(o.code, 0, o.stderr);
  const ols = JSON.parse(o.stdout);
  assert.deepEqual(ols.terms, ["intercept", "arm", "age"]);
  const x = (p: (typeof people)[number]) => [1, p.arm === "treat" ? 1 : 0, p.age];
  const libOls = ppiOls(
    {
      x: lab.map(x),
      y: lab.map((p) => p.y as number),
      yhat: lab.map((p) => p.yhat),
      xUnlabeled: unl.map(x),
      yhatUnlabeled: unl.map((p) => p.yhat),
    },
    { terms: ols.terms, tuneFor: "arm" },
  );
  assert.deepEqual(ols.estimate, libOls.estimate);
  assert.deepEqual(ols.se, libOls.se);
  assert.equal(ols.lambda, libOls.lambda);
  assert.equal(ols.lambda_estimate, libOls.lambdaEstimate);
  assert.equal(ols.tuned_for, "arm");
  assert.equal(ols.classical.se.length, 3);
  // Without --json: a readable table with one row per term and method.
  const text = await cli(
    "calibrate",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--estimand",
    "ols",
    "--covariates",
    "age",
    "--no-intercept",
  );
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /age\s+PPI\+\+/);
  assert.doesNotMatch(text.stdout, /intercept/);
});

test("calibrate errors: no labeled rows, no unlabeled rows, non-numeric cells, binary outcome, singular design", async () => {
  const base = ["--outcome", "h", "--prediction", "s"];
  const noLabeled = write("nolab.csv", "h,s\n,1\n,2\n,3\n");
  let r: { code: number | null; stdout: string; stderr: string } = await cli(
    "calibrate",
    noLabeled,
    ...base,
    "--estimand",
    "mean",
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nolab\.csv: no labeled rows/);
  const noUnlabeled = write("nounl.csv", "h,s\n1,1\n2,2\n3,3\n");
  r = await cli("calibrate", noUnlabeled, ...base, "--estimand", "mean");
  assert.match(r.stderr, /nounl\.csv: no unlabeled rows/);
  const bad = write("bad.csv", "h,s\n1,1\n2,2\nabc,3\n,4\n,5\n");
  r = spawnCli("calibrate", bad, ...base, "--estimand", "mean");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.csv:4: outcome column "h" holds "abc", which is not a number/);
  assert.doesNotMatch(r.stderr, /at .*\.ts/); // no stack trace
  const missingPrediction = write("nopred.csv", "h,s\n1,1\n2,\n,4\n,5\n");
  r = await cli("calibrate", missingPrediction, ...base, "--estimand", "mean");
  assert.match(r.stderr, /nopred\.csv:3: prediction column "s" is empty/);
  const nonBinary = write("nonbin.csv", "h,s\n1,1\n0,0\n2,1\n,0.5\n,0.2\n");
  r = await cli("calibrate", nonBinary, ...base, "--estimand", "logistic");
  assert.match(r.stderr, /nonbin\.csv:4: logistic needs a binary outcome \(0 or 1\) in "h", found 2/);
  const oneClass = write("oneclass.csv", "h,s\n1,1\n1,0\n1,1\n,0.5\n,0.2\n");
  r = await cli("calibrate", oneClass, ...base, "--estimand", "logistic");
  assert.match(r.stderr, /logistic needs a binary outcome, but "h" is 1 on every labeled row/);
  const singular = write("sing.csv", "h,s,a,b\n1,1,1,2\n2,2,2,4\n3,2,3,6\n4,5,4,8\n,4,5,10\n,3,6,12\n");
  r = await cli("calibrate", singular, ...base, "--estimand", "ols", "--covariates", "a,b");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /sing\.csv: .*singular design: column "b"/);
  r = await cli("calibrate", studyCsv, "--outcome", "nope", "--prediction", "sim", "--estimand", "mean");
  assert.match(r.stderr, /no column "nope"/);
  r = await cli("calibrate", studyCsv, "--outcome", "human", "--prediction", "sim", "--estimand", "median");
  assert.match(r.stderr, /--estimand must be one of mean, ate, ols, logistic/);
  r = await cli(
    "calibrate",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--estimand",
    "mean",
    "--lambda",
    "2",
  );
  assert.match(r.stderr, /--lambda must be "auto" or a number in \[0, 1\]/);
  r = await cli(
    "calibrate",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--estimand",
    "ate",
    "--arm",
    "arm",
    "--treated",
    "x",
    "--control",
    "ctrl",
  );
  assert.match(r.stderr, /arm column "arm" has no rows with value "x" \(values: ctrl, treat\)/);
  r = await cli(
    "calibrate",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--estimand",
    "ols",
    "--tune-for",
    "age",
  );
  assert.match(r.stderr, /no term "age" \(terms: intercept\)/);
});

test("plan prints the allocation and errors on a bad goal", async () => {
  const r = await cli(
    "plan",
    "--pilot",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--cost-human",
    "5",
    "--cost-sim",
    "0.25",
    "--budget",
    "1000",
    "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const k of ["n", "N", "cost", "effective_n", "correlation"]) assert.equal(typeof out[k], "number", k);
  assert.equal(out.pilot_n, 90);
  assert.equal(out.design, "mixed");
  // n and N are rounded as ppi_py does, which may pass the budget by less than one unit.
  assert.ok(out.cost <= 1000 + 5.25 && out.effective_n > out.human_only.effective_n);
  assert.equal(out.cost, out.n * 5.25 + out.N * 0.25);
  const t = await cli(
    "plan",
    "--pilot",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--cost-human",
    "5",
    "--cost-sim",
    "0.25",
    "--target-n",
    "300",
  );
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /recommendation: mixed subjects/);
  const both = await cli(
    "plan",
    "--pilot",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--cost-human",
    "5",
    "--cost-sim",
    "1",
    "--budget",
    "9",
    "--target-n",
    "3",
  );
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exactly one of --budget B or --target-n N/);
  const cost = await cli(
    "plan",
    "--pilot",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--cost-human",
    "-5",
    "--cost-sim",
    "1",
    "--budget",
    "9",
  );
  assert.match(cost.stderr, /--cost-human must be a positive number, got "-5"/);
});

test("calibrate with fewer than 20 labeled rows warns that normal intervals may undercover", async () => {
  const few = write(
    "few.csv",
    `human,sim\n${Array.from({ length: 60 }, (_, i) => `${i < 12 ? (i % 5) + 1 : ""},${((i * 7) % 5) + 1}`).join("\n")}\n`,
  );
  const r = await cli("calibrate", few, "--outcome", "human", "--prediction", "sim", "--estimand", "mean");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /warning: only 12 labeled rows: normal \(z\) intervals may undercover/);
  const j = await cli(
    "calibrate",
    few,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--estimand",
    "mean",
    "--json",
  );
  assert.equal(JSON.parse(j.stdout).warnings.length, 1);
  // With enough labeled rows there is no warning.
  const ok = await cli(
    "calibrate",
    studyCsv,
    "--outcome",
    "human",
    "--prediction",
    "sim",
    "--estimand",
    "mean",
    "--json",
  );
  assert.deepEqual(JSON.parse(ok.stdout).warnings, []);
});

test("calibrate --html writes a report of the three intervals per term that Chromium draws cleanly", async () => {
  const html = join(dir, "calibrate.html");
  const r = await cli(
    ...["calibrate", studyCsv, "--outcome", "human", "--prediction", "sim", "--estimand", "ols"],
    ...[
      "--arm",
      "arm",
      "--treated",
      "treat",
      "--control",
      "ctrl",
      "--covariates",
      "age",
      "--html",
      html,
      "--json",
    ],
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, `HTML report written to ${html}\n`);
  const out = JSON.parse(r.stdout);
  const page = readFileSync(html, "utf8");
  assert.ok(page.includes("PPI++ (prediction-powered inference)"), "the method is explained");
  const check = await checkReportInBrowser(html);
  assert.deepEqual(check.consoleErrors, []);
  assert.deepEqual(check.textProblems, []);
  assert.equal(check.plots, out.terms.length, "one intervals plot per term");
});
