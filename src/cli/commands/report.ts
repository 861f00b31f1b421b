import { existsSync } from "node:fs";
import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { renderReport } from "../../report/index.ts";
import { formatPath, type StudySpec, studySchema } from "../../spec/index.ts";
import { openStore, type RunRecord, type Store } from "../../store/index.ts";
import { buildStudyReport, REASON_MODE, type StudyReport, studyReportDoc } from "../../study/index.ts";
import { buildWebActionsReport, type WebActionsRunReport, webActionsRunDoc } from "../../webactions/index.ts";
import { writeHtml } from "../output.ts";
import { chooseRun } from "../runs.ts";

interface ReportFlags {
  db: string;
  html?: string;
  json?: boolean;
  dataDir?: string;
  humanData?: string;
}

/** The spec a run was made from, as stored with it. */
async function storedSpec(store: Store, run: RunRecord, dbFile: string): Promise<StudySpec> {
  if (run.mode === REASON_MODE) {
    throw new UserError(
      `run ${run.id} is a reasoning synthesis (populace webactions reason), not a study: its result is the sessions file it wrote; populace transcript ${run.id} shows its turns`,
      { where: dbFile },
    );
  }
  const study = await store.getStudy(run.studyId);
  if (!study)
    throw new UserError(`run ${run.id}: its study ${run.studyId} is not in the database`, { where: dbFile });
  const parsed = studySchema.safeParse(study.spec);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UserError(
      `the stored spec of run ${run.id} no longer validates (${formatPath(first.path)}: ${first.message}); ` +
        "it was written by another version of Populace",
      { where: dbFile },
    );
  }
  return parsed.data;
}

const f3 = (x: number) => x.toFixed(3);

/** A short plain-text summary for the terminal. */
function summary(r: StudyReport): string {
  const lines = [
    `study ${r.study.name}, run ${r.run.id} (${r.run.status})`,
    `model ${r.model.id}${r.model.label ? `: ${r.model.label}` : ""}`,
    `jobs ${r.jobs.total}: ok ${r.jobs.ok}, failed ${r.jobs.failed}, pending ${r.jobs.pending}`,
    `calls ${r.usage.calls}, tokens in ${r.usage.input_tokens} out ${r.usage.output_tokens}, cost ${
      r.usage.cost_usd === null ? "unknown" : `$${r.usage.cost_usd.toFixed(4)}`
    }`,
  ];
  for (const item of r.items) {
    const shares = item.answers
      ? item.answers.map((a) => `${a.answer} ${(a.share * 100).toFixed(1)}%`).join(", ")
      : (item.numeric ?? []).map((s) => `mean ${f3(s.mean)} (n ${s.n})`).join(", ");
    lines.push(`  ${item.item}: ${item.ok} valid, ${item.failed} failed${shares ? `; ${shares}` : ""}`);
  }
  for (const f of r.failures.reasons) lines.push(`  failed ×${f.jobs}: ${f.reason}`);
  const e = r.calibration.estimates;
  if (e) {
    const show = (name: string, i: { estimate: number; lower: number; upper: number }) =>
      `  ${name.padEnd(24)} ${f3(i.estimate)} [${f3(i.lower)}, ${f3(i.upper)}]`;
    lines.push(
      show("PPI++ (calibrated)", e.ppi_plus_plus),
      show("human only", e.classical),
      show("simulated only", e.simulated),
    );
  }
  lines.push(r.calibration.statement);
  return `${lines.join("\n")}\n`;
}

/** A web-action run's summary: the score of each arm and replicate. */
function webSummary(r: WebActionsRunReport): string {
  const show = (x: number | null) => (x === null ? "—" : f3(x));
  const lines = [
    `study ${r.study.name}, run ${r.run.id} (${r.run.status}): web actions on ${r.sessions}`,
    `model ${r.model.id}${r.model.note ? ` (${r.model.note})` : ""}`,
    `sessions ${r.jobs.total}: ok ${r.jobs.ok}, failed ${r.jobs.failed}, pending ${r.jobs.pending}`,
    `calls ${r.usage.calls}, tokens in ${r.usage.input_tokens} out ${r.usage.output_tokens}, cost ${
      r.usage.cost_usd === null ? "unknown" : `$${r.usage.cost_usd.toFixed(4)}`
    }`,
  ];
  for (const s of r.scores) {
    lines.push(
      `  ${s.arm} r${s.replicate}: ${s.n_test_cases} test cases, ${s.n_missing} missing; accuracy ${show(s.accuracy)}, ` +
        `outcome F1 purchase ${show(s.outcome_f1_purchase)}, terminate ${show(s.outcome_f1_terminate)}, macro ${show(s.outcome_f1_macro)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  program
    .command("report")
    .description("Report a stored run: model, jobs, cost, answers, failures and calibrated estimates")
    .argument("[run]", "run id (default: the most recent run)")
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--html <file>", "write a self-contained HTML report")
    .option("--json", "print the report as one JSON document")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .option(
      "--human-data <file>",
      "the calibration plan's human data (default: its path from the spec, read from here)",
    )
    .action(async (runArg: string | undefined, flags: ReportFlags) => {
      if (!existsSync(flags.db)) throw new UserError("database not found", { where: flags.db });
      const store = openStore(flags.db);
      try {
        const run = await chooseRun(store, runArg, flags.db);
        const spec = await storedSpec(store, run, flags.db);
        if (spec.instrument.webactions) {
          const web = await buildWebActionsReport({ store, run, spec, baseDir: run.specDir ?? undefined });
          if (flags.html) writeHtml(flags.html, renderReport(webActionsRunDoc(web)));
          process.stdout.write(flags.json ? `${JSON.stringify(web, null, 2)}\n` : webSummary(web));
          return;
        }
        const report = await buildStudyReport({
          store,
          run,
          spec,
          baseDir: run.specDir ?? undefined,
          dataDir: resolveDataDir(flags.dataDir),
          humanData: flags.humanData,
        });
        if (flags.html) writeHtml(flags.html, renderReport(studyReportDoc(report)));
        process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : summary(report));
      } finally {
        await store.close();
      }
    });
}
