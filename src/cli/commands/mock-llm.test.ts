import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { UserError } from "../../errors/index.ts";
import { register } from "./mock-llm.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));

test("populace mock-llm serves until SIGTERM and says it is a test double", async () => {
  // Only this command is registered, so the test does not depend on the rest of the CLI.
  const script = `import { Command } from "commander"; import { register } from "./src/cli/commands/mock-llm.ts";
    const p = new Command("populace"); register(p); await p.parseAsync(process.argv.slice(1), { from: "user" });`;
  const child = spawn(
    process.execPath,
    [
      "--disable-warning=ExperimentalWarning",
      "--input-type=module",
      "-e",
      script,
      "mock-llm",
      "--port",
      "0",
      "--seed",
      "5",
      "--rpm",
      "600",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d: string) => {
    out += d;
  });
  const deadline = Date.now() + 10_000;
  while (!out.includes("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  const m =
    /^mock LLM listening on (http:\/\/127\.0\.0\.1:\d+)\/v1 \(this is a test double, not a language model\)$/m.exec(
      out,
    );
  assert.ok(m, `unexpected output: ${out}`);
  const res = await fetch(`${m[1]}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({ model: "mock", messages: [{ role: "user", content: "Q?\nA. Yes\nB. No" }] }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-ratelimit-limit-requests"), "600");
  const stats = await (await fetch(`${m[1]}/stats`)).json();
  assert.deepEqual(stats.by_status, { "200": 1 });
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
  assert.match(out, /mock LLM stopped after 1 requests/);
});

test("bad flags are user errors naming the flag", async () => {
  for (const [flag, value, re] of [
    ["--error-rate", "2", /--error-rate must be a probability between 0 and 1, got "2"/],
    ["--port", "http", /--port must be an integer 0-65535/],
    ["--rpm", "-5", /--rpm must be a number > 0/],
  ] as const) {
    const program = new Command("populace").exitOverride();
    register(program);
    await assert.rejects(
      program.parseAsync(["mock-llm", flag, value], { from: "user" }),
      (e: unknown) => e instanceof UserError && re.test(e.message),
    );
  }
});
