import type { Command } from "commander";
import {
  type FineTuningJob,
  isFinished,
  type JobEvent,
  jobsClient,
  tunedModelId,
} from "../../finetune/index.ts";
import { commandGroup } from "../group.ts";
import { intFlag, numberFlag } from "../options.ts";

interface StatusFlags {
  wait?: boolean;
  interval: string;
  events: string;
  cancel?: boolean;
  json?: boolean;
}

function describe(job: FineTuningJob, events: JobEvent[]): string {
  const lines = [
    `job ${job.id}: ${job.status} (base model ${job.model}, training file ${job.training_file})`,
  ];
  if (job.trained_tokens !== null) lines.push(`trained tokens: ${job.trained_tokens}`);
  if (job.error) lines.push(`error: ${job.error.message}${job.error.param ? ` (${job.error.param})` : ""}`);
  if (job.fine_tuned_model) {
    lines.push(
      `fine-tuned model: ${job.fine_tuned_model}`,
      `Populace model id: ${tunedModelId(job.fine_tuned_model)}`,
    );
  }
  for (const e of [...events].reverse())
    lines.push(`  ${new Date(e.created_at * 1000).toISOString()}  ${e.level.padEnd(5)} ${e.message}`);
  return lines.join("\n");
}

export function register(program: Command): void {
  commandGroup(program, "finetune", "Fine-tuning on real behaviour: training files, jobs, before/after")
    .command("status")
    .description("Show a fine-tuning job: status, events, and the fine-tuned model's Populace id")
    .argument("<id>", "fine-tuning job id (ftjob-…)")
    .option("--wait", "poll until the job has succeeded, failed or been cancelled")
    .option("--interval <seconds>", "seconds between polls with --wait", "30")
    .option("--events <n>", "latest events to show", "10")
    .option("--cancel", "cancel the job")
    .option("--json", "print the job (with its latest events) as JSON")
    .action(async (id: string, flags: StatusFlags) => {
      const client = jobsClient();
      const interval = numberFlag("interval", flags.interval, (n) => n >= 0, "a number of seconds ≥ 0")!;
      const n = intFlag(flags.events, "--events", 0);
      let job = flags.cancel ? await client.cancelJob(id) : await client.retrieveJob(id);
      while (flags.wait && !isFinished(job)) {
        await new Promise((r) => setTimeout(r, interval * 1000));
        job = await client.retrieveJob(id);
      }
      const events = n > 0 ? await client.listEvents(id, n) : [];
      const model = job.fine_tuned_model ? tunedModelId(job.fine_tuned_model) : null;
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ job, events, populace_model: model }, null, 2)}\n`
          : `${describe(job, events)}\n`,
      );
      if (job.status === "failed") process.exitCode = 1;
    });
}
