import type { Command } from "commander";
import { resolveDataDir } from "../data/index.ts";
import { EXIT } from "../errors/index.ts";
import type { BranchRequest } from "../simulacra/index.ts";
import { openStore } from "../store/index.ts";
import { type BranchResult, branchCommunity } from "../study/index.ts";
import { positiveInt, positiveNumber } from "./options.ts";
import { progressView } from "./progress.ts";
import { interruptSignals } from "./signals.ts";

/** Flags every command that adds branches to a community run shares with `populace run`. */
export function withBranchOptions(command: Command): Command {
  return command
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--model <id>", "model to ask instead of the run's (e.g. the mock LLM server on another port)")
    .option("--concurrency <n>", "calls in flight at once", positiveInt)
    .option("--budget <usd>", "never start a call that could take spending past this", positiveNumber)
    .option("--prices <file>", "price table override (JSON or YAML)")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .option("--json", "print the outcome as JSON");
}

export interface BranchFlags {
  db: string;
  model?: string;
  concurrency?: number;
  budget?: number;
  prices?: string;
  dataDir?: string;
  json?: boolean;
}

/** Runs a WhatIf or Multiverse request from the command line and prints what it made; sets the exit code. */
export async function runBranchCommand(
  runId: string,
  request: BranchRequest,
  flags: BranchFlags,
): Promise<void> {
  const store = openStore(flags.db);
  const view = flags.json ? null : progressView(request.kind === "whatif" ? "whatif" : "multiverse");
  const signals = interruptSignals(() =>
    process.stderr.write("\nstopping after the calls in flight (Ctrl-C again to abort them)...\n"),
  );
  try {
    const result = await branchCommunity({
      store,
      runId,
      request,
      dataDir: resolveDataDir(flags.dataDir),
      modelId: flags.model,
      concurrency: flags.concurrency,
      budgetUsd: flags.budget,
      pricesFile: flags.prices,
      stop: signals.stop,
      abort: signals.abort,
      onProgress: (p) => view?.update(p),
    });
    view?.stop();
    const counts = await store.jobCounts(runId);
    process.exitCode = exitCode(result, counts.failed);
    const s = result.summary;
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ run: runId, branches: result.branches, existing: result.existing, status: result.run.status, summary: s, exit_code: process.exitCode, notes: result.notes })}\n`,
      );
      return;
    }
    for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
    process.stdout.write(
      `${result.existing ? "already made by an earlier identical request" : "made"}: ${result.branches.join(", ")} ` +
        `(run ${runId} ${result.run.status}; ${s.calls} calls, ${s.cacheHits} cache hits, ` +
        `cost ${s.costUnknown ? "unknown" : `$${s.costUsd.toFixed(4)}`}); \`populace threads ${runId}\` shows them\n`,
    );
    if (s.stoppedBy)
      process.stdout.write(`stopped (${s.stopReason ?? s.stoppedBy}): rerun the same command to finish\n`);
  } finally {
    signals.dispose();
    await store.close();
  }
}

function exitCode(result: BranchResult, failed: number): number {
  const s = result.summary;
  if (s.stoppedBy === "budget") return EXIT.budget;
  if (s.stoppedBy === "unavailable") return EXIT.providerUnavailable;
  if (s.stoppedBy === "interrupt") return EXIT.interrupted;
  if (failed > 0 && s.failed > 0) return EXIT.someFailed;
  return result.run.status === "completed" ? EXIT.ok : EXIT.interrupted;
}
