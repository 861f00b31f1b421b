import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { startServer } from "../../server/index.ts";
import { openStore } from "../../store/index.ts";
import { intFlag } from "../options.ts";

export function register(program: Command): void {
  program
    .command("serve")
    .description(
      "The web app and HTTP API over a database: forum view of communities, WhatIf, Multiverse, believability tests, interviews with participants",
    )
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--port <n>", "port to listen on (0: a free one, printed)", "8787")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option(
      "--model <id>",
      "model WhatIf and Multiverse ask (default: each run's own), and the interviewer's",
    )
    .option("--interview-script <file>", "the script participants are interviewed with at /interview")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .action(
      async (opts: {
        db: string;
        port: string;
        host: string;
        model?: string;
        dataDir?: string;
        interviewScript?: string;
      }) => {
        const port = intFlag(opts.port, "--port", 0);
        if (port > 65535) throw new UserError(`--port must be at most 65535, got ${port}`);
        const store = openStore(opts.db);
        let server: Awaited<ReturnType<typeof startServer>>;
        try {
          server = await startServer({
            store,
            dataDir: resolveDataDir(opts.dataDir),
            port,
            host: opts.host,
            modelId: opts.model,
            interviewScript: opts.interviewScript,
          });
        } catch (error) {
          await store.close();
          const code = (error as NodeJS.ErrnoException).code;
          throw new UserError(`cannot listen on ${opts.host}:${port} (${code ?? (error as Error).message})`, {
            where: "--port",
          });
        }
        process.stdout.write(
          `populace serving ${opts.db} on ${server.url} (API: ${server.url}/openapi.json); Ctrl-C stops\n`,
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
        await server.close();
        await store.close();
      },
    );
}
