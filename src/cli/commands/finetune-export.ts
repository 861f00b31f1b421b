import type { Command } from "commander";
import { loadAnswers } from "../../analysis/fidelity/index.ts";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { type ExportResult, exportSurveyFineTune, exportWebFineTune } from "../../finetune/index.ts";
import { loadStudy, requireSurvey } from "../../spec/index.ts";
import { resolveQuestions } from "../../study/index.ts";
import { readPersonas, readSessions } from "../../webactions/index.ts";
import { commandGroup } from "../group.ts";
import { intFlag, numberFlag } from "../options.ts";

interface ExportFlags {
  out: string;
  sessions?: string;
  human?: string;
  spec?: string;
  reasoning: boolean;
  personas?: string;
  historyPages?: string;
  profileColumns?: string;
  testShare: string;
  seed: string;
  dataDir?: string;
  json?: boolean;
}

function summary(r: ExportResult, what: string): string {
  const s = r.split;
  const lines = [
    `wrote ${s.examples.train} training examples from ${s.train.length} ${s.by}s to ${s.files.train}`,
    `held out ${s.test.length} ${s.by}s (${s.examples.test} ${what}) for testing; split: ${r.splitPath}`,
  ];
  if (s.files.test_sessions) lines.push(`test users' sessions: ${s.files.test_sessions}`);
  if (r.skippedItems?.length)
    lines.push(
      `items in the human file that the study does not ask (left out): ${r.skippedItems.join(", ")}`,
    );
  return lines.join("\n");
}

export function register(program: Command): void {
  commandGroup(program, "finetune", "Fine-tuning on real behaviour: training files, jobs, before/after")
    .command("export")
    .description("Write chat-format fine-tuning JSONL from web sessions or survey answers, split by person")
    .requiredOption("--out <file>", "training file to write (the split goes beside it: X.split.json)")
    .option("--sessions <file>", "web sessions JSONL (one example per step)")
    .option("--no-reasoning", "web sessions: leave every rationale out (the ablation)")
    .option("--personas <file>", "web sessions: personas JSONL {user, persona} for the system prompt")
    .option("--history-pages <n>", "web sessions: earlier pages shown in full (default all)")
    .option("--human <file>", "survey answers: long CSV person_id,item,answer[,attributes…]")
    .option("--spec <file>", "survey answers: the study whose questions they answer")
    .option(
      "--profile-columns <cols>",
      "survey answers: attribute columns that make up the profile (default all)",
    )
    .option(
      "--data-dir <dir>",
      "real-data directory for GSS items (default: POPULACE_DATA_DIR or ../shared/datasets)",
    )
    .option("--test-share <share>", "share of users or persons held out for testing", "0.2")
    .option("--seed <seed>", "seed of the split", "1")
    .option("--json", "print the split as JSON")
    .action((flags: ExportFlags) => {
      const testShare = numberFlag(
        "test-share",
        flags.testShare,
        (n) => n >= 0 && n < 1,
        "a number in [0, 1)",
      )!;
      const split = { out: flags.out, testShare, seed: flags.seed };
      let result: ExportResult;
      let what: string;
      if (flags.sessions && !flags.human) {
        if (flags.spec || flags.profileColumns)
          throw new UserError("--spec and --profile-columns are for --human exports");
        const { sessions } = readSessions(flags.sessions);
        result = exportWebFineTune(sessions, {
          ...split,
          reasoning: flags.reasoning,
          personas: flags.personas ? readPersonas(flags.personas) : undefined,
          historyPages:
            flags.historyPages === undefined ? undefined : intFlag(flags.historyPages, "--history-pages", 0),
        });
        what = "steps";
      } else if (flags.human && !flags.sessions) {
        if (!flags.spec)
          throw new UserError("--human needs --spec: the study whose questions the answers belong to");
        if (flags.personas || flags.historyPages || !flags.reasoning) {
          throw new UserError("--personas, --history-pages and --no-reasoning are for --sessions exports");
        }
        const study = loadStudy(flags.spec);
        const survey = requireSurvey(study, "finetune export --human");
        const questions = resolveQuestions(survey.items, resolveDataDir(flags.dataDir));
        result = exportSurveyFineTune(loadAnswers(flags.human, "categorical", "human"), questions, {
          ...split,
          itemsPerCall: survey.items_per_call,
          profileColumns: flags.profileColumns
            ?.split(",")
            .map((c) => c.trim())
            .filter(Boolean),
        });
        what = "examples";
      } else {
        throw new UserError(
          "give either --sessions FILE (web sessions) or --human FILE --spec STUDY (survey answers)",
        );
      }
      process.stdout.write(
        flags.json ? `${JSON.stringify(result.split, null, 2)}\n` : `${summary(result, what)}\n`,
      );
    });
}
