import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { parseCsv } from "../data/index.ts";
import { startMockLlm } from "../mock-llm/index.ts";
import { RESULT_COLUMNS } from "./commands/results.ts";

// The CLI as a user runs it: bin/populace in a child process.
const bin = resolve(import.meta.dirname, "../../bin/populace");
const dir = mkdtempSync(join(tmpdir(), "populace-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI without blocking this process (the mock server lives in it). */
function populaceAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(bin, args, { env: { ...process.env, POPULACE_DEBUG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (status) => done({ status, stdout, stderr }));
  });
}

function populace(args: string[]) {
  return spawnSync(bin, args, { encoding: "utf8", env: { ...process.env, POPULACE_DEBUG: "" } });
}

function writeSpec(name: string, people: number, extra = ""): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
population:
  source: personas
  personas:
${Array.from({ length: people }, (_, i) => `    - {id: p${i + 1}, text: "I am person number ${i + 1}."}`).join("\n")}
instrument:
  items:
    - {id: q1, type: multiple_choice, text: "Which do you prefer?", options: [Tea, Coffee, Water]}
${extra}`,
  );
  return file;
}

test("validate lists every problem with line and path, exits 2, and prints no stack trace", () => {
  const file = join(dir, "bad.yaml");
  writeFileSync(
    file,
    "name: bad\npopulation: {source: agent-bank, n: -1}\ninstrument:\n  items:\n    - {id: q, type: multiple_choice, text: t, options: [one]}\n",
  );
  const r = populace(["validate", file]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.yaml:2:\d+ {2}population\.n: must be a positive whole number/);
  assert.match(r.stderr, /bad\.yaml:5:\d+ {2}instrument\.items\[0\]\.options: at least 2 options/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  // A custom question is refused on the default statistical baseline, at its line, and is fine
  // on an LLM; the same study with GSS items only passes on the baseline.
  const fine = writeSpec("fine", 2);
  const onBaseline = populace(["validate", fine]);
  assert.equal(onBaseline.status, 2);
  assert.match(onBaseline.stderr, /fine\.yaml:9:7 {2}instrument\.items\[0\]: "q1" is a custom question/);
  const ok = populace(["validate", fine, "--model", "openai:gpt-4o-mini"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /ok \(study "fine", .*; 2 people, 2 jobs on openai:gpt-4o-mini\)/);
  const gss = join(dir, "gss.yaml");
  writeFileSync(
    gss,
    "name: gss\npopulation: {source: agent-bank, n: 3}\ninstrument:\n  items: [{gss: cappun}, {gss: grass}]\n",
  );
  assert.equal(populace(["validate", gss]).status, 0);
  const ran = populace(["run", gss, "--db", join(dir, "gss.db")]);
  assert.equal(ran.status, 0, ran.stderr);
  assert.match(ran.stdout, /completed: 6 ok, 0 failed/);
});

test("schema prints a JSON Schema; a missing spec file is a one-line error", () => {
  const r = populace(["schema"]);
  assert.equal(r.status, 0);
  assert.equal(JSON.parse(r.stdout).type, "object");
  const missing = populace(["run", join(dir, "nope.yaml")]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^populace: error: .*nope\.yaml: cannot read study spec \(ENOENT\)\n$/);
});

test("kill -9 mid-run, then the same command resumes: nothing completed is lost or paid twice", async () => {
  const mock = await startMockLlm({ latencyMs: 40, seed: 21 });
  const spec = writeSpec("crash", 150);
  const db = join(dir, "crash.db");
  const args = ["run", spec, "--db", db, "--model", `${mock.url}/v1#mock`, "--concurrency", "4"];
  const concurrency = 4;
  try {
    const child: ChildProcess = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    // Listen for the exit at once: a run that ended early must fail the test, not hang it.
    let exitedEarly = false;
    const exited = new Promise<void>((r) =>
      child.once("exit", () => {
        exitedEarly = true;
        r();
      }),
    );
    // Wait until some jobs are committed, then kill without warning.
    const deadline = Date.now() + 20_000;
    let committed = 0;
    while (!exitedEarly && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      let peek: DatabaseSync | undefined;
      try {
        peek = new DatabaseSync(db, { readOnly: true, timeout: 2000 });
        committed = (peek.prepare("SELECT COUNT(*) AS n FROM responses").get() as { n: number }).n;
      } catch {
        // The database or its tables may not exist yet.
      } finally {
        peek?.close();
      }
      if (committed >= 30) break;
    }
    assert.ok(!exitedEarly, `the run ended before the kill: ${stderr}`);
    child.kill("SIGKILL");
    await exited;
    assert.ok(committed >= 30, "the run made progress before the kill");

    const look = new DatabaseSync(db, { readOnly: true });
    const before = look
      .prepare(
        "SELECT j.job_id, r.answer_json FROM responses r JOIN jobs j USING (run, seq) WHERE r.status = 'ok'",
      )
      .all() as {
      job_id: string;
      answer_json: string;
    }[];
    const pendingBefore = (
      look
        .prepare(
          "SELECT COUNT(*) AS n FROM jobs j WHERE NOT EXISTS (SELECT 1 FROM responses r WHERE r.run = j.run AND r.seq = j.seq)",
        )
        .get() as { n: number }
    ).n;
    look.close();
    assert.ok(pendingBefore > 0, "killed before the end");
    const requestsAtKill = mock.stats().requests;

    const resumed = await populaceAsync([...args, "--json"]);
    assert.equal(resumed.status, 0, resumed.stderr);
    const out = JSON.parse(resumed.stdout);
    assert.equal(out.resumed, true);
    assert.equal(out.status, "completed");
    assert.deepEqual(out.counts, { pending: 0, ok: 150, failed: 0 });

    const after = new DatabaseSync(db, { readOnly: true });
    const answers = new Map(
      (
        after
          .prepare("SELECT j.job_id, r.answer_json FROM responses r JOIN jobs j USING (run, seq)")
          .all() as {
          job_id: string;
          answer_json: string;
        }[]
      ).map((r) => [r.job_id, r.answer_json]),
    );
    after.close();
    for (const r of before)
      assert.equal(answers.get(r.job_id), r.answer_json, `job ${r.job_id} changed or was lost`);
    // Calls repeated after the crash are at most the calls that were in flight when it hit.
    const repeats = mock.stats().requests - 150;
    assert.ok(
      repeats >= 0 && repeats <= concurrency,
      `repeated ${repeats} calls (at kill: ${requestsAtKill})`,
    );
  } finally {
    await mock.close();
  }
});

test("results writes one row per job and item with the documented columns", async () => {
  const spec = writeSpec("res", 5);
  const db = join(dir, "res.db");
  // The statistical baseline answers only GSS items: the run is refused before any job exists.
  const refused = populace(["run", spec, "--db", db, "--model", "baseline:demographic"]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /"q1" is a custom question/);
  const mock = await startMockLlm({ seed: 4 });
  try {
    const run = await populaceAsync(["run", spec, "--db", db, "--model", `${mock.url}/v1#mock`]);
    assert.equal(run.status, 0, run.stderr);
  } finally {
    await mock.close();
  }
  const csv = populace(["results", "--db", db]);
  assert.equal(csv.status, 0, csv.stderr);
  const table = parseCsv(csv.stdout);
  assert.deepEqual(table.header, [...RESULT_COLUMNS]);
  assert.equal(table.rows.length, 5);
  const status = table.header.indexOf("status");
  const answer = table.header.indexOf("answer");
  for (const row of table.rows) {
    assert.equal(row[status], "ok");
    assert.ok(["Tea", "Coffee", "Water"].includes(row[answer]), row[answer]);
  }
  const jsonl = populace(["results", "--db", db, "--format", "jsonl"]);
  const lines = jsonl.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 5);
  assert.match(lines[0].model, /#mock$/);
});

test("--dry-run estimates calls, tokens and worst-case cost without calling the model", async () => {
  const mock = await startMockLlm({ seed: 3 });
  try {
    const spec = writeSpec("dry", 12);
    const prices = join(dir, "dry-prices.yaml");
    writeFileSync(prices, `"${mock.url}/v1#mock": { input: 1, output: 2 }\n`);
    const r = await populaceAsync([
      "run",
      spec,
      "--db",
      join(dir, "dry.db"),
      "--model",
      `${mock.url}/v1#mock`,
      "--prices",
      prices,
      "--dry-run",
      "--json",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.estimate.calls, 12);
    assert.ok(out.estimate.inputTokens > 12 * 20, "each prompt holds a profile and a question");
    // Worst case: every call uses its maximum output (400 tokens by default) at $2 per million.
    const expected = (out.estimate.inputTokens * 1 + out.estimate.maxOutputTokens * 2) / 1e6;
    assert.ok(Math.abs(out.estimate.maxCostUsd - expected) < 1e-9);
    assert.equal(mock.stats().requests, 0, "a dry run makes no call");
  } finally {
    await mock.close();
  }
});

test("Ctrl-C stops after the calls in flight; the rerun resumes and finishes", async () => {
  const mock = await startMockLlm({ latencyMs: 50, seed: 4 });
  try {
    const spec = writeSpec("interrupt", 80);
    const db = join(dir, "interrupt.db");
    const args = ["run", spec, "--db", db, "--model", `${mock.url}/v1#mock`, "--concurrency", "2", "--json"];
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    let ended = false;
    const exit = new Promise<number | null>((r) =>
      child.once("exit", (code) => {
        ended = true;
        r(code);
      }),
    );
    const deadline = Date.now() + 20_000;
    while (!ended && mock.stats().requests < 10 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(!ended, "the run ended before Ctrl-C");
    child.kill("SIGINT");
    const code = await exit;
    assert.equal(code, 130);
    const first = JSON.parse(stdout);
    assert.equal(first.status, "interrupted");
    assert.ok(first.counts.pending > 0 && first.counts.ok >= 10);
    assert.equal(first.counts.ok + first.counts.pending, 80, "nothing half-done: every job ok or pending");
    const calls = mock.stats().requests;
    assert.equal(calls, first.counts.ok, "calls in flight finished and were saved, none were abandoned");
    const resumed = await populaceAsync(args);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).counts.ok, 80);
    assert.equal(mock.stats().requests, 80);
  } finally {
    await mock.close();
  }
});

test("examples/quick.yaml runs against the mock server: 50 agent-bank people × 5 GSS items", async () => {
  const mock = await startMockLlm({ seed: 12 });
  try {
    const db = join(dir, "quick.db");
    const example = resolve(import.meta.dirname, "../../examples/quick.yaml");
    const r = await populaceAsync(["run", example, "--db", db, "--model", `${mock.url}/v1#mock`, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.counts, { pending: 0, ok: 50, failed: 0 }, "one call of 5 questions per person");
    const csv = parseCsv((await populaceAsync(["results", "--db", db])).stdout);
    assert.equal(csv.rows.length, 250);
    const item = csv.header.indexOf("item");
    assert.deepEqual([...new Set(csv.rows.map((row) => row[item]))].sort(), [
      "cappun",
      "fefam",
      "gunlaw",
      "happy",
      "trust",
    ]);
  } finally {
    await mock.close();
  }
});
