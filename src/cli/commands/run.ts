import { existsSync } from "node:fs";
import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { EXIT } from "../../errors/index.ts";
import { loadStudy } from "../../spec/index.ts";
import { databaseError, openStore, type Store } from "../../store/index.ts";
import { failureSummary, type RunStudyResult, runStudy } from "../../study/index.ts";
import { positiveInt, positiveNumber } from "../options.ts";
import { progressView } from "../progress.ts";
import { runExitCode } from "../runs.ts";
import { interruptSignals } from "../signals.ts";

export function register(program: Command): void {
  program
    .command("run")
    .description("Run a study: plan its jobs, ask the model, store every answer (rerun to resume)")
    .argument("<spec>", "study spec (YAML)")
    .option(
      "--model <id>",
      "model id, e.g. openai:gpt-4o-mini, http://127.0.0.1:8080/v1#mock, baseline:demographic",
    )
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--concurrency <n>", "calls in flight at once", positiveInt)
    .option("--budget <usd>", "never start a call that could take spending past this", positiveNumber)
    .option("--rpm <n>", "requests per minute your provider allows", positiveNumber)
    .option("--tpm <n>", "tokens per minute your provider allows", positiveNumber)
    .option("--prices <file>", "price table override (JSON or YAML)")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .option("--new-run", "start a fresh run instead of resuming this study's last run with this model")
    .option(
      "--retry-failed",
      "also retry jobs that failed for good (invalid answers); transient failures are always retried",
    )
    .option("--dry-run", "estimate calls, tokens and cost without calling the model or writing anything")
    .option("--json", "print the outcome as JSON")
    .addHelpText(
      "after",
      "\nExit codes: 0 every job ok (or skipped by the survey's flow), 2 the study or a flag was refused,\n" +
        "3 some jobs failed, 4 stopped by the budget, 5 the model cannot be used (unreachable, key\n" +
        "refused, model not found), 6 another process is running this run, 130 interrupted.",
    )
    .action(async (specFile: string, opts) => {
      const study = loadStudy(specFile);
      // A dry run writes nothing: it reads an existing database (to price what is left of a run)
      // and never creates one. A run creates its database only once the study has passed every
      // check, so a refused study leaves no file behind.
      let store: Store | null = existsSync(opts.db) ? openStore(opts.db, { readOnly: opts.dryRun }) : null;
      const open = () => {
        store ??= openStore(opts.db);
        return store;
      };
      const json = Boolean(opts.json);
      const view = json || opts.dryRun ? null : progressView(study.spec.name);
      const signals = interruptSignals(() =>
        process.stderr.write("\nstopping after the calls in flight (Ctrl-C again to abort them)...\n"),
      );
      try {
        const result = await runStudy({
          study,
          store: opts.dryRun ? store : (store ?? open),
          dataDir: resolveDataDir(opts.dataDir),
          modelId: opts.model,
          concurrency: opts.concurrency,
          budgetUsd: opts.budget,
          rpm: opts.rpm,
          tpm: opts.tpm,
          pricesFile: opts.prices,
          newRun: opts.newRun,
          dryRun: opts.dryRun,
          retryFailed: opts.retryFailed,
          stop: signals.stop,
          abort: signals.abort,
          onProgress: (p) => view?.update(p),
        });
        view?.stop();
        process.exitCode = await report(result, store, json);
      } catch (error) {
        throw databaseError(error, opts.db);
      } finally {
        signals.dispose();
        await store?.close();
      }
    });
}

/** Prints the outcome and returns the exit code that tells it (see the help text). */
async function report(result: RunStudyResult, store: Store | null, json: boolean): Promise<number> {
  const out = process.stdout;
  if (result.estimate) {
    const e = result.estimate;
    if (json) {
      out.write(
        `${JSON.stringify({ run: result.run.id, model: result.model.id, model_kind: result.model.kind, jobs: result.totalJobs, estimate: e, notes: result.notes })}\n`,
      );
      return EXIT.ok;
    }
    if (result.model.kind === "baseline") out.write(BASELINE_LINE);
    for (const note of result.notes) out.write(`note: ${note}\n`);
    const bound = e.upperBound ? "at most " : "";
    out.write(
      `dry run for ${result.run.id} (${result.model.id}): ${bound}${e.calls} calls, ~${e.inputTokens} input tokens, ` +
        `≤ ${e.maxOutputTokens} output tokens, worst-case cost ${e.maxCostUsd === null ? `unknown (${e.priceNote})` : `$${e.maxCostUsd.toFixed(4)}`}` +
        `${e.upperBound ? " (the sequential flow: skip and stop rules ask fewer)" : ""}${e.basis ? ` (${e.basis})` : ""}; nothing was written\n`,
    );
    return EXIT.ok;
  }
  const s = result.summary!;
  const counts = await store!.jobCounts(result.run.id);
  const failures = counts.failed > 0 ? failureSummary(await store!.failedJobs(result.run.id)) : [];
  const code = runExitCode(s.stoppedBy, counts);
  if (json) {
    out.write(
      `${JSON.stringify({
        run: result.run.id,
        status: result.run.status,
        model: result.model.id,
        model_kind: result.model.kind,
        resumed: result.resumed,
        jobs: result.totalJobs,
        counts,
        summary: s,
        failures,
        exit_code: code,
        notes: result.notes,
      })}\n`,
    );
    return code;
  }
  if (result.model.kind === "baseline") out.write(BASELINE_LINE);
  for (const note of result.notes) out.write(`note: ${note}\n`);
  out.write(
    `run ${result.run.id} ${result.resumed ? "(resumed) " : ""}${result.run.status}: ` +
      `${counts.ok} ok, ${counts.failed} failed, ${counts.pending} pending of ${result.totalJobs} jobs; ` +
      `${s.calls} calls, ${s.cacheHits} cache hits, ${s.retries} retries${s.retried ? `, ${s.retried} failed jobs retried` : ""}, ` +
      `${s.inputTokens + s.outputTokens} tokens, cost ${s.costUnknown ? "unknown (no price for the model)" : `$${s.costUsd.toFixed(4)}`}\n`,
  );
  if (failures.length > 0) {
    out.write(`failed jobs by reason:\n`);
    for (const f of failures.slice(0, 8))
      out.write(`  ${f.jobs} × ${f.reason}  (e.g. ${truncate(f.example)})\n`);
    if (failures.length > 8)
      out.write(`  … and ${failures.length - 8} other reasons (populace results shows each)\n`);
  }
  if (s.stoppedBy === "unavailable") {
    out.write(
      `stopped: ${s.stopReason}; no more calls were started. Fix it and rerun the same command to resume\n`,
    );
  } else if (s.stoppedBy === "budget") {
    out.write(
      "stopped: the next call could have exceeded the budget; raise --budget and rerun to continue\n",
    );
  } else if (counts.pending > 0) out.write("rerun the same command to resume\n");
  if (counts.failed > 0 && s.stoppedBy === null) {
    out.write(
      "rerunning retries failures that were transient (network, 5xx, timeouts, rate limits); --retry-failed retries all\n",
    );
  }
  return code;
}

const BASELINE_LINE =
  "model: statistical baseline (answers drawn from real human data; not a language model)\n";

function truncate(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}
