import type { Command } from "commander";
import { UserError } from "../../errors/index.ts";

// Placeholder until this command lands; its owner replaces this file.
export function register(program: Command): void {
  program
    .command("effects")
    .description("(not yet implemented)")
    .action(() => {
      throw new UserError("effects is not implemented yet");
    });
}
