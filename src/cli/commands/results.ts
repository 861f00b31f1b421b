import type { Command } from "commander";
import { csvLine } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { personId, readBack } from "../../results/index.ts";
import type { AgentRecord, ResponseRecord } from "../../store/index.ts";
import { conditioningOf } from "../../study/index.ts";
import { exportTo } from "../output.ts";
import { chooseRun } from "../runs.ts";
import { withStore } from "../store.ts";

export const RESULT_COLUMNS = [
  "run",
  "job",
  "agent",
  "person_id",
  "item",
  "arm",
  "conditioning",
  "replicate",
  "turn",
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

export function resultRow(
  r: ResponseRecord,
  agent?: AgentRecord,
): Record<(typeof RESULT_COLUMNS)[number], unknown> {
  return {
    run: r.runId,
    job: r.jobId,
    agent: r.agentId,
    person_id: agent ? personId(agent) : r.agentId,
    item: r.item,
    arm: r.arm,
    conditioning: conditioningOf(r.arm),
    replicate: r.replicate,
    turn: r.turn,
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
    .option(
      "--with <parts>",
      "attributes: the agents' attributes as columns (csv; the default) or an attributes object (jsonl); none: leave them out",
    )
    .option("--out <file>", "write to a file instead of stdout")
    .action(async (runArg: string | undefined, opts) => {
      if (opts.format !== "csv" && opts.format !== "jsonl") {
        throw new UserError(`--format must be csv or jsonl, not "${opts.format}"`);
      }
      const parts = opts.with ?? (opts.format === "csv" ? "attributes" : "none");
      if (parts !== "attributes" && parts !== "none") {
        throw new UserError(`--with must be attributes or none, not "${parts}"`);
      }
      await withStore(opts.db, { readOnly: true }, async (store) => {
        const run = await chooseRun(store, runArg, opts.db);
        const agents = new Map((await store.agents(run.id)).map((a) => [a.agentId, a]));
        const attributes = parts === "attributes" ? attributeColumns(agents.values()) : [];
        await exportTo(opts.out, async (write) => {
          if (opts.format === "csv") {
            await write(`${csvLine([...RESULT_COLUMNS, ...attributes.map((a) => a.column)])}\n`);
          }
          for await (const stored of store.responses(run.id)) {
            const r = readBack(stored);
            const agent = agents.get(r.agentId);
            const row = resultRow(r, agent);
            if (opts.format === "csv") {
              const values = RESULT_COLUMNS.map((c) =>
                c === "answer" && typeof row.answer === "string" ? row.answer : row[c],
              );
              for (const a of attributes) values.push(agent?.attributes[a.name] ?? "");
              await write(`${csvLine(values)}\n`);
            } else {
              await write(
                `${JSON.stringify(parts === "attributes" ? { ...row, attributes: agent?.attributes ?? {} } : row)}\n`,
              );
            }
          }
        });
      });
    });
}

/**
 * The attribute columns of a run's agents, in first-seen order. An attribute named like a result
 * column (e.g. "model") is written as attribute_<name>, so no column is lost or overwritten.
 */
export function attributeColumns(agents: Iterable<AgentRecord>): { name: string; column: string }[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const a of agents) {
    for (const name of Object.keys(a.attributes)) {
      if (!seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
    }
  }
  const taken = new Set<string>(RESULT_COLUMNS);
  return names.map((name) => ({ name, column: taken.has(name) ? `attribute_${name}` : name }));
}
