import type { Command } from "commander";
import { studyJsonSchema } from "../../spec/index.ts";

export function register(program: Command): void {
  program
    .command("schema")
    .description("Print the JSON Schema of study specs (for editor completion and validation)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(studyJsonSchema(), null, 2)}\n`);
    });
}
