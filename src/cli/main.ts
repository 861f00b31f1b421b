import { readFileSync } from "node:fs";
import { Command, CommanderError, type Command as CommandType } from "commander";
import { isUserError } from "../errors/index.ts";
import { registerCommands } from "./commands/index.ts";

/**
 * Entry point of `bin/populace`. User errors (bad spec, missing data, bad CSV) print one clear
 * line and exit 2; anything else is a bug: it prints the message and, with POPULACE_DEBUG=1,
 * the stack.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("populace")
    .description("Behavioural research with LLM-simulated people")
    .version(packageVersion(), "-V, --version", "print the version of Populace")
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  plainDefaults(program);
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isUserError(error)) {
      process.stderr.write(`populace: error: ${error.message}\n`);
      return error.exitCode;
    }
    const e = error as Error;
    process.stderr.write(`populace: internal error: ${e?.message ?? String(error)}\n`);
    if (process.env.POPULACE_DEBUG) process.stderr.write(`${e?.stack ?? ""}\n`);
    else process.stderr.write("(set POPULACE_DEBUG=1 for the stack trace; please report this)\n");
    return 1;
  }
}

function packageVersion(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** --help shows `(default: populace.db)`, not commander's JSON-quoted `(default: "populace.db")`. */
function plainDefaults(command: CommandType): void {
  for (const option of command.options) {
    if (typeof option.defaultValue === "string" && option.defaultValueDescription === undefined) {
      option.defaultValueDescription = option.defaultValue;
    }
  }
  for (const sub of command.commands) plainDefaults(sub);
}

if (import.meta.main) {
  // `populace results | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
