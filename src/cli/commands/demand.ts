import type { Command } from "commander";
import {
  type DesignAnswer,
  demandReport,
  demandStudy,
  monotoneText,
  readDesignAnswers,
  readPurchases,
} from "../../analysis/demand/index.ts";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { compileDesign, readDesignAnswers as readRunAnswers } from "../../experiments/index.ts";
import { parseAlpha } from "../options.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";
import { withStoredRun } from "../runs.ts";

interface DemandFlags extends ReportFlags {
  outcome: string;
  human?: string;
  heldFixed: string[];
  alpha: string;
  run?: string;
  db: string;
  dataDir?: string;
}

const f3 = (v: number) => v.toFixed(3);

/** A demand run's answers in long form, and the covariates its prompts held fixed (for the focalism note). */
async function fromRun(
  f: DemandFlags,
): Promise<{ answers: DesignAnswer[]; heldFixed: string[]; run: string }> {
  return withStoredRun(f.db, f.run, async (store, run, spec) => {
    const i = spec.instrument;
    if (!("template" in i) || i.template !== "demand")
      throw new UserError(`run ${run.id} is not a demand study (its instrument is not template: demand)`);
    const e = compileDesign(spec, [], resolveDataDir(f.dataDir));
    const answers = await readRunAnswers(store, run.id, e);
    if (answers.length === 0) throw new UserError(`run ${run.id} has no valid answers yet`);
    return {
      answers,
      heldFixed: (spec.design.hold_fixed ?? []).map((h) => `${h.name} (${h.value})`),
      run: run.id,
    };
  });
}

export function register(program: Command): void {
  withReportOptions(
    program
      .command("demand")
      .description("Demand curves per design mode side by side, with the confound probe's design diagnostics")
      .argument("[file]", "long CSV of a design run: mode,person_id,arm,treatment,item,value")
      .option("--run <run>", "a stored demand run (with --db) instead of a file")
      .option("--db <file>", "SQLite database of --run", "populace.db")
      .option("--outcome <item>", "the purchase item (1 bought, 0 not; or a predicted share 0–1)", "buy")
      .option("--human <file>", "human purchases: CSV price,bought[,person_id]")
      .option(
        "--held-fixed <name>",
        "a covariate the prompts stated (design.hold_fixed), for the focalism note (repeatable; --run reads them from the spec)",
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      )
      .option("--alpha <a>", "1 − confidence level and test level", "0.05")
      .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)"),
  ).action(async (file: string | undefined, f: DemandFlags) => {
    if ((file === undefined) === (f.run === undefined))
      throw new UserError(
        "give the design answers as FILE or as --run RUN (with --db FILE), not both or neither",
      );
    const source =
      f.run !== undefined ? await fromRun(f) : { answers: readDesignAnswers(file!), heldFixed: [] };
    const heldFixed = [...source.heldFixed, ...f.heldFixed];
    const study = demandStudy(source.answers, {
      outcome: f.outcome,
      human: f.human ? readPurchases(f.human) : undefined,
      alpha: parseAlpha(f.alpha),
    });
    const lines: string[] = [];
    const curves = study.modes.map((m) => [m.mode, m.curve] as const);
    for (const [mode, c] of study.human ? [...curves, ["human", study.human] as const] : curves) {
      lines.push(
        `${mode.padEnd(12)} slope ${f3(c.slope.estimate)} [${f3(c.slope.lower)}, ${f3(c.slope.upper)}] ${c.sign.padEnd(8)} ` +
          `monotone ${monotoneText(c)}  ` +
          `shares ${c.points.map((p) => p.share.toFixed(2)).join(" ")}`,
      );
    }
    for (const m of study.modes) {
      if (m.probe)
        lines.push(
          `${m.mode}: probe ${m.probe.moved.length ? `FLAGGED ${m.probe.moved.join(", ")}` : "no variable moves with the price"}`,
        );
    }
    if (heldFixed.length > 0)
      lines.push(`held fixed in every prompt: ${heldFixed.join(", ")} (focalism: see the report)`);
    emitResult(
      f,
      study,
      (o) => demandReport(study, { ...o, heldFixed }),
      () => lines.join("\n"),
    );
  });
}
