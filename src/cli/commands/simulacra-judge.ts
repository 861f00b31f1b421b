import type { Command } from "commander";
import { dataFile, resolveDataDir } from "../../data/index.ts";
import { CMV_THREADS, labelledComments, readThreadsFile, validateJudge } from "../../simulacra/index.ts";
import { commandGroup } from "../group.ts";
import { intFlag } from "../options.ts";

export function register(program: Command): void {
  commandGroup(program, "simulacra", "Simulated communities held against real ones")
    .command("judge")
    .description("Validate the rule-breaking judge on the CMV moderators' labels (nested cross-validation)")
    .option("--threads <file>", "labelled threads (default: reddit-cmv-threads in the data directory)")
    .option("--folds <k>", "outer folds", "5")
    .option("--seed <n>", "seed of the folds", "1")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .option("--json", "print one JSON document")
    .action((opts) => {
      const file =
        opts.threads ?? dataFile(resolveDataDir(opts.dataDir), CMV_THREADS, "r/ChangeMyView threads");
      const v = validateJudge(
        labelledComments(readThreadsFile(file)),
        intFlag(opts.folds, "--folds", 2),
        intFlag(opts.seed, "--seed", 0),
      );
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ threads: file, ...v }, null, 2)}\n`);
        return;
      }
      const f = (x: number) => x.toFixed(3);
      process.stdout.write(
        `judge on ${v.comments} comments of ${file} (${v.flaggedByModerators} removed by moderators): ` +
          `precision ${f(v.precision)}, recall ${f(v.recall)}, F1 ${f(v.f1)}, AUC ${f(v.auc)}\n` +
          `per fold: ${v.perFold.map((p) => `P ${f(p.precision)} R ${f(p.recall)} (penalty ${p.lambda}, threshold ${f(p.threshold)})`).join("; ")}\n` +
          `validated by ${v.method}\n`,
      );
    });
}
