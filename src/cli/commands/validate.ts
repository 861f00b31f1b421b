import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { loadStudy } from "../../spec/index.ts";
import { validateStudy } from "../../study/index.ts";

export function register(program: Command): void {
  program
    .command("validate")
    .description(
      "Check a study spec and that the model can run it; every problem is listed with its line and field path",
    )
    .argument("<spec>", "study spec (YAML)")
    .option(
      "--model <id>",
      "the model to check against, as for run (default: the spec's model.id, else POPULACE_MODEL, else baseline:demographic)",
    )
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .action((file: string, opts: { model?: string; dataDir?: string }) => {
      const study = loadStudy(file);
      const { spec, version } = study;
      const check = validateStudy(study, { dataDir: resolveDataDir(opts.dataDir), modelId: opts.model });
      process.stdout.write(
        `${file}: ok (study "${spec.name}", version ${version}, ${check.describe}, ` +
          `${spec.design.replicates} replicate(s); ${check.agents} people, ` +
          `${check.jobs} jobs on ${check.model.id})\n`,
      );
    });
}
