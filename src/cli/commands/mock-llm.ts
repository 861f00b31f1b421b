import type { Command } from "commander";
import { UserError } from "../../errors/index.ts";
import { startMockLlm } from "../../mock-llm/index.ts";
import { numberFlag } from "../options.ts";

interface MockLlmFlags {
  port?: string;
  latencyMs?: string;
  rpm?: string;
  tpm?: string;
  errorRate?: string;
  seed?: string;
  timeoutMs?: string;
  burstSeconds?: string;
  promptCache: boolean;
}

export function register(program: Command): void {
  program
    .command("mock-llm")
    .description(
      "Serve a mock LLM (OpenAI chat completions + Anthropic messages) on 127.0.0.1 for tests and benchmarks",
    )
    .option("--port <P>", "port to listen on (0 = any free port)", "0")
    .option("--latency-ms <M>", "delay before every answer, in milliseconds")
    .option("--rpm <R>", "requests per minute; over it the mock answers 429")
    .option("--tpm <T>", "tokens per minute; over it the mock answers 429")
    .option(
      "--error-rate <E>",
      "probability (0-1) of an injected fault: 429, 500, timeout, malformed JSON, off-option answer",
    )
    .option("--seed <S>", "seed of the answering policy and the fault sequence", "0")
    .option("--timeout-ms <MS>", "how long a timeout fault hangs before the connection is dropped", "30000")
    .option("--burst-seconds <S>", "seconds of RPM/TPM quota a client may use at once", "1")
    .option(
      "--no-prompt-cache",
      "never report cached prompt tokens (default: caching as OpenAI and Anthropic document it)",
    )
    .action(async (flags: MockLlmFlags) => {
      const port = numberFlag(
        "port",
        flags.port,
        (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
        "an integer 0-65535",
      );
      const mock = await startMockLlm({
        port,
        latencyMs: numberFlag("latency-ms", flags.latencyMs, (n) => n >= 0, "a number >= 0"),
        rpm: numberFlag("rpm", flags.rpm, (n) => n > 0, "a number > 0"),
        tpm: numberFlag("tpm", flags.tpm, (n) => n > 0, "a number > 0"),
        errorRate: numberFlag(
          "error-rate",
          flags.errorRate,
          (n) => n >= 0 && n <= 1,
          "a probability between 0 and 1",
        ),
        seed: flags.seed,
        timeoutMs: numberFlag("timeout-ms", flags.timeoutMs, (n) => n >= 0, "a number >= 0"),
        burstSeconds: numberFlag("burst-seconds", flags.burstSeconds, (n) => n > 0, "a number > 0"),
        promptCaching: flags.promptCache,
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "EADDRINUSE") throw new UserError(`port ${port} is already in use`);
        throw error;
      });
      process.stdout.write(
        `mock LLM listening on ${mock.url}/v1 (this is a test double, not a language model)\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          resolve();
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      const s = mock.stats();
      await mock.close();
      process.stdout.write(`mock LLM stopped after ${s.requests} requests ${JSON.stringify(s.by_status)}\n`);
    });
}
