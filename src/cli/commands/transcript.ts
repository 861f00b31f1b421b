import type { Command } from "commander";
import { UserError } from "../../errors/index.ts";
import { openStore, type TurnRecord } from "../../store/index.ts";
import { chooseRun } from "../runs.ts";

export function register(program: Command): void {
  program
    .command("transcript")
    .description("Show the turns of a run's episodes (who was asked what, and what came back)")
    .argument("[run]", "run id (default: the most recent run)")
    .argument("[job]", "one job's id, e.g. a17/survey/control/r1 (default: every job)")
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--format <format>", "text or jsonl", "text")
    .action(async (runArg: string | undefined, jobArg: string | undefined, opts) => {
      if (opts.format !== "text" && opts.format !== "jsonl") {
        throw new UserError(`--format must be text or jsonl, not "${opts.format}"`);
      }
      const store = openStore(opts.db);
      try {
        const run = await chooseRun(store, runArg, opts.db);
        let seq: number | undefined;
        if (jobArg !== undefined) {
          const job = (await store.jobs(run.id)).find((j) => j.jobId === jobArg);
          if (!job) throw new UserError(`run ${run.id} has no job "${jobArg}"`);
          seq = job.seq;
        }
        let turns = 0;
        let lastSeq = -1;
        for await (const t of store.turns(run.id, seq)) {
          turns++;
          if (opts.format === "jsonl") {
            process.stdout.write(`${JSON.stringify(jsonTurn(t))}\n`);
            continue;
          }
          if (t.seq !== lastSeq) {
            process.stdout.write(`${lastSeq === -1 ? "" : "\n"}== ${t.jobId} ==\n`);
            lastSeq = t.seq;
          }
          process.stdout.write(textTurn(t));
        }
        if (turns === 0) {
          process.stderr.write(
            `no turns in run ${run.id}${jobArg ? ` for job ${jobArg}` : ""}: turns are kept for episodes (e.g. instrument.flow: sequential), not for batch calls\n`,
          );
        }
      } finally {
        await store.close();
      }
    });
}

function jsonTurn(t: TurnRecord) {
  return {
    run: t.runId,
    job: t.jobId,
    turn: t.turn,
    speaker: t.speaker,
    model: t.model,
    status: t.status,
    prompt: t.prompt,
    text: t.text,
    payload: t.payload,
    reason: t.reason,
    input_tokens: t.inputTokens,
    cached_input_tokens: t.cachedInputTokens,
    output_tokens: t.outputTokens,
    cost_usd: t.costUsd,
    cache_hit: t.cacheHit,
  };
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");
}

function textTurn(t: TurnRecord): string {
  if (t.status === "note") return `[${t.turn}] ${t.speaker}: ${t.text}\n`;
  const cost = t.cacheHit
    ? "from the cache"
    : `${t.inputTokens} in / ${t.outputTokens} out tokens${t.costUsd === null ? "" : `, $${t.costUsd.toFixed(5)}`}`;
  let out = `[${t.turn}] to ${t.speaker} (${t.model}, ${cost}):\n`;
  if (t.prompt) out += `${indent(t.prompt, "    > ")}\n`;
  out += `${indent(t.text === "" ? "(no reply)" : t.text, `    ${t.speaker}: `.replace(/: $/, ": "))}\n`;
  if (t.status === "failed") out += `    failed: ${t.reason}\n`;
  return out;
}
