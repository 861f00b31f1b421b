import type { Command } from "commander";

/**
 * A command with subcommands (`populace webactions score`, `populace finetune export`): each
 * subcommand lives in its own file and attaches itself to the group, made by whichever comes first.
 */
export function commandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}
