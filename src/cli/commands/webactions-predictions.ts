import { existsSync } from "node:fs";
import type { Command } from "commander";
import { UserError } from "../../errors/index.ts";
import { openStore } from "../../store/index.ts";
import { pickSet, runPredictions, writePredictions } from "../../webactions/index.ts";
import { commandGroup } from "../group.ts";
import { positiveInt } from "../options.ts";
import { chooseRun } from "../runs.ts";

interface PredictionsFlags {
  db: string;
  out: string;
  arm?: string;
  replicate?: number;
  json?: boolean;
}

export function register(program: Command): void {
  commandGroup(program, "webactions", "Web-shopping sessions: next-action prediction and its metrics")
    .command("predictions")
    .description(
      "Export a web-action run's predictions as {session, step, action} JSONL for webactions score",
    )
    .argument("[run]", "run id (default: the most recent run)")
    .requiredOption("--out <file>", "predictions JSONL to write")
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--arm <name>", "the arm to export, when the run has several")
    .option("--replicate <n>", "the replicate to export, when the run has several", positiveInt)
    .option("--json", "print what was written as JSON")
    .action(async (runArg: string | undefined, flags: PredictionsFlags) => {
      if (!existsSync(flags.db)) throw new UserError("database not found", { where: flags.db });
      const store = openStore(flags.db);
      try {
        const run = await chooseRun(store, runArg, flags.db);
        const stored = await runPredictions(store, run.id);
        const set = pickSet(stored, run.id, { arm: flags.arm, replicate: flags.replicate });
        writePredictions(flags.out, set.predictions);
        const made = set.predictions.length - set.failed;
        const out = {
          run: run.id,
          arm: set.arm,
          replicate: set.replicate,
          out: flags.out,
          predictions: made,
          failed: set.failed,
          pending_sessions: stored.pending,
        };
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(out)}\n`
            : `wrote ${set.predictions.length} test cases of run ${run.id} (arm ${set.arm}, replicate ${set.replicate}) to ${flags.out}: ` +
                `${made} predictions, ${set.failed} failed (action null)` +
                `${stored.pending ? `; ${stored.pending} sessions not run yet (rerun populace run to finish)` : ""}\n`,
        );
      } finally {
        await store.close();
      }
    });
}
