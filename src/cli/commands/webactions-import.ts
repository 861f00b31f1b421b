import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { toJsonl } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { importOpera, importWebShop, type Session, writeSessions } from "../../webactions/index.ts";
import { commandGroup } from "../group.ts";

interface ImportFlags {
  out: string;
  users?: string;
  personas?: string;
  json?: boolean;
}

export function register(program: Command): void {
  commandGroup(program, "webactions", "Web-shopping sessions: next-action prediction and its metrics")
    .command("import")
    .description("Convert OPeRA or WebShop trajectories into sessions JSONL")
    .argument(
      "<format>",
      "opera (action-table rows as JSON Lines) | webshop (trajectory logs, files or folders)",
    )
    .argument(
      "<inputs...>",
      "opera: the action table as JSONL; webshop: user_session_logs/mturk or its .jsonl files",
    )
    .requiredOption("--out <file>", "sessions JSONL to write")
    .option("--users <file>", "opera: the user table as JSONL (for personas from the survey)")
    .option("--personas <file>", "opera: write personas JSONL {user, persona} here (needs --users)")
    .option("--json", "print counts as JSON")
    .action((format: string, inputs: string[], flags: ImportFlags) => {
      let sessions: Session[];
      const counts: Record<string, unknown> = {};
      if (format === "opera") {
        if (inputs.length !== 1) throw new UserError("opera: give one action-table file (JSON Lines)");
        if (flags.personas && !flags.users)
          throw new UserError("--personas needs --users (the user table with the surveys)");
        const r = importOpera(inputs[0], flags.users);
        sessions = r.sessions;
        counts.skipped_rows = r.skipped;
        if (flags.personas) {
          writeFileSync(
            flags.personas,
            toJsonl([...r.personas].map(([user, persona]) => ({ user, persona }))),
          );
          counts.personas = r.personas.size;
        }
      } else if (format === "webshop") {
        if (flags.users || flags.personas)
          throw new UserError("--users and --personas are for opera imports");
        sessions = importWebShop(inputs);
      } else {
        throw new UserError(`unknown format "${format}": use opera or webshop`);
      }
      writeSessions(flags.out, sessions);
      const steps = sessions.reduce((n, s) => n + s.steps.length, 0);
      const users = new Set(sessions.map((s) => s.user)).size;
      Object.assign(counts, { sessions: sessions.length, users, steps, out: flags.out });
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(counts)}\n`
          : `wrote ${sessions.length} sessions (${users} users, ${steps} steps) to ${flags.out}` +
              (counts.personas !== undefined ? `; ${counts.personas} personas to ${flags.personas}` : "") +
              (Object.keys((counts.skipped_rows as object) ?? {}).length
                ? `; left out ${Object.entries(counts.skipped_rows as Record<string, number>)
                    .map(([k, v]) => `${v} ${k}`)
                    .join(", ")} rows (outside click, input, terminate)`
                : "") +
              "\n",
      );
    });
}
