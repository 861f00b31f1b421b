import type { Command } from "commander";
import { UserError } from "../../errors/index.ts";
import { type BranchFlags, runBranchCommand, withBranchOptions } from "../branch.ts";
import { intFlag } from "../options.ts";

export function register(program: Command): void {
  withBranchOptions(
    program
      .command("whatif")
      .description(
        "WhatIf: a branch after one utterance of a community whose next replier has the given persona",
      )
      .argument("<run>", "a community run")
      .requiredOption("--utterance <id>", "the utterance to reply to, e.g. t7.2 (see populace threads RUN)")
      .requiredOption("--as <persona>", 'the next replier\'s persona, e.g. "a troll who mocks beginners"')
      .option("--text <reply>", "the reply's text (a moderator's intervention) instead of generating it")
      .option("--continue <n>", "replies generated after it, by the community's usual rule", "0"),
  ).action(
    async (
      runId: string,
      opts: BranchFlags & { utterance: string; as: string; text?: string; continue: string },
    ) => {
      if (opts.as.trim() === "") throw new UserError("--as: the persona must not be empty");
      await runBranchCommand(
        runId,
        {
          kind: "whatif",
          from: opts.utterance,
          as: opts.as.trim(),
          text: opts.text,
          continue: intFlag(opts.continue, "--continue", 0),
        },
        opts,
      );
    },
  );
}
