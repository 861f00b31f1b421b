import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { register as launch } from "../cli/commands/finetune-launch.ts";
import { register as status } from "../cli/commands/finetune-status.ts";
import { runInProcess } from "../cli/in-process.ts";
import { toJsonl } from "../data/index.ts";
import { createModel, parseModelId } from "../llm/index.ts";
import type { MockLlm } from "../mock-llm/index.ts";
import { jobsClient } from "./index.ts";
import { mockOpenAi } from "./test-fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-finetune-jobs-"));
let mock: MockLlm;
let stop: () => Promise<void>;
before(async () => {
  ({ mock, stop } = await mockOpenAi(5));
});
after(() => stop());

function trainingFile(name: string, n: number): string {
  const path = join(dir, name);
  const examples = Array.from({ length: n }, (_, i) => ({
    messages: [
      { role: "system", content: "I am a 40-year-old teacher." },
      { role: "user", content: `Question ${i}` },
      { role: "assistant", content: '{"answers": {"q": "Yes"}}' },
    ],
  }));
  writeFileSync(path, toJsonl(examples));
  return path;
}

test("launch → status round trip over real HTTP: the job moves per poll and ends with a model the mock answers for", async () => {
  const file = trainingFile("train.jsonl", 12);
  const started = await runInProcess(
    [launch],
    ["finetune", "launch", file, "--model", "openai:gpt-4o-mini-2024-07-18", "--suffix", "gss", "--json"],
  );
  assert.equal(started.error, undefined, started.error?.message);
  const { file: uploaded, job } = JSON.parse(started.stdout);
  assert.match(uploaded.id, /^file-/);
  assert.equal(uploaded.purpose, "fine-tune");
  assert.equal(uploaded.filename, "train.jsonl");
  assert.equal(job.object, "fine_tuning.job");
  assert.match(job.id, /^ftjob-/);
  assert.equal(job.status, "validating_files");
  assert.equal(job.model, "gpt-4o-mini-2024-07-18");
  assert.equal(job.training_file, uploaded.id);
  assert.equal(job.fine_tuned_model, null);

  const seen: string[] = [];
  let last:
    | { job: Record<string, unknown>; events: { message: string }[]; populace_model: string | null }
    | undefined;
  for (let i = 0; i < 5 && last?.job.status !== "succeeded"; i++) {
    const out = await runInProcess([status], ["finetune", "status", job.id, "--json"]);
    assert.equal(out.error, undefined, out.error?.message);
    last = JSON.parse(out.stdout);
    seen.push(String(last!.job.status));
  }
  assert.deepEqual(seen, ["queued", "running", "succeeded"]);
  const model = String(last!.job.fine_tuned_model);
  assert.match(model, /^ft:gpt-4o-mini-2024-07-18:org-populace-mock:gss:[A-Za-z0-9]{8}$/);
  assert.equal(last!.populace_model, `openai:${model}`);
  assert.ok(Number(last!.job.trained_tokens) > 0);
  assert.ok(last!.events.some((e) => e.message === `New fine-tuned model created: ${model}`));
  // Newest first, as OpenAI lists them.
  assert.equal(last!.events[0].message, "The job has successfully completed");

  // The text view names the Populace model id to use.
  const text = await runInProcess([status], ["finetune", "status", job.id]);
  assert.match(text.stdout, new RegExp(`Populace model id: openai:${model.replace(/[.]/g, "\\.")}`));

  // The tuned model is a Populace model id, and the mock answers for it (unknown ft: ids get 404).
  assert.deepEqual(parseModelId(`openai:${model}`), { provider: "openai", model });
  const tuned = createModel(`openai:${model}`, { env: process.env });
  const reply = await tuned.complete({
    messages: [
      { role: "system", content: "I am a 40-year-old teacher." },
      { role: "user", content: "Do you favor the death penalty?" },
    ],
    schema: {
      name: "answers",
      schema: {
        type: "object",
        properties: {
          answers: {
            type: "object",
            properties: { q: { type: "string", enum: ["Yes", "No"] } },
            required: ["q"],
            additionalProperties: false,
          },
        },
        required: ["answers"],
        additionalProperties: false,
      },
    },
  });
  assert.ok(["Yes", "No"].includes(JSON.parse(reply.text).answers.q));
  const unknown = createModel("openai:ft:gpt-4o-mini:someone::nope1234", { env: process.env });
  await assert.rejects(unknown.complete({ messages: [{ role: "user", content: "hi" }] }), /does not exist/);
  const models = (await (await fetch(`${mock.url}/v1/models`)).json()) as { data: { id: string }[] };
  assert.ok(models.data.some((m) => m.id === model));
});

test("a training file the API refuses fails the job with the reason; cancel and auth errors are clear", async () => {
  const client = jobsClient();
  const small = await client.uploadFile(trainingFile("small.jsonl", 3));
  const job = await client.createJob({ model: "gpt-4o-mini", training_file: small.id });
  const failed = await client.retrieveJob(job.id);
  assert.equal(failed.status, "failed");
  assert.deepEqual(failed.error, {
    code: "invalid_training_file",
    message: "Training file has 3 example(s), but must have at least 10 examples",
    param: "training_file",
  });
  const out = await runInProcess([status], ["finetune", "status", job.id]);
  assert.match(out.stdout, /: failed .*\nerror: Training file has 3 example\(s\)/);
  assert.equal(process.exitCode, 1);
  process.exitCode = 0;

  const ok = await client.uploadFile(trainingFile("ok.jsonl", 10));
  const second = await client.createJob({ model: "gpt-4o-mini", training_file: ok.id, n_epochs: 2 });
  const cancelled = await runInProcess([status], ["finetune", "status", second.id, "--cancel", "--json"]);
  assert.equal(JSON.parse(cancelled.stdout).job.status, "cancelled");
  const again = await runInProcess([status], ["finetune", "status", second.id, "--cancel"]);
  assert.match(again.error?.message ?? "", /HTTP 400: Job ftjob-\S+ has already been cancelled/);

  const missing = await runInProcess([status], ["finetune", "status", "ftjob-nope"]);
  assert.match(
    missing.error?.message ?? "",
    /HTTP 404: Could not find fine-tuning job ftjob-nope \(fine_tuning_job_id\)/,
  );
  const badFile = await runInProcess(
    [launch],
    ["finetune", "launch", join(dir, "absent.jsonl"), "--model", "openai:gpt-4o-mini"],
  );
  assert.match(badFile.error?.message ?? "", /absent\.jsonl: cannot read the training file \(ENOENT\)/);
  const wrongProvider = await runInProcess(
    [launch],
    ["finetune", "launch", join(dir, "ok.jsonl"), "--model", "anthropic:claude-sonnet-4-5"],
  );
  assert.match(wrongProvider.error?.message ?? "", /fine-tuning jobs go to OpenAI's API/);
  const badKey = jobsClient({
    env: { OPENAI_API_KEY: "mock-invalid-key", OPENAI_BASE_URL: `${mock.url}/v1` },
  });
  await assert.rejects(badKey.retrieveJob(job.id), /HTTP 401: Incorrect API key provided/);
  assert.throws(() => jobsClient({ env: {} }), /set the environment variable OPENAI_API_KEY/);
});
