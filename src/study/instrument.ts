import type { ConjointWording } from "../designs/conjoint/index.ts";
import { compileDesign, type DesignExperiment, designQuestions } from "../experiments/index.ts";
import { gameQuestions } from "../games/index.ts";
import type { GameParams } from "../instruments/games/index.ts";
import type { Question } from "../instruments/types.ts";
import {
  type CommunitySpec,
  type ConjointInstrumentSpec,
  communityOf,
  instrumentKind,
  type LoadedStudy,
  runsAsDesign,
  type StudySpec,
  surveyOf,
  webActionsOf,
} from "../spec/index.ts";
import { loadWebActionsTask, type WebActionsTask } from "../webactions/index.ts";
import { resolveQuestions } from "./items.ts";

/**
 * What a study asks, ready to plan: a survey's questions; a design (a survey with design modes,
 * the demand or a classic template) with its arms and modes; a game's parameters; a conjoint
 * design. `questions` are the items its rows hold, for checks, the run's identity and reports.
 */
export type StudyInstrument =
  | { kind: "survey"; questions: Question[] }
  | { kind: "design"; questions: Question[]; experiment: DesignExperiment }
  | { kind: "game"; questions: Question[]; game: GameParams }
  | { kind: "conjoint"; questions: Question[]; conjoint: ConjointInstrumentSpec; wording: ConjointWording }
  | { kind: "webactions"; questions: Question[]; task: WebActionsTask }
  | { kind: "community"; questions: Question[]; community: CommunitySpec };

export function studyInstrument(
  spec: StudySpec,
  dataDir: string,
  study?: Pick<LoadedStudy, "file" | "locate">,
  /** Web-action studies: only these shoppers' sessions (e.g. a fine-tuning split's test users). */
  users?: string[],
): StudyInstrument {
  const community = communityOf(spec.instrument);
  if (community) return { kind: "community", questions: [], community };
  const web = webActionsOf(spec.instrument);
  if (web) {
    if (!study)
      throw new Error("internal error: a web-action study's sessions are read relative to its file");
    return { kind: "webactions", questions: [], task: loadWebActionsTask(web, study.file, users) };
  }
  const survey = surveyOf(spec.instrument);
  const items = survey ? resolveQuestions(survey.items, dataDir, study) : [];
  if (runsAsDesign(spec)) {
    const experiment = compileDesign(spec, items, dataDir);
    return { kind: "design", questions: designQuestions(experiment), experiment };
  }
  const i = spec.instrument;
  if ("game" in i) return { kind: "game", questions: gameQuestions(i), game: i };
  if ("template" in i && i.template === "conjoint") {
    const tasks = i.tasks + (i.repeat_task !== undefined ? 1 : 0);
    return {
      kind: "conjoint",
      conjoint: i,
      wording: { question: i.question, profile_noun: i.profile_noun, intro: i.intro },
      questions: Array.from({ length: tasks }, (_, k) => ({
        id: `task${k + 1}`,
        type: "multiple_choice" as const,
        text: `Conjoint task ${k + 1}${i.repeat_task !== undefined && k === i.tasks ? ` (task ${i.repeat_task} again, profiles swapped)` : ""}: the profile chosen`,
        options: ["A", "B"],
      })),
    };
  }
  if (instrumentKind(i) !== "survey") throw new Error(`internal error: no plan for a ${instrumentKind(i)}`);
  return { kind: "survey", questions: items };
}
