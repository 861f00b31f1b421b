import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { type Agent, defaultConditioning, loadAgentBank, withConditioning } from "../../agents/index.ts";
import { resolveDataDir } from "../../data/index.ts";
import { EXIT, UserError } from "../../errors/index.ts";
import {
  DEFAULT_SCRIPT,
  loadScript,
  type RunInterviewsResult,
  respondentWords,
  runInterviews,
  writeTranscripts,
} from "../../interviewer/index.ts";
import { createRng } from "../../random/index.ts";
import { loadStudy } from "../../spec/index.ts";
import { openStore, type Store } from "../../store/index.ts";
import {
  buildPopulation,
  defaultModelId,
  failureSummary,
  readStoredInterviews,
  resolveModel,
} from "../../study/index.ts";
import { positiveInt, positiveNumber } from "../options.ts";
import { progressView } from "../progress.ts";
import { interruptSignals } from "../signals.ts";

interface InterviewFlags {
  script?: string;
  agent?: string[];
  agents?: number;
  spec?: string;
  seed: string;
  db: string;
  model?: string;
  interviewerModel?: string;
  out?: string;
  concurrency?: number;
  budget?: number;
  rpm?: number;
  tpm?: number;
  prices?: string;
  dataDir?: string;
  newRun?: boolean;
  retryFailed?: boolean;
  json?: boolean;
}

/** The people to interview: named agents or N of them, from the agent bank or a study's population. */
async function people(flags: InterviewFlags, dataDir: string): Promise<Agent[]> {
  const named =
    flags.agent
      ?.flatMap((a) => a.split(","))
      .map((a) => a.trim())
      .filter(Boolean) ?? [];
  if (named.length === 0 && flags.agents === undefined) {
    throw new UserError("name who is interviewed: --agent ID (repeatable) or --agents N");
  }
  if (named.length > 0 && flags.agents !== undefined)
    throw new UserError("give --agent or --agents, not both");
  let pool: Agent[];
  if (flags.spec) {
    const study = loadStudy(flags.spec);
    const p = study.spec.population;
    if (!p) throw new UserError("the study has no population to interview", { where: flags.spec });
    const storedInterviews =
      p.source === "interviews" && p.db !== undefined
        ? await readStoredInterviews(resolve(dirname(study.file), p.db), p.run)
        : undefined;
    pool = buildPopulation(p, { dataDir, specFile: study.file, seed: study.spec.seed, storedInterviews });
  } else {
    pool = withConditioning(loadAgentBank(dataDir, { seed: flags.seed }), { mode: "demographic" });
  }
  const where = flags.spec ? `the population of ${flags.spec}` : "the agent bank";
  if (named.length > 0) {
    const byId = new Map(pool.map((a) => [a.id, a]));
    return named.map((id) => {
      const a = byId.get(id);
      if (!a) throw new UserError(`no person "${id}" in ${where}`, { where: "--agent" });
      return a;
    });
  }
  const n = flags.agents!;
  if (n > pool.length) throw new UserError(`--agents ${n}: ${where} has ${pool.length} people`);
  const sampled = loadSample(pool, n, flags.seed);
  return sampled.map((a) =>
    a.conditioning ? a : withConditioning([a], { mode: defaultConditioning(a.source) })[0],
  );
}

/** n people drawn with the seed, in the pool's order (the same --seed gives the same people). */
function loadSample(pool: Agent[], n: number, seed: string): Agent[] {
  const picked = createRng(`interview:${seed}`).sample(
    pool.map((_, i) => i),
    n,
  );
  return picked.sort((a, b) => a - b).map((i) => pool[i]);
}

function exitCode(r: RunInterviewsResult, failed: number, pending: number): number {
  const s = r.summary;
  if (s.stoppedBy === "budget") return EXIT.budget;
  if (s.stoppedBy === "unavailable") return EXIT.providerUnavailable;
  if (s.stoppedBy === "interrupt") return EXIT.interrupted;
  if (failed > 0) return EXIT.someFailed;
  return pending > 0 ? EXIT.interrupted : EXIT.ok;
}

async function report(
  r: RunInterviewsResult,
  store: Store,
  flags: InterviewFlags,
  files: string[],
): Promise<number> {
  const counts = await store.jobCounts(r.run.id);
  const code = exitCode(r, counts.failed, counts.pending);
  const failures = counts.failed > 0 ? failureSummary(await store.failedJobs(r.run.id)) : [];
  const s = r.summary;
  const out = process.stdout;
  if (flags.json) {
    out.write(
      `${JSON.stringify({
        run: r.run.id,
        status: r.run.status,
        resumed: r.resumed,
        counts,
        interviews: r.sessions.map((x) => ({
          id: x.id,
          agent: x.agentId,
          turns: x.turns.length,
          words: respondentWords(x),
        })),
        files,
        summary: s,
        failures,
        exit_code: code,
        notes: r.notes,
      })}\n`,
    );
    return code;
  }
  for (const note of r.notes) out.write(`note: ${note}\n`);
  const words = r.sessions.map(respondentWords);
  const mean = words.length ? Math.round(words.reduce((a, b) => a + b, 0) / words.length) : 0;
  out.write(
    `interviews ${r.run.id} ${r.resumed ? "(resumed) " : ""}${r.run.status}: ${counts.ok} finished, ${counts.failed} failed, ` +
      `${counts.pending} pending; ${s.calls} calls, ${s.cacheHits} cache hits, ${s.retries} retries, ` +
      `cost ${s.costUnknown ? "unknown (no price for the model)" : `$${s.costUsd.toFixed(4)}`}; ` +
      `${mean.toLocaleString("en-US")} words per person on average\n`,
  );
  for (const f of failures.slice(0, 8)) out.write(`  ${f.jobs} × ${f.reason}\n`);
  if (files.length) out.write(`wrote ${files.length} transcripts (JSONL) to ${flags.out}\n`);
  out.write(
    `the transcripts are interview agents: population { source: interviews, db: ${flags.db}, run: ${r.run.id} }` +
      `${files.length ? ` or { source: interviews, dir: ${flags.out} }` : ""}\n`,
  );
  if (counts.pending > 0) out.write("rerun the same command to resume\n");
  return code;
}

export function register(program: Command): void {
  program
    .command("interview")
    .description(
      "Interview simulated people with a semi-structured script (agent-to-agent); the transcripts become interview agents",
    )
    .option("--script <file>", "interview script (YAML)", DEFAULT_SCRIPT)
    .option(
      "--agent <id>",
      "interview this person (repeatable, or comma-separated)",
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option("--agents <n>", "interview n people (a seeded sample)", positiveInt)
    .option("--spec <file>", "take the people from this study's population (default: the agent bank)")
    .option("--seed <seed>", "seed of the --agents sample", "1")
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--model <id>", "the interviewee's model (default: $POPULACE_MODEL)")
    .option("--interviewer-model <id>", "the interviewer's model (default: --model)")
    .option("--out <dir>", "also write each transcript as DIR/<agent>.jsonl")
    .option("--concurrency <n>", "interviews in progress at once", positiveInt)
    .option("--budget <usd>", "never start a call that could take spending past this", positiveNumber)
    .option("--rpm <n>", "requests per minute your provider allows", positiveNumber)
    .option("--tpm <n>", "tokens per minute your provider allows", positiveNumber)
    .option("--prices <file>", "price table override (JSON or YAML)")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .option(
      "--new-run",
      "start a fresh run instead of resuming the last one of these people, script and models",
    )
    .option("--retry-failed", "also retry interviews that failed for good")
    .option("--json", "print the outcome as JSON")
    .addHelpText(
      "after",
      "\nExit codes as populace run: 0 all finished, 2 refused, 3 some failed, 4 budget, 5 model unusable,\n" +
        "6 another process holds the run, 130 interrupted (rerun the same command to resume).",
    )
    .action(async (flags: InterviewFlags) => {
      const dataDir = resolveDataDir(flags.dataDir);
      const script = loadScript(flags.script);
      const agents = await people(flags, dataDir);
      const modelId = flags.model ?? defaultModelId();
      const model = resolveModel(modelId, { dataDir, seed: 1 });
      const interviewerModel = flags.interviewerModel
        ? resolveModel(flags.interviewerModel, { dataDir, seed: 1 })
        : undefined;
      const store = openStore(flags.db);
      const view = flags.json ? null : progressView(`interview ${script.script.name}`);
      const signals = interruptSignals(() =>
        process.stderr.write("\nstopping after the calls in flight (Ctrl-C again to abort them)...\n"),
      );
      try {
        const result = await runInterviews({
          store,
          script,
          agents,
          model,
          interviewerModel,
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
        let files: string[] = [];
        if (flags.out) {
          mkdirSync(flags.out, { recursive: true });
          files = writeTranscripts(flags.out, result.sessions);
        }
        process.exitCode = await report(result, store, flags, files);
      } finally {
        signals.dispose();
        await store.close();
      }
    });
}
