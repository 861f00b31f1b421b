import { answerRules, optionsOf } from "../../instruments/answers.ts";
import type { Answer, Question } from "../../instruments/types.ts";
import type { ModelResponse } from "../types.ts";
import { type ElicitationMode, OPTION_LETTERS } from "./build.ts";
import { unfence } from "./json-reply.ts";

export interface ParsedAnswer {
  answer: Answer;
  /** distribution mode: option text → probability (sums to 1), when the provider gave logprobs. */
  probabilities?: Record<string, number>;
}

export interface AnswerProblem {
  /** The question id, when the problem is about one item. */
  item?: string;
  /** Precise and self-contained: it goes verbatim into the repair prompt and the failure record. */
  reason: string;
}

export interface ParsedAnswers {
  answers: Record<string, ParsedAnswer>;
  problems: AnswerProblem[];
  /** Things worth recording that are not errors (e.g. probabilities unavailable). */
  notes: string[];
}

const normalize = (s: string): string => s.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();

function quote(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function parseGenerate(questions: Question[], text: string): ParsedAnswers {
  const out: ParsedAnswers = { answers: {}, problems: [], notes: [] };
  let data: unknown;
  try {
    data = JSON.parse(unfence(text));
  } catch {
    out.problems.push({ reason: `the reply is not valid JSON: ${quote(text.trim())}` });
    return out;
  }
  const root = data as Record<string, unknown> | null;
  let answers: Record<string, unknown> | undefined;
  if (root && typeof root === "object" && !Array.isArray(root)) {
    const inner = root.answers;
    if (inner && typeof inner === "object" && !Array.isArray(inner))
      answers = inner as Record<string, unknown>;
    // Tolerate a bare {"<id>": answer} object, which some servers return when they ignore the schema.
    else if (questions.some((q) => q.id in root)) answers = root;
  }
  if (!answers) {
    out.problems.push({ reason: `the reply has no "answers" object: ${quote(text.trim())}` });
    return out;
  }
  const rules = answerRules(questions);
  for (let i = 0; i < questions.length; i++) {
    const q = questions[i];
    if (!(q.id in answers) || answers[q.id] === null || answers[q.id] === undefined) {
      out.problems.push({ item: q.id, reason: `${q.id}: no answer given` });
      continue;
    }
    const checked = rules[i].check(answers[q.id]);
    if ("answer" in checked) out.answers[q.id] = { answer: checked.answer };
    else out.problems.push({ item: q.id, reason: checked.reason });
  }
  return out;
}

/** "A", " a", "(B", "C." → the letter's index, or -1. */
function letterIndex(token: string, count: number): number {
  const t = token
    .trim()
    .replace(/^[([]/, "")
    .replace(/[.):\]]$/, "");
  if (t.length !== 1) return -1;
  const i = OPTION_LETTERS.indexOf(t.toUpperCase());
  return i < count ? i : -1;
}

function parseDistribution(q: Question, response: ModelResponse): ParsedAnswers {
  const out: ParsedAnswers = { answers: {}, problems: [], notes: [] };
  const options = optionsOf(q)!;
  const letters = OPTION_LETTERS.slice(0, options.length).split("").join(", ");
  // The reply itself must be an answer: first-token probabilities describe the reply the model
  // started to write, and say nothing about an option when that reply is not a letter (a model
  // may start "It depends…" while a letter is among its first-token alternatives).
  const text = response.text.trim();
  const m = /^[([]?([A-Za-z])(?=$|[^A-Za-z])/.exec(text);
  let index = m ? letterIndex(m[1], options.length) : -1;
  if (index < 0) index = options.findIndex((o) => normalize(o) === normalize(text));
  if (index < 0) {
    out.problems.push({ item: q.id, reason: `${q.id}: ${quote(text)} is not one of the letters ${letters}` });
    return out;
  }
  const mass = new Array<number>(options.length).fill(0);
  let total = 0;
  for (const alt of response.firstTokenLogprobs ?? []) {
    const i = letterIndex(alt.token, options.length);
    if (i < 0 || !Number.isFinite(alt.logprob)) continue;
    const p = Math.exp(alt.logprob);
    mass[i] += p; // " A" and "A" are different tokens for the same option
    total += p;
  }
  if (total > 0) {
    const probabilities: Record<string, number> = {};
    let best = 0;
    for (let i = 0; i < options.length; i++) {
      probabilities[options[i]] = mass[i] / total;
      if (mass[i] > mass[best]) best = i;
    }
    out.answers[q.id] = { answer: options[best], probabilities };
    return out;
  }
  out.answers[q.id] = { answer: options[index] };
  out.notes.push(
    response.firstTokenLogprobs?.length
      ? `${q.id}: no option letter among the first-token alternatives; probabilities unavailable, answer taken from the reply text`
      : `${q.id}: probabilities unavailable (no logprobs from the provider); answer taken from the reply text`,
  );
  return out;
}

/** Validates a model's reply against the questions; every failure becomes a precise problem. */
export function parseAnswers(
  questions: Question[],
  mode: ElicitationMode,
  response: ModelResponse,
): ParsedAnswers {
  if (mode === "distribution") return parseDistribution(questions[0], response);
  return parseGenerate(questions, response.text ?? "");
}
