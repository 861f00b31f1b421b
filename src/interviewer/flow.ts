/**
 * The interviewer's course through a script, as a state that moves one answer at a time: the
 * same for a simulated person (an episode) and a participant in the browser (a session saved
 * after every answer). After each answer, while the module's budget lasts, the interviewer model
 * decides to probe (a follow-up built on the answer) or move on; then the next module opens.
 */
import { type Move, type Said, wordCount } from "./prompts.ts";
import { type InterviewScript, MAX_TURNS, type ScriptModule } from "./script.ts";

export interface InterviewState {
  /** The module being asked (modules.length once the interview is over). */
  module: number;
  /** Questions asked in this module, its opening included. */
  asked: number;
  /** Words the person has said in this module. */
  words: number;
  /** This module's conversation (what the interviewer decides from). */
  said: Said[];
}

export interface Step {
  state: InterviewState;
  /** The interviewer's next words, or null when the interview is over (then `closing`). */
  question: string | null;
  /** True when this question opens a new module. */
  opens: boolean;
}

/** Asks the interviewer model; null when no valid decision came back (the module then ends). */
export type Decide = (
  module: ScriptModule,
  position: { index: number; total: number },
  said: readonly Said[],
) => Promise<Move | null>;

function open(script: InterviewScript, index: number): Step {
  if (index >= script.modules.length) {
    return { state: { module: index, asked: 0, words: 0, said: [] }, question: null, opens: false };
  }
  const opening = script.modules[index].opening;
  return {
    state: { module: index, asked: 1, words: 0, said: [{ speaker: "interviewer", text: opening }] },
    question: opening,
    opens: true,
  };
}

/** The first question (the greeting, when the script has one, comes before it). */
export function firstStep(script: InterviewScript): Step {
  return open(script, 0);
}

/** Whether the module's budget allows another question after `state`. */
export function budgetLeft(module: ScriptModule, state: InterviewState): boolean {
  if (state.asked >= (module.turns ?? MAX_TURNS)) return false;
  return module.words === undefined || state.words < module.words;
}

/** After the person's answer (null: none could be had), the interviewer's next move. */
export async function afterAnswer(
  script: InterviewScript,
  state: InterviewState,
  answer: string | null,
  decide: Decide,
): Promise<Step> {
  const module = script.modules[state.module];
  if (answer === null) return open(script, state.module + 1);
  const said: Said[] = [...state.said, { speaker: "respondent", text: answer }];
  const next: InterviewState = { ...state, words: state.words + wordCount(answer), said };
  if (budgetLeft(module, next)) {
    const move = await decide(module, { index: state.module, total: script.modules.length }, said);
    if (move?.action === "probe") {
      return {
        state: {
          ...next,
          asked: next.asked + 1,
          said: [...said, { speaker: "interviewer", text: move.question }],
        },
        question: move.question,
        opens: false,
      };
    }
  }
  return open(script, state.module + 1);
}
