import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { loadGssPanelAgents } from "../agents/index.ts";
import { ppiMean } from "../analysis/calibration/index.ts";
import { estimateEffect } from "../analysis/effects/index.ts";
import { resolveDataDir } from "../data/index.ts";
import { loadGssPanel } from "../datasets/index.ts";
import { type LanguageModel, ProviderError } from "../llm/types.ts";
import { createInstantModel } from "../mock-llm/index.ts";
import { checkReportInBrowser, escapeHtml, renderReport } from "../report/index.ts";
import { loadStudy } from "../spec/index.ts";
import { openStore } from "../store/index.ts";
import { buildStudyReport, runStudy, type StudyReport, studyReportDoc } from "./index.ts";
import { BASELINE_MODEL_LABEL, NOTHING_CALIBRATED } from "./report.ts";

// Real parts: real GSS panel respondents and their real wave-1 answers, the offline baseline,
// a real SQLite file, the CLI in a child process, and headless Chromium for the page.
const bin = resolve(import.meta.dirname, "../../bin/populace");
const dataDir = resolveDataDir();
const dir = mkdtempSync(join(tmpdir(), "populace-report-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function populace(args: string[]) {
  return spawnSync(bin, args, { cwd: dir, encoding: "utf8", env: { ...process.env, POPULACE_DEBUG: "" } });
}

const AGENTS = 150;
const LIKERT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"];
const SEED = 11;

test("a confirmatory GSS study: report --json gives the PPI++ figures of ppiMean on the same numbers", async () => {
  // Human data: the real wave-1 cappun answers of 40% of the agents (people who gave none stay empty).
  const agents = loadGssPanelAgents(dataDir, {
    n: AGENTS,
    seed: SEED,
    panels: ["2006"],
    reinterviewed: true,
  });
  const respondents = new Map(loadGssPanel(dataDir, { panels: ["2006"] }).map((r) => [r.personId, r]));
  const human = new Map<string, string>();
  const lines = ["person_id,cappun_w1"];
  agents.forEach((a, i) => {
    if (i % 5 >= 2) return;
    const answer = respondents.get(a.id)!.waves["1"].cappun ?? "";
    lines.push(`${a.id},${answer}`);
    if (answer) human.set(a.id, answer);
  });
  writeFileSync(join(dir, "human.csv"), `${lines.join("\n")}\n`);
  const specFile = join(dir, "death-penalty.yaml");
  writeFileSync(
    specFile,
    `name: death-penalty
seed: ${SEED}
population: { source: gss-panel, n: ${AGENTS}, panels: ["2006"] }
instrument:
  items: [{ gss: cappun }, { gss: polviews }]
calibration:
  confirmatory: true
  human_data: human.csv
  estimand: mean
  item: cappun
  outcome: cappun_w1
  values: { Favor: 1, Oppose: 0 }
`,
  );
  const db = join(dir, "gss.db");
  const store = openStore(db);
  const result = await runStudy({ study: loadStudy(specFile), store, dataDir });
  assert.equal(result.run.status, "completed");
  assert.equal(result.model.kind, "baseline");

  // The same numbers, gathered independently from the store.
  const y: number[] = [];
  const yhat: number[] = [];
  const yhatUnlabeled: number[] = [];
  const value = { Favor: 1, Oppose: 0 } as Record<string, number>;
  for await (const r of store.responses(result.run.id)) {
    if (r.item !== "cappun") continue;
    assert.equal(r.status, "ok");
    const h = human.get(r.agentId);
    if (h) {
      y.push(value[h]);
      yhat.push(value[String(r.answer)]);
    } else yhatUnlabeled.push(value[String(r.answer)]);
  }
  await store.close();
  assert.ok(y.length > 0.3 * AGENTS && y.length <= 0.4 * AGENTS, `${y.length} labeled people`);
  const expected = ppiMean({ y, yhat, yhatUnlabeled }, { alpha: 0.05 });

  const out = populace(["report", "--db", db, "--json", "--html", "report.html", "--data-dir", dataDir]);
  assert.equal(out.status, 0, out.stderr);
  const report = JSON.parse(out.stdout) as StudyReport;
  const e = report.calibration.estimates!;
  assert.equal(report.calibration.status, "calibrated");
  assert.deepEqual(e.n_labeled, { control: y.length });
  assert.deepEqual(e.n_unlabeled, { control: yhatUnlabeled.length });
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);
  for (const k of ["estimate", "se", "lower", "upper"] as const) {
    close(e.ppi_plus_plus[k], expected[k], `PPI++ ${k}`);
    close(e.classical[k], expected.classical[k], `human-only ${k}`);
    close(e.ppi[k], expected.ppi[k], `classic PPI ${k}`);
  }
  close(e.ppi_plus_plus.lambda as number, expected.lambda, "lambda");
  const all = [...yhat, ...yhatUnlabeled];
  close(e.simulated.estimate, all.reduce((s, v) => s + v, 0) / all.length, "simulated-only mean");
  assert.ok(e.ppi_plus_plus.upper - e.ppi_plus_plus.lower <= e.classical.upper - e.classical.lower + 1e-12);

  assert.equal(
    report.calibration.statement,
    "Calibrated (PPI++, α = 0.05): mean of cappun. Not calibrated: every other figure in this report " +
      "(simulated answers only). The plan and human data were named before the run (confirmatory).",
  );
  assert.ok(report.model.label?.includes(BASELINE_MODEL_LABEL));
  assert.deepEqual(report.jobs, { total: AGENTS * 2, ok: AGENTS * 2, failed: 0, pending: 0 });
  assert.equal(report.usage.calls, AGENTS * 2);
  const cappun = report.items.find((i) => i.item === "cappun")!;
  assert.deepEqual(
    cappun.answers!.map((a) => a.answer),
    ["Favor", "Oppose"],
  );
  assert.equal(
    cappun.answers!.reduce((s, a) => s + a.count, 0),
    AGENTS,
  );
  close(cappun.answers![0].share, e.simulated.estimate, "share of Favor = simulated mean");
  // The human reference: every panel respondent's first-interview answer, counted here again.
  let favor = 0;
  let answered = 0;
  for (const r of loadGssPanel(dataDir)) {
    const a = r.waves["1"]?.cappun;
    if (a === "Favor" || a === "Oppose") {
      answered++;
      if (a === "Favor") favor++;
    }
  }
  assert.equal(cappun.reference?.n, answered);
  close(cappun.reference!.shares![0].share, favor / answered, "reference share of Favor");
  assert.ok(report.notes.some((n) => /draws its answers from, so the two agree by construction/.test(n)));

  const page = await checkReportInBrowser(join(dir, "report.html"));
  assert.deepEqual(page.consoleErrors, []);
  assert.deepEqual(page.textProblems, []);
  // The GSS question texts run to a paragraph: shown whole, never cut.
  const polviews = report.items.find((i) => i.item === "polviews")!;
  assert.ok(polviews.text.length > 200);
  assert.ok(readFileSync(join(dir, "report.html"), "utf8").includes(escapeHtml(polviews.text)));
  assert.equal(page.title, "Study report: death-penalty");
  assert.equal(page.slots, 3, "one bars plot per item and the calibration intervals");
  assert.equal(page.plots, 3);

  // Without --json: a terminal summary of the latest run, ending with the same statement.
  const text = populace(["report", "--db", db, "--data-dir", dataDir]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /cappun: 150 valid, 0 failed\n {4}simulated: +Favor \d+\.\d% \(\d+\), Oppose/);
  assert.match(text.stdout, /\n {4}human \(n 10,584\): +Favor 64\.6%, Oppose 35\.4%\n/);
  assert.match(text.stdout, /PPI\+\+ \(calibrated\) +0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]/);
  assert.ok(text.stdout.trimEnd().endsWith(report.calibration.statement));
});

/** The instant model, except that some people's calls are refused for good (a non-retryable 400). */
function flakyModel(): LanguageModel {
  const inner = createInstantModel({ seed: 4 });
  return {
    ...inner,
    complete: (request) => {
      const text = request.messages.map((m) => m.content).join(" ");
      if (/person (3|7)\b/.test(text)) {
        return Promise.reject(new ProviderError("bad_request", "HTTP 400: prompt rejected", { status: 400 }));
      }
      return inner.complete(request);
    },
  };
}

test("an exploratory study: distributions per arm, failures with reasons, and nothing calibrated", async () => {
  const specFile = join(dir, "explore.yaml");
  writeFileSync(
    specFile,
    `name: explore
population:
  source: personas
  personas:
${Array.from({ length: 10 }, (_, i) => `    - {id: p${i + 1}, text: "I am person ${i + 1}."}`).join("\n")}
instrument:
  items:
    - {id: q1, type: likert, text: "Cities should ban cars downtown."}
    - {id: books, type: numeric, text: "Books read last year?", min: 0, max: 40}
design:
  arms: [{ name: control }, { name: framed, text: "Most of your neighbours drive." }]
`,
  );
  const store = openStore(join(dir, "explore.db"));
  const { run, summary } = await runStudy({
    study: loadStudy(specFile),
    store,
    dataDir,
    model: flakyModel(),
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });
  const spec = loadStudy(specFile).spec;
  const report = await buildStudyReport({ store, run, spec, dataDir });
  const scores = new Map<string, number[]>();
  const bookCounts = new Map<string, number[]>();
  for await (const r of store.responses(run.id)) {
    if (r.status !== "ok") continue;
    const list = r.item === "q1" ? scores : bookCounts;
    const x = r.item === "q1" ? LIKERT.indexOf(String(r.answer)) + 1 : Number(r.answer);
    list.set(r.arm, [...(list.get(r.arm) ?? []), x]);
  }
  await store.close();

  // The counts agree with the run's: answered calls, failed attempts, and no cache hit, although
  // the failed jobs' rows carry cache_hit (they never reached a model call).
  assert.equal(report.usage.calls, summary!.calls);
  assert.equal(report.usage.failed_attempts, 8);
  assert.equal(report.usage.cache_hits, summary!.cacheHits);
  assert.equal(report.usage.cache_hits, 0);
  assert.ok(report.notes.some((n) => /does not read the arm texts/.test(n)));

  // Means with t intervals per arm, and framed − control with Welch's interval and Cohen's d.
  const q1Report = report.items.find((i) => i.item === "q1")!;
  assert.equal(q1Report.scale, "1 = Strongly disagree … 5 = Strongly agree");
  for (const m of q1Report.means!) {
    const xs = scores.get(m.arm)!;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(m.mean - mean) < 1e-12);
    assert.ok(m.lower! < m.mean && m.mean < m.upper!);
  }
  const [diff] = q1Report.differences!;
  const expected = estimateEffect(scores.get("framed")!, scores.get("control")!);
  assert.deepEqual([diff.arm, diff.reference, diff.outcome], ["framed", "control", "mean"]);
  assert.deepEqual(diff.difference, expected.difference);
  assert.deepEqual(diff.d, expected.cohens_d);
  const booksDiff = report.items.find((i) => i.item === "books")!.differences![0];
  assert.deepEqual(
    booksDiff.difference,
    estimateEffect(bookCounts.get("framed")!, bookCounts.get("control")!).difference,
  );

  // 10 people × 2 arms × 2 items (one item per call): persons 3 and 7 fail every job.
  assert.deepEqual(report.jobs, { total: 40, ok: 32, failed: 8, pending: 0 });
  assert.equal(report.failures.jobs, 8);
  assert.equal(report.failures.reasons.length, 1);
  assert.match(report.failures.reasons[0].reason, /HTTP 400: prompt rejected/);
  assert.equal(report.failures.reasons[0].jobs, 8);
  assert.equal(report.model.kind, "instant");
  assert.match(report.model.label ?? "", /not a language model/);

  const q1 = report.items.find((i) => i.item === "q1")!;
  assert.equal(q1.ok, 16);
  assert.equal(q1.failed, 4);
  for (const arm of ["control", "framed"]) {
    const shares = q1.answers!.filter((a) => a.arm === arm);
    assert.equal(shares.length, 5, "every likert option listed, answered or not");
    assert.equal(
      shares.reduce((s, a) => s + a.count, 0),
      8,
    );
    assert.ok(Math.abs(shares.reduce((s, a) => s + a.share, 0) - 1) < 1e-12);
  }
  const books = report.items.find((i) => i.item === "books")!;
  assert.deepEqual(
    books.means!.map((s) => [s.arm, s.n]),
    [
      ["control", 8],
      ["framed", 8],
    ],
  );
  for (const s of books.means!)
    assert.ok(s.min >= 0 && s.max <= 40 && s.min <= s.median && s.median <= s.max);
  assert.equal(
    books.histogram!.reduce((s, h) => s + h.count, 0),
    16,
  );

  assert.equal(report.calibration.status, "none");
  assert.ok(report.calibration.statement.startsWith(NOTHING_CALIBRATED));
  assert.ok(report.notes.includes(report.calibration.statement));

  const html = join(dir, "explore.html");
  writeFileSync(html, renderReport(studyReportDoc(report)));
  const page = await checkReportInBrowser(html);
  assert.deepEqual(page.consoleErrors, []);
  assert.deepEqual(page.textProblems, []);
  // q1: answers per arm, means, difference; books: means, histogram, difference; no calibration.
  assert.equal(page.slots, 6);
  assert.equal(page.plots, 6);
});

test("a calibration plan the report cannot carry out is stated, not hidden", async () => {
  const specFile = join(dir, "later.yaml");
  writeFileSync(
    specFile,
    `name: later
population: { source: personas, personas: ["I am one.", "I am two.", "I am three."] }
instrument:
  items: [{id: q1, type: yes_no, text: "Do you vote?"}]
calibration: { human_data: later.csv, estimand: mean, item: q1, outcome: vote, values: { "Yes": 1 } }
`,
  );
  const store = openStore(join(dir, "later.db"));
  const { run } = await runStudy({ study: loadStudy(specFile), store, dataDir, model: createInstantModel() });
  const spec = loadStudy(specFile).spec;
  const uncovered = await buildStudyReport({ store, run, spec, dataDir, baseDir: dir });
  assert.equal(uncovered.calibration.status, "not_computed");
  assert.equal(
    uncovered.calibration.statement,
    `${NOTHING_CALIBRATED}: calibration.values gives no number to "No".`,
  );
  const withValues = { ...spec, calibration: { ...spec.calibration!, values: { Yes: 1, No: 0 } } };
  const noFile = await buildStudyReport({ store, run, spec: withValues, dataDir, baseDir: dir });
  assert.match(noFile.calibration.statement, /later\.csv: human data file not found\.$/);
  await store.close();

  const missing = populace(["report", "--db", join(dir, "none.db")]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no database at .*none\.db/);
  const unknown = populace(["report", "nope", "--db", join(dir, "later.db")]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no run "nope"/);
});
