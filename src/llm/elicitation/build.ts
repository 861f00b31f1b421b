import { UserError } from "../../errors/index.ts";
import { answerRule, optionsOf } from "../../instruments/answers.ts";
import type { Question } from "../../instruments/types.ts";
import type { ModelRequest } from "../types.ts";

export type ElicitationMode = "generate" | "distribution";

export interface ElicitationInput {
  /** First-person profile of the simulated person; it opens the prompt so provider prompt caching applies. */
  profile: string;
  questions: Question[];
  mode: ElicitationMode;
  /** Text shown before the questions, e.g. an experimental arm's vignette. */
  context?: string;
}

export const OPTION_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const SCHEMA_NAME = "answers";
/** Room for a letter plus stray whitespace or a period; thinking models need a larger limit. */
export const DISTRIBUTION_MAX_OUTPUT_TOKENS = 5;
export const DISTRIBUTION_TOP_LOGPROBS = 20;

const PERSONA_INSTRUCTIONS =
  "The text above describes you. Answer every question as this person would, in the first person, " +
  "consistent with the description. Do not say that you are an AI.";

export { optionsOf };

function where(q: Question, index: number): string {
  return q?.id ? `question "${q.id}"` : `questions[${index}]`;
}

/** Checks what the prompt and schema rely on, so a bad instrument fails before any call is paid for. */
function checkQuestions(questions: Question[], mode: ElicitationMode): void {
  if (!Array.isArray(questions) || questions.length === 0) throw new UserError("no questions to ask");
  const seen = new Set<string>();
  questions.forEach((q, i) => {
    if (!q || typeof q.id !== "string" || q.id === "")
      throw new UserError("question has no id", { where: where(q, i) });
    if (seen.has(q.id)) throw new UserError("duplicate question id", { where: where(q, i) });
    seen.add(q.id);
    const options = optionsOf(q);
    if ((q.type === "multiple_choice" || q.type === "likert") && !options) {
      throw new UserError(`a ${q.type} question needs options`, { where: where(q, i) });
    }
    if (options && new Set(options).size !== options.length) {
      throw new UserError("options must be distinct", { where: where(q, i) });
    }
    if (q.min !== undefined && q.max !== undefined && q.min > q.max) {
      throw new UserError(`min (${q.min}) is greater than max (${q.max})`, { where: where(q, i) });
    }
    if (q.type === "linear_scale" && !options && (q.min === undefined || q.max === undefined)) {
      throw new UserError("a linear_scale question needs min and max (or options)", { where: where(q, i) });
    }
  });
  if (mode === "distribution") {
    if (questions.length !== 1) {
      throw new UserError(
        `distribution mode asks exactly one closed question per call, got ${questions.length}`,
      );
    }
    const options = optionsOf(questions[0]);
    if (!options) {
      throw new UserError("distribution mode needs a closed question (one with options)", {
        where: where(questions[0], 0),
      });
    }
    if (options.length > OPTION_LETTERS.length) {
      throw new UserError(`distribution mode supports at most ${OPTION_LETTERS.length} options`, {
        where: where(questions[0], 0),
      });
    }
  } else if (mode !== "generate") {
    throw new UserError(`unknown elicitation mode "${String(mode)}": use generate or distribution`);
  }
}

// The same question list gives the same schema object, so consumers can cache per-schema work.
const schemaCache = new WeakMap<Question[], NonNullable<ModelRequest["schema"]>>();

/** `{ "answers": { "<id>": <answer>, … } }`, every item required, nothing else allowed. */
export function answersSchema(questions: Question[]): NonNullable<ModelRequest["schema"]> {
  const cached = schemaCache.get(questions);
  if (cached) return cached;
  const properties: Record<string, unknown> = {};
  for (const q of questions) properties[q.id] = answerRule(q).jsonSchema;
  const schema = {
    name: SCHEMA_NAME,
    schema: {
      type: "object",
      properties: {
        answers: {
          type: "object",
          properties,
          required: questions.map((q) => q.id),
          additionalProperties: false,
        },
      },
      required: ["answers"],
      additionalProperties: false,
    },
  };
  schemaCache.set(questions, schema);
  return schema;
}

function withContext(context: string | undefined, body: string): string {
  return context && context.trim() !== "" ? `${context.trim()}\n\n${body}` : body;
}

// The question part of the prompt per question list and mode: the same for every person asked,
// so a run builds (and checks) it once per item set instead of once per call.
const questionBodies = new WeakMap<Question[], Map<ElicitationMode, string>>();

function questionBody(questions: Question[], mode: ElicitationMode): string {
  let byMode = questionBodies.get(questions);
  let body = byMode?.get(mode);
  if (body !== undefined) return body;
  checkQuestions(questions, mode);
  if (mode === "distribution") {
    const q = questions[0];
    const lines = optionsOf(q)!.map((o, i) => `${OPTION_LETTERS[i]}. ${o}`);
    body = `${q.text}\n${lines.join("\n")}\n\nReply with the letter of your answer only.`;
  } else {
    const items = questions.map((q) => `[${q.id}] ${q.text}\n${answerRule(q).allowed}`);
    body =
      `Answer each of the following questions.\n\n${items.join("\n\n")}\n\n` +
      `Reply with JSON only: {"answers": {"<question id>": <answer>, ...}} with an answer for every question id; ` +
      "give each closed answer exactly as one of its options.";
  }
  if (!byMode) {
    byMode = new Map();
    questionBodies.set(questions, byMode);
  }
  byMode.set(mode, body);
  return body;
}

/** The system message: the person's profile, then how to answer; the same in all of their calls. */
export function systemPrompt(profile: string): string {
  if (typeof profile !== "string" || profile.trim() === "")
    throw new UserError("the simulated person's profile is empty");
  return `${profile.trim()}\n\n${PERSONA_INSTRUCTIONS}`;
}

/** A request without its system message: the same for everyone asked these questions in one arm. */
export type QuestionRequest = Omit<ModelRequest, "messages"> & { user: string };

export function questionRequest(
  questions: Question[],
  mode: ElicitationMode,
  context?: string,
): QuestionRequest {
  const user = withContext(context, questionBody(questions, mode));
  if (mode === "distribution") {
    return { user, topLogprobs: DISTRIBUTION_TOP_LOGPROBS, maxOutputTokens: DISTRIBUTION_MAX_OUTPUT_TOKENS };
  }
  return { user, schema: answersSchema(questions) };
}

/** One model call from a system prompt and a question request. */
export function joinRequest(system: string, part: QuestionRequest): ModelRequest {
  const { user, ...rest } = part;
  return {
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
    ...rest,
  };
}

/** Turns a simulated person's profile and questions into one model call. */
export function buildRequest(input: ElicitationInput): ModelRequest {
  const system = systemPrompt(input.profile);
  return joinRequest(system, questionRequest(input.questions, input.mode, input.context));
}
