import type { Command } from "commander";
import { baseModelName, jobsClient } from "../../finetune/index.ts";
import { commandGroup } from "../group.ts";
import { intFlag } from "../options.ts";

interface LaunchFlags {
  model: string;
  suffix?: string;
  epochs?: string;
  seed?: string;
  json?: boolean;
}

export function register(program: Command): void {
  commandGroup(program, "finetune", "Fine-tuning on real behaviour: training files, jobs, before/after")
    .command("launch")
    .description("Upload a training file and start a fine-tuning job (OpenAI Files and Fine-tuning APIs)")
    .argument("<file>", "chat-format training JSONL (from finetune export)")
    .requiredOption("--model <id>", "base model, e.g. openai:gpt-4o-mini-2024-07-18")
    .option("--suffix <text>", "added to the fine-tuned model's name (up to 64 characters)")
    .option("--epochs <n>", "training epochs (default: the provider's choice)")
    .option("--seed <n>", "the job's seed, for reproducible training")
    .option("--json", "print the job as JSON")
    .action(async (file: string, flags: LaunchFlags) => {
      const model = baseModelName(flags.model);
      const client = jobsClient();
      const uploaded = await client.uploadFile(file);
      const job = await client.createJob({
        model,
        training_file: uploaded.id,
        ...(flags.suffix ? { suffix: flags.suffix } : {}),
        ...(flags.epochs ? { n_epochs: intFlag(flags.epochs, "--epochs", 1) } : {}),
        ...(flags.seed ? { seed: intFlag(flags.seed, "--seed", 0) } : {}),
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ file: uploaded, job }, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `uploaded ${file} as ${uploaded.id} (${uploaded.bytes} bytes) to ${client.baseURL}\n` +
          `fine-tuning job ${job.id}: ${job.status} (base model ${job.model})\n` +
          `follow it with: populace finetune status ${job.id}\n`,
      );
    });
}
