import { accessSync, constants } from "node:fs";
import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { ledgerEntry, trackRecordSection } from "../../ledger/index.ts";
import { renderReport } from "../../report/index.ts";
import { webActionsOf } from "../../spec/index.ts";
import { openStore, type Store } from "../../store/index.ts";
import { buildStudyReport, type StudyReport, studyReportDoc, studyReportText } from "../../study/index.ts";
import { buildWebActionsReport, type WebActionsRunReport, webActionsRunDoc } from "../../webactions/index.ts";
import { writeHtml } from "../output.ts";
import { chooseRun, storedSpec } from "../runs.ts";
import { withStore } from "../store.ts";

interface ReportFlags {
  db: string;
  html?: string;
  json?: boolean;
  dataDir?: string;
  humanData?: string;
  ledger: boolean;
}

const f3 = (x: number) => x.toFixed(3);

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
    .option("--no-ledger", "do not add a calibrated estimate to the validation ledger of the database")
    .action(async (runArg: string | undefined, flags: ReportFlags) => {
      await withStore(flags.db, { readOnly: true }, async (store) => {
        const run = await chooseRun(store, runArg, flags.db);
        const spec = await storedSpec(store, run, flags.db);
        if (webActionsOf(spec.instrument)) {
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
        const track = await studyLedger(store, report, flags);
        if (flags.html) {
          const doc = studyReportDoc(report);
          writeHtml(flags.html, renderReport({ ...doc, sections: [...doc.sections, track] }));
        }
        process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : studyReportText(report));
      });
    });
}

/**
 * A run with a calibration plan and its human data is a comparison with people: its calibrated
 * estimate goes into the validation ledger. Returns the track record section for the report.
 */
async function studyLedger(store: Store, report: StudyReport, flags: ReportFlags) {
  const spec = (await store.getStudy(report.study.version))?.spec as
    | { population?: { source?: string }; instrument?: { items?: { gss?: string }[] } }
    | undefined;
  const items = spec?.instrument?.items ?? [];
  const context = {
    domain:
      items.length > 0 && items.every((i) => typeof i.gss === "string") ? "gss-attitudes" : "unspecified",
    model: report.model.id,
  };
  const e = report.calibration.estimates;
  const entries = e
    ? [
        ledgerEntry(
          {
            command: "report",
            study: report.study.name,
            conditioning: spec?.population?.source === "personas" ? "persona" : "demographic",
            runId: report.run.id,
            inputs: {
              run: report.run.id,
              human: report.calibration.human_data,
              plan: report.calibration.plan,
            },
            ...context,
          },
          `calibrated_${e.estimand}`,
          [e.item],
          {
            value: e.ppi_plus_plus.estimate,
            ci: [e.ppi_plus_plus.lower, e.ppi_plus_plus.upper],
            n: Object.values(e.n_labeled).reduce((a, b) => a + b, 0),
            reference: { value: e.classical.estimate, ci: [e.classical.lower, e.classical.upper] },
            details: { confirmatory: e.confirmatory, simulated_only: e.simulated.estimate },
          },
        ),
      ]
    : [];
  const earlier = await store.ledgerEntries({ domain: context.domain });
  // The report reads its database read-only; a calibrated estimate is recorded through a
  // writable connection of the same (existing) file, when the file may be written.
  if (flags.ledger && entries.length > 0) {
    if (isWritable(flags.db)) {
      const writable = openStore(flags.db);
      try {
        await writable.addLedgerEntries(entries);
      } finally {
        await writable.close();
      }
    } else {
      process.stderr.write(`populace: note: ${flags.db} is read-only: the ledger was not updated\n`);
    }
  }
  return trackRecordSection(earlier, {
    ...context,
    exclude: new Set(entries.map((x) => x.key)),
    db: flags.db,
  });
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
