import type { Command } from "commander";
import { csvLine } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import type { ResponseRecord } from "../../store/index.ts";
import { exportTo } from "../output.ts";
import { chooseRun } from "../runs.ts";
import { withStore } from "../store.ts";

export const RESULT_COLUMNS = [
  "run",
  "job",
  "agent",
  "item",
  "arm",
  "replicate",
  "model",
  "status",
  "answer",
  "reason",
  "probabilities",
  "input_tokens",
  "cached_input_tokens",
  "output_tokens",
  "reasoning_tokens",
  "cost_usd",
  "latency_ms",
  "cache_hit",
  "model_snapshot",
] as const;

export function resultRow(r: ResponseRecord): Record<(typeof RESULT_COLUMNS)[number], unknown> {
  return {
    run: r.runId,
    job: r.jobId,
    agent: r.agentId,
    item: r.item,
    arm: r.arm,
    replicate: r.replicate,
    model: r.model,
    status: r.status,
    answer: r.answer,
    reason: r.reason,
    probabilities: r.probabilities,
    input_tokens: r.inputTokens,
    cached_input_tokens: r.cachedInputTokens,
    output_tokens: r.outputTokens,
    reasoning_tokens: r.reasoningTokens,
    cost_usd: r.costUsd,
    latency_ms: Math.round(r.latencyMs * 10) / 10,
    cache_hit: r.cacheHit,
    model_snapshot: r.modelSnapshot,
  };
}

export function register(program: Command): void {
  program
    .command("results")
    .description("Write one row per job and item: answer, status, reason, probabilities, tokens, cost")
    .argument("[run]", "run id (default: the most recent run)")
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--format <format>", "csv or jsonl", "csv")
    .option("--out <file>", "write to a file instead of stdout")
    .action(async (runArg: string | undefined, opts) => {
      if (opts.format !== "csv" && opts.format !== "jsonl") {
        throw new UserError(`--format must be csv or jsonl, not "${opts.format}"`);
      }
      await withStore(opts.db, { readOnly: true }, async (store) => {
        const run = await chooseRun(store, runArg, opts.db);
        await exportTo(opts.out, async (write) => {
          if (opts.format === "csv") await write(`${RESULT_COLUMNS.join(",")}\n`);
          for await (const r of store.responses(run.id)) {
            const row = resultRow(r);
            await write(
              opts.format === "csv"
                ? `${csvLine(RESULT_COLUMNS.map((c) => (c === "answer" && typeof row.answer === "string" ? row.answer : row[c])))}\n`
                : `${JSON.stringify(row)}\n`,
            );
          }
        });
      });
    });
}
