import type { Command } from "commander";
import { loadStudy } from "../../spec/index.ts";

export function register(program: Command): void {
  program
    .command("validate")
    .description("Check a study spec; every problem is listed with its line and field path")
    .argument("<spec>", "study spec (YAML)")
    .action((file: string) => {
      const { spec, version } = loadStudy(file);
      const c = spec.instrument.community;
      const what = c
        ? `a community of ${c.personas} personas × ${c.threads} threads`
        : `${spec.instrument.items.length} items, ${spec.design.arms.length} arm(s), ${spec.design.replicates} replicate(s)`;
      process.stdout.write(`${file}: ok (study "${spec.name}", version ${version}, ${what})\n`);
    });
}
