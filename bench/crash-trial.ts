/**
 * A crash trial (DESIGN section 11): run a sequential-flow study with `populace run` against the
 * mock LLM server, kill -9 the process at a random moment, run the same command again until it
 * completes, and compare with an uninterrupted run of the same study: every completed turn kept,
 * the same transcripts, and no call paid twice beyond the calls that were in flight.
 * Shared by bench/crash.ts (10 trials at full size) and the test suite (a small trial).
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MockLlm } from "../src/mock-llm/index.ts";
import { openStore, type TurnRecord } from "../src/store/index.ts";

const bin = resolve(import.meta.dirname, "../bin/populace");

export interface CrashStudy {
  dir: string;
  name: string;
  people: number;
  /** Items in the survey (at least 4: the first three carry a skip rule and piping). */
  items: number;
}

/** A sequential survey with a skip rule, piping and a stop rule, for `people` personas. */
export function writeCrashStudy(s: CrashStudy): string {
  const file = join(s.dir, `${s.name}.yaml`);
  const items = [
    `    - {id: smoker, type: yes_no, text: "Do you smoke?"}`,
    `    - {id: cigs, type: numeric, text: "How many cigarettes a day?", min: 1, max: 60, when: {item: smoker, in: ["Yes"]}}`,
    `    - {id: quit, type: yes_no, text: "You smoke {{cigs}} a day. Have you tried to quit?", when: {item: smoker, in: ["Yes"]}}`,
  ];
  for (let i = 4; i <= s.items; i++) {
    items.push(
      `    - {id: q${i}, type: likert, text: "Statement ${i}: people in my town can be trusted."${i === s.items - 1 ? ", stop_when: {item: q" + i + ", in: [Strongly disagree]}" : ""}}`,
    );
  }
  writeFileSync(
    file,
    `name: ${s.name}
seed: 11
population:
  source: personas
  personas:
${Array.from({ length: s.people }, (_, i) => `    - {id: p${i + 1}, text: "I am person ${i + 1}, ${18 + (i % 60)} years old, living in district ${i % 7}."}`).join("\n")}
instrument:
  flow: sequential
  items:
${items.join("\n")}
model: {max_output_tokens: 60}
`,
  );
  return file;
}

export interface RunOutcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `populace run`, killed with SIGKILL after `killAfterMs` if given and it is still running. */
export function populaceRun(args: string[], killAfterMs?: number): Promise<RunOutcome> {
  return populaceCommand(["run", ...args], killAfterMs);
}

/** Any populace command (e.g. `interview`), killed with SIGKILL after `killAfterMs` if given. */
export function populaceCommand(args: string[], killAfterMs?: number): Promise<RunOutcome> {
  return new Promise((done) => {
    const child = spawn(bin, args, { env: { ...process.env, POPULACE_DEBUG: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, stdout, stderr });
    });
  });
}

/** A run's turns as content (what was asked and answered), in order. */
export async function transcriptOf(db: string): Promise<string[][]> {
  const store = openStore(db);
  try {
    const run = (await store.listRuns()).at(-1);
    if (!run) return [];
    const out: string[][] = [];
    for await (const t of store.turns(run.id)) out.push(turnContent(t));
    return out;
  } finally {
    await store.close();
  }
}

function turnContent(t: TurnRecord): string[] {
  return [t.jobId, String(t.turn), t.speaker, t.prompt ?? "", t.text, t.status];
}

export interface TrialResult {
  kills: number;
  /** Model turns in the finished run. */
  turns: number;
  /** 200s the mock sent during the trial: calls paid. */
  paid: number;
  identical: boolean;
  completed: boolean;
}

/**
 * One trial: kill the run after `killAfterMs` (a random moment chosen by the caller), then run it
 * again without a kill until it completes; compare with `reference` (an uninterrupted run's
 * transcript).
 */
export async function crashTrial(
  mock: MockLlm,
  spec: string,
  db: string,
  killAfterMs: number,
  reference: string[][],
  concurrency = 8,
): Promise<TrialResult> {
  const args = [spec, "--model", `${mock.url}/v1#mock`, "--db", db, "--concurrency", String(concurrency)];
  const before = mock.stats().by_status["200"] ?? 0;
  let kills = 0;
  const first = await populaceRun(args, killAfterMs);
  if (first.signal === "SIGKILL") kills++;
  let last = first;
  for (let attempt = 0; attempt < 5 && last.status !== 0; attempt++) last = await populaceRun(args);
  // Let the mock finish answering calls that were in flight when the process died.
  await new Promise((r) => setTimeout(r, 200));
  const paid = (mock.stats().by_status["200"] ?? 0) - before;
  const transcript = await transcriptOf(db);
  const turns = transcript.filter((t) => t[5] !== "note").length;
  return {
    kills,
    turns,
    paid,
    identical: JSON.stringify(transcript) === JSON.stringify(reference),
    completed: last.status === 0,
  };
}
