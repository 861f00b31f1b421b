import { Command } from "commander";
import { UserError } from "../errors/index.ts";

/**
 * Runs commands in-process as `bin/populace` would, capturing stdout; a user error comes back as
 * `error` (the CLI would print it as one line and exit 2). Used by the commands' tests.
 */
export async function runInProcess(
  registers: ((program: Command) => void)[],
  args: string[],
): Promise<{ stdout: string; error?: UserError }> {
  const program = new Command("populace").exitOverride();
  for (const register of registers) register(program);
  let stdout = "";
  const write = process.stdout.write;
  // Only text is the command's: the test runner reports through the same stream in binary.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== "string") return write.call(process.stdout, chunk, ...rest);
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(args, { from: "user" });
    return { stdout };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { stdout, error };
  } finally {
    process.stdout.write = write;
  }
}
