import { accessSync, constants } from "node:fs";
import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { ledgerEntry, trackRecordSection } from "../../ledger/index.ts";
import { renderReport } from "../../report/index.ts";
import { webActionsOf } from "../../spec/index.ts";
import { openStore, type Store } from "../../store/index.ts";
import { buildStudyReport, type StudyReport, studyReportDoc, studyReportText } from "../../study/index.ts";
import { buildWebActionsReport, type WebActionsRunReport, webActionsRunDoc } from "../../webactions/index.ts";
import { intFlag } from "../options.ts";
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
  human?: string;
  retest?: string;
  by?: string;
  bootstrap: string;
  seed: string;
}

/** --human and its companions: people's own answers to set each arm of conditioning against. */
function humanAnswers(flags: ReportFlags) {
  if (!flags.human) {
    for (const f of ["retest", "by"] as const)
      if (flags[f]) throw new UserError(`--${f} needs --human (the people's own answers)`);
    return undefined;
  }
  return {
    human: flags.human,
    retest: flags.retest,
    by: flags.by
      ?.split(",")
      .map((b) => b.trim())
      .filter(Boolean),
    bootstrap: intFlag(flags.bootstrap, "--bootstrap", 1),
    seed: flags.seed,
  };
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
    .option(
      "--human <file>",
      "people's own answers (CSV person_id,item,answer[,attributes]) to compare each arm of conditioning with",
    )
    .option("--retest <file>", "the same people answering again: accuracy is normalized by it")
    .option("--by <cols>", "comma-separated person attributes of the --human file: DPD over their groups")
    .option("--bootstrap <B>", "bootstrap resamples of people for the CIs", "500")
    .option("--seed <seed>", "bootstrap seed", "1")
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
          human: humanAnswers(flags),
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
    | {
        population?: { source?: string; conditioning?: unknown };
        instrument?: { items?: { gss?: string }[] };
      }
    | undefined;
  const named = spec?.population?.conditioning;
  const items = spec?.instrument?.items ?? [];
  const context = {
    domain:
      items.length > 0 && items.every((i) => typeof i.gss === "string") ? "gss-attitudes" : "unspecified",
    model: report.model.id,
  };
  const e = report.calibration.estimates;
  const entries: ReturnType<typeof ledgerEntry>[] = e
    ? [
        ledgerEntry(
          {
            command: "report",
            study: report.study.name,
            conditioning:
              typeof named === "string"
                ? named
                : spec?.population?.source === "personas"
                  ? "persona"
                  : spec?.population?.source === "interviews"
                    ? "interview"
                    : "demographic",
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
  // Each arm of conditioning compared with the people's own answers: its accuracy (the retest
  // agreement as reference) and normalized accuracy, under its conditioning's name.
  const c = report.conditionings;
  if (c?.human_data) {
    for (const a of c.arms) {
      const ctx = {
        command: "report",
        study: report.study.name,
        conditioning: a.conditioning,
        runId: report.run.id,
        inputs: { run: report.run.id, arm: a.arm, human: c.human_data, retest: c.retest_data },
        ...context,
      };
      const interval = (x: [number | null, number | null] | null): [number, number] | null =>
        x && x[0] !== null && x[1] !== null ? [x[0], x[1]] : null;
      const items = report.items.filter((i) => i.answers).map((i) => i.item);
      if (a.accuracy !== null) {
        entries.push(
          ledgerEntry(ctx, "accuracy", items, {
            value: a.accuracy,
            ci: interval(a.accuracy_ci),
            n: a.respondents,
            reference: a.retest_accuracy === null ? null : { value: a.retest_accuracy, ci: null },
            details: { arm: a.arm },
          }),
        );
      }
      if (a.normalized_accuracy !== null) {
        entries.push(
          ledgerEntry(ctx, "normalized_accuracy", items, {
            value: a.normalized_accuracy,
            ci: interval(a.normalized_accuracy_ci),
            n: a.respondents,
            details: { arm: a.arm },
          }),
        );
      }
    }
  }
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
