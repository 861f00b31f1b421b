import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { startMockLlm } from "../mock-llm/index.ts";

// `populace run` as a user runs it, in a child process: what it prints and the exit code it ends with.
const bin = resolve(import.meta.dirname, "../../bin/populace");
const dir = mkdtempSync(join(tmpdir(), "populace-exit-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(bin, ["run", ...args], { env: { ...process.env, POPULACE_DEBUG: "", ...env } });
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

function spec(
  name: string,
  people: number,
  items = `    - {id: q1, type: multiple_choice, text: "Tea or coffee?", options: [Tea, Coffee]}`,
): string {
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
${items}
`,
  );
  return file;
}

function count(db: string, sql: string): number {
  const d = new DatabaseSync(db);
  try {
    return Number((d.prepare(sql).get() as { n: number }).n);
  } finally {
    d.close();
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

test("a model URL on a closed port stops the run after a few attempts with one clear message and exit 5", async () => {
  const port = await closedPort();
  const db = join(dir, "closed.db");
  const r = await run([
    spec("closed", 20),
    "--model",
    `http://127.0.0.1:${port}/v1#mock`,
    "--db",
    db,
    "--concurrency",
    "2",
  ]);
  assert.equal(r.status, 5, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /stopped: 5 calls in a row failed: connection refused: .*check the model URL and that the server is running/,
  );
  // It stops starting calls: a few attempts in all, not six per job for twenty jobs.
  assert.ok(count(db, "SELECT COUNT(*) AS n FROM costs") <= 5 + 2);
  assert.equal(
    count(db, "SELECT COUNT(*) AS n FROM responses"),
    0,
    "no job is failed for the provider's fault",
  );
  // Once the server is there, the same command resumes and completes.
  const mock = await startMockLlm({ port, seed: 1 });
  try {
    const again = await run([spec("closed", 20), "--model", `http://127.0.0.1:${port}/v1#mock`, "--db", db]);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /20 ok, 0 failed, 0 pending of 20 jobs/);
  } finally {
    await mock.close();
  }
});

test("a refused API key stops the run at once with exit 5 and names the problem", async () => {
  const mock = await startMockLlm({ seed: 2 });
  try {
    const db = join(dir, "auth.db");
    const r = await run([spec("auth", 10), "--model", `${mock.url}/v1#mock`, "--db", db], {
      OPENAI_COMPATIBLE_API_KEY: "mock-invalid-key",
    });
    assert.equal(r.status, 5, r.stdout + r.stderr);
    assert.match(r.stdout, /the API key was refused/);
    assert.ok(mock.stats().requests <= 5 + 8);
  } finally {
    await mock.close();
  }
});

test("some failed jobs: exit 3 with the failures counted by reason", async () => {
  const mock = await startMockLlm({ seed: 3, errorRate: 1, faults: ["off_option"] });
  try {
    const r = await run([
      spec("failing", 4),
      "--model",
      `${mock.url}/v1#mock`,
      "--db",
      join(dir, "failing.db"),
    ]);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /0 ok, 4 failed, 0 pending of 4 jobs/);
    assert.match(
      r.stdout,
      /failed jobs by reason:\n {2}4 × invalid answer after 2 repairs {2}\(e\.g\. invalid answer after 2 repairs: q1: "Not sure \(off-option\)" is not one of the options/,
    );
  } finally {
    await mock.close();
  }
});

test("two runs of one study and database at once: each job is paid once, and the budget holds", async () => {
  const mock = await startMockLlm({ seed: 4, latencyMs: 200 });
  try {
    const prices = join(dir, "prices.yaml");
    writeFileSync(prices, `"${mock.url}/v1#mock": { input: 1000, output: 2000 }\n`);
    const file = spec("twice", 40);
    const db = join(dir, "twice.db");
    const args = [file, "--model", `${mock.url}/v1#mock`, "--db", db, "--prices", prices, "--budget", "20"];
    const [a, b] = await Promise.all([run(args), run(args)]);
    const all = a.stdout + a.stderr + b.stdout + b.stderr;
    if (a.status === 6 || b.status === 6) {
      // They overlapped (the usual case): the second is refused at once.
      assert.deepEqual([a.status, b.status].sort(), [0, 6], all);
      const refused = a.status === 6 ? a : b;
      assert.match(
        refused.stderr,
        /run twice-\w+ is being executed by another process \(pid \d+ on .*\); wait for it to finish/,
      );
    } else {
      // On a loaded machine one may start after the other ended: it then resumes a finished run.
      assert.deepEqual([a.status, b.status], [0, 0], all);
      assert.match(all, /\(resumed\) completed: 40 ok, 0 failed, 0 pending of 40 jobs; 0 calls/);
    }
    assert.equal(mock.stats().by_status["200"], 40, "no job was paid twice");
    assert.ok(count(db, "SELECT SUM(cost_usd) AS n FROM costs") <= 20);
    // Afterwards the run is free again: a rerun resumes it (nothing left) and exits 0.
    const later = await run(args);
    assert.equal(later.status, 0, later.stderr);
    assert.equal(mock.stats().by_status["200"], 40);
  } finally {
    await mock.close();
  }
});

test("a dry run writes nothing, and a refused run leaves no run behind", async () => {
  const db = join(dir, "dry.db");
  const file = spec("dry", 5);
  const dry = await run([file, "--model", "openai:gpt-4o-mini", "--db", db, "--dry-run"], {
    OPENAI_API_KEY: "",
  });
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /dry run for dry-\w+ \(openai:gpt-4o-mini\): 5 calls, .*nothing was written/);
  assert.equal(existsSync(db), false, "no database was created");
  // An existing database is read, not written.
  const mock = await startMockLlm({ seed: 5 });
  try {
    const real = await run([file, "--model", `${mock.url}/v1#mock`, "--db", db]);
    assert.equal(real.status, 0, real.stderr);
    const before = statSync(db).mtimeMs;
    const runs = count(db, "SELECT COUNT(*) AS n FROM runs");
    await run([spec("dry2", 3), "--model", "openai:gpt-4o-mini", "--db", db, "--dry-run"], {
      OPENAI_API_KEY: "",
    });
    assert.equal(count(db, "SELECT COUNT(*) AS n FROM runs"), runs);
    assert.equal(statSync(db).mtimeMs, before);
    // A budget on a model without a price is refused before anything is written.
    const refused = await run([
      spec("noprice", 3),
      "--model",
      `${mock.url}/v1#mock`,
      "--db",
      db,
      "--budget",
      "1",
    ]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /no price for .*cannot enforce the budget/);
    assert.equal(count(db, "SELECT COUNT(*) AS n FROM runs"), runs, "no run was left behind");
  } finally {
    await mock.close();
  }
});
