import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { renderReport } from "../../report/index.ts";
import { formatPath, type StudySpec, studySchema } from "../../spec/index.ts";
import type { RunRecord, Store } from "../../store/index.ts";
import { buildStudyReport, studyReportDoc, studyReportText } from "../../study/index.ts";
import { writeHtml } from "../output.ts";
import { chooseRun } from "../runs.ts";
import { withStore } from "../store.ts";

interface ReportFlags {
  db: string;
  html?: string;
  json?: boolean;
  dataDir?: string;
  humanData?: string;
}

/** The spec a run was made from, as stored with it. */
async function storedSpec(store: Store, run: RunRecord, dbFile: string): Promise<StudySpec> {
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

export function register(program: Command): void {
  program
    .command("report")
    .description(
      "Report a stored run: model, jobs, cost, answers per item and arm (means, differences, human reference), failures, calibration",
    )
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
      await withStore(flags.db, { readOnly: true }, async (store) => {
        const run = await chooseRun(store, runArg, flags.db);
        const report = await buildStudyReport({
          store,
          run,
          spec: await storedSpec(store, run, flags.db),
          baseDir: run.specDir ?? undefined,
          dataDir: resolveDataDir(flags.dataDir),
          humanData: flags.humanData,
        });
        if (flags.html) writeHtml(flags.html, renderReport(studyReportDoc(report)));
        process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : studyReportText(report));
      });
    });
}
