/**
 * An interview as the opening of a prompt. It depends only on the transcript and the kept share
 * (and its seed), so it is the same in every call for that person: the stable prefix that
 * provider prompt caching reuses, with the instructions and questions after it.
 */
import { createRng } from "../../random/index.ts";
import type { Exchange } from "./types.ts";

export interface InterviewKeep {
  /** Share of the exchanges kept, in (0, 1]; 1 keeps the whole interview. */
  keep: number;
  /** Seed of the draw; each person's draw also depends on their id. */
  seed: number | string;
}

/**
 * Indices of the exchanges kept: round(keep × n) of them (at least 1), drawn without replacement
 * from a seed and the person's id, returned in interview order.
 */
export function keptExchanges(count: number, personId: string, keep: InterviewKeep): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  if (keep.keep >= 1 || count === 0) return all;
  const k = Math.min(count, Math.max(1, Math.round(keep.keep * count)));
  return createRng(`interview-keep:${keep.seed}:${personId}`)
    .sample(all, k)
    .sort((a, b) => a - b);
}

export interface InterviewText {
  interviewer: string;
  respondent: string;
  exchanges: readonly Exchange[];
}

/** The transcript in the first person's framing, every turn as "Speaker: text". */
export function interviewText(interview: InterviewText, kept?: readonly number[]): string {
  const { shown, total } = shownExchanges(interview, kept);
  const who = `I am "${interview.respondent}"; "${interview.interviewer}" asked the questions.`;
  const intro =
    shown.length < total
      ? `Below are excerpts from an interview with me (${shown.length} of its ${total} exchanges, in their original order). ${who}`
      : `Below is the transcript of an interview with me. ${who}`;
  return `${intro}\n\n${body(shown)}\n\n(End of the interview.)`;
}

/**
 * The same turns as someone else reads them (an expert writing observations about the person),
 * introduced in the third person.
 */
export function interviewForReader(interview: InterviewText, kept?: readonly number[]): string {
  const { shown, total } = shownExchanges(interview, kept);
  const who = `"${interview.respondent}" is the person interviewed; "${interview.interviewer}" asked the questions.`;
  const intro =
    shown.length < total
      ? `Excerpts from an interview (${shown.length} of its ${total} exchanges, in their original order). ${who}`
      : `The transcript of an interview. ${who}`;
  return `${intro}\n\n${body(shown)}\n\n(End of the interview.)`;
}

function shownExchanges(interview: InterviewText, kept?: readonly number[]) {
  const total = interview.exchanges.length;
  const shown = kept ? kept.map((i) => interview.exchanges[i]) : interview.exchanges;
  return { shown, total };
}

function body(shown: readonly Exchange[]): string {
  return shown.map((exchange) => exchange.map((t) => `${t.speaker}: ${t.text}`).join("\n\n")).join("\n\n");
}
