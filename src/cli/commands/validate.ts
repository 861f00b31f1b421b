import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { communityOf, loadStudy, webActionsOf } from "../../spec/index.ts";
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
    .action(async (file: string, opts: { model?: string; dataDir?: string }) => {
      const study = loadStudy(file);
      const { spec, version } = study;
      const web = webActionsOf(spec.instrument);
      const c = communityOf(spec.instrument);
      if (c) {
        // A community's members are generated when it runs; there are no people or items to check yet.
        process.stdout.write(
          `${file}: ok (study "${spec.name}", version ${version}, a community of ${c.personas} personas × ${c.threads} threads)\n`,
        );
        return;
      }
      if (web) {
        // A web-action study's sessions and model are checked when it runs (its sessions are read then).
        process.stdout.write(
          `${file}: ok (study "${spec.name}", version ${version}, web actions on ${web.sessions}, ` +
            `${spec.design.arms.length} arm(s), ${spec.design.replicates} replicate(s))\n`,
        );
        return;
      }
      const listed = spec.population?.conditioning;
      const conditionings = Array.isArray(listed) ? listed.length : 1;
      const check = await validateStudy(study, {
        dataDir: resolveDataDir(opts.dataDir),
        modelId: opts.model,
      });
      process.stdout.write(
        `${file}: ok (study "${spec.name}", version ${version}, ${check.describe}` +
          `${conditionings > 1 ? ` × ${conditionings} conditionings` : ""}, ${spec.design.replicates} replicate(s); ${check.agents} people, ` +
          `${check.jobs} jobs on ${check.model.id})\n`,
      );
    });
}
