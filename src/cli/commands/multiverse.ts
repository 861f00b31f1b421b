import type { Command } from "commander";
import { UserError } from "../../errors/index.ts";
import { MULTIVERSE_TEMPERATURE } from "../../simulacra/index.ts";
import { type BranchFlags, runBranchCommand, withBranchOptions } from "../branch.ts";
import { intFlag, numberFlag } from "../options.ts";

export function register(program: Command): void {
  withBranchOptions(
    program
      .command("multiverse")
      .description(
        "Multiverse: K other continuations of one utterance, or K new iterations of the whole community (personas resampled)",
      )
      .argument("<run>", "a community run")
      .option("--utterance <id>", "regenerate what follows this utterance, e.g. t7.2")
      .option("--community", "regenerate the whole community from the same design")
      .requiredOption("--n <k>", "how many alternatives")
      .option(
        "--temperature <t>",
        `sampling temperature (default ${MULTIVERSE_TEMPERATURE}, Generate uses the spec's)`,
      ),
  ).action(
    async (
      runId: string,
      opts: BranchFlags & { utterance?: string; community?: boolean; n: string; temperature?: string },
    ) => {
      if ((opts.utterance === undefined) === !opts.community) {
        throw new UserError("give either --utterance ID or --community");
      }
      const n = intFlag(opts.n, "--n", 1);
      const temperature =
        numberFlag("temperature", opts.temperature, (t) => t >= 0 && t <= 2, "a number from 0 to 2") ??
        MULTIVERSE_TEMPERATURE;
      await runBranchCommand(
        runId,
        opts.community
          ? { kind: "community", n, temperature }
          : { kind: "multiverse", from: opts.utterance!, n, temperature },
        opts,
      );
    },
  );
}
