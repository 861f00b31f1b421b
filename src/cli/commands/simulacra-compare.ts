import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { compareRealism, realismReport, realismText } from "../../simulacra/index.ts";
import { openStore } from "../../store/index.ts";
import { communityRun } from "../../study/index.ts";
import { commandGroup } from "../group.ts";
import { intFlag } from "../options.ts";
import { emitResult, withReportOptions } from "../output.ts";

export function register(program: Command): void {
  withReportOptions(
    commandGroup(program, "simulacra", "Simulated communities held against real ones")
      .command("compare")
      .description(
        "A community's replies beside real threads: length, distinct-n, vocabulary, share flagged as rule breaking",
      )
      .argument("<run>", "a community run")
      .requiredOption("--real <file>", "real threads, JSON Lines in the reddit-cmv-threads format")
      .option("--db <file>", "SQLite database", "populace.db")
      .option(
        "--branch <branch>",
        'which replies: "main" (the community as generated) or "all" (branches too)',
        "main",
      )
      .option(
        "--validate",
        "also measure the judge by nested cross-validation on the CMV labels (about a minute)",
      )
      .option("--seed <n>", "seed of the samples and of the judge's folds", "1")
      .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)"),
  ).action(async (runId: string, opts) => {
    const store = openStore(opts.db);
    try {
      const { run } = await communityRun(store, runId);
      const result = await compareRealism(store, run, {
        realFile: opts.real,
        dataDir: resolveDataDir(opts.dataDir),
        branch: opts.branch,
        seed: intFlag(opts.seed, "--seed", 0),
        validate: Boolean(opts.validate),
      });
      emitResult(
        opts,
        result,
        (o) => realismReport(result, o.title),
        () => realismText(result),
      );
    } finally {
      await store.close();
    }
  });
}
