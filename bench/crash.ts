/**
 * npm run bench:crash — kill -9 at random moments of a sequential-flow study (500 people × 10 items
 * with skip rules and piping, mock LLM with 20 ms latency, --concurrency 8), then the same
 * command until it completes; 10 trials. Prints per trial: when it was killed, turns, calls paid
 * (the mock's 200s) and whether the transcripts equal an uninterrupted run's. Last line JSON.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMockLlm } from "../src/mock-llm/index.ts";
import { createRng } from "../src/random/index.ts";
import { crashTrial, populaceRun, transcriptOf, writeCrashStudy } from "./crash-trial.ts";

const dir = mkdtempSync(join(tmpdir(), "populace-bench-crash-"));
const log = (line: string) => process.stdout.write(`${line}\n`);
const mock = await startMockLlm({ seed: 3, latencyMs: 20 });
try {
  const people = Number(process.env.CRASH_PEOPLE ?? 500);
  const spec = writeCrashStudy({ dir, name: "crash", people, items: 10 });
  const reference = join(dir, "reference.db");
  const t0 = performance.now();
  const clean = await populaceRun([
    spec,
    "--model",
    `${mock.url}/v1#mock`,
    "--db",
    reference,
    "--concurrency",
    "8",
  ]);
  if (clean.status !== 0) throw new Error(`the uninterrupted run failed: ${clean.stderr}`);
  const cleanSeconds = (performance.now() - t0) / 1000;
  const expected = await transcriptOf(reference);
  const modelTurns = expected.filter((t) => t[5] !== "note").length;
  log(`uninterrupted: ${people} people × 10 items, ${modelTurns} turns in ${cleanSeconds.toFixed(1)} s`);
  const rng = createRng("bench-crash");
  const trials = [];
  for (let trial = 0; trial < 10; trial++) {
    // Anywhere from the CLI's start-up to near the end of an uninterrupted run.
    const killAfterMs = 600 + Math.floor(rng.next() * cleanSeconds * 1000);
    const r = await crashTrial(mock, spec, join(dir, `trial${trial}.db`), killAfterMs, expected);
    trials.push({ trial, kill_after_ms: killAfterMs, ...r, repeats: r.paid - r.turns });
    log(
      `trial ${trial}: killed after ${killAfterMs} ms${r.kills ? "" : " (had finished)"}; completed ${r.completed}; ` +
        `${r.turns} turns, ${r.paid} calls paid (${r.paid - r.turns} repeated); transcripts identical ${r.identical}`,
    );
  }
  const all = trials.every((t) => t.completed && t.identical && t.paid <= t.turns + 8);
  log(`all trials complete, identical and within turns + 8 paid calls: ${all}`);
  process.stdout.write(
    `${JSON.stringify({ people, items: 10, turns: modelTurns, uninterrupted_seconds: Math.round(cleanSeconds * 10) / 10, trials, ok: all })}\n`,
  );
  if (!all) process.exitCode = 1;
} finally {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
}
