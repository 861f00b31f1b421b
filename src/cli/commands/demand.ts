import type { Command } from "commander";
import {
  demandReport,
  demandStudy,
  monotoneText,
  readDesignAnswers,
  readPurchases,
} from "../../analysis/demand/index.ts";
import { parseAlpha } from "../options.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";

interface DemandFlags extends ReportFlags {
  outcome: string;
  human?: string;
  heldFixed: string[];
  alpha: string;
}

const f3 = (v: number) => v.toFixed(3);

export function register(program: Command): void {
  withReportOptions(
    program
      .command("demand")
      .description("Demand curves per design mode side by side, with the confound probe's design diagnostics")
      .argument("<file>", "long CSV of a design run: mode,person_id,arm,treatment,item,value")
      .option("--outcome <item>", "the purchase item (1 bought, 0 not; or a predicted share 0–1)", "buy")
      .option("--human <file>", "human purchases: CSV price,bought[,person_id]")
      .option(
        "--held-fixed <name>",
        "a covariate the prompts stated (design.hold_fixed), for the focalism note (repeatable)",
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      )
      .option("--alpha <a>", "1 − confidence level and test level", "0.05"),
  ).action((file: string, f: DemandFlags) => {
    const study = demandStudy(readDesignAnswers(file), {
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
    emitResult(
      f,
      study,
      (o) => demandReport(study, { ...o, heldFixed: f.heldFixed }),
      () => lines.join("\n"),
    );
  });
}
