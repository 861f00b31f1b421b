/**
 * The two sides of an interview turn: the interviewer model deciding, after an answer, whether to
 * follow up (and with what question) or move on; and a simulated person answering a question in
 * their own words. Requests are built from the conversation; checks are pure.
 */
import type { Checked } from "../engine/index.ts";
import { jsonObjectReply, jsonRepairRequest, systemPrompt } from "../llm/index.ts";
import type { ChatMessage, ModelRequest } from "../llm/types.ts";
import type { CachedResponse } from "../store/types.ts";
import type { ScriptModule } from "./script.ts";

/** One line of the conversation as the interviewer sees it. */
export interface Said {
  speaker: "interviewer" | "respondent";
  text: string;
}

const INTERVIEWER =
  "You are an experienced interviewer holding a long, semi-structured life-history interview. " +
  "You ask one clear, open question at a time, listen closely, and follow up on what the person " +
  "actually said: a detail to expand, a feeling to explore, an example to ask for. You never " +
  "argue, judge or lead, and you move on once a topic has been covered.";

export const DECISION_SCHEMA = {
  name: "interviewer_move",
  schema: {
    type: "object",
    properties: {
      action: { type: "string", enum: ["probe", "next"] },
      question: { type: "string" },
    },
    required: ["action", "question"],
    additionalProperties: false,
  },
};

const DECISION_SHAPE = '{"action": "probe" | "next", "question": "…"}';
export const DECISION_MAX_OUTPUT_TOKENS = 200;
export const ANSWER_MAX_OUTPUT_TOKENS = 600;
const MAX_QUESTION_CHARS = 500;

export type Move = { action: "probe"; question: string } | { action: "next" };

function transcript(said: readonly Said[]): string {
  return said
    .map((s) => `${s.speaker === "interviewer" ? "Interviewer" : "Respondent"}: ${s.text}`)
    .join("\n\n");
}

/** The interviewer's choice after an answer in `module` (the module's conversation so far). */
export function decisionRequest(
  module: ScriptModule,
  position: { index: number; total: number },
  said: readonly Said[],
  seed: number,
): ModelRequest {
  const probes = module.probes.length
    ? `Follow-up questions the script suggests (use, adapt or ignore them):\n${module.probes.map((p) => `- ${p}`).join("\n")}\n\n`
    : "";
  const user =
    `Topic ${position.index + 1} of ${position.total}: ${module.topic}.\n\n${probes}` +
    `The conversation on this topic so far:\n\n${transcript(said)}\n\n` +
    "Decide what to do next. If there is more to learn here, ask ONE follow-up question that builds " +
    'on the last answer (action "probe", the question in "question"). If this topic is covered, move ' +
    `on (action "next", question ""). Reply with JSON only: ${DECISION_SHAPE}`;
  return {
    messages: [
      { role: "system", content: INTERVIEWER },
      { role: "user", content: user },
    ],
    schema: DECISION_SCHEMA,
    maxOutputTokens: DECISION_MAX_OUTPUT_TOKENS,
    seed,
  };
}

export function checkDecision(reply: CachedResponse, request: ModelRequest): Checked<Move> {
  const parsed = jsonObjectReply(reply.text);
  let problem: string;
  if ("value" in parsed) {
    const { action, question } = parsed.value;
    const text = typeof question === "string" ? question.replace(/\s+/g, " ").trim() : "";
    if (action === "next") return { ok: true, value: { action: "next" } };
    if (action !== "probe") problem = `"action" must be "probe" or "next", got ${JSON.stringify(action)}`;
    else if (text === "") problem = 'a probe needs its question in "question"';
    else if (text.length > MAX_QUESTION_CHARS)
      problem = `the question is longer than ${MAX_QUESTION_CHARS} characters`;
    else return { ok: true, value: { action: "probe", question: text } };
  } else problem = parsed.problem;
  const problems = [{ reason: problem }];
  return { ok: false, problems, again: jsonRepairRequest(request, reply.text, problems, DECISION_SHAPE) };
}

const INTERVIEWEE =
  "You are taking part in a long, friendly interview about your life. Answer each question as this " +
  "person would speak: in the first person, in your own words, a few sentences at a time, with " +
  "concrete details from your life.";

export const ANSWER_SCHEMA = {
  name: "interview_answer",
  schema: {
    type: "object",
    properties: { answer: { type: "string" } },
    required: ["answer"],
    additionalProperties: false,
  },
};

/**
 * A simulated person's answer: their profile, then the whole interview so far as a conversation
 * (the interviewer's questions as user turns, their answers as assistant turns), so each call
 * extends the previous one's prompt (the provider's prompt caching applies).
 */
export function answerRequest(
  profile: string,
  said: readonly Said[],
  seed: number,
  temperature?: number,
): ModelRequest {
  const messages: ChatMessage[] = [{ role: "system", content: `${systemPrompt(profile)}\n\n${INTERVIEWEE}` }];
  for (const s of said) {
    messages.push(
      s.speaker === "interviewer"
        ? { role: "user", content: s.text }
        : { role: "assistant", content: JSON.stringify({ answer: s.text }) },
    );
  }
  const request: ModelRequest = {
    messages,
    schema: ANSWER_SCHEMA,
    maxOutputTokens: ANSWER_MAX_OUTPUT_TOKENS,
    seed,
  };
  if (temperature !== undefined) request.temperature = temperature;
  return request;
}

export function checkAnswer(reply: CachedResponse, request: ModelRequest): Checked<string> {
  const parsed = jsonObjectReply(reply.text);
  let problem: string;
  if ("value" in parsed) {
    const answer = parsed.value.answer;
    if (typeof answer === "string" && answer.trim() !== "") return { ok: true, value: answer.trim() };
    problem = '"answer" must be the answer, in words';
  } else problem = parsed.problem;
  const problems = [{ reason: problem }];
  return {
    ok: false,
    problems,
    again: jsonRepairRequest(request, reply.text, problems, '{"answer": "…"}'),
  };
}

/** Words in a text (for the modules' word budgets). */
export function wordCount(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
