import type { Command } from "commander";
import { type MixedSubjectsPlan, type PlanGoal, planCsv } from "../../analysis/calibration/index.ts";
import { UserError } from "../../errors/index.ts";
import { parseAlpha } from "../options.ts";

interface PlanFlags {
  pilot: string;
  outcome: string;
  prediction: string;
  costHuman: string;
  costSim: string;
  costCovariates: string;
  budget?: string;
  targetN?: string;
  alpha: string;
  json?: boolean;
}

function positive(text: string, flag: string, allowZero = false): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new UserError(`${flag} must be a ${allowZero ? "non-negative" : "positive"} number, got "${text}"`);
  }
  return v;
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

function render(p: MixedSubjectsPlan): string {
  const h = p.human_only;
  const lines = [
    `pilot: ${p.pilot_n} paired answers, correlation ${round(p.correlation_pilot, 3)}` +
      (p.correlation !== p.correlation_pilot ? ` (used: ${round(p.correlation, 3)})` : "") +
      `, human SD ${round(p.pilot_sd, 3)}`,
    "budget" in p.goal
      ? `goal: the most precise mean for a budget of ${p.goal.budget}`
      : `goal: the cheapest design with effective n ≥ ${p.goal.target_n}`,
    "",
    `design       humans  simulated-only  cost        effective n  ±half-width (${round((1 - p.alpha) * 100)}%)`,
  ];
  const row = (
    name: string,
    a: { n: number; N: number; cost: number; effective_n: number; half_width: number },
  ) =>
    `${name.padEnd(12)} ${String(a.n).padStart(6)}  ${String(a.N).padStart(14)}  ${String(round(a.cost, 2)).padEnd(10)}  ${String(round(a.effective_n)).padStart(11)}  ${round(a.half_width, 4)}`;
  if (p.design === "mixed") lines.push(row("mixed", p));
  lines.push(row("human-only", h));
  lines.push(
    "",
    p.design === "mixed"
      ? "budget" in p.goal
        ? `recommendation: mixed subjects — ${round(p.effective_n / h.effective_n, 2)}× the effective sample of human-only for the same money`
        : `recommendation: mixed subjects — ${round((100 * (h.cost - p.cost)) / h.cost)}% cheaper than human-only`
      : "recommendation: human-only — at these costs and this correlation simulated answers do not pay",
  );
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  program
    .command("plan")
    .description(
      "Mixed-subjects budget planner: how many humans and simulated-only units to buy for a mean, from a pilot's human–simulated correlation",
    )
    .requiredOption("--pilot <file>", "pilot CSV with human and simulated answers of the same people")
    .requiredOption("--outcome <col>", "human answer column")
    .requiredOption("--prediction <col>", "simulated answer column")
    .requiredOption("--cost-human <c>", "cost of one human answer")
    .requiredOption("--cost-sim <c>", "cost of one simulated answer")
    .option("--cost-covariates <c>", "cost of the covariates/profile of one unit", "0")
    .option("--budget <b>", "spend at most this much; maximise the effective sample size")
    .option("--target-n <n>", "reach this effective sample size as cheaply as possible")
    .option("--alpha <a>", "two-sided error level for the predicted half-width", "0.05")
    .option("--json", "print one JSON document")
    .action((flags: PlanFlags) => {
      if ((flags.budget === undefined) === (flags.targetN === undefined)) {
        throw new UserError("give exactly one of --budget B or --target-n N");
      }
      const goal: PlanGoal =
        flags.budget !== undefined
          ? { budget: positive(flags.budget, "--budget") }
          : { targetN: positive(flags.targetN as string, "--target-n") };
      const plan = planCsv(flags.pilot, {
        outcome: flags.outcome,
        prediction: flags.prediction,
        costs: {
          human: positive(flags.costHuman, "--cost-human"),
          sim: positive(flags.costSim, "--cost-sim"),
          covariates: positive(flags.costCovariates, "--cost-covariates", true),
        },
        goal,
        alpha: parseAlpha(flags.alpha),
      });
      process.stdout.write(flags.json ? `${JSON.stringify(plan, null, 2)}\n` : render(plan));
    });
}
