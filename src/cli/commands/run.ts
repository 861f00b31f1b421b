import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { loadStudy } from "../../spec/index.ts";
import { databaseError, openStore } from "../../store/index.ts";
import { runStudy } from "../../study/index.ts";
import { positiveInt, positiveNumber } from "../options.ts";
import { progressView } from "../progress.ts";
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
    .option("--dry-run", "estimate calls, tokens and cost without calling the model")
    .option("--json", "print the outcome as JSON")
    .action(async (specFile: string, opts) => {
      const study = loadStudy(specFile);
      const store = openStore(opts.db);
      const json = Boolean(opts.json);
      const view = json ? null : progressView(study.spec.name);
      const signals = interruptSignals(() =>
        process.stderr.write("\nstopping after the calls in flight (Ctrl-C again to abort them)...\n"),
      );
      try {
        const result = await runStudy({
          study,
          store,
          dataDir: resolveDataDir(opts.dataDir),
          modelId: opts.model,
          concurrency: opts.concurrency,
          budgetUsd: opts.budget,
          rpm: opts.rpm,
          tpm: opts.tpm,
          pricesFile: opts.prices,
          newRun: opts.newRun,
          dryRun: opts.dryRun,
          stop: signals.stop,
          abort: signals.abort,
          onProgress: (p) => view?.update(p),
        });
        view?.stop();
        const counts = await store.jobCounts(result.run.id);
        if (json) {
          process.stdout.write(
            `${JSON.stringify({
              run: result.run.id,
              status: result.run.status,
              model: result.model.id,
              model_kind: result.model.kind,
              resumed: result.resumed,
              jobs: result.totalJobs,
              counts,
              summary: result.summary,
              estimate: result.estimate,
              notes: result.notes,
            })}\n`,
          );
        } else {
          const out = process.stdout;
          if (result.model.kind === "baseline") {
            out.write(
              "model: statistical baseline (answers drawn from real human data; not a language model)\n",
            );
          }
          for (const note of result.notes) out.write(`note: ${note}\n`);
          if (result.estimate) {
            const e = result.estimate;
            out.write(
              `dry run for ${result.run.id} (${result.model.id}): ${e.calls} calls, ~${e.inputTokens} input tokens, ` +
                `≤ ${e.maxOutputTokens} output tokens, worst-case cost ${e.maxCostUsd === null ? `unknown (${e.priceNote})` : `$${e.maxCostUsd.toFixed(4)}`}\n`,
            );
          } else {
            const s = result.summary!;
            out.write(
              `run ${result.run.id} ${result.resumed ? "(resumed) " : ""}${result.run.status}: ` +
                `${counts.ok} ok, ${counts.failed} failed, ${counts.pending} pending of ${result.totalJobs} jobs; ` +
                `${s.calls} calls, ${s.cacheHits} cache hits, ${s.retries} retries, ${s.inputTokens + s.outputTokens} tokens, cost ${s.costUnknown ? "unknown (no price for the model)" : `$${s.costUsd.toFixed(4)}`}\n`,
            );
            if (result.run.status === "budget_exhausted") {
              out.write(
                "stopped: the next call could have exceeded the budget; raise --budget and rerun to continue\n",
              );
            } else if (counts.pending > 0) out.write("rerun the same command to resume\n");
          }
        }
        if (result.run.status === "interrupted") process.exitCode = 130;
      } catch (error) {
        throw databaseError(error, opts.db);
      } finally {
        signals.dispose();
        await store.close();
      }
    });
}
