import type { Command } from "commander";
import { UserError } from "../../errors/index.ts";

// Placeholder until this command lands; its owner replaces this file.
export function register(program: Command): void {
  program
    .command("mock-llm")
    .description("(not yet implemented)")
    .action(() => {
      throw new UserError("mock-llm is not implemented yet");
    });
}
