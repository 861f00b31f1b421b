/**
 * An agent-to-agent interview as an episode: the interviewer's scripted words are notes, each
 * decision to probe or move on is a turn of the interviewer model, and each answer a turn of the
 * simulated person (who sees the whole interview so far). Control flow depends only on the
 * script and the answers, so a rerun after a crash replays the finished turns from the cache.
 */
import type { EpisodeContext, EpisodeProgram, EpisodeResponse } from "../engine/index.ts";
import { afterAnswer, firstStep } from "./flow.ts";
import { answerRequest, checkAnswer, checkDecision, decisionRequest, type Said } from "./prompts.ts";
import type { InterviewScript } from "./script.ts";

/** The speaker of the interviewer's turns (notes and decisions). */
export const INTERVIEWER_SPEAKER = "interviewer";

export interface InterviewProgramSettings {
  script: InterviewScript;
  /** The model that decides (an id the run resolves); the run's model when absent. */
  interviewerModel?: string;
  temperature?: number;
}

export function interviewProgram(s: InterviewProgramSettings): EpisodeProgram {
  return async (ctx: EpisodeContext): Promise<EpisodeResponse[]> => {
    const { script } = s;
    const person = ctx.participant(ctx.job.agentId);
    const conversation: Said[] = [];
    const answers = script.modules.map(() => ({
      texts: [] as string[],
      turn: null as number | null,
      failed: null as string | null,
    }));
    let step = firstStep(script);
    const say = (text: string) => {
      ctx.note(INTERVIEWER_SPEAKER, text);
      conversation.push({ speaker: "interviewer", text });
    };
    if (script.greeting) ctx.note(INTERVIEWER_SPEAKER, script.greeting);
    say(step.question!);
    while (step.question !== null) {
      const index = step.state.module;
      const asked = await ctx.ask({
        speaker: person.id,
        prompt: step.question,
        request: answerRequest(person.profile, conversation, ctx.seed, s.temperature),
        check: checkAnswer,
      });
      const module = answers[index];
      if (asked.ok) {
        module.texts.push(asked.value);
        module.turn = asked.turn;
        conversation.push({ speaker: "respondent", text: asked.value });
      } else module.failed ??= asked.reason;
      step = await afterAnswer(
        script,
        step.state,
        asked.ok ? asked.value : null,
        async (m, position, said) => {
          const decided = await ctx.ask({
            speaker: INTERVIEWER_SPEAKER,
            model: s.interviewerModel,
            prompt: `probe or move on (${m.topic})`,
            request: decisionRequest(m, position, said, ctx.seed),
            check: checkDecision,
          });
          return decided.ok ? decided.value : null;
        },
      );
      if (step.question === null) break;
      if (step.opens) say(step.question);
      else conversation.push({ speaker: "interviewer", text: step.question });
    }
    if (script.closing) ctx.note(INTERVIEWER_SPEAKER, script.closing);
    return script.modules.map((m, i): EpisodeResponse => {
      const a = answers[i];
      if (a.texts.length > 0) {
        return { item: m.id, status: "ok", answer: a.texts.join("\n\n"), reason: null, turn: a.turn };
      }
      return { item: m.id, status: "failed", answer: null, reason: a.failed ?? "no answer", turn: null };
    });
  };
}
