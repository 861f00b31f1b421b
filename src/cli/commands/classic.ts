import type { Command } from "commander";
import { estimateEffect } from "../../analysis/effects/index.ts";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { asianDiseaseTemplate, humanOutcomes, humanOutcomesCsv } from "../../instruments/classic/index.ts";
import { exportTo } from "../output.ts";

const STUDIES = { asian_disease: asianDiseaseTemplate } as const;

const f3 = (v: number | null | undefined) => (typeof v === "number" ? v.toFixed(3) : "—");

export function register(program: Command): void {
  program
    .command("classic")
    .description(
      "A classic study's template: its conditions, the human result, and the human outcomes as a CSV for populace effects",
    )
    .argument(
      "<study>",
      `the template (${Object.keys(STUDIES).join(", ")}), as instrument: { template: classic, study: … }`,
    )
    .option("--human-out <file>", "write the human outcomes (person_id,arm,outcome; one row per participant)")
    .option("--json", "print the template's conditions and the human effect as JSON")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .action(async (name: string, opts: { humanOut?: string; json?: boolean; dataDir?: string }) => {
      const make = STUDIES[name as keyof typeof STUDIES];
      if (!make)
        throw new UserError(
          `unknown classic study "${name}" (templates: ${Object.keys(STUDIES).join(", ")})`,
        );
      const t = make(resolveDataDir(opts.dataDir));
      const rows = humanOutcomes(t);
      const arm = (a: "treated" | "control") => rows.filter((r) => r.arm === a).map((r) => r.outcome);
      const effect = estimateEffect(arm("treated"), arm("control"));
      if (opts.humanOut) await exportTo(opts.humanOut, (write) => write(humanOutcomesCsv(t)));
      const conditions = t.conditions.map((c) => ({
        arm: c.arm,
        question: c.question.text,
        options: c.question.options,
        outcome_1: Object.entries(c.coding)
          .filter(([, v]) => v === 1)
          .map(([o]) => o),
        human: c.human,
      }));
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ study: t.study, title: t.title, outcome: t.outcome, treated: t.treated, control: t.control, conditions, human_effect: effect, notes: t.notes }, null, 2)}\n`,
        );
        return;
      }
      const rd = effect.risk_difference;
      const lines = [
        t.title,
        `outcome 1: ${t.outcome}; treated ${t.treated}, control ${t.control}`,
        ...conditions.map(
          (c) =>
            `  ${c.arm.padEnd(6)} ${c.human.positive} of ${c.human.n} (${c.human.reported_percent}% reported) chose ${c.outcome_1.join(", ")}`,
        ),
        `human effect (${t.treated} − ${t.control}): risk difference ${f3(rd?.estimate)} [${f3(rd?.lower)}, ${f3(rd?.upper)}], d ${f3(effect.d.estimate)}`,
        ...t.notes.map((n) => `note: ${n}`),
      ];
      if (opts.humanOut)
        lines.push(
          `human outcomes in ${opts.humanOut}: populace effects --human ${opts.humanOut} --outcome outcome --arm arm --treated ${t.treated} --control ${t.control} --run RUN --item outcome`,
        );
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
