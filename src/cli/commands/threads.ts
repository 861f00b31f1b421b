import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { UserError } from "../../errors/index.ts";
import {
  exportOrder,
  isTestDouble,
  readCommunity,
  testDoubleNote,
  threadRow,
  threadsHtml,
} from "../../simulacra/index.ts";
import { communityOf } from "../../spec/index.ts";
import { openStore } from "../../store/index.ts";
import { communityRun } from "../../study/index.ts";
import { writeHtml } from "../output.ts";
import { chooseRun } from "../runs.ts";

export function register(program: Command): void {
  program
    .command("threads")
    .description(
      "A community run's threads: one JSON object per utterance (or an HTML page), branches included",
    )
    .argument("[run]", "run id (default: the most recent run)")
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--format <format>", "jsonl or html", "jsonl")
    .option("--out <file>", "write to this file instead of standard output")
    .action(async (runArg: string | undefined, opts: { db: string; format: string; out?: string }) => {
      if (opts.format !== "jsonl" && opts.format !== "html") {
        throw new UserError(`--format must be jsonl or html, not "${opts.format}"`);
      }
      const store = openStore(opts.db);
      try {
        const chosen = await chooseRun(store, runArg, opts.db);
        const { run, spec } = await communityRun(store, chosen.id);
        const c = await readCommunity(store, run.id);
        if (opts.format === "jsonl") {
          const text = exportOrder(c)
            .map((u) => `${JSON.stringify(threadRow(u))}\n`)
            .join("");
          if (opts.out) writeOut(opts.out, text);
          else process.stdout.write(text);
          return;
        }
        const notes = isTestDouble(run.modelId, run.modelKind) ? [testDoubleNote(run.modelId)] : [];
        const html = threadsHtml(c, `${spec.name}: ${communityOf(spec.instrument)!.goal}`, notes);
        if (opts.out) writeHtml(opts.out, html);
        else process.stdout.write(html);
      } finally {
        await store.close();
      }
    });
}

function writeOut(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new UserError(`cannot write the threads (${(error as NodeJS.ErrnoException).code ?? error})`, {
      where: path,
    });
  }
}
