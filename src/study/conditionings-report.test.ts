import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { register as reportCommand } from "../cli/commands/report.ts";
import { runInProcess } from "../cli/in-process.ts";
import { resolveDataDir } from "../data/index.ts";
import { createModel } from "../llm/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { checkReportInBrowser, renderReport } from "../report/index.ts";
import { loadStudy, studySchema } from "../spec/index.ts";
import { openStore, type ResponseRecord } from "../store/index.ts";
import { buildStudyReport, runStudy, studyReportDoc } from "./index.ts";

// A study under two conditionings against the mock LLM server (a test double: its answers are
// seeded draws), compared with "human" answers this test writes: the report's figures must be
// the ones computed here from the stored rows and those files.
const dataDir = resolveDataDir();
const dir = mkdtempSync(join(tmpdir(), "populace-conditionings-report-"));
after(() => (process.env.KEEP_TEST_DIR ? console.log(dir) : rmSync(dir, { recursive: true, force: true })));

const ITEMS = ["cappun", "gunlaw", "postlife"];
const OPTIONS: Record<string, string[]> = {
  cappun: ["Favor", "Oppose"],
  gunlaw: ["Favor", "Oppose"],
  postlife: ["Yes", "No"],
};
const PEOPLE = 24;

function setUp(): string {
  const transcripts = join(dir, "transcripts");
  mkdirSync(transcripts);
  const demo = ["person_id,age,sex,political_views"];
  const human = ["person_id,item,answer,political_views"];
  const retest = ["person_id,item,answer"];
  for (let i = 1; i <= PEOPLE; i++) {
    const id = `p${String(i).padStart(2, "0")}`;
    const views = i % 2 ? "Liberal" : "Conservative";
    writeFileSync(
      join(transcripts, `${id}.txt`),
      `Interviewer: Tell me about where you grew up.\nRespondent: I grew up in town ${i}, near the river, and I still live there.\n` +
        `Interviewer: What matters most to you?\nRespondent: My family, my work at the mill, and ${i % 3 ? "my church" : "my garden"}.\n`,
    );
    demo.push(`${id},${30 + i},${i % 3 ? "Female" : "Male"},${views}`);
    for (const [k, item] of ITEMS.entries()) {
      const options = OPTIONS[item];
      const answer = options[(i + k) % 2];
      human.push(`${id},${item},${answer},${views}`);
      // The retest agrees with the first answer for most people.
      retest.push(`${id},${item},${i % 5 === 0 ? options[(i + k + 1) % 2] : answer}`);
    }
  }
  writeFileSync(join(dir, "people.csv"), `${demo.join("\n")}\n`);
  writeFileSync(join(dir, "human.csv"), `${human.join("\n")}\n`);
  writeFileSync(join(dir, "retest.csv"), `${retest.join("\n")}\n`);
  const spec = join(dir, "study.yaml");
  writeFileSync(
    spec,
    `name: sidebyside
seed: 3
population:
  source: interviews
  dir: transcripts
  demographics: { file: people.csv, id_column: person_id }
  conditioning: [demographic, interview]
instrument:
  items_per_call: 3
  items: [${ITEMS.map((id) => `{gss: ${id}}`).join(", ")}]
`,
  );
  return spec;
}

test("report: each arm of conditioning's accuracy, normalized accuracy with CI, DPD and cost per respondent, in a table and a plot", async () => {
  const spec = setUp();
  const mock = await startMockLlm({ seed: 4 });
  try {
    const db = join(dir, "run.db");
    const store = openStore(db);
    const result = await runStudy({
      study: loadStudy(spec),
      store,
      dataDir,
      model: createModel(`${mock.url}/v1#mock`),
    });
    assert.equal(result.run.status, "completed");
    const rows: ResponseRecord[] = [];
    for await (const r of store.responses(result.run.id)) rows.push(r);
    const stored = await store.getStudy(result.run.studyId);
    const report = await buildStudyReport({
      store,
      run: result.run,
      spec: studySchema.parse(stored!.spec),
      dataDir,
      human: {
        human: join(dir, "human.csv"),
        retest: join(dir, "retest.csv"),
        by: ["political_views"],
        bootstrap: 200,
      },
    });
    const c = report.conditionings!;
    assert.deepEqual(
      c.arms.map((a) => [a.arm, a.conditioning, a.respondents]),
      [
        ["control·demographic", "demographic", PEOPLE],
        ["control·interview", "interview", PEOPLE],
      ],
    );
    // Accuracy and normalized accuracy as computed here from the rows and the two files.
    const humanAnswer = (id: string, k: number) => OPTIONS[ITEMS[k]][(Number(id.slice(1)) + k) % 2];
    const retestAnswer = (id: string, k: number) => {
      const i = Number(id.slice(1));
      return i % 5 === 0 ? OPTIONS[ITEMS[k]][(i + k + 1) % 2] : humanAnswer(id, k);
    };
    for (const a of c.arms) {
      const mine = rows.filter((r) => r.arm === a.arm);
      let hits = 0;
      const perPerson = new Map<string, { sim: number; retest: number }>();
      for (const r of mine) {
        const k = ITEMS.indexOf(r.item);
        const hit = r.answer === humanAnswer(r.agentId, k) ? 1 : 0;
        hits += hit;
        const p = perPerson.get(r.agentId) ?? { sim: 0, retest: 0 };
        p.sim += hit;
        p.retest += retestAnswer(r.agentId, k) === humanAnswer(r.agentId, k) ? 1 : 0;
        perPerson.set(r.agentId, p);
      }
      assert.ok(Math.abs(a.accuracy! - hits / mine.length) < 1e-9, `${a.arm} accuracy`);
      const ratios = [...perPerson.values()].filter((p) => p.retest > 0).map((p) => p.sim / p.retest);
      const normalized = ratios.reduce((s, x) => s + x, 0) / ratios.length;
      assert.ok(Math.abs(a.normalized_accuracy! - normalized) < 1e-9, `${a.arm} normalized accuracy`);
      assert.ok(
        a.accuracy_ci![0]! <= a.accuracy! && a.accuracy! <= a.accuracy_ci![1]!,
        "the CI holds the estimate",
      );
      assert.ok(a.normalized_accuracy_ci![0]! < a.normalized_accuracy_ci![1]!);
      assert.equal(typeof a.dpd.political_views, "number");
      const input = mine.reduce((s, r) => s + r.inputTokens, 0) / PEOPLE;
      assert.ok(Math.abs(a.per_respondent.input_tokens - input) < 1e-6, "input tokens per respondent");
    }
    assert.ok(
      c.arms[1].per_respondent.input_tokens > c.arms[0].per_respondent.input_tokens,
      "the interview costs more than the demographic profile",
    );
    await store.close();

    // populace report --human: the same figures in text, and each arm's comparison in the ledger.
    const cli = await runInProcess(
      [reportCommand],
      [
        "report",
        result.run.id,
        "--db",
        db,
        "--human",
        join(dir, "human.csv"),
        "--retest",
        join(dir, "retest.csv"),
        "--by",
        "political_views",
        "--bootstrap",
        "200",
      ],
    );
    assert.equal(cli.error, undefined);
    const interview = c.arms[1];
    assert.ok(
      cli.stdout.includes(
        `  control·interview: ${PEOPLE} people; accuracy ${interview.accuracy!.toFixed(3)} [${interview.accuracy_ci![0]!.toFixed(3)}, ${interview.accuracy_ci![1]!.toFixed(3)}]`,
      ),
      cli.stdout,
    );
    const reread = openStore(db);
    const entries = await reread.ledgerEntries({});
    await reread.close();
    assert.deepEqual(
      entries
        .filter((e) => e.command === "report")
        .map((e) => [e.conditioning, e.metric, e.n])
        .sort(),
      [
        ["demographic", "accuracy", PEOPLE],
        ["demographic", "normalized_accuracy", PEOPLE],
        ["interview", "accuracy", PEOPLE],
        ["interview", "normalized_accuracy", PEOPLE],
      ],
    );
    await assert.rejects(
      runInProcess([reportCommand], ["report", "--db", db, "--retest", join(dir, "retest.csv")]).then((r) => {
        if (r.error) throw r.error;
      }),
      /--retest needs --human/,
    );

    // The page: one table and one plot (the figure), drawn in Chromium.
    const html = join(dir, "report.html");
    writeFileSync(html, renderReport(studyReportDoc(report)));
    const check = await checkReportInBrowser(html, { screenshot: join(dir, "report.png") });
    assert.deepEqual(check.consoleErrors, []);
    assert.equal(check.plots, check.slots);
    const doc = studyReportDoc(report);
    const section = doc.sections.find((s) => s.heading === "Conditionings side by side")!;
    assert.equal(section.plots?.length, 1);
    assert.deepEqual(section.table?.columns, [
      "arm of conditioning",
      "people",
      "accuracy [95% CI]",
      "normalized accuracy [95% CI]",
      "retest",
      "DPD political_views",
      "input tokens / person (cached)",
      "output / person",
      "USD / person",
    ]);
  } finally {
    await mock.close();
  }
});
