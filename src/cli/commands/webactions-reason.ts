import { resolve } from "node:path";
import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { openStore } from "../../store/index.ts";
import { DEFAULT_REASON_TOKENS, type ReasonResult, synthesizeReasoning } from "../../study/index.ts";
import { writeSessions } from "../../webactions/index.ts";
import { commandGroup } from "../group.ts";
import { positiveInt, positiveNumber } from "../options.ts";
import { progressView } from "../progress.ts";
import { runExitCode } from "../runs.ts";
import { interruptSignals } from "../signals.ts";

interface ReasonFlags {
  model: string;
  out: string;
  examples?: string;
  db: string;
  maxOutputTokens?: number;
  concurrency?: number;
  budget?: number;
  rpm?: number;
  tpm?: number;
  prices?: string;
  newRun?: boolean;
  retryFailed?: boolean;
  dataDir?: string;
  json?: boolean;
}

function summary(r: ReasonResult, out: string | null, code: number): string {
  const c = r.counts;
  const lines = [
    `${c.steps} steps: ${c.human} with the shopper's own rationale (left as they are), ${c.kept} with an earlier synthesized one (kept), ` +
      `${c.synthesized} reasons written by ${r.model.id}${c.failed ? `, ${c.failed} failed (no reason written)` : ""}`,
  ];
  if (r.run) {
    const s = r.summary!;
    lines.push(
      `run ${r.run.id} ${r.resumed ? "(resumed) " : ""}${r.run.status}: ${s.calls} calls, ${s.cacheHits} cache hits, ` +
        `${s.inputTokens + s.outputTokens} tokens, cost ${s.costUnknown ? "unknown (no price for the model)" : `$${s.costUsd.toFixed(4)}`}`,
    );
  }
  if (out) lines.push(`wrote ${out}`);
  else
    lines.push(
      `${c.pendingSessions} sessions are not finished: nothing was written; rerun the same command to resume`,
    );
  if (code === 3) lines.push("rerunning retries transient failures; --retry-failed asks again for the rest");
  return lines.join("\n");
}

export function register(program: Command): void {
  commandGroup(program, "webactions", "Web-shopping sessions: next-action prediction and its metrics")
    .command("reason")
    .description(
      "Have a model write a short first-person reason for each real action without a rationale (synthesized_reasoning)",
    )
    .argument("<sessions>", "sessions JSONL")
    .requiredOption("--model <id>", "the model that writes the reasons, e.g. openai:gpt-4o-mini")
    .requiredOption("--out <file>", "sessions JSONL to write: the input with synthesized_reasoning added")
    .option(
      "--examples <file>",
      "few-shot examples JSONL {context?, action, reasoning} (default: Populace's own)",
    )
    .option("--db <file>", "SQLite database (the run, its turns and the cache)", "populace.db")
    .option(
      "--max-output-tokens <n>",
      `output allowance per reason (default ${DEFAULT_REASON_TOKENS})`,
      positiveInt,
    )
    .option("--concurrency <n>", "calls in flight at once", positiveInt)
    .option("--budget <usd>", "never start a call that could take spending past this", positiveNumber)
    .option("--rpm <n>", "requests per minute your provider allows", positiveNumber)
    .option("--tpm <n>", "tokens per minute your provider allows", positiveNumber)
    .option("--prices <file>", "price table override (JSON or YAML)")
    .option("--new-run", "start a fresh run instead of resuming this one")
    .option("--retry-failed", "also ask again for reasons that stayed invalid after the repairs")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .option("--json", "print the outcome as JSON")
    .addHelpText(
      "after",
      "\nExit codes as for populace run: 0 every reason written, 3 some failed, 4 stopped by the budget,\n" +
        "5 the model cannot be used, 6 another process is running this, 130 interrupted (nothing written).",
    )
    .action(async (sessionsFile: string, flags: ReasonFlags) => {
      if (resolve(flags.out) === resolve(sessionsFile)) {
        throw new UserError("--out must be another file: the sessions file stays as it was", {
          where: flags.out,
        });
      }
      const store = openStore(flags.db);
      const view = flags.json ? null : progressView("reasons");
      const signals = interruptSignals(() =>
        process.stderr.write("\nstopping after the calls in flight (Ctrl-C again to abort them)...\n"),
      );
      try {
        const result = await synthesizeReasoning({
          sessionsFile,
          examplesFile: flags.examples,
          store,
          dataDir: resolveDataDir(flags.dataDir),
          modelId: flags.model,
          maxOutputTokens: flags.maxOutputTokens,
          concurrency: flags.concurrency,
          budgetUsd: flags.budget,
          rpm: flags.rpm,
          tpm: flags.tpm,
          pricesFile: flags.prices,
          newRun: flags.newRun,
          retryFailed: flags.retryFailed,
          stop: signals.stop,
          abort: signals.abort,
          onProgress: (p) => view?.update(p),
        });
        view?.stop();
        const complete = result.counts.pendingSessions === 0;
        // Only a finished run is written: a partial file would look like sessions without rationales.
        if (complete) writeSessions(flags.out, result.sessions);
        const code = result.run
          ? runExitCode(result.summary?.stoppedBy ?? null, {
              failed: result.counts.failed,
              pending: result.counts.pendingSessions,
            })
          : 0;
        process.exitCode = code;
        for (const note of flags.json ? [] : result.notes) process.stdout.write(`note: ${note}\n`);
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({
                run: result.run?.id ?? null,
                status: result.run?.status ?? "nothing to do",
                model: result.model.id,
                out: complete ? flags.out : null,
                ...result.counts,
                exit_code: code,
                notes: result.notes,
              })}\n`
            : `${summary(result, complete ? flags.out : null, code)}\n`,
        );
      } finally {
        signals.dispose();
        await store.close();
      }
    });
}
