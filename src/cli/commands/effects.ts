import type { Command } from "commander";
import { compareEffects, effectsReport, readArmOutcomes } from "../../analysis/effects/index.ts";
import { parseAlpha, parseLabels } from "../options.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";

interface EffectsFlags extends ReportFlags {
  human: string;
  sim: string;
  outcome: string;
  arm: string;
  treated: string;
  control: string;
  study?: string;
  binary?: boolean;
  positive?: string;
  alpha: string;
  labels: string;
}

const show = (v: number | null | undefined) => (typeof v === "number" ? v.toFixed(3) : "—");

export function register(program: Command): void {
  withReportOptions(
    program
      .command("effects")
      .description("Treatment effects with CIs in human and simulated data side by side, per study")
      .requiredOption("--human <file>", "human outcomes: long CSV, one row per person (and study)")
      .requiredOption("--sim <file>", "simulated outcomes, same columns")
      .requiredOption("--outcome <col>", "outcome column (numbers, or text with --positive)")
      .requiredOption("--arm <col>", "column holding the arm")
      .option("--treated <value>", "arm value of the treated group", "treatment")
      .option("--control <value>", "arm value of the control group", "control")
      .option("--study <col>", "column naming the study (many studies in one file)")
      .option("--binary", "outcomes are 0/1: add risk difference and log odds ratio (detected when omitted)")
      .option("--positive <value>", "text outcome counted as 1 (others 0); implies --binary")
      .option("--alpha <a>", "1 − confidence level and significance threshold", "0.05")
      .option("--labels <human,sim>", "names of the two sides in output", "human,simulated"),
  ).action((f: EffectsFlags) => {
    const alpha = parseAlpha(f.alpha);
    const { human, sim } = parseLabels(f.labels);
    const cols = {
      outcome: f.outcome,
      arm: f.arm,
      treated: f.treated,
      control: f.control,
      study: f.study,
      positive: f.positive,
    };
    const res = compareEffects(readArmOutcomes(f.human, cols), readArmOutcomes(f.sim, cols), {
      alpha,
      binary: f.binary || f.positive !== undefined ? true : undefined,
      labels: { human, sim },
    });
    const lines = [
      `${"study".padEnd(32)} ${`d ${human}`.padStart(12)} ${`d ${sim}`.padStart(12)}  sign  signif.`,
    ];
    for (const s of res.studies) {
      lines.push(
        `${s.study.padEnd(32)} ${show(s.human.d.estimate).padStart(12)} ${show(s.sim?.d.estimate).padStart(12)}  ` +
          `${s.sign_agree === null ? "—" : s.sign_agree ? "yes" : "no "}   ${s.significance_agree === null ? "—" : s.significance_agree ? "yes" : "no"}`,
      );
    }
    const sm = res.summary;
    lines.push(
      `sign agreement ${show(sm.sign_agreement)}, significance agreement ${show(sm.significance_agreement)}, ` +
        `r(effect sizes) ${show(sm.r_effect_sizes)} over ${sm.n_compared} studies`,
    );
    emitResult(
      f,
      res,
      (o) => effectsReport(res, o),
      () => lines.join("\n"),
    );
  });
}
