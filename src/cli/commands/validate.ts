import type { Command } from "commander";
import { loadStudy } from "../../spec/index.ts";

export function register(program: Command): void {
  program
    .command("validate")
    .description("Check a study spec; every problem is listed with its line and field path")
    .argument("<spec>", "study spec (YAML)")
    .action((file: string) => {
      const { spec, version } = loadStudy(file);
      const web = spec.instrument.webactions;
      const asks = web ? `web actions on ${web.sessions}` : `${spec.instrument.items.length} items`;
      process.stdout.write(
        `${file}: ok (study "${spec.name}", version ${version}, ${asks}, ` +
          `${spec.design.arms.length} arm(s), ${spec.design.replicates} replicate(s))\n`,
      );
    });
}
